"""Live forum replies over a real websocket (graphql-transport-ws), with committed data.

NOTIFY is delivered only when a transaction commits, so these tests run the app on its own
engine against the test database, commit their rows (tests/support/live_forum.py) and delete
them afterwards. Every wait is on an event, with a generous timeout; nothing sleeps to hope.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect

from db.engine import DatabaseLocation
from db.models import ForumThread, Membership, RevokedAccessToken
from graph.app import create_app
from graph.auth.authentication import engineer_subject
from graph.auth.scopes import Scope
from graph.auth.tokens import issue_access_token
from graph.chapters import ChapterRegistry
from graph.extensions.budget import MemoryBudgetStore
from graph.ids import encode_id
from graph.services import forum_writing
from graph.settings import Settings
from graph.subscriptions.broker import EventBroker
from tests import viewers
from tests.support.live_forum import LiveForum, live_forum
from tests.support.server import free_port

PROTOCOL = "graphql-transport-ws"
TIMEOUT = 20.0
SCOPES = [Scope.FORUM_WRITE, Scope.FORUM_MODERATE, Scope.PROFILES_READ, Scope.CHAPTERS_READ]
POST_ADDED = """
subscription Follow($thread: ID!) {
  forumPostAdded(threadId: $thread) { id body hidden author { handle } thread { id } }
}
"""
POST_CREATE = """
mutation Reply($thread: ID!, $body: String!) {
  forumPostCreate(input: {thread: $thread, body: $body}) { post { id } userErrors { code } }
}
"""


@dataclass
class Live:
    """A server in the test's loop on its own engine, its broker, and committed rows."""

    app: Starlette
    url: str
    broker: EventBroker
    forum: LiveForum
    settings: Settings

    def token(self, name: str) -> str:
        """An access token for a named engineer with the forum scopes."""
        token, _ = issue_access_token(
            self.app.state.auth.keys.signing_key(),
            issuer=self.settings.issuer,
            audience=self.settings.audience,
            subject=engineer_subject(self.forum.engineers[name].id),
            client_id="test",
            scopes=SCOPES,
            lifetime_seconds=300,
        )
        return token

    def thread(self, name: str) -> str:
        """A thread's global ID."""
        return encode_id("ForumThread", self.forum.threads[name].id)


@pytest.fixture
async def live(
    database: DatabaseLocation, engine: AsyncEngine, registry: ChapterRegistry
) -> AsyncIterator[Live]:
    settings = Settings(
        database_url=database.url, environment="test", max_body_bytes=100_000, log_level="INFO"
    )
    broker = EventBroker(database.url)
    app = create_app(settings, registry=registry, budget_store=MemoryBudgetStore(), events=broker)
    async with live_forum(engine) as forum, LifespanManager(app):
        port = free_port()
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            lifespan="off",
            ws="websockets-sansio",
            log_level="error",
        )
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        while not server.started:
            assert not serving.done(), "uvicorn did not start"
            await asyncio.sleep(0.01)
        try:
            yield Live(app, f"127.0.0.1:{port}", broker, forum, settings)
        finally:
            server.should_exit = True
            await serving
            await broker.close()


async def until(live: Live, condition: Callable[[], bool], what: str) -> None:
    """Wait for a registration change that makes `condition` true; fail after TIMEOUT."""
    try:
        await asyncio.wait_for(live.broker.wait_until(condition), TIMEOUT)
    except TimeoutError:
        raise AssertionError(f"timed out waiting: {what}") from None


async def open_socket(url: str, token: str | None = None) -> ClientConnection:
    """An acknowledged graphql-transport-ws connection, signed in when given a token."""
    socket = await connect(f"ws://{url}/graphql", subprotocols=[PROTOCOL])  # type: ignore[list-item]
    payload = {"Authorization": f"Bearer {token}"} if token else {}
    await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
    assert await receive(socket) == {"type": "connection_ack"}
    return socket


async def receive(socket: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
    return message


async def follow(socket: ClientConnection, thread: str, id: str = "1") -> None:
    await socket.send(
        json.dumps(
            {
                "id": id,
                "type": "subscribe",
                "payload": {"query": POST_ADDED, "variables": {"thread": thread}},
            }
        )
    )


async def follow_and_wait(live: Live, socket: ClientConnection, thread: str) -> None:
    """Subscribe and wait until this worker is listening for it."""
    before = live.broker.subscriber_count
    await follow(socket, thread)
    await until(live, lambda: live.broker.subscriber_count == before + 1, "subscription registered")


async def reply(url: str, token: str, thread: str, body: str) -> str:
    """Post a reply through the mutation over HTTP; its global ID."""
    async with httpx.AsyncClient(base_url=f"http://{url}", timeout=TIMEOUT) as client:
        response = await client.post(
            "/graphql",
            json={"query": POST_CREATE, "variables": {"thread": thread, "body": body}},
            headers={"Authorization": f"Bearer {token}"},
        )
    result = response.json()["data"]["forumPostCreate"]
    assert result["userErrors"] == [], result
    post_id: str = result["post"]["id"]
    return post_id


async def test_a_reply_posted_through_the_mutation_reaches_the_subscriber(live: Live) -> None:
    # Given a member following the global thread
    socket = await open_socket(live.url, live.token("member"))
    await follow_and_wait(live, socket, live.thread("global"))

    # When someone replies through forumPostCreate on the same worker
    post_id = await reply(live.url, live.token("admin"), live.thread("global"), "Use net metering.")

    # Then the subscriber receives the reply, loaded as they would read it
    message = await receive(socket)
    await socket.close()
    assert (message["id"], message["type"]) == ("1", "next")
    assert message["payload"]["data"]["forumPostAdded"] == {
        "id": post_id,
        "body": "Use net metering.",
        "hidden": False,
        "author": {"handle": live.forum.engineers["admin"].handle},
        "thread": {"id": live.thread("global")},
    }
    assert "errors" not in message["payload"]
    assert message["payload"]["extensions"]["cost"]["requestedQueryCost"] == 3  # charged once


async def _post_in_transaction(
    live: Live,
    engine: AsyncEngine,
    registry: ChapterRegistry,
    body: str,
    *,
    commit: bool,
    hide: bool = False,
) -> int:
    """Reply through the service as the admin in one transaction; commit or roll it back."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        viewer = await viewers.engineer(
            session, registry, live.forum.engineers["admin"], frozenset(SCOPES)
        )
        post = await forum_writing.create_post(
            session, viewer, live.forum.threads["global"].id, body=body
        )
        if hide:
            post.hidden = True
            await session.flush()
        if commit:
            await session.commit()
        else:
            await session.rollback()
        return post.id


async def test_a_rolled_back_reply_publishes_nothing(
    live: Live, engine: AsyncEngine, registry: ChapterRegistry
) -> None:
    # Given a subscriber
    socket = await open_socket(live.url, live.token("member"))
    await follow_and_wait(live, socket, live.thread("global"))

    # When one reply is rolled back and the next one committed
    await _post_in_transaction(live, engine, registry, "Never mind.", commit=False)
    committed = await _post_in_transaction(live, engine, registry, "Kept.", commit=True)

    # Then the first event the subscriber sees is the committed reply (NOTIFY keeps commit order)
    message = await receive(socket)
    await socket.close()
    assert message["payload"]["data"]["forumPostAdded"]["id"] == encode_id("ForumPost", committed)
    assert message["payload"]["data"]["forumPostAdded"]["body"] == "Kept."


async def test_a_hidden_reply_arrives_minimised_for_a_non_moderator(
    live: Live, engine: AsyncEngine, registry: ChapterRegistry
) -> None:
    # Given a member and a moderator (council admin) following the global thread
    member = await open_socket(live.url, live.token("member"))
    await follow_and_wait(live, member, live.thread("global"))
    admin = await open_socket(live.url, live.token("admin"))
    await follow_and_wait(live, admin, live.thread("global"))

    # When a reply is committed hidden
    await _post_in_transaction(live, engine, registry, "Spam link.", commit=True, hide=True)

    # Then the member gets it minimised, the moderator with its body
    seen_by_member = (await receive(member))["payload"]["data"]["forumPostAdded"]
    seen_by_admin = (await receive(admin))["payload"]["data"]["forumPostAdded"]
    await member.close()
    await admin.close()
    assert (seen_by_member["hidden"], seen_by_member["body"]) == (True, None)
    assert (seen_by_admin["hidden"], seen_by_admin["body"]) == (True, "Spam link.")


async def test_losing_access_mid_subscription_ends_it_with_not_found(
    live: Live, engine: AsyncEngine
) -> None:
    # Given a member following the global thread
    socket = await open_socket(live.url, live.token("member"))
    await follow_and_wait(live, socket, live.thread("global"))

    # When moderators hide the thread and one of them replies in it
    async with AsyncSession(engine) as session:
        thread = await session.get_one(ForumThread, live.forum.threads["global"].id)
        thread.hidden = True
        await session.commit()
    await reply(live.url, live.token("admin"), live.thread("global"), "Closing this.")

    # Then the member's subscription ends with NOT_FOUND instead of delivering the reply
    message = await receive(socket)
    complete = await receive(socket)
    await socket.close()
    assert message["type"] == "next"
    assert message["payload"]["data"] is None
    assert [error["extensions"]["code"] for error in message["payload"]["errors"]] == ["NOT_FOUND"]
    assert complete == {"id": "1", "type": "complete"}
    await until(live, lambda: live.broker.subscriber_count == 0, "ended subscription removed")


async def test_leaving_the_chapter_mid_subscription_ends_it_with_not_found(
    live: Live, engine: AsyncEngine
) -> None:
    # Given a member following their chapter's members-only thread
    socket = await open_socket(live.url, live.token("member"))
    await follow_and_wait(live, socket, live.thread("gulf"))

    # When their membership ends (token unchanged) and a council admin replies there
    async with AsyncSession(engine) as session:
        await session.execute(
            delete(Membership).where(Membership.engineer_id == live.forum.engineers["member"].id)
        )
        await session.commit()
    await reply(live.url, live.token("admin"), live.thread("gulf"), "Members only.")

    # Then the subscription ends with NOT_FOUND: each event is served as the token stands now
    message = await receive(socket)
    await socket.close()
    assert message["payload"]["data"] is None
    assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_revoked_token_ends_the_subscription_with_unauthenticated(
    live: Live, engine: AsyncEngine, registry: ChapterRegistry
) -> None:
    # Given a subscription opened with a token
    token, claims = issue_access_token(
        live.app.state.auth.keys.signing_key(),
        issuer=live.settings.issuer,
        audience=live.settings.audience,
        subject=engineer_subject(live.forum.engineers["member"].id),
        client_id="test",
        scopes=SCOPES,
        lifetime_seconds=300,
    )
    socket = await open_socket(live.url, token)
    await follow_and_wait(live, socket, live.thread("global"))

    # When the token is revoked and then a reply arrives
    async with AsyncSession(engine) as session:
        session.add(
            RevokedAccessToken(
                jti=claims["jti"], expires_at=datetime.fromtimestamp(claims["exp"], UTC)
            )
        )
        await session.commit()
    try:
        await _post_in_transaction(live, engine, registry, "Late.", commit=True)

        # Then the subscription ends with UNAUTHENTICATED instead of serving a stale viewer
        message = await receive(socket)
        await socket.close()
        assert message["payload"]["data"] is None
        assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    finally:
        async with AsyncSession(engine) as session:
            await session.execute(
                delete(RevokedAccessToken).where(RevokedAccessToken.jti == claims["jti"])
            )
            await session.commit()


@pytest.mark.parametrize(
    ("who", "thread"),
    [(None, "gulf"), ("outsider", "gulf"), ("member", "hidden"), ("outsider", "hidden")],
)
async def test_a_thread_the_viewer_may_not_read_is_refused_at_start(
    live: Live, who: str | None, thread: str
) -> None:
    # When someone subscribes to a thread they may not read
    socket = await open_socket(live.url, live.token(who) if who else None)
    await follow(socket, live.thread(thread))
    message = await receive(socket)
    await socket.close()

    # Then the operation errors with NOT_FOUND (as reading it would) and nothing is registered
    assert message["type"] == "error"
    assert [error["extensions"]["code"] for error in message["payload"]] == ["NOT_FOUND"]
    assert live.broker.subscriber_count == 0


@pytest.mark.parametrize(("who", "thread"), [("member", "gulf"), ("admin", "hidden")])
async def test_a_thread_the_viewer_may_read_is_followed(live: Live, who: str, thread: str) -> None:
    # Given a chapter member on its members-only thread, or a moderator on a hidden thread
    socket = await open_socket(live.url, live.token(who))
    await follow_and_wait(live, socket, live.thread(thread))

    # When a reply is posted there
    post_id = await reply(live.url, live.token(who), live.thread(thread), "Counted.")

    # Then it arrives
    message = await receive(socket)
    await socket.close()
    assert message["payload"]["data"]["forumPostAdded"]["id"] == post_id


@pytest.mark.parametrize(
    ("thread_id", "code"),
    [
        ("not-an-id", "BAD_USER_INPUT"),
        (encode_id("Engineer", 1), "BAD_USER_INPUT"),
        (encode_id("ForumThread", 2**31 - 2), "NOT_FOUND"),
    ],
)
async def test_malformed_and_unknown_thread_ids(live: Live, thread_id: str, code: str) -> None:
    socket = await open_socket(live.url)
    await follow(socket, thread_id)
    message = await receive(socket)
    await socket.close()

    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == code
    assert message["payload"][0]["extensions"].get("argument") == "threadId"


async def test_a_subscription_goes_through_websocket_admission(live: Live) -> None:
    # When a subscription asks for more than the cost limit allows
    costly = (
        "subscription ($t: ID!) { forumPostAdded(threadId: $t) { thread { posts(first: 100) "
        "{ nodes { thread { posts(first: 100) { nodes { id } } } } } } } }"
    )
    socket = await open_socket(live.url)
    await socket.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": costly, "variables": {"t": live.thread("global")}},
            }
        )
    )
    message = await receive(socket)
    await socket.close()

    # Then it is refused before it starts, as a query would be
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert live.broker.subscriber_count == 0


async def test_completing_or_closing_removes_the_registration(live: Live) -> None:
    # Given two subscriptions on one socket and one on another
    first = await open_socket(live.url, live.token("member"))
    await follow_and_wait(live, first, live.thread("global"))
    await first.send(
        json.dumps(
            {
                "id": "2",
                "type": "subscribe",
                "payload": {"query": POST_ADDED, "variables": {"thread": live.thread("gulf")}},
            }
        )
    )
    await until(live, lambda: live.broker.subscriber_count == 2, "second subscription registered")
    second = await open_socket(live.url, live.token("admin"))
    await follow_and_wait(live, second, live.thread("global"))

    # When the client completes one, then closes each socket
    await first.send(json.dumps({"id": "1", "type": "complete"}))
    await until(live, lambda: live.broker.subscriber_count == 2, "completed subscription removed")
    await first.close()
    await until(
        live, lambda: live.broker.subscriber_count == 1, "closed socket's subscription removed"
    )
    await second.close()

    # Then nothing stays registered, while the worker keeps its one LISTEN connection
    await until(live, lambda: live.broker.subscriber_count == 0, "every subscription removed")
    assert live.broker.topics == {}
    assert live.broker.connections_opened == 1


async def test_a_subscription_over_http_is_refused(live: Live) -> None:
    async with httpx.AsyncClient(base_url=f"http://{live.url}", timeout=TIMEOUT) as client:
        response = await client.post(
            "/graphql",
            json={"query": POST_ADDED, "variables": {"thread": live.thread("global")}},
        )
    assert response.status_code in (400, 405)
    assert live.broker.subscriber_count == 0
