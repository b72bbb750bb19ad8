"""CPU per mutation with the mutation executor on and off, alternating in one process.

    python -m bench.mutation_cpu --requests 200 --chunks 6

Two apps (graph.app.create_app, production settings as bench/writes.py runs them, the budget
lifted) share one process and one database: one with graph/compiler/mutations.py, one leaving
mutations to strawberry (BRAINGAIN_COMPILED_MUTATIONS=0; payload objects read by the compiled
path in both). They answer signed-in forumPostCreate and chapterJoin requests one at a time
through httpx's ASGI transport, in alternating chunks, so both see the same machine load. It
prints the CPU of this process per request (client included: the same on both sides, so the
difference is the server's) for each chunk and the medians. The rows it adds are deleted.
"""

import argparse
import asyncio
import os
import time
from collections.abc import Sequence
from statistics import median

from bench.servers import UNTHROTTLED
from bench.traffic import Request
from bench.writes import (
    DEFAULT_DATABASE_URL,
    Tokens,
    Watermark,
    fixtures,
    join_requests,
    reply_requests,
)


async def _measure(url: str, arguments: argparse.Namespace) -> None:
    import httpx
    from asgi_lifespan import LifespanManager

    from db.engine import create_engine
    from graph.app import create_app
    from graph.compiler.settings import CompilerSettings

    found = await fixtures(url, 2000)
    tokens = await Tokens(url)._mint(found.engineers)
    total = arguments.requests * arguments.chunks * 2 + 2
    groups = {
        "forumPostCreate": reply_requests(found, tokens, total),
        "chapterJoin": join_requests(found, tokens)[:total],
    }
    engine = create_engine(url)
    base = CompilerSettings.from_environment()
    apps = {
        name: create_app(
            engine=engine,
            compiler=CompilerSettings(
                enabled=True, pool_size=base.pool_size, tune_gc=base.tune_gc, mutations=on
            ),
        )
        for name, on in (("executor", True), ("strawberry", False))
    }
    try:
        async with (
            LifespanManager(apps["executor"]) as fast,
            LifespanManager(apps["strawberry"]) as slow,
        ):
            clients = {
                name: httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=manager.app), base_url="http://bench"
                )
                for name, manager in (("executor", fast), ("strawberry", slow))
            }
            for name, items in groups.items():
                queue = iter(items)
                spent: dict[str, list[float]] = {"executor": [], "strawberry": []}
                for client in clients.values():  # warm up: plans, statements, pools
                    await _send(client, next(queue), name)
                for chunk in range(arguments.chunks):
                    order = (
                        ("executor", "strawberry") if chunk % 2 == 0 else ("strawberry", "executor")
                    )
                    for side in order:
                        batch = [next(queue) for _ in range(arguments.requests)]
                        began = time.process_time()
                        for item in batch:
                            await _send(clients[side], item, name)
                        spent[side].append((time.process_time() - began) / len(batch) * 1e3)
                for side, values in spent.items():
                    chunks = " ".join(f"{value:.2f}" for value in values)
                    middle = median(values)
                    print(f"{name} {side:10s} CPU ms/req, chunks: {chunks}; median {middle:.2f}")
            for client in clients.values():
                await client.aclose()
    finally:
        await engine.dispose()


async def _send(client: object, item: Request, name: str) -> None:
    headers = {"content-type": "application/json"}
    if item.authorization is not None:
        headers["authorization"] = item.authorization
    response = await client.post("/graphql", content=item.body, headers=headers)  # type: ignore[attr-defined]
    assert b'"userErrors":[]' in response.content, (name, response.content[:300])


def main(argv: Sequence[str] | None = None) -> int:
    """Measure both mutations both ways; delete what they added."""
    parser = argparse.ArgumentParser(prog="python -m bench.mutation_cpu")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--requests", type=int, default=200, help="requests per chunk")
    parser.add_argument("--chunks", type=int, default=6, help="chunks per side")
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
