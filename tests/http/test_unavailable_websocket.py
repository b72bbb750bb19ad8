"""A database outage seen over a WebSocket: operations get DATABASE_UNAVAILABLE, a token that
cannot be checked closes the socket with 1013 (try again later), and subscribing works on a
unix-socket URL as on TCP (the LISTEN connection reads the socket directory as the engine does)."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from graph.app import create_app
from graph.auth.authentication import engineer_subject
from graph.auth.roles import MEMBER_SCOPES
from graph.auth.tokens import issue_access_token
from graph.compiler.settings import CompilerSettings
from graph.extensions.budget import MemoryBudgetStore
from graph.http.settings import HardeningSettings
from graph.ids import encode_id
from graph.services.oauth_client import CLI_CLIENT_ID
from tests.http.conftest import settings
from tests.http.test_unavailable import Proxy, proxy  # noqa: F401  (the fixture)
from tests.http.test_websocket import _free_port
from tests.support.live_forum import live_forum

PROTOCOL: Any = "graphql-transport-ws"
SUBSCRIBE = "subscription ($thread: ID!) { forumPostAdded(threadId: $thread) { id } }"


@asynccontextmanager
async def serving(database_url: str) -> AsyncIterator[tuple[Starlette, str]]:
    """The app on `database_url` (its own engine and LISTEN connection) under uvicorn."""
    app = create_app(
        settings(database_url=database_url),
        hardening=HardeningSettings(),
        budget_store=MemoryBudgetStore(),
        compiler=CompilerSettings(tune_gc=False),
    )
    async with LifespanManager(app):
        port = _free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, lifespan="off", ws="websockets-sansio",
            log_level="error",
        )  # fmt: skip
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        while not server.started:
            assert not task.done(), "uvicorn did not start"
            await asyncio.sleep(0.01)
        try:
            yield app, f"ws://127.0.0.1:{port}/graphql"
        finally:
            server.should_exit = True
            await task


async def _receive(socket: ClientConnection, seconds: float = 5) -> dict[str, Any]:
    try:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), seconds))
    except ConnectionClosed as closed:
        return {"closed": closed.rcvd.code if closed.rcvd else None}
    return message


async def _opened(url: str, payload: dict[str, Any]) -> tuple[ClientConnection, dict[str, Any]]:
    socket = await connect(url, subprotocols=[PROTOCOL])
    await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
    return socket, await _receive(socket)


def _token(app: Starlette, engineer_id: int) -> str:
    token, _ = issue_access_token(
        app.state.auth.keys.signing_key(),
        issuer=app.state.auth.settings.issuer,
        audience=app.state.auth.settings.audience,
        subject=engineer_subject(engineer_id),
        client_id=CLI_CLIENT_ID,
        scopes=MEMBER_SCOPES,
        lifetime_seconds=300,
    )
    return token


async def test_a_socket_during_an_outage_is_told_to_retry(
    proxy: tuple[Proxy, str],  # noqa: F811
    engine: AsyncEngine,
) -> None:
    server, url = proxy
    async with live_forum(engine) as forum, serving(url) as (app, ws_url):
        token = _token(app, forum.engineers["member"].id)
        thread = encode_id("ForumThread", forum.threads["global"].id)
        # Given a subscriber (its LISTEN connection goes through the same proxy) and a socket
        subscriber, _ = await _opened(ws_url, {})
        subscribe = {"query": SUBSCRIBE, "variables": {"thread": thread}}
        await subscriber.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        try:
            refused_at_once: dict[str, Any] | None = await _receive(subscriber, seconds=1)
        except TimeoutError:
            refused_at_once = None  # subscribed and waiting for replies, as it should be
        open_socket, _ = await _opened(ws_url, {})

        # When the database goes away
        await server.cut()
        query = {"query": "{ engineers(first: 1) { totalCount } }"}
        await open_socket.send(json.dumps({"id": "2", "type": "subscribe", "payload": query}))
        answered = await _receive(open_socket)
        _, with_token = await _opened(ws_url, {"Authorization": f"Bearer {token}"})
        try:
            await connect(
                ws_url,
                subprotocols=[PROTOCOL],
                additional_headers={"Authorization": f"Bearer {token}"},
            )
            handshake = None
        except InvalidStatus as refused:
            handshake = refused.response.status_code
        for socket in (subscriber, open_socket):
            await socket.close()

    # Then an operation is refused as unavailable, with when to retry
    assert answered["type"] == "next"
    error = answered["payload"]["errors"][0]
    assert error["extensions"]["reason"] == "DATABASE_UNAVAILABLE"
    assert error["extensions"]["retryAfter"] == 5
    # A token in connection_init that cannot be checked closes with 1013, not a crash (1006)
    assert with_token == {"closed": 1013}
    # A token in the handshake's headers: refused before the socket opens
    assert handshake == 403
    # And subscribing worked before the outage, on the unix-socket URL as on TCP
    assert refused_at_once is None
