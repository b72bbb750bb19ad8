"""The calculated cost: connection sizes multiply, `first`/`last` come from variables too."""

import json
from typing import Any

import orjson
import pytest

from graph.extensions.cost import actual_cost, actual_cost_of_json
from graph.extensions.limits import Limits
from tests.conftest import GraphQLClient

MAX_COST = Limits().max_cost

# 1 (chapters) + 1 (pageInfo) + a (nodes) + a * (1 + b) (members and their nodes) = 2 + a(b + 2)
WITH_PAGE_INFO = """
query ($a: Int, $b: Int) {
  chapters(first: $a) { pageInfo { hasNextPage } nodes { members(first: $b) { nodes { role } } } }
}
"""
# 1 + a + a * (1 + b) = 1 + a(b + 2)
PLAIN = """
query ($a: Int, $b: Int) {
  chapters(first: $a) { nodes { members(last: $b) { nodes { role } } } }
}
"""


def cost_of(result: Any) -> int:
    value: int = result.extensions["cost"]["requestedQueryCost"]
    return value


@pytest.mark.parametrize(
    ("document", "variables", "expected"),
    [
        ("{ __typename }", {}, 1),
        ("{ chapters(first: 7) { totalCount } }", {}, 1),
        ("{ chapters(first: 7) { nodes { slug } } }", {}, 8),
        ("{ chapters(first: 7) { edges { cursor node { slug } } } }", {}, 15),
        (PLAIN, {"a": 3, "b": 4}, 19),
        (WITH_PAGE_INFO, {"a": 3, "b": 4}, 20),
    ],
)
async def test_requested_cost_multiplies_page_sizes(
    graphql: GraphQLClient, document: str, variables: dict[str, int], expected: int
) -> None:
    result = await graphql.execute(document, variables)
    assert result.errors is None
    assert cost_of(result) == expected


async def test_cost_at_the_maximum_passes(graphql: GraphQLClient) -> None:
    result = await graphql.execute(WITH_PAGE_INFO, {"a": 49, "b": 100})
    assert result.errors is None
    assert cost_of(result) == MAX_COST


async def test_cost_over_the_maximum_names_cost_and_limit(graphql: GraphQLClient) -> None:
    result = await graphql.execute(PLAIN, {"a": 50, "b": 98})

    assert result.data is None
    error = result.errors[0]
    assert error.extensions["code"] == "QUERY_TOO_COMPLEX"
    assert error.extensions["cost"] == MAX_COST + 1
    assert error.extensions["maximumCost"] == MAX_COST
    assert error.message.startswith("The operation's cost is 5001; the limit is 5000.")


async def test_literal_page_sizes_count_like_variables(graphql: GraphQLClient) -> None:
    literal = PLAIN.replace("($a: Int, $b: Int)", "").replace("$a", "50").replace("$b", "98")
    result = await graphql.execute(literal)
    assert result.errors[0].extensions["cost"] == MAX_COST + 1


async def test_nodes_by_ids_multiply_by_the_number_of_ids(graphql: GraphQLClient) -> None:
    result = await graphql.execute(
        "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["a", "b", "c"]}
    )
    assert cost_of(result) == 3


async def test_actual_cost_counts_returned_objects(graphql: GraphQLClient) -> None:
    result = await graphql.execute("{ chapters(first: 100) { nodes { slug } } }")
    count = len(result.data["chapters"]["nodes"])
    assert result.extensions["cost"] == {
        "requestedQueryCost": 101,
        "actualQueryCost": 1 + count,
    }


def test_actual_cost_of_nested_data() -> None:
    data = {"a": {"b": [{"c": 1}, {"c": 2}], "d": None}, "e": 3}
    assert actual_cost(data) == 3


@pytest.mark.parametrize(
    "data",
    [
        {"engineer": None},
        {"engineer": {"handle": "a", "chapters": {"totalCount": 0, "nodes": []}}},
        {"a": [{"b": 1}, {"b": {"c": "{"}}, {"name": 'ends with {"'}]},
        {"a": {"text": '{"not": "an object"}', "list": ["{", "}{", "x{", '{"y']}},
        {"a": {"nested": {"empty": {}}}},
        {"a": {"text": "a {} in a string"}},
        {"a": [{"b": [{"c": [{"d": None}]}]}, {"e": "\\"}], "f": {"g": 'q"{'}},
    ],
)
def test_counting_objects_in_json_text_agrees_with_walking_the_parsed_result(
    data: dict[str, Any],
) -> None:
    pg_text = json.dumps(data, separators=(", ", " : ")).encode()  # PostgreSQL's json spacing
    compact = orjson.dumps(data)
    assert actual_cost_of_json(pg_text) == actual_cost(data)
    assert actual_cost_of_json(compact) == actual_cost(data)
