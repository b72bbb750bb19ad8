"""No N+1 in project supervision reads: a topic's teams with their members, supervisors,
revisions, milestones, deliverables and assessment cost the same number of statements for
few or many teams, on both paths (the compiled one answers in one)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import StatementCounter
from db.models import (
    AssessmentScore,
    ProjectAssessment,
    ProjectDeliverable,
    ProjectMilestone,
    RubricCriterion,
)
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import factories, viewers
from tests import supervision_world as world
from tests.conftest import GraphQLClient

TOPIC_TEAMS_DEEP = """
query ($id: ID!, $teams: Int!) {
  node(id: $id) {
    ... on Opportunity {
      projectTeams(first: $teams) {
        totalCount
        nodes {
          name proposalStatus isProposalOverdue isOverdue
          topic { title }
          members { role status engineer { handle } }
          supervisors { handle }
          revisions { number status submittedBy { handle } decidedBy { handle } }
          latestRevision { number }
          milestones {
            title isOverdue
            deliverables { version isLate submittedBy { handle } }
            latestDeliverable { url }
          }
          assessment {
            total assessor { handle } rubric { name criteria { title } }
            scores { score criterion { title weight } }
          }
        }
      }
    }
  }
}
"""


async def test_nested_team_reads_do_not_grow_with_the_number_of_teams(
    session: AsyncSession,
    graphql: GraphQLClient,
    statements: StatementCounter,
    registry: ChapterRegistry,
) -> None:
    # Given a topic with six teams, each with revisions, milestones, deliverables, assessment
    given = await world.topic(session)
    rubric = await world.rubric(session, given.university)
    criteria = list(
        await session.scalars(select(RubricCriterion).where(RubricCriterion.rubric_id == rubric.id))
    )
    teams = [given.team]
    for number in range(5):
        lead = await factories.engineer(session, handle=f"count-team-{number}")
        teams.append(await world.team_of(session, given.topic, lead, name=f"Count {number}"))
    for team in teams:
        team.proposal_status = "APPROVED"
        await world.revision(
            session,
            team,
            1,
            status="CHANGES_REQUESTED",
            decided_at=datetime.now(UTC),
            decided_by_id=given.poster.id,
        )
        await world.revision(
            session,
            team,
            2,
            status="APPROVED",
            decided_at=datetime.now(UTC),
            decided_by_id=given.poster.id,
        )
        for index in range(2):
            milestone = ProjectMilestone(
                team_id=team.id,
                title=f"Milestone {index}",
                due_at=datetime.now(UTC) + timedelta(days=index - 1),
            )
            session.add(milestone)
            await session.flush()
            session.add(
                ProjectDeliverable(milestone_id=milestone.id, version=1, url="https://x.org/1")
            )
        assessment = ProjectAssessment(
            team_id=team.id, rubric_id=rubric.id, assessor_id=given.poster.id, total=Decimal("50")
        )
        session.add(assessment)
        await session.flush()
        session.add_all(
            [
                AssessmentScore(assessment_id=assessment.id, criterion_id=row.id, score=Decimal(50))
                for row in criteria
            ]
        )
    await session.flush()
    viewer = await viewers.engineer(session, registry, given.poster)
    topic = encode_id("Opportunity", given.topic.id)

    statements.reset()
    small = await graphql.data(TOPIC_TEAMS_DEEP, {"id": topic, "teams": 2}, viewer)
    small_count = statements.count
    statements.reset()
    large = await graphql.data(TOPIC_TEAMS_DEEP, {"id": topic, "teams": 6}, viewer)
    large_count = statements.count
    nodes = large["node"]["projectTeams"]["nodes"]
    assert len(nodes) == 6
    assert len(small["node"]["projectTeams"]["nodes"]) == 2
    assert all(len(node["milestones"]) == 2 for node in nodes)
    assert all(len(node["assessment"]["scores"]) == 3 for node in nodes)
    assert small_count == large_count, statements.statements
    assert large_count <= 2, statements.statements
