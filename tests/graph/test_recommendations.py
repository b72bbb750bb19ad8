"""viewer.recommendedOpportunities: the other direction of matching, in one statement."""

from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import StatementCounter
from db.models import Invitation
from graph.chapters import ChapterRegistry
from tests import contribution_world as world
from tests import factories, viewers
from tests.conftest import GraphQLClient

RECOMMENDED = """
query ($first: Int, $after: String) {
  viewer {
    recommendedOpportunities(first: $first, after: $after) {
      edges {
        cursor score explanation
        factors { name weight value contribution }
        node { id title status kind }
      }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""


async def test_a_contributor_pages_through_what_they_may_see_and_have_room_for(
    graphql: GraphQLClient,
    session: AsyncSession,
    registry: ChapterRegistry,
    statements: StatementCounter,
) -> None:
    # Given a contributor who offers mentorship, and opportunities of several sorts
    seeker = await factories.engineer(session, offers=[])
    contributor = await factories.engineer(session, offers=["MENTORSHIP"])
    wanted = [
        await world.opportunity(session, seeker, title=f"Mentor cohort {number}")
        for number in range(3)
    ]
    await world.opportunity(session, seeker, title="Consult on a grid", kind="CONSULTANCY")
    await world.opportunity(session, seeker, title="Secret call", visibility="INVITED")
    invited = await world.opportunity(session, seeker, title="Invited call", visibility="INVITED")
    await world.add(session, Invitation(opportunity_id=invited.id, engineer_id=contributor.id))
    await world.opportunity(session, seeker, title="Too big", hours_per_month=150)
    applied = await world.opportunity(session, seeker, title="Already applied")
    await world.application(session, applied, contributor)
    await world.opportunity(session, seeker, title="A draft", status="DRAFT")
    as_contributor = await viewers.engineer(session, registry, contributor)

    # When they page two at a time
    titles: list[str] = []
    after = None
    scores: list[float] = []
    for _ in range(5):
        await session.flush()
        statements.reset()
        data = await graphql.data(RECOMMENDED, {"first": 2, "after": after}, as_contributor)
        page = data["viewer"]["recommendedOpportunities"]
        titles += [edge["node"]["title"] for edge in page["edges"]]
        scores += [edge["score"] for edge in page["edges"]]
        assert all(len(edge["factors"]) == 8 for edge in page["edges"])
        assert statements.count == 2  # the matching statement, then the rows of the page
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    # Then they see the open mentorships they may see and have room for, best first, once each
    assert sorted(titles) == sorted([row.title for row in wanted] + [invited.title])
    assert scores == sorted(scores, reverse=True)


async def test_recommendations_need_a_signed_in_engineer(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    anonymous = await graphql.execute(RECOMMENDED, {"first": 2})
    assert anonymous.errors is not None
    assert anonymous.errors[0].extensions["code"] == "UNAUTHENTICATED"
    engineer = await factories.engineer(session)
    allowed = await graphql.data(
        RECOMMENDED, {"first": 2}, await viewers.engineer(session, registry, engineer)
    )
    assert allowed["viewer"]["recommendedOpportunities"]["edges"] == []
    bad = await graphql.execute(
        RECOMMENDED,
        {"first": 2, "after": "not-a-cursor"},
        await viewers.engineer(session, registry, engineer),
    )
    assert bad.errors is not None
    assert bad.errors[0].extensions["code"] == "BAD_USER_INPUT"
