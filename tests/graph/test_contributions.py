"""Engineer.contributions and Engineer.contributionSummary: the ledger read back, its totals
equal to the countersigned work summed from the sessions and milestones themselves."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import EngagementSession, Engineer, Milestone
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from graph.services import ledger
from tests import contribution_world as world
from tests import factories, viewers
from tests.conftest import GraphQLClient
from tests.graph.test_engagement_work import COUNTERSIGN_MILESTONE, COUNTERSIGN_SESSION

CONTRIBUTIONS = """
query ($handle: String!, $first: Int, $after: String) {
  engineer(handle: $handle) {
    contributions(first: $first, after: $after) {
      totalCount
      edges { cursor node { id kind minutes hours cpdPoints occurredOn sector { slug } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

LEDGER_NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on LedgerEntry { kind minutes occurredOn counterpart { handle } }
  }
}
"""

SUMMARY = """
query ($handle: String!) {
  engineer(handle: $handle) {
    contributionSummary {
      total { hours minutes engagements cpdPoints }
      badges { slug name description }
      byKind { kind totals { minutes engagements cpdPoints } }
      byYear { year totals { minutes engagements } }
    }
  }
}
"""


async def _work(
    session: AsyncSession, contributor: Engineer, seeker: Engineer, kind: str, year: int
) -> tuple[list[EngagementSession], list[Milestone]]:
    """An engagement with three sessions and two DONE milestones, none countersigned yet."""
    engagement = await world.engagement(session, contributor, seeker, kind=kind)
    sessions = [
        await world.add(
            session,
            EngagementSession(
                engagement_id=engagement.id,
                held_on=date(year, month, 3),
                minutes=25 * month,
                notes="",
                attendee_ids=[contributor.id],
                logged_by_id=contributor.id,
            ),
        )
        for month in (1, 2, 3)
    ]
    milestones = [
        await world.add(
            session,
            Milestone(
                engagement_id=engagement.id,
                title=f"Step {number}",
                due_on=date(year, 6, number + 1),
                minutes=100 + number,
                status="DONE",
            ),
        )
        for number in (1, 2)
    ]
    return sessions, milestones


async def test_ledger_totals_equal_the_countersigned_work_summed_both_ways(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given a contributor with work in two engagements of different kinds and years, part of
    # it countersigned by the seeker through the API, part not
    contributor = await factories.engineer(session)
    seeker = await factories.engineer(session)
    as_seeker = await viewers.engineer(session, registry, seeker)
    mentoring = await _work(session, contributor, seeker, "MENTORSHIP", 2024)
    consulting = await _work(session, contributor, seeker, "CONSULTANCY", 2025)
    for sessions, milestones in (mentoring, consulting):
        for logged in sessions[:2]:
            variables = {"input": {"session": encode_id("EngagementSession", logged.id)}}
            signed = await graphql.data(COUNTERSIGN_SESSION, variables, as_seeker)
            assert signed["engagementCountersignSession"]["userErrors"] == []
        variables = {"input": {"milestone": encode_id("EngagementMilestone", milestones[0].id)}}
        signed = await graphql.data(COUNTERSIGN_MILESTONE, variables, as_seeker)
        assert signed["engagementCountersignMilestone"]["userErrors"] == []

    # When the ledger is read as a paged list and as a summary
    entries = []
    after = None
    while True:
        page = (
            await graphql.data(
                CONTRIBUTIONS, {"handle": contributor.handle, "first": 2, "after": after}
            )
        )["engineer"]["contributions"]
        entries += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    summary = (await graphql.data(SUMMARY, {"handle": contributor.handle}))["engineer"][
        "contributionSummary"
    ]

    # Then both equal the countersigned sessions and milestones summed from the work itself
    worked = await ledger.countersigned_minutes(session, contributor.id)
    expected = (25 + 50 + 101) * 2
    assert worked == expected
    assert sum(entry["minutes"] for entry in entries) == expected
    assert summary["total"]["minutes"] == expected
    assert summary["total"]["hours"] == round(expected / 60, 2)
    assert summary["total"]["engagements"] == 2
    assert len(entries) == page["totalCount"] == 6
    points = sum(entry["cpdPoints"] for entry in entries)
    assert abs(summary["total"]["cpdPoints"] - points) < 0.01
    assert {k["kind"]: k["totals"]["minutes"] for k in summary["byKind"]} == {
        "CONSULTANCY": 176,
        "MENTORSHIP": 176,
    }
    # (sessions count in the year they were held, milestones when countersigned)
    this_year = datetime.now(UTC).year
    assert [(y["year"], y["totals"]["minutes"]) for y in summary["byYear"]] == [
        (this_year, 202),
        (2025, 75),
        (2024, 75),
    ]
    assert [badge["slug"] for badge in summary["badges"]] == ["first-contribution"]
    one = (await graphql.data(LEDGER_NODE, {"id": entries[0]["id"]}))["node"]
    assert one["minutes"] == entries[0]["minutes"]
    assert one["counterpart"] == {"handle": seeker.handle}
    occurred = [entry["occurredOn"] for entry in entries]
    assert occurred == sorted(occurred, reverse=True)
    # (and the sum of the work itself, straight from the rows)
    direct = await session.scalar(
        select(func.sum(EngagementSession.minutes)).where(
            EngagementSession.countersigned_at.is_not(None),
            EngagementSession.countersigned_at <= datetime.now(UTC),
        )
    )
    assert direct == 2 * (25 + 50)
