"""first/last are required and bounded, checked before any resolver runs."""

import pytest

from db.engine import StatementCounter
from tests.conftest import GraphQLClient

ENGINEERS_VARIABLE = "query ($n: Int) { engineers(first: $n) { totalCount } }"
NESTED_MEMBERS = """
query ($n: Int) { chapters(first: 2) { nodes { members(first: $n) { totalCount } } } }
"""


@pytest.mark.parametrize("size", [1, 100])
async def test_sizes_at_the_bounds_pass(graphql: GraphQLClient, size: int) -> None:
    result = await graphql.execute(ENGINEERS_VARIABLE, {"n": size})
    assert result.errors is None


@pytest.mark.parametrize(
    "document",
    [
        "{ engineers(first: 101) { totalCount } }",
        "{ engineers(first: 0) { totalCount } }",
        "{ engineers(last: -1) { totalCount } }",
        "{ engineers { totalCount } }",
        "{ engineers(first: 5, last: 5) { totalCount } }",
        "{ chapters(first: 1) { nodes { members(first: 500) { totalCount } } } }",
        '{ engineer(handle: "x") { chapters { totalCount } } }',
    ],
)
async def test_literal_out_of_range_or_missing_is_rejected_before_execution(
    graphql: GraphQLClient, statements: StatementCounter, document: str
) -> None:
    statements.reset()
    result = await graphql.execute(document)
    assert result.data is None
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert statements.count == 0, "nothing may execute"


@pytest.mark.parametrize("size", [0, 101, None])
async def test_variable_out_of_range_is_rejected_before_execution(
    graphql: GraphQLClient, statements: StatementCounter, size: int | None
) -> None:
    statements.reset()
    result = await graphql.execute(NESTED_MEMBERS, {"n": size})
    assert result.data is None
    assert result.errors is not None
    message = result.errors[0].message
    assert "Chapter.members" in message
    assert statements.count == 0


async def test_error_names_the_bounds(graphql: GraphQLClient) -> None:
    result = await graphql.execute("{ engineers(first: 1000) { totalCount } }")
    assert result.errors is not None
    assert result.errors[0].message.startswith("`first` must be between 1 and 100, got 1000.")
    assert result.errors[0].extensions["maximum"] == 100


async def test_a_cached_valid_verdict_does_not_admit_other_values(graphql: GraphQLClient) -> None:
    # The verdict and the cost are cached per document and page-variable values: a valid
    # size seen first must not let a later invalid one through, nor lend it its cost.
    document = (
        "query ($n: Int) { chapters(first: 2) { nodes { members(first: $n) { nodes { role } } } } }"
    )
    first = await graphql.execute(document, {"n": 5})
    refused = await graphql.execute(document, {"n": 101})
    again = await graphql.execute(document, {"n": 5})
    bigger = await graphql.execute(document, {"n": 50})

    assert first.errors is None
    assert again.errors is None
    assert refused.errors is not None
    assert refused.errors[0].extensions["code"] == "BAD_USER_INPUT"
    costs = [result.extensions["cost"]["requestedQueryCost"] for result in (first, bigger)]
    assert costs == [1 + 2 + 2 * (1 + 5), 1 + 2 + 2 * (1 + 50)]


DEFAULTED = "query ($n: Int = 2) { chapters(first: $n) { nodes { slug } } }"


async def test_a_variable_left_out_takes_its_declared_default(graphql: GraphQLClient) -> None:
    # Given a page size declared as a variable with a default (as Relay and Apollo write them)
    # When the client leaves the variable out, Then the default pages the list
    result = await graphql.execute(DEFAULTED)
    assert result.errors is None
    assert result.data is not None
    assert len(result.data["chapters"]["nodes"]) <= 2
    # And a value sent replaces the default, still bounded
    refused = await graphql.execute(DEFAULTED, {"n": 500})
    assert refused.errors is not None
    assert refused.errors[0].extensions["code"] == "BAD_USER_INPUT"
