"""Mentorship programme reads: programmes are public; applications for the applicant and the
coordinators; pairs for the coordinators and, once published, the pair itself; the report
for coordinators; the same through node, nodes and the programme's connections; no N+1."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import StatementCounter
from db.models import Engagement, EngagementSession, Feedback, MentorshipPair
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from graph.services import cohort
from tests import programme_world, viewers
from tests.conftest import GraphQLClient
from tests.programme_world import ProgrammeWorld

PROGRAMMES = """
query ($first: Int!) {
  mentorshipProgrammes(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id name description format status startsOn endsOn capacity hoursPerMonth questions
        mentorApplicationsOpenAt mentorApplicationsCloseAt
        menteeApplicationsOpenAt menteeApplicationsCloseAt createdAt proposedAt publishedAt
        chapter { slug } institution { slug }
        applications(first: 10) {
          totalCount nodes { id role status slots answers decidedAt applicant { handle } }
        }
        pairs(first: 10) {
          totalCount
          nodes {
            id score explanation manual engagementStatus
            mentor { handle } mentee { handle } programme { name }
          }
        }
        report {
          pairs mentors engagements completedEngagements completionRate sessionsHeld hours
          feedbackCount averageRating
        }
      }
    }
  }
}
"""
PROGRAMME_NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on MentorshipProgramme {
      name status
      applications(first: 5) { totalCount nodes { role applicant { handle } } }
      pairs(first: 5) { totalCount nodes { mentee { handle } } }
      report { pairs sessionsHeld hours completionRate averageRating }
    }
    ... on MentorshipApplication { role applicationStatus: status slots answers programme { name } }
    ... on MentorshipPair { score explanation mentor { handle } mentee { handle } }
  }
}
"""
PROGRAMME_NODES = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename id
    ... on MentorshipApplication { role applicant { handle } }
    ... on MentorshipPair { mentor { handle } engagementStatus }
  }
}
"""
PAIR_PAGES = """
query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  node(id: $id) {
    ... on MentorshipProgramme {
      pairs(first: $first, after: $after, last: $last, before: $before) {
        totalCount
        edges { cursor node { mentee { handle } } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}
"""


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> ProgrammeWorld:
    """The people of tests/programme_world.py."""
    return await programme_world.build(session, registry)


def _id(row: Any) -> str:
    return encode_id(type(row).__name__, row.id)


async def _published(session: AsyncSession, world: ProgrammeWorld) -> Any:
    """A published programme: pairs with engagements, one completed with a session and
    feedback."""
    row, applications = await programme_world.accepted_cohort(session, world)
    coordinator = world.viewers["coordinator"]
    await cohort.propose(session, coordinator, row.id, request_id="t")
    await cohort.publish(session, coordinator, row.id, request_id="t")
    engagement = await session.get_one(
        Engagement, (await session.scalars(_pairs_of(row.id))).first()
    )
    engagement.status = "COMPLETED"
    engagement.completed_at = datetime.now(UTC)
    session.add(
        EngagementSession(
            engagement_id=engagement.id,
            held_on=date.today(),
            minutes=90,
            attendee_ids=[engagement.contributor_id, engagement.seeker_id],
        )
    )
    session.add(
        Feedback(
            engagement_id=engagement.id,
            author_id=engagement.seeker_id,
            subject_id=engagement.contributor_id,
            rating=4,
        )
    )
    await session.flush()
    return row, applications


def _pairs_of(programme_id: int) -> Any:
    return (
        select(MentorshipPair.engagement_id)
        .where(MentorshipPair.programme_id == programme_id)
        .order_by(MentorshipPair.id)
    )


def _programme(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(
        edge["node"]
        for edge in data["mentorshipProgrammes"]["edges"]
        if edge["node"]["name"] == name
    )


async def test_coordinators_see_everything_and_the_report(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession
) -> None:
    await _published(session, world)
    data = await graphql.data(PROGRAMMES, {"first": 10}, world.viewers["coordinator"])
    programme = _programme(data, "Gulf Water & Grid Mentoring")
    assert programme["status"] == "PUBLISHED"
    assert programme["applications"]["totalCount"] == 7
    assert programme["pairs"]["totalCount"] == 4
    assert {pair["engagementStatus"] for pair in programme["pairs"]["nodes"]} == {
        "ACTIVE",
        "COMPLETED",
    }
    assert programme["report"] == {
        "pairs": 4,
        "mentors": 3,
        "engagements": 4,
        "completedEngagements": 1,
        "completionRate": 0.25,
        "sessionsHeld": 1,
        "hours": 1.5,
        "feedbackCount": 1,
        "averageRating": 4.0,
    }


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "staff"])
async def test_others_see_the_programme_but_not_its_people(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession, who: str
) -> None:
    await _published(session, world)
    data = await graphql.data(PROGRAMMES, {"first": 10}, world.viewers[who])
    programme = _programme(data, "Gulf Water & Grid Mentoring")
    assert programme["chapter"] == {"slug": "gulf-uae"}
    assert programme["applications"] == {"totalCount": 0, "nodes": []}
    assert programme["pairs"] == {"totalCount": 0, "nodes": []}
    assert programme["report"] is None


async def test_a_mentee_sees_their_application_and_their_pair_once_published(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession
) -> None:
    row, _ = await programme_world.accepted_cohort(session, world)
    await cohort.propose(session, world.viewers["coordinator"], row.id, request_id="t")
    mentee = world.viewers["mentee-w"]
    before = await graphql.data(PROGRAMME_NODE, {"id": _id(row)}, mentee)
    assert before["node"]["applications"]["nodes"] == [
        {"role": "MENTEE", "applicant": {"handle": "pg-mentee-w"}}
    ]
    assert before["node"]["pairs"]["totalCount"] == 0
    await cohort.publish(session, world.viewers["coordinator"], row.id, request_id="t")
    after = await graphql.data(PROGRAMME_NODE, {"id": _id(row)}, mentee)
    assert after["node"]["pairs"] == {
        "totalCount": 1,
        "nodes": [{"mentee": {"handle": "pg-mentee-w"}}],
    }
    assert after["node"]["report"] is None


async def test_node_and_nodes_apply_the_same_rules(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession
) -> None:
    row, applications = await programme_world.accepted_cohort(session, world)
    await cohort.propose(session, world.viewers["coordinator"], row.id, request_id="t")
    pair = (
        await session.scalars(
            select(MentorshipPair).where(
                MentorshipPair.mentee_application_id == applications["mentee-w"].id
            )
        )
    ).one()
    ids = [_id(applications["mentee-w"]), _id(applications["mentor-a"]), _id(pair)]
    allowed = {
        "coordinator": [True, True, True],
        "mentee-w": [True, False, False],
        "mentor-a": [False, True, False],
        "outsider": [False, False, False],
        "anonymous": [False, False, False],
    }
    for who, expected in allowed.items():
        data = await graphql.data(PROGRAMME_NODES, {"ids": ids}, world.viewers[who])
        assert [node is not None for node in data["nodes"]] == expected, who
        for key, shown in zip(ids, expected, strict=True):
            found = await graphql.data(PROGRAMME_NODE, {"id": key}, world.viewers[who])
            assert (found["node"] is not None) == shown, (who, key)
    # once published, the pair's own mentor sees it too
    await cohort.publish(session, world.viewers["coordinator"], row.id, request_id="t")
    data = await graphql.data(PROGRAMME_NODES, {"ids": ids}, world.viewers["mentor-a"])
    assert data["nodes"][2] == {
        "__typename": "MentorshipPair",
        "id": _id(pair),
        "mentor": {"handle": "pg-mentor-a"},
        "engagementStatus": "ACTIVE",
    }


async def test_pairs_page_both_ways(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession
) -> None:
    row, _ = await programme_world.accepted_cohort(session, world)
    await cohort.propose(session, world.viewers["coordinator"], row.id, request_id="t")
    coordinator = world.viewers["coordinator"]
    first = await graphql.data(PAIR_PAGES, {"id": _id(row), "first": 3}, coordinator)
    pairs = first["node"]["pairs"]
    assert pairs["totalCount"] == 4
    assert pairs["pageInfo"]["hasNextPage"] is True
    rest = await graphql.data(
        PAIR_PAGES,
        {"id": _id(row), "first": 3, "after": pairs["pageInfo"]["endCursor"]},
        coordinator,
    )
    assert len(rest["node"]["pairs"]["edges"]) == 1
    back = await graphql.data(
        PAIR_PAGES,
        {"id": _id(row), "last": 2, "before": pairs["pageInfo"]["endCursor"]},
        coordinator,
    )
    assert [edge["cursor"] for edge in back["node"]["pairs"]["edges"]] == [
        edge["cursor"] for edge in pairs["edges"][:2]
    ]


async def test_nested_programme_reads_do_not_grow_with_programmes(
    graphql: GraphQLClient,
    world: ProgrammeWorld,
    session: AsyncSession,
    statements: StatementCounter,
    registry: ChapterRegistry,
) -> None:
    await _published(session, world)
    admin = world.engineers["coordinator"]
    viewer = await viewers.engineer(session, registry, admin)
    statements.reset()
    small = await graphql.data(PROGRAMMES, {"first": 1}, viewer)
    small_count = statements.count
    for _ in range(3):
        await programme_world.accepted_cohort(session, world, name="Another cohort")
    statements.reset()
    large = await graphql.data(PROGRAMMES, {"first": 10}, viewer)
    large_count = statements.count
    assert len(small["mentorshipProgrammes"]["edges"]) == 1
    assert len(large["mentorshipProgrammes"]["edges"]) == 4
    assert small_count == large_count
    assert large_count == 1, statements.statements
