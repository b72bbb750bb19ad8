"""GraphQL over a real websocket (graphql-transport-ws): the token in `connection_init`."""

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from graph.app import create_app
from graph.auth.authentication import engineer_subject
from graph.auth.tokens import issue_access_token
from graph.chapters import ChapterRegistry
from graph.compiler.operation import BoundStatement
from graph.compiler.settings import CompilerSettings
from graph.settings import Settings
from tests import factories
from tests.graph.test_engineers import ENGINEERS

SETTINGS = Settings(database_url=None, environment="test", max_body_bytes=100_000, log_level="INFO")
VIEWER = "{ viewer { isAuthenticated engineer { handle } } }"
PROTOCOL = "graphql-transport-ws"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def app(
    sessionmaker: async_sessionmaker[AsyncSession], registry: ChapterRegistry
) -> AsyncIterator[Starlette]:
    """The app with lifespan run (signing key created) inside the test's transaction."""
    application = create_app(SETTINGS, sessionmaker=sessionmaker, registry=registry)
    async with LifespanManager(application):
        yield application


@asynccontextmanager
async def _served(app: Starlette) -> AsyncIterator[str]:
    """`app` served by uvicorn on a free port, in the test's event loop (so it shares the
    test's database transaction): its WebSocket URL."""
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="off", ws="websockets-sansio", log_level="error"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    yield f"ws://127.0.0.1:{port}/graphql"
    server.should_exit = True
    await serving


@pytest.fixture
async def url(app: Starlette) -> AsyncIterator[str]:
    """The app served on a free port."""
    async with _served(app) as served:
        yield served


async def _token(app: Starlette, engineer_id: int) -> str:
    token, _ = issue_access_token(
        app.state.auth.keys.signing_key(),
        issuer=SETTINGS.issuer,
        audience=SETTINGS.audience,
        subject=engineer_subject(engineer_id),
        client_id="test",
        scopes=[],
        lifetime_seconds=300,
    )
    return token


async def _send(socket: ClientConnection, message: dict[str, Any]) -> None:
    await socket.send(json.dumps(message))


async def _receive(socket: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
    return message


async def _init(url: str, payload: dict[str, Any]) -> tuple[ClientConnection, dict[str, Any]]:
    socket = await connect(url, subprotocols=[PROTOCOL])  # type: ignore[list-item]
    await _send(socket, {"type": "connection_init", "payload": payload})
    try:
        return socket, await _receive(socket)
    except ConnectionClosed as closed:
        return socket, {"closed": closed.rcvd.code if closed.rcvd else None}


async def test_bad_token_in_connection_init_is_rejected(url: str, session: AsyncSession) -> None:
    # When a client opens a socket with a bad token in connection_init
    socket, answer = await _init(url, {"Authorization": "Bearer not-a-token"})
    await socket.close()

    # Then the server closes it as Forbidden instead of acknowledging it
    assert answer == {"closed": 4403}


async def test_valid_token_in_connection_init_is_accepted_and_used(
    url: str, app: Starlette, session: AsyncSession
) -> None:
    # Given an engineer's access token
    engineer = await factories.engineer(session, handle="socketeer")
    await session.flush()
    token = await _token(app, engineer.id)

    # When the client initialises with it and runs a query over the socket
    socket, answer = await _init(url, {"Authorization": f"Bearer {token}"})
    await _send(socket, {"id": "1", "type": "subscribe", "payload": {"query": VIEWER}})
    result = await _receive(socket)
    complete = await _receive(socket)
    await socket.close()

    # Then the connection is acknowledged and the query runs as that engineer
    assert answer == {"type": "connection_ack"}
    assert (result["id"], result["type"]) == ("1", "next")
    assert result["payload"]["data"] == {
        "viewer": {"isAuthenticated": True, "engineer": {"handle": "socketeer"}}
    }
    assert result["payload"]["extensions"]["cost"]["requestedQueryCost"] == 2
    assert complete == {"id": "1", "type": "complete"}


async def test_no_token_gives_an_anonymous_connection(url: str) -> None:
    socket, answer = await _init(url, {})
    await _send(socket, {"id": "1", "type": "subscribe", "payload": {"query": VIEWER}})
    result = await _receive(socket)
    await socket.close()

    assert answer == {"type": "connection_ack"}
    assert result["payload"]["data"]["viewer"] == {"isAuthenticated": False, "engineer": None}


async def test_bad_token_in_the_upgrade_request_is_refused(url: str) -> None:
    # When the upgrade request itself carries a bad bearer token, the handshake is refused
    with pytest.raises(InvalidStatus) as refused:
        await connect(
            url,
            subprotocols=[PROTOCOL],  # type: ignore[list-item]
            additional_headers={"Authorization": "Bearer not-a-token"},
        )
    assert refused.value.response.status_code == 403


@pytest.fixture
async def reporting_url(
    sessionmaker: async_sessionmaker[AsyncSession], registry: ChapterRegistry
) -> AsyncIterator[str]:
    """The app, reporting which path answered each operation, served on a free port."""
    application = create_app(
        SETTINGS,
        sessionmaker=sessionmaker,
        registry=registry,
        compiler=CompilerSettings(report_path=True),
    )
    async with LifespanManager(application), _served(application) as served:
        yield served


def _engineers(operation_id: str, first: int) -> dict[str, Any]:
    """A `subscribe` message running the engineers document for `first` engineers."""
    return {
        "id": operation_id,
        "type": "subscribe",
        "payload": {"query": ENGINEERS, "variables": {"first": first}},
    }


async def test_a_query_over_the_socket_is_answered_by_the_compiled_path(
    reporting_url: str, session: AsyncSession
) -> None:
    # Given two engineers
    for handle in ("first-socket", "second-socket"):
        await factories.engineer(session, handle=handle)
    await session.flush()

    # When an anonymous client sends a query over the socket
    socket, _ = await _init(reporting_url, {})
    await _send(socket, _engineers("q", 1))
    result = await _receive(socket)
    complete = await _receive(socket)
    await socket.close()

    # Then one compiled statement answered it, with its cost, and the operation completed
    assert (result["id"], result["type"]) == ("q", "next")
    payload = result["payload"]
    assert payload["extensions"]["execution"] == "compiled"
    assert payload["data"]["engineers"]["totalCount"] >= 2
    assert len(payload["data"]["engineers"]["edges"]) == 1
    assert payload["extensions"]["cost"]["requestedQueryCost"] >= 1
    assert complete == {"id": "q", "type": "complete"}


async def test_a_refused_query_over_the_socket_is_an_error_message_and_runs_nothing(
    reporting_url: str,
) -> None:
    # When a client asks for more than a page over the socket
    socket, _ = await _init(reporting_url, {})
    await _send(socket, _engineers("big", 500))
    refused = await _receive(socket)

    # Then the operation ends with the protocol's error message, naming the argument, and the
    # socket stays open for the next operation
    assert (refused["id"], refused["type"]) == ("big", "error")
    assert [error["extensions"]["code"] for error in refused["payload"]] == ["BAD_USER_INPUT"]
    assert "first" in refused["payload"][0]["message"]
    await _send(socket, _engineers("ok", 1))
    assert (await _receive(socket))["type"] == "next"
    await socket.close()


async def test_a_query_whose_statement_fails_twice_is_an_internal_error_over_the_socket(
    reporting_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given compiled statements that fail every time (a bug, not an outage)
    attempts: list[BoundStatement] = []

    async def fail(statement: BoundStatement, *arguments: Any) -> Any:
        attempts.append(statement)
        raise RuntimeError("broken statement")

    monkeypatch.setattr(BoundStatement, "run", fail)

    # When a client sends a query over the socket
    socket, _ = await _init(reporting_url, {})
    await _send(socket, _engineers("broken", 1))
    result = await _receive(socket)

    # Then it was tried twice and answered with an INTERNAL error (no other read path), and
    # the socket stays open
    assert len(attempts) == 2
    assert (result["id"], result["type"]) == ("broken", "next")
    (error,) = result["payload"]["errors"]
    assert error["message"] == "Internal server error."
    assert error["extensions"]["code"] == "INTERNAL"
    assert error["extensions"]["requestId"]
    assert (await _receive(socket))["type"] == "complete"
    monkeypatch.undo()
    await _send(socket, _engineers("ok", 1))
    assert (await _receive(socket))["type"] == "next"
    await socket.close()
