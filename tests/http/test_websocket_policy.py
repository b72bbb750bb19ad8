"""Operations over a WebSocket get the HTTP policy: limits, introspection gate, budget."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import uvicorn
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graph.app import create_app
from graph.chapters import ChapterRegistry
from graph.extensions.budget import RedisBudgetStore
from graph.http.settings import BudgetSettings, HardeningSettings
from tests.http.conftest import settings
from tests.http.test_websocket import _free_port, _init, _receive, _send

INTROSPECTION = "{ __schema { queryType { name } } }"
Serving = Callable[..., AbstractAsyncContextManager[str]]


def serving(
    sessionmaker: async_sessionmaker[AsyncSession],
    registry: ChapterRegistry,
    redis_store: RedisBudgetStore,
) -> Serving:
    """Serves the app under uvicorn in the test's loop; yields the WebSocket URL."""

    @asynccontextmanager
    async def serve(environment: str, hardening: HardeningSettings) -> AsyncIterator[str]:
        app = create_app(
            settings(environment=environment),
            sessionmaker=sessionmaker,
            registry=registry,
            hardening=hardening,
            budget_store=redis_store,
        )
        async with LifespanManager(app):
            port = _free_port()
            config = uvicorn.Config(
                app,
                host="127.0.0.1",
                port=port,
                lifespan="off",
                ws="websockets-sansio",
                log_level="error",
            )
            server = uvicorn.Server(config)
            task = asyncio.create_task(server.serve())
            while not server.started:
                assert not task.done(), "uvicorn did not start"
                await asyncio.sleep(0.01)
            try:
                yield f"ws://127.0.0.1:{port}/graphql"
            finally:
                server.should_exit = True
                await task

    return serve


async def _run(url: str, query: str) -> dict[str, Any]:
    socket, answer = await _init(url, {})
    assert answer == {"type": "connection_ack"}
    await _send(socket, {"id": "1", "type": "subscribe", "payload": {"query": query}})
    result = await _receive(socket)
    await socket.close()
    return result


async def test_introspection_over_a_socket_follows_the_environment(
    sessionmaker: async_sessionmaker[AsyncSession],
    registry: ChapterRegistry,
    redis_store: RedisBudgetStore,
) -> None:
    serve = serving(sessionmaker, registry, redis_store)
    async with serve("production", HardeningSettings()) as url:
        refused = await _run(url, INTROSPECTION)
    async with serve("development", HardeningSettings()) as url:
        allowed = await _run(url, INTROSPECTION)

    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "FORBIDDEN"
    assert allowed["payload"]["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_socket_operations_spend_the_same_budget_and_obey_limits(
    sessionmaker: async_sessionmaker[AsyncSession],
    registry: ChapterRegistry,
    redis_store: RedisBudgetStore,
) -> None:
    hardening = HardeningSettings(budget=BudgetSettings(capacity=30, restore_rate=0.001))
    async with serving(sessionmaker, registry, redis_store)("development", hardening) as url:
        first = await _run(url, "{ __typename }")
        deep = await _run(url, "{ " + " ".join(f"a{i}: __typename" for i in range(16)) + " }")

    status = first["payload"]["extensions"]["cost"]["throttleStatus"]
    assert status["maximumAvailable"] == 30
    assert status["currentlyAvailable"] == 29
    assert deep["type"] == "error"
    assert deep["payload"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
