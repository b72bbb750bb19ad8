"""Payload objects with a Python field below them: the object is compiled, the Python field
resolved for it (graph.compiler.python_fields), and the objects under the Python field compiled
too — the same answer and errors as strawberry's resolvers give."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from strawberry.types import ExecutionResult

from db.engine import StatementCounter
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import contribution_world as world
from tests import factories, viewers
from tests.conftest import GraphQLClient

CREATE = """
mutation ($input: OpportunityCreateInput!, $first: Int!) {
  opportunityCreate(input: $input) {
    opportunity {
      title status
      matches(first: $first) {
        edges { score explanation node { handle name skills { level } } }
        pageInfo { hasNextPage }
      }
    }
    userErrors { field code }
  }
}
"""
SUBMIT = """
mutation ($input: ApplicationSubmitInput!) {
  applicationSubmit(input: $input) {
    application {
      status
      opportunity { title matches(first: 3) { edges { node { handle } } } }
    }
    userErrors { code }
  }
}
"""
NEW = {
    "kind": "MENTORSHIP",
    "title": "Mentor a water engineer",
    "hoursPerMonth": 4,
    "durationMonths": 6,
}


async def _both(
    graphql: GraphQLClient,
    connection: AsyncConnection,
    document: str,
    variables: dict[str, Any],
    viewer: Viewer,
) -> tuple[ExecutionResult, ExecutionResult, tuple[int, int]]:
    """The mutation run by strawberry's resolvers alone (then rolled back), and compiled; the
    objects and statements the compiled run read."""
    plain = GraphQLClient(
        graphql.sessionmaker, graphql.session, graphql.registry, compiled_mutations=False
    )
    nested = await connection.begin_nested()
    expected = await plain.execute(document, variables, viewer)
    await nested.rollback()
    before = (graphql.objects.completed, graphql.objects.statements)
    answered = await graphql.execute(document, variables, viewer)
    read = (graphql.objects.completed - before[0], graphql.objects.statements - before[1])
    return expected, answered, read


async def test_a_payload_object_with_a_python_field_and_its_matches_are_compiled(
    graphql: GraphQLClient,
    session: AsyncSession,
    registry: ChapterRegistry,
    connection: AsyncConnection,
) -> None:
    # Given a poster and engineers who could contribute
    poster = await factories.engineer(session, offers=[])
    for _ in range(4):
        await factories.engineer(session)
    as_poster = await viewers.engineer(session, registry, poster)
    # When the poster creates an opportunity and reads its matches in the payload
    for first in (1, 3):
        variables = {"input": NEW, "first": first}
        expected, answered, read = await _both(graphql, connection, CREATE, variables, as_poster)
        # Then the answer is strawberry's; the opportunity and every matched engineer were
        # read by SQL: one statement for the opportunity, one for the engineers
        assert answered.errors is None
        assert expected.errors is None
        assert answered.data is not None
        assert answered.data == expected.data
        edges = answered.data["opportunityCreate"]["opportunity"]["matches"]["edges"]
        assert len(edges) == first
        assert read == (1 + first, 2)


async def test_a_python_fields_error_in_a_payload_reads_as_strawberrys(
    graphql: GraphQLClient,
    session: AsyncSession,
    registry: ChapterRegistry,
    connection: AsyncConnection,
) -> None:
    # Given someone else's published opportunity
    seeker = await factories.engineer(session, offers=[])
    contributor = await factories.engineer(session)
    target = await world.opportunity(session, seeker)
    as_contributor = await viewers.engineer(session, registry, contributor)
    variables = {
        "input": {"opportunity": encode_id("Opportunity", target.id), "message": "Glad to."}
    }
    # When a contributor applies and asks for the opportunity's matches (the seeker's only)
    expected, answered, _ = await _both(graphql, connection, SUBMIT, variables, as_contributor)
    # Then the refusal reads as strawberry's: message, code, path, locations and the nulls
    assert expected.errors is not None
    assert answered.errors is not None
    assert [error.formatted for error in answered.errors] == [
        error.formatted for error in expected.errors
    ]
    assert (answered.errors[0].extensions or {})["code"] == "FORBIDDEN"
    assert answered.data == expected.data


MATCHES = """
query ($id: ID!, $first: Int!) {
  node(id: $id) {
    ... on Opportunity {
      title
      matches(first: $first) { edges { score node { handle name sectors { slug } } } }
    }
  }
}
"""


async def test_the_engineers_under_a_querys_matches_are_compiled(
    graphql: GraphQLClient,
    session: AsyncSession,
    registry: ChapterRegistry,
    statements: StatementCounter,
) -> None:
    # Given an opportunity and engineers who could contribute
    seeker = await factories.engineer(session, offers=[])
    contributors = {(await factories.engineer(session)).handle for _ in range(4)}
    target = await world.opportunity(session, seeker)
    as_seeker = await viewers.engineer(session, registry, seeker)
    counts = []
    for first in (1, 4):
        variables = {"id": encode_id("Opportunity", target.id), "first": first}
        # When the seeker reads its matches
        statements.reset()
        before = (graphql.objects.completed, graphql.objects.statements)
        answered = await graphql.data(MATCHES, variables, as_seeker)
        read = (graphql.objects.completed - before[0], graphql.objects.statements - before[1])
        counts.append(statements.count + read[1])
        # Then the best matches are among the contributors, best first, and the matched
        # engineers came from one statement
        edges = answered["node"]["matches"]["edges"]
        assert len(edges) == first
        assert {edge["node"]["handle"] for edge in edges} <= contributors
        assert [edge["score"] for edge in edges] == sorted(
            (edge["score"] for edge in edges), reverse=True
        )
        assert read == (first, 1)
    assert counts[0] == counts[1], counts
