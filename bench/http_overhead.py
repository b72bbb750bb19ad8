"""Per-request cost of the hardening layer over HTTP (in process, no network).

    DATABASE_URL=postgresql://... python -m bench.http_overhead [--requests 2000]

Serves the same document through (a) strawberry's own view with the schema's original
extensions (parser cache, validation with page limits, error masking) and (b) our
endpoint with limits, cost, trusted-document lookup, a PostgreSQL budget, metrics and logs.
"""

import argparse
import asyncio
import os
import statistics
import time
import uuid

import httpx
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route
from strawberry.extensions import ParserCache

from db.engine import create_engine, create_sessionmaker
from graph.app import GraphQLApp, create_app
from graph.chapters import load_registry
from graph.extensions.access_log import ConsentAccessLog
from graph.extensions.budget import MemoryBudgetStore
from graph.extensions.budget_postgres import PostgresBudgetStore
from graph.extensions.errors import MaskUnexpectedErrors
from graph.extensions.validation import ValidationWithPageLimits
from graph.http.settings import BudgetSettings, HardeningSettings
from graph.observability.middleware import RequestMiddleware
from graph.schema import BrainGainSchema, Mutation, Query
from graph.settings import Settings
from graph.types.chapter import Membership
from graph.types.consent import ConsentGrant

DOCUMENTS = {
    "typename": "{ __typename }",
    "chapters": "query Chapters { chapters(first: 10) { totalCount nodes { slug name } } }",
}


async def timed(client: httpx.AsyncClient, document: str, requests: int) -> float:
    """Median microseconds per request over batches of 100."""
    batches = []
    for _ in range(max(1, requests // 100)):
        started = time.perf_counter()
        for _ in range(100):
            response = await client.post("/graphql", json={"query": document})
            assert response.status_code == 200, response.text
        batches.append((time.perf_counter() - started) / 100 * 1e6)
    return statistics.median(batches)


async def main(requests: int, budget_in_memory: bool = False) -> None:
    """Print one row per document: plain, hardened, difference."""
    url = os.environ["DATABASE_URL"]
    engine = create_engine(url, pool_size=2)
    sessionmaker = create_sessionmaker(engine)
    plain_schema = BrainGainSchema(
        query=Query,
        mutation=Mutation,
        types=[Membership, ConsentGrant],
        extensions=[
            lambda: ParserCache(maxsize=1000),
            ValidationWithPageLimits,
            ConsentAccessLog,
            MaskUnexpectedErrors,
        ],
    )
    plain = Starlette(
        routes=[
            Route(
                "/graphql",
                GraphQLApp(
                    plain_schema,
                    sessionmaker,
                    load_registry(),
                    Settings.from_environment(),
                    graphql_ide=None,
                ),
            )
        ],
        middleware=[Middleware(RequestMiddleware)],
    )
    store = PostgresBudgetStore(url, prefix=f"bench-http-{uuid.uuid4().hex}:")
    hardened = create_app(
        Settings.from_environment(),
        sessionmaker=sessionmaker,
        hardening=HardeningSettings(budget=BudgetSettings(capacity=10**9, restore_rate=10**6)),
        budget_store=MemoryBudgetStore() if budget_in_memory else store,
    )
    try:
        async with LifespanManager(hardened) as manager:
            clients = {
                name: httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b")
                for name, app in (("plain", plain), ("hardened", manager.app))
            }
            print(f"{'document':12s} {'plain µs':>10s} {'hardened µs':>12s} {'added µs':>9s}")
            for name, document in DOCUMENTS.items():
                for client in clients.values():
                    await timed(client, document, 200)  # warm caches
                plain_runs, hardened_runs = [], []
                for _ in range(5):  # interleaved, so load from elsewhere hits both alike
                    plain_runs.append(await timed(clients["plain"], document, requests // 5))
                    hardened_runs.append(await timed(clients["hardened"], document, requests // 5))
                before = statistics.median(plain_runs)
                after = statistics.median(hardened_runs)
                print(f"{name:12s} {before:10.0f} {after:12.0f} {after - before:9.0f}")
            for client in clients.values():
                await client.aclose()
    finally:
        if store.pool is not None:
            await store.pool.execute(
                "DELETE FROM rate_budgets WHERE starts_with(key, $1)", store.prefix
            )
        await store.close()
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument(
        "--budget-in-memory",
        action="store_true",
        help="isolate the cost of the budget's database round trips",
    )
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.budget_in_memory))
