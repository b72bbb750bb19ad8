"""No N+1 in the contribution reads: nested lists cost the same number of statements for 5
or 60 parents on strawberry's path, and one statement on the compiled path."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import StatementCounter
from db.models import EngagementSession, Feedback, Milestone, OpportunitySector, OpportunitySkill
from graph.chapters import ChapterRegistry
from tests import contribution_world as world
from tests import factories, viewers
from tests.conftest import GraphQLClient

SEARCH_PAGE = """
query ($first: Int!) {
  opportunities(first: $first, filter: {search: "census"}) {
    totalCount
    nodes {
      id title status
      poster { handle opportunities(first: 3) { totalCount nodes { title } } }
      institution { slug opportunities(first: 2) { totalCount } }
      sectors { slug }
      skills { minimumLevel skill { slug } }
      applications(first: 5) { totalCount nodes { status applicant { handle } } }
    }
  }
}
"""

ENGAGEMENTS = """
query ($first: Int!) {
  opportunities(first: $first, filter: {search: "census"}) {
    nodes {
      poster {
        contributions(first: 3) { totalCount nodes { minutes sector { slug } } }
      }
    }
  }
}
"""


ENGAGEMENT_PARTS = """
query ($first: Int!) {
  opportunities(first: $first, filter: {search: "census"}) {
    nodes {
      applications(first: 2) { nodes { applicant { handle } opportunity { title } } }
    }
  }
}
"""


async def _census(session: AsyncSession, count: int) -> None:
    """`count` opportunities by distinct posters of one institution, each with a sector, two
    skills, two applications, and an engagement with milestones, sessions and feedback."""
    water = await factories.sector(session, slug="census-water")
    skills = [await factories.skill(session, slug=f"census-skill-{n}") for n in range(2)]
    university = await factories.institution(session, slug="census-uni")
    for number in range(count):
        poster = await factories.engineer(session)
        target = await world.opportunity(
            session, poster, title=f"Census {number}", institution_id=university.id
        )
        await world.add(session, OpportunitySector(opportunity_id=target.id, sector_id=water.id))
        for skill in skills:
            await world.add(
                session,
                OpportunitySkill(
                    opportunity_id=target.id, skill_id=skill.id, minimum_level="BEGINNER"
                ),
            )
        for _ in range(2):
            await world.application(session, target, await factories.engineer(session))
        engagement = await world.engagement(
            session, await factories.engineer(session), poster, opportunity_id=target.id
        )
        session.add_all(
            [
                Milestone(engagement_id=engagement.id, title="M", due_on=date(2025, 1, 1)),
                EngagementSession(
                    engagement_id=engagement.id,
                    held_on=date(2025, 1, 2),
                    minutes=30,
                    notes="n",
                    attendee_ids=[poster.id],
                ),
                Feedback(
                    engagement_id=engagement.id,
                    author_id=poster.id,
                    subject_id=engagement.contributor_id,
                    rating=5,
                ),
            ]
        )
    await session.flush()


async def test_opportunity_pages_cost_the_same_statements_for_any_page_size(
    session: AsyncSession,
    graphql: GraphQLClient,
    statements: StatementCounter,
    registry: ChapterRegistry,
) -> None:
    # Given 60 opportunities with every nested record, read by an engineer
    await _census(session, 60)
    reader = await viewers.engineer(session, registry, await factories.engineer(session))
    counts = {}
    for document in (SEARCH_PAGE, ENGAGEMENTS):
        for size in (5, 60):
            await session.flush()
            statements.reset()
            data = await graphql.data(document, {"first": size}, reader)
            assert len(data["opportunities"]["nodes"]) == size
            counts[(document, size)] = statements.count
    # Then strawberry's path sends as many statements for 60 as for 5 (one per loader)
    assert counts[(SEARCH_PAGE, 5)] == counts[(SEARCH_PAGE, 60)]
    assert counts[(ENGAGEMENTS, 5)] == counts[(ENGAGEMENTS, 60)]
    # page + total, poster, their opportunities (page, total), institution, its opportunities
    # (page, total), sectors, skills, skill by id, applications (page, total), applicants
    assert counts[(SEARCH_PAGE, 60)] <= 14, counts
    assert counts[(ENGAGEMENTS, 60)] <= 4, counts
