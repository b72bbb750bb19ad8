"""Apps measured inside this process: their settings, their clients, CPU in alternating chunks.

bench/mutation_cpu.py and bench/writes_cpu.py compare two apps answering the same signed-in
mutations one at a time through httpx's ASGI transport, in alternating chunks so that both see
the same machine load; bench/write_profile.py profiles one app the same way.
"""

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from statistics import median
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from bench.servers import UNTHROTTLED
from bench.traffic import Request
from bench.writes import Tokens, Watermark, fixtures, join_requests, reply_requests


def run_cleanly(
    url: str, measure: Callable[[], Coroutine[Any, Any, None]], **environment: str
) -> None:
    """Run `measure` under production settings as bench/writes.py runs them (the budget
    lifted; `environment` added), then delete the rows it added."""
    os.environ.update(
        DATABASE_URL=url,
        BRAINGAIN_ENV="production",
        BRAINGAIN_LOG_LEVEL="WARNING",
        REDIS_URL="",
        **environment,
        **UNTHROTTLED,
    )
    watermark = Watermark(url)
    asyncio.run(watermark.take())
    try:
        asyncio.run(measure())
    finally:
        asyncio.run(watermark.reset(restore_threads=True))


async def mutations(url: str, engineers: int, count: int) -> dict[str, list[Request]]:
    """`count` signed-in forumPostCreate and chapterJoin requests (bench/writes.py's bodies,
    one fresh token per engineer)."""
    found = await fixtures(url, engineers)
    tokens = await Tokens(url)._mint(found.engineers)
    return {
        "forumPostCreate": reply_requests(found, tokens, count),
        "chapterJoin": join_requests(found, tokens)[:count],
    }


@asynccontextmanager
async def serving(apps: Mapping[str, Any]) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """Each app started (its lifespan) and a client of it, by the same name."""
    async with AsyncExitStack() as stack:
        managers = {
            name: await stack.enter_async_context(LifespanManager(app))
            for name, app in apps.items()
        }
        clients = {
            name: httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app), base_url="http://bench"
            )
            for name, manager in managers.items()
        }
        yield clients
        for client in clients.values():
            await client.aclose()


def headers(request: Request) -> dict[str, str]:
    """The request's JSON content type and its Authorization header, if any."""
    sent = {"content-type": "application/json"}
    if request.authorization is not None:
        sent["authorization"] = request.authorization
    return sent


async def send(client: httpx.AsyncClient, item: Request, name: str) -> None:
    """Send one mutation; it must succeed."""
    response = await client.post("/graphql", content=item.body, headers=headers(item))
    assert b'"userErrors":[]' in response.content, (name, response.content[:300])


async def alternate(
    clients: Mapping[str, httpx.AsyncClient],
    items: Iterable[Request],
    name: str,
    *,
    requests: int,
    chunks: int,
    warm_up: int,
) -> dict[str, list[float]]:
    """CPU ms of this process per request (the client's included: the same on every side),
    by side, one figure per chunk of `requests`; the sides take turns, in reverse order in odd
    chunks. It prints them and their medians."""
    queue = iter(items)
    sides = tuple(clients)
    spent: dict[str, list[float]] = {side: [] for side in sides}
    for client in clients.values():  # warm up: plans, statements, pools
        for _ in range(warm_up):
            await send(client, next(queue), name)
    for chunk in range(chunks):
        for side in sides if chunk % 2 == 0 else sides[::-1]:
            batch = [next(queue) for _ in range(requests)]
            began = time.process_time()
            for item in batch:
                await send(clients[side], item, name)
            spent[side].append((time.process_time() - began) / len(batch) * 1e3)
    width = max(len(side) for side in sides)
    for side, values in spent.items():
        figures = " ".join(f"{value:.2f}" for value in values)
        middle = median(values)
        print(f"{name} {side:{width}s} CPU ms/req, chunks: {figures}; median {middle:.2f}")
    return spent
