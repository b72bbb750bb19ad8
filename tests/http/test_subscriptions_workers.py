"""Cross-worker fan-out: subscribe on one uvicorn process, reply through another, receive."""

import asyncio
import json
import re
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from websockets.asyncio.client import connect

from db.engine import DatabaseLocation
from graph.auth.authentication import engineer_subject
from graph.auth.keys import KeyStore
from graph.auth.tokens import issue_access_token
from graph.ids import encode_id
from graph.settings import Settings
from tests.http.test_subscriptions import POST_ADDED, POST_CREATE, PROTOCOL, SCOPES, TIMEOUT
from tests.support.live_forum import live_forum
from tests.support.server import LiveServer, live_server

SUBSCRIPTIONS = re.compile(r"^braingain_subscriptions (\d+(?:\.\d+)?)$", re.MULTILINE)


@pytest.fixture(scope="module")
def workers(
    database: DatabaseLocation, engine: AsyncEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two independent server processes over the test database."""
    env = {"BRAINGAIN_BUDGET_PREFIX": f"braingain-test:{uuid.uuid4().hex}:"}
    logs = tmp_path_factory.mktemp("subscription-workers")
    with (
        live_server(database.url, env, logs) as first,
        live_server(database.url, env, logs) as second,
    ):
        yield first, second


async def subscriptions_on(client: httpx.AsyncClient) -> int:
    """The worker's `braingain_subscriptions` gauge (from /metrics)."""
    found = SUBSCRIPTIONS.search((await client.get("/metrics")).text)
    return int(float(found.group(1))) if found else 0


async def wait_for_subscriptions(client: httpx.AsyncClient, count: int) -> None:
    """Scrape the worker until it reports `count` listening subscriptions (TIMEOUT at most)."""
    deadline = time.monotonic() + TIMEOUT
    while await subscriptions_on(client) != count:
        assert time.monotonic() < deadline, f"worker never reported {count} subscriptions"
        await asyncio.sleep(0.05)


async def test_a_reply_on_one_worker_reaches_a_subscriber_on_another(
    workers: tuple[LiveServer, LiveServer], engine: AsyncEngine
) -> None:
    first, second = workers
    assert first.process.pid != second.process.pid
    settings = Settings.from_environment()
    keys = KeyStore(async_sessionmaker(engine, expire_on_commit=False))
    await keys.reload()
    async with live_forum(engine) as forum:
        token, _ = issue_access_token(
            keys.signing_key(),
            issuer=settings.issuer,
            audience=settings.audience,
            subject=engineer_subject(forum.engineers["member"].id),
            client_id="test",
            scopes=SCOPES,
            lifetime_seconds=300,
        )
        thread = encode_id("ForumThread", forum.threads["global"].id)
        websocket_url = first.url.replace("http://", "ws://") + "/graphql"
        async with (
            httpx.AsyncClient(base_url=first.url, timeout=TIMEOUT) as on_first,
            httpx.AsyncClient(base_url=second.url, timeout=TIMEOUT) as on_second,
            connect(websocket_url, subprotocols=[PROTOCOL]) as socket,  # type: ignore[list-item]
        ):
            # Given a member following the thread on the first worker
            await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
            assert json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT)) == {
                "type": "connection_ack"
            }
            await socket.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": POST_ADDED, "variables": {"thread": thread}},
                    }
                )
            )
            await wait_for_subscriptions(on_first, 1)

            # When they reply through the second worker
            response = await on_second.post(
                "/graphql",
                json={"query": POST_CREATE, "variables": {"thread": thread, "body": "Across."}},
                headers={"Authorization": f"Bearer {token}"},
            )
            created = response.json()["data"]["forumPostCreate"]
            assert created["userErrors"] == []

            # Then the first worker's subscriber receives it
            message = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
            assert message["type"] == "next"
            assert message["payload"]["data"]["forumPostAdded"]["id"] == created["post"]["id"]
            assert message["payload"]["data"]["forumPostAdded"]["body"] == "Across."

            # And completing it unregisters it on that worker
            await socket.send(json.dumps({"id": "1", "type": "complete"}))
            await wait_for_subscriptions(on_first, 0)
