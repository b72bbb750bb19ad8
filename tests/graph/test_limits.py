"""Document limits at graphql-armor's defaults: just under passes, just over fails."""

from typing import Any

import pytest

from db.engine import StatementCounter
from graph.extensions.limits import Limits
from tests.conftest import GraphQLClient

LIMITS = Limits()


def nested(depth: int) -> str:
    """A valid query exactly `depth` fields deep: chapter → members → nodes → chapter → …"""
    steps = [
        ('chapter(slug: "saudi-arabia")', "slug"),
        ("members(first: 1)", "totalCount"),
        ("nodes", "role"),
    ]
    opening: list[str] = []
    for level in range(depth - 1):
        field, _ = steps[level % 3]
        opening.append(
            field.replace('(slug: "saudi-arabia")', "") if level and level % 3 == 0 else field
        )
    leaf = steps[(depth - 2) % 3][1]
    return "{ " + " { ".join(opening) + " { " + leaf + " }" * (depth - 1) + " }"


def too_complex(result: Any, limit: str) -> dict[str, Any]:
    assert result.data is None
    assert result.errors is not None
    extensions: dict[str, Any] = result.errors[0].extensions
    assert extensions["code"] == "QUERY_TOO_COMPLEX", result.errors
    assert extensions["limit"] == limit
    return extensions


async def test_depth_at_the_limit_passes(graphql: GraphQLClient) -> None:
    result = await graphql.execute(nested(LIMITS.max_depth))
    assert result.errors is None


async def test_depth_over_the_limit_fails_before_any_sql(
    graphql: GraphQLClient, statements: StatementCounter
) -> None:
    statements.reset()
    result = await graphql.execute(nested(LIMITS.max_depth + 1))
    extensions = too_complex(result, "depth")
    assert extensions["measured"] == 11
    assert extensions["maximum"] == 10
    assert result.errors[0].message == "The document is nested 11 levels deep; the limit is 10."
    assert statements.count == 0


async def test_depth_counts_through_fragments(graphql: GraphQLClient) -> None:
    document = nested(LIMITS.max_depth + 1).replace(
        "{ chapter", "{ ...Deep } fragment Deep on Query { chapter", 1
    )
    result = await graphql.execute(document)
    too_complex(result, "depth")


def aliased(count: int) -> str:
    return "{ " + " ".join(f"a{index}: __typename" for index in range(count)) + " }"


async def test_aliases_at_the_limit_pass(graphql: GraphQLClient) -> None:
    assert (await graphql.execute(aliased(15))).errors is None


async def test_aliases_over_the_limit_fail(graphql: GraphQLClient) -> None:
    extensions = too_complex(await graphql.execute(aliased(16)), "aliases")
    assert (extensions["measured"], extensions["maximum"]) == (16, 15)


def directed(count: int) -> str:
    return "{ " + " ".join("__typename @include(if: true)" for _ in range(count)) + " }"


async def test_directives_at_the_limit_pass(graphql: GraphQLClient) -> None:
    assert (await graphql.execute(directed(50))).errors is None


async def test_directives_over_the_limit_fail(graphql: GraphQLClient) -> None:
    extensions = too_complex(await graphql.execute(directed(51)), "directives")
    assert (extensions["measured"], extensions["maximum"]) == (51, 50)


def tokens(count: int) -> str:
    """A valid query of exactly `count` tokens: braces, `...{__typename}` (4 each), fields."""
    fragments, fields = divmod(count - 2, 4)
    body = " ".join(["...{__typename}"] * fragments + ["__typename"] * fields)
    return "{ " + body + " }"


async def test_tokens_at_the_limit_pass(graphql: GraphQLClient) -> None:
    document = tokens(LIMITS.max_tokens)
    assert len(document) < LIMITS.max_characters
    result = await graphql.execute(document)
    assert result.errors is None, result.errors


async def test_tokens_over_the_limit_fail(graphql: GraphQLClient) -> None:
    extensions = too_complex(await graphql.execute(tokens(LIMITS.max_tokens + 1)), "tokens")
    assert extensions["maximum"] == 2000


async def test_characters_at_the_limit_pass(graphql: GraphQLClient) -> None:
    document = "{ __typename }".ljust(LIMITS.max_characters)
    assert (await graphql.execute(document)).errors is None


async def test_characters_over_the_limit_fail(graphql: GraphQLClient) -> None:
    document = "{ __typename }".ljust(LIMITS.max_characters + 1)
    extensions = too_complex(await graphql.execute(document), "characters")
    assert (extensions["measured"], extensions["maximum"]) == (15_001, 15_000)


@pytest.mark.parametrize("field", ["__schema { types { name } }", '__type(name: "Query") { name }'])
async def test_introspection_depth_is_not_counted(graphql: GraphQLClient, field: str) -> None:
    result = await graphql.execute("{ " + field + " }")
    assert result.errors is None


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ('{ institution(slug: "a\\u0000b") { name } }', None),
        ("query ($s: String!) { institution(slug: $s) { name } }", {"s": "a\x00b"}),
    ],
)
async def test_nul_characters_are_bad_input_not_a_database_error(
    graphql: GraphQLClient, document: str, variables: dict[str, str] | None
) -> None:
    result = await graphql.execute(document, variables)
    assert result.data is None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}
    assert "NUL" in result.errors[0].message
