"""What the pre-execution limits cost per request, in microseconds.

    DATABASE_URL=postgresql://... python -m bench.limits_overhead

Times each step the hardening layer adds on a realistic document (fragments, variables,
nested connections): shape measurement (depth/aliases/directives), cost calculation,
variable coercion, and the PostgreSQL rate budget: one spend, a spend + refund round trip,
and spends per second from 16 concurrent requests.
"""

import argparse
import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from graphql import get_operation_ast, parse
from graphql.execution.values import get_variable_values

from graph.extensions.budget_postgres import PostgresBudgetStore
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


async def budget_round_trips(url: str, rounds: int = 2000) -> tuple[float, float, float]:
    """Median µs for one spend, median µs for a spend plus a refund, spends/s at 16 in flight."""
    store = PostgresBudgetStore(url, prefix=f"bench-{uuid.uuid4().hex}:")
    spends, round_trips = [], []
    try:
        for _ in range(200):  # warm the pool and the prepared statement
            await store.spend("bench", 1, 1_000_000, 1000)
        for _ in range(rounds):
            started = time.perf_counter()
            await store.spend("bench", 10, 1_000_000, 1000)
            middle = time.perf_counter()
            await store.spend("bench", -5, 1_000_000, 1000)
            spends.append((middle - started) * 1e6)
            round_trips.append((time.perf_counter() - started) * 1e6)

        async def client(number: int) -> None:
            for _ in range(rounds // 16):
                await store.spend(f"bench-{number}", 1, 1_000_000, 1000)

        started = time.perf_counter()
        await asyncio.gather(*(client(number) for number in range(16)))
        throughput = (rounds // 16 * 16) / (time.perf_counter() - started)
        assert store.pool is not None
        await store.pool.execute(
            "DELETE FROM rate_budgets WHERE starts_with(key, $1)", store.prefix
        )
    finally:
        await store.close()
    return statistics.median(spends), statistics.median(round_trips), throughput


def main() -> None:
    """Print one line per step."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args()
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
    spend, round_trip, throughput = asyncio.run(budget_round_trips(os.environ["DATABASE_URL"]))
    print(f"{'PostgreSQL budget spend':40s} {spend:8.1f} µs")
    print(f"{'PostgreSQL budget spend + refund':40s} {round_trip:8.1f} µs")
    print(f"{'PostgreSQL spends/s, 16 in flight':40s} {throughput:8.0f}")


if __name__ == "__main__":
    main()
