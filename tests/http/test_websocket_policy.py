"""Operations over a WebSocket get the HTTP policy: limits, introspection gate, budget."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from websockets.exceptions import ConnectionClosedError

from graph.app import create_app
from graph.chapters import ChapterRegistry
from graph.extensions.budget_postgres import PostgresBudgetStore
from graph.http.proxies import uvicorn_proxy_options
from graph.http.settings import BudgetSettings, HardeningSettings
from tests.http.conftest import settings
from tests.http.test_websocket import _free_port, _init, _receive, _send

INTROSPECTION = "{ __schema { queryType { name } } }"
Serving = Callable[..., AbstractAsyncContextManager[str]]


def serving(
    sessionmaker: async_sessionmaker[AsyncSession],
    registry: ChapterRegistry,
    budget_store: PostgresBudgetStore,
) -> Serving:
    """Serves the app under uvicorn in the test's loop, with `serve`'s proxy options; yields the
    WebSocket URL."""

    @asynccontextmanager
    async def serve(
        environment: str, hardening: HardeningSettings, proxies: tuple[str, ...] = ()
    ) -> AsyncIterator[str]:
        app = create_app(
            settings(environment=environment),
            sessionmaker=sessionmaker,
            registry=registry,
            hardening=hardening,
            budget_store=budget_store,
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
                **uvicorn_proxy_options(proxies),  # as `braingain serve` configures it
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
    budget_store: PostgresBudgetStore,
) -> None:
    serve = serving(sessionmaker, registry, budget_store)
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
    budget_store: PostgresBudgetStore,
) -> None:
    hardening = HardeningSettings(budget=BudgetSettings(capacity=30, restore_rate=0.001))
    async with serving(sessionmaker, registry, budget_store)("development", hardening) as url:
        first = await _run(url, "{ __typename }")
        deep = await _run(url, "{ " + " ".join(f"a{i}: __typename" for i in range(16)) + " }")

    status = first["payload"]["extensions"]["cost"]["throttleStatus"]
    assert status["maximumAvailable"] == 30
    assert status["currentlyAvailable"] == 29
    assert deep["type"] == "error"
    assert deep["payload"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_one_address_may_hold_only_its_share_of_sockets(
    sessionmaker: async_sessionmaker[AsyncSession],
    registry: ChapterRegistry,
    budget_store: PostgresBudgetStore,
) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    hardening = HardeningSettings(websocket_connections_per_address=2)
    async with serving(sessionmaker, registry, budget_store)("development", hardening) as url:
        # Given one address holding two open sockets
        held = [await connect(url, subprotocols=["graphql-transport-ws"]) for _ in range(2)]  # type: ignore[list-item]
        # When it opens a third, it is refused before the handshake completes
        try:
            await connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
            refused = False
        except InvalidStatus:
            refused = True
        # And when it closes one, it may open another
        await held.pop().close()
        await asyncio.sleep(0.1)
        again, answer = await _init(url, {})
        for socket in (*held, again):
            await socket.close()

    assert refused
    assert answer == {"type": "connection_ack"}


async def test_a_socket_that_never_initialises_is_closed_quickly(
    sessionmaker: async_sessionmaker[AsyncSession],
    registry: ChapterRegistry,
    budget_store: PostgresBudgetStore,
) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    hardening = HardeningSettings(websocket_init_timeout_seconds=0.5)
    async with serving(sessionmaker, registry, budget_store)("development", hardening) as url:
        socket = await connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
        started = asyncio.get_running_loop().time()
        # When the client sends nothing, the server closes with graphql-ws's 4408
        try:
            await asyncio.wait_for(socket.recv(), timeout=5)
            code = None
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
        waited = asyncio.get_running_loop().time() - started

    assert code == 4408
    assert waited < 3


async def test_spoofed_forwarded_for_does_not_buy_more_sockets(
    sessionmaker: async_sessionmaker[AsyncSession],
    registry: ChapterRegistry,
    budget_store: PostgresBudgetStore,
) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    hardening = HardeningSettings(websocket_connections_per_address=2)
    async with serving(sessionmaker, registry, budget_store)("development", hardening) as url:
        # Given no trusted proxy, and one peer claiming a new address on every socket
        held = []
        refused = 0
        for index in range(1, 5):
            spoofed = {"X-Forwarded-For": f"203.0.113.{index}"}
            try:
                held.append(
                    await connect(
                        url,
                        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                        additional_headers=spoofed,
                    )
                )
            except InvalidStatus:
                refused += 1
        for socket in held:
            await socket.close()

    # Then the peer's own address is counted: two sockets, the other two refused
    assert (len(held), refused) == (2, 2)


async def test_the_legacy_protocol_without_an_init_timeout_is_not_served(
    sessionmaker: async_sessionmaker[AsyncSession],
    registry: ChapterRegistry,
    budget_store: PostgresBudgetStore,
) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    hardening = HardeningSettings(websocket_init_timeout_seconds=0.5)
    async with serving(sessionmaker, registry, budget_store)("development", hardening) as url:
        # When a client asks for subscriptions-transport-ws (`graphql-ws`) and then says nothing
        started = asyncio.get_running_loop().time()
        code: int | None = None
        try:
            socket = await connect(url, subprotocols=["graphql-ws"])  # type: ignore[list-item]
            await asyncio.wait_for(socket.recv(), timeout=5)
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
        except InvalidStatus:
            code = 403
        waited = asyncio.get_running_loop().time() - started

    # Then it is turned away at once (4406: subprotocol not acceptable), not left open
    assert code in {4406, 403}
    assert waited < 3


async def test_socket_operations_get_the_size_limit_and_name_unknown_operations(
    sessionmaker: async_sessionmaker[AsyncSession],
    registry: ChapterRegistry,
    budget_store: PostgresBudgetStore,
) -> None:
    async with serving(sessionmaker, registry, budget_store)(
        "development", HardeningSettings()
    ) as url:
        # Given a socket; when it sends a document over the character limit
        socket, _ = await _init(url, {})
        oversized = "{ __typename }\n#" + "x" * 20_000
        await _send(socket, {"id": "1", "type": "subscribe", "payload": {"query": oversized}})
        too_big = await _receive(socket)
        # And an operationName the document does not define
        unknown = {"query": "query A { __typename }", "operationName": "B"}
        await _send(socket, {"id": "2", "type": "subscribe", "payload": unknown})
        with pytest.raises(ConnectionClosedError) as misnamed:
            await _receive(socket)

    # Then the oversized one is an error with its code, as over HTTP (not a result)
    assert too_big["type"] == "error"
    assert too_big["payload"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert too_big["payload"][0]["extensions"]["limit"] == "characters"
    # graphql-transport-ws closes with 4400 on an operation it cannot identify (as on a syntax
    # error), with the reason; before, a masked INTERNAL error was sent and a stack logged
    assert misnamed.value.rcvd is not None
    assert (misnamed.value.rcvd.code, misnamed.value.rcvd.reason) == (
        4400,
        'Unknown operation named "B".',
    )
