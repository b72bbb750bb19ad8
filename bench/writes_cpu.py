"""CPU per mutation, our server against the hand-written endpoint, alternating in one process.

    python -m bench.writes_cpu --requests 150 --chunks 4

Our app (graph.app.create_app, production settings as bench/writes.py runs it, the budget
lifted) and bench/baseline_writes.py's raw-ASGI endpoint share one process and one database.
They answer signed-in forumPostCreate and chapterJoin requests (bench/writes.py's bodies, one
fresh token per engineer, as its throughput runs send them) one at a time through httpx's
ASGI transport, in alternating chunks, so both see the same machine load. It prints the CPU
of this process per request (the client's included, the same on both sides) for each chunk,
the medians and their ratio: on a busy shared machine that ratio moves far less than either
figure or than req/s. PostgreSQL's CPU is not counted. The rows it adds are deleted.
"""

import argparse
import asyncio
import os
import time
from collections.abc import Sequence
from statistics import median

from bench.mutation_cpu import _send
from bench.servers import UNTHROTTLED
from bench.writes import (
    DEFAULT_DATABASE_URL,
    Tokens,
    Watermark,
    fixtures,
    join_requests,
    reply_requests,
)

SIDES = ("ours", "hand-written")


async def _measure(url: str, arguments: argparse.Namespace) -> None:
    import httpx
    from asgi_lifespan import LifespanManager

    from bench.baseline_writes import WritesApp
    from db.engine import create_engine
    from graph.app import create_app

    found = await fixtures(url, arguments.engineers)
    tokens = await Tokens(url)._mint(found.engineers)
    total = arguments.requests * arguments.chunks * 2 + 6
    groups = {
        "forumPostCreate": reply_requests(found, tokens, total),
        "chapterJoin": join_requests(found, tokens)[:total],
    }
    engine = create_engine(url)
    try:
        async with (
            LifespanManager(create_app(engine=engine)) as ours,
            LifespanManager(WritesApp()) as hand,
        ):
            clients = {
                side: httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=manager.app), base_url="http://bench"
                )
                for side, manager in zip(SIDES, (ours, hand), strict=True)
            }
            for name, items in groups.items():
                queue = iter(items)
                spent: dict[str, list[float]] = {side: [] for side in SIDES}
                for client in clients.values():  # warm up: plans, statements, pools
                    for _ in range(3):
                        await _send(client, next(queue), name)
                for chunk in range(arguments.chunks):
                    for side in SIDES if chunk % 2 == 0 else SIDES[::-1]:
                        batch = [next(queue) for _ in range(arguments.requests)]
                        began = time.process_time()
                        for item in batch:
                            await _send(clients[side], item, name)
                        spent[side].append((time.process_time() - began) / len(batch) * 1e3)
                for side, values in spent.items():
                    chunks = " ".join(f"{value:.2f}" for value in values)
                    middle = median(values)
                    print(f"{name} {side:12s} CPU ms/req, chunks: {chunks}; median {middle:.2f}")
                ratio = median(spent["hand-written"]) / median(spent["ours"])
                print(f"{name} hand-written / ours: {ratio:.2f}")
            for client in clients.values():
                await client.aclose()
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Measure both mutations on both servers; delete what they added."""
    parser = argparse.ArgumentParser(prog="python -m bench.writes_cpu")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--requests", type=int, default=150, help="requests per chunk")
    parser.add_argument("--chunks", type=int, default=4, help="chunks per side")
    parser.add_argument("--engineers", type=int, default=10_000, help="engineers with tokens")
    arguments = parser.parse_args(argv)
    os.environ.update(
        DATABASE_URL=arguments.database_url,
        BRAINGAIN_ENV="production",
        BRAINGAIN_LOG_LEVEL="WARNING",
        REDIS_URL="",
        **UNTHROTTLED,
    )
    watermark = Watermark(arguments.database_url)
    asyncio.run(watermark.take())
    try:
        asyncio.run(_measure(arguments.database_url, arguments))
    finally:
        asyncio.run(watermark.reset(restore_threads=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
