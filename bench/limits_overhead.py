"""What the pre-execution limits cost per request, in microseconds.

    python -m bench.limits_overhead [--redis redis://127.0.0.1:6379/0]

Times each step the hardening layer adds on a realistic document (fragments, variables,
nested connections): shape measurement (depth/aliases/directives), cost calculation,
variable coercion, and a Redis budget spend + refund round trip.
"""

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

from graphql import get_operation_ast, parse
from graphql.execution.values import get_variable_values

from graph.extensions.budget import RedisBudgetStore
from graph.extensions.cost import requested_cost
from graph.extensions.limits import measure
from graph.schema import schema

DOCUMENT = """
query Directory($first: Int!, $chapterFirst: Int = 5, $filter: EngineerFilter) {
  engineers(first: $first, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        ...Card
        chapters(first: $chapterFirst) { nodes { slug name region } }
        memberships(first: 3) { nodes { role status since chapter { slug } } }
      }
    }
  }
  chapters(first: 20) { nodes { slug name members(first: 3) { totalCount } } }
}
fragment Card on Engineer { id handle name headline countryOfResidence isOverseas }
"""
VARIABLES: dict[str, Any] = {"first": 50, "filter": {"countries": ["AE", "GB"]}}


def per_call(function: Callable[[], object], rounds: int = 2000) -> float:
    """Median microseconds per call over batches."""
    samples = []
    for _ in range(10):
        started = time.perf_counter()
        for _ in range(rounds // 10):
            function()
        samples.append((time.perf_counter() - started) / (rounds // 10) * 1e6)
    return statistics.median(samples)


async def redis_round_trip(url: str, rounds: int = 500) -> float:
    """Median microseconds for one spend plus one refund."""
    store = RedisBudgetStore(url, prefix="braingain-bench:")
    samples = []
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            await store.spend("bench", 10, 1_000_000, 1000)
            await store.spend("bench", -5, 1_000_000, 1000)
            samples.append((time.perf_counter() - started) * 1e6)
    finally:
        await store.redis.delete("braingain-bench:bench")
        await store.close()
    return statistics.median(samples)


def main() -> None:
    """Print one line per step."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    arguments = parser.parse_args()
    graphql_schema = schema._schema
    document = parse(DOCUMENT)
    operation = get_operation_ast(document)
    assert operation is not None
    variables = get_variable_values(graphql_schema, operation.variable_definitions or (), VARIABLES)
    assert not isinstance(variables, list), variables
    print(f"cost of the document: {requested_cost(graphql_schema, document, operation, variables)}")
    steps = {
        "shape (depth, aliases, directives)": lambda: measure(document, operation),
        "cost": lambda: requested_cost(graphql_schema, document, operation, variables),
        "variable coercion": lambda: get_variable_values(
            graphql_schema, operation.variable_definitions or (), VARIABLES, hide_suggestions=True
        ),
    }
    total = 0.0
    for name, step in steps.items():
        micros = per_call(step)
        total += micros
        print(f"{name:40s} {micros:8.1f} µs")
    print(f"{'all CPU checks':40s} {total:8.1f} µs")
    round_trip = asyncio.run(redis_round_trip(arguments.redis))
    print(f"{'Redis budget spend + refund':40s} {round_trip:8.1f} µs")


if __name__ == "__main__":
    main()
