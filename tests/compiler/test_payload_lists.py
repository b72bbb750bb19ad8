"""Objects inside lists in mutation payloads: one compiled `nodes(ids:)` statement per list,
the same answer as strawberry's resolvers give."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.engine import StatementCounter
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import programme_world
from tests.conftest import GraphQLClient
from tests.programme_world import ProgrammeWorld

PROPOSE = """
mutation ($input: MentorshipCohortInput!) {
  mentorshipCohortPropose(input: $input) { userErrors { code } }
}
"""
PUBLISH = """
mutation ($input: MentorshipCohortInput!) {
  mentorshipCohortPublish(input: $input) { userErrors { code } }
}
"""
GROUP_SESSION = """
mutation ($input: MentorshipGroupSessionLogInput!) {
  mentorshipGroupSessionLog(input: $input) {
    session {
      minutes notes
      loggedBy { handle }
      attendees {
        ...Attendee
        sectors { slug }
        contributionSummary { total { minutes engagements } byKind { kind } }
      }
    }
    userErrors { field code }
  }
}
fragment Attendee on Engineer { id handle name countryCode email isOverseas }
"""


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> ProgrammeWorld:
    """The people of tests/programme_world.py."""
    return await programme_world.build(session, registry)


async def _published(graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession) -> str:
    """A GROUP programme with its cohort published: mentor-a mentors mentee-w and mentee-x."""
    row, _ = await programme_world.accepted_cohort(session, world, format="GROUP")
    programme = encode_id("MentorshipProgramme", row.id)
    coordinator = world.viewers["coordinator"]
    await graphql.data(PROPOSE, {"input": {"programme": programme}}, coordinator)
    await graphql.data(PUBLISH, {"input": {"programme": programme}}, coordinator)
    return programme


def _given(programme: str, attendees: list[str] | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "programme": programme,
        "heldOn": date.today().isoformat(),
        "minutes": 60,
        "notes": "Pump sizing",
    }
    if attendees is not None:
        values["attendees"] = attendees
    return {"input": values}


async def test_a_payloads_list_reads_as_strawberry_reads_it_from_one_statement(
    graphql: GraphQLClient,
    world: ProgrammeWorld,
    session: AsyncSession,
    connection: AsyncConnection,
) -> None:
    # Given a published group cohort
    programme = await _published(graphql, world, session)
    mentor = world.viewers["mentor-a"]
    # When the mentor logs a session, once with the payload read by strawberry's resolvers
    # and once compiled (the same write, rolled back in between)
    plain = GraphQLClient(graphql.sessionmaker, session, graphql.registry, compiled_mutations=False)
    nested = await connection.begin_nested()
    expected = await plain.data(GROUP_SESSION, _given(programme, None), mentor)
    await nested.rollback()
    before = (graphql.objects.completed, graphql.objects.statements)
    answered = await graphql.data(GROUP_SESSION, _given(programme, None), mentor)
    # Then the answers are the same, and the session, its logger and its three attendees
    # came from one statement (the session is a node type read by SQL)
    assert answered == expected
    attendees = answered["mentorshipGroupSessionLog"]["session"]["attendees"]
    handles = sorted(item["handle"] for item in attendees)
    assert handles == ["pg-mentee-w", "pg-mentee-x", "pg-mentor-a"]
    completed = graphql.objects.completed - before[0]
    statements = graphql.objects.statements - before[1]
    assert (completed, statements) == (1, 1)


async def test_the_statement_count_does_not_grow_with_the_list(
    graphql: GraphQLClient,
    world: ProgrammeWorld,
    session: AsyncSession,
    statements: StatementCounter,
) -> None:
    programme = await _published(graphql, world, session)
    mentor = world.viewers["mentor-a"]
    counts = []
    lengths = []
    for attendees in ([world.engineer_id("mentee-w")], None):
        statements.reset()
        before = graphql.objects.statements
        data = await graphql.data(GROUP_SESSION, _given(programme, attendees), mentor)
        lengths.append(len(data["mentorshipGroupSessionLog"]["session"]["attendees"]))
        counts.append(statements.count + graphql.objects.statements - before)
    assert lengths == [2, 3]
    assert counts[0] == counts[1], counts
