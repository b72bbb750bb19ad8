"""forumThreadUpdated and notificationReceived over a real websocket: nothing lost.

The app serves on its own engine (direct to the test database) while its broker's LISTEN
connection goes through a proxy the test cuts: replies, edits, moderation and the
notifications they cause, committed during the outage, reach every subscriber exactly once
after the connection is restored; a subscriber that reconnects with its last cursor receives
what it missed. Rows are committed (tests/support/live_forum.py) and deleted afterwards.
"""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from websockets.asyncio.client import ClientConnection

from db.engine import DatabaseLocation
from graph.app import create_app
from graph.chapters import ChapterRegistry
from graph.extensions.budget import MemoryBudgetStore
from graph.ids import decode_id, encode_id
from graph.services import forum_moderation, forum_writing
from graph.services.forum_moderation import ModerationAction
from graph.settings import Settings
from graph.subscriptions.broker import EventBroker
from tests import viewers
from tests.http.test_subscriptions import (
    SCOPES,
    Live,
    open_socket,
    receive,
    reply,
    until,
)
from tests.http.test_unavailable import Proxy, _target
from tests.support.in_loop import served
from tests.support.live_forum import live_forum

THREAD_UPDATED = """
subscription Thread($id: ID!, $after: String) {
  forumThreadUpdated(id: $id, after: $after) {
    cursor change thread { id } post { id body hidden }
  }
}
"""
NOTIFICATION_RECEIVED = """
subscription Inbox($after: String) {
  notificationReceived(after: $after) {
    cursor notification { id kind summary read actor { handle } }
  }
}
"""


@pytest.fixture
async def live(
    database: DatabaseLocation, engine: AsyncEngine, registry: ChapterRegistry
) -> AsyncIterator[tuple[Live, Proxy]]:
    """The app on a direct engine, its broker LISTENing through a proxy."""
    proxy = Proxy(_target(database.url))
    await proxy.start()
    settings = Settings(
        database_url=database.url, environment="test", max_body_bytes=100_000, log_level="INFO"
    )
    broker = EventBroker(proxy.url(database.url), first_backoff=0.01, max_backoff=0.1)
    app = create_app(settings, registry=registry, budget_store=MemoryBudgetStore(), events=broker)
    try:
        async with live_forum(engine) as forum, LifespanManager(app), served(app) as url:
            yield Live(app, url, broker, forum, settings), proxy
    finally:
        await broker.close()
        with contextlib.suppress(Exception):
            await proxy.cut()


async def subscribe(
    socket: ClientConnection, document: str, variables: dict[str, Any], id: str = "1"
) -> None:
    payload = {"query": document, "variables": variables}
    await socket.send(json.dumps({"id": id, "type": "subscribe", "payload": payload}))


async def items(socket: ClientConnection, field: str, count: int) -> list[dict[str, Any]]:
    """The next `count` items of a subscription; fails on an error."""
    found = []
    for _ in range(count):
        message = await receive(socket)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        found.append(message["payload"]["data"][field])
    return found


async def nothing_more(socket: ClientConnection) -> bool:
    """True when no further message arrives within a short while."""
    try:
        await asyncio.wait_for(socket.recv(), 0.5)
    except TimeoutError:
        return True
    return False


async def test_updates_committed_while_listen_is_down_arrive_once_in_order(
    live: tuple[Live, Proxy], engine: AsyncEngine, registry: ChapterRegistry
) -> None:
    server, proxy = live
    broker = server.broker
    thread = server.forum.threads["global"]
    # Given the thread's author (a member) and a council admin following the thread, and the
    # author following their notifications
    follower = await open_socket(server.url, server.token("member"))
    moderator = await open_socket(server.url, server.token("admin"))
    inbox = await open_socket(server.url, server.token("member"))
    for socket in (follower, moderator):
        await subscribe(socket, THREAD_UPDATED, {"id": server.thread("global")})
    await subscribe(inbox, NOTIFICATION_RECEIVED, {})
    await until(server, lambda: broker.subscriber_count == 3, "three subscriptions")

    # When the LISTEN connection is cut, and meanwhile the admin replies, edits the reply and
    # hides it, each committed on its own
    await proxy.cut()
    await until(server, lambda: not broker.listening, "listen connection lost")
    async with AsyncSession(engine, expire_on_commit=False) as session:
        admin = await viewers.engineer(
            session, registry, server.forum.engineers["admin"], frozenset(SCOPES)
        )
        post = await forum_writing.create_post(session, admin, thread.id, body="First words.")
        await session.commit()
        await forum_writing.edit_post(session, admin, post.id, body="Better words.")
        await session.commit()
        await forum_moderation.moderate(
            session,
            admin,
            thread_id=None,
            post_id=post.id,
            action=ModerationAction.HIDE,
            request_id="test",
        )
        await session.commit()
    replays = broker.replays
    await proxy.start()
    await until(server, lambda: broker.listening and broker.replays > replays, "replayed")
    # and, once it is back, a reply delivered live
    later = await reply(server.url, server.token("admin"), server.thread("global"), "Live.")

    # Then each thread subscriber receives the four updates once, in order, as it may read them
    post_id = encode_id("ForumPost", post.id)
    seen_by_follower = await items(follower, "forumThreadUpdated", 4)
    seen_by_moderator = await items(moderator, "forumThreadUpdated", 4)
    assert [(item["change"], item["post"]["id"]) for item in seen_by_follower] == [
        ("POST_ADDED", post_id),
        ("POST_EDITED", post_id),
        ("MODERATED", post_id),
        ("POST_ADDED", later),
    ]
    assert [item["cursor"] for item in seen_by_follower] == [
        item["cursor"] for item in seen_by_moderator
    ]
    # each is loaded now: the reply is hidden, minimised for the member, whole for moderators
    assert seen_by_follower[0]["post"] == {"id": post_id, "body": None, "hidden": True}
    assert seen_by_moderator[0]["post"]["body"] == "Better words."
    # and the author is told of both replies, once each
    notices = await items(inbox, "notificationReceived", 2)
    assert [notice["notification"]["kind"] for notice in notices] == ["FORUM_REPLY"] * 2
    assert notices[0]["notification"]["actor"] == {"handle": server.forum.engineers["admin"].handle}
    for socket in (follower, moderator, inbox):
        assert await nothing_more(socket)
        await socket.close()


async def test_a_subscriber_that_reconnects_with_its_cursor_gets_what_it_missed(
    live: tuple[Live, Proxy],
) -> None:
    server, _ = live
    broker = server.broker
    # Given the author following their notifications, who received one and then went away
    inbox = await open_socket(server.url, server.token("member"))
    await subscribe(inbox, NOTIFICATION_RECEIVED, {})
    await until(server, lambda: broker.subscriber_count == 1, "subscribed")
    await reply(server.url, server.token("admin"), server.thread("global"), "One.")
    (first,) = await items(inbox, "notificationReceived", 1)
    await inbox.close()
    await until(server, lambda: broker.subscriber_count == 0, "gone")

    # When two more replies come while they are away, and they subscribe again after their
    # last cursor (and a third reply comes once they are back)
    for body in ("Two.", "Three."):
        await reply(server.url, server.token("admin"), server.thread("global"), body)
    back = await open_socket(server.url, server.token("member"))
    await subscribe(back, NOTIFICATION_RECEIVED, {"after": first["cursor"]})
    await until(server, lambda: broker.subscriber_count == 1, "resubscribed")
    await reply(server.url, server.token("admin"), server.thread("global"), "Four.")

    # Then they get the missed ones in order, then the new one, each once
    missed = await items(back, "notificationReceived", 3)
    assert [item["notification"]["summary"] for item in missed] == [
        f"@{server.forum.engineers['admin'].handle} replied to your thread "
        f"“{server.forum.threads['global'].title}”"
    ] * 3
    cursors = [first["cursor"], *(item["cursor"] for item in missed)]
    assert len(set(cursors)) == 4
    ids = [item["notification"]["id"] for item in missed]
    assert ids == sorted(ids, key=lambda value: int(_key(value)))
    assert await nothing_more(back)
    await back.close()


def _key(global_id: str) -> str:
    return str(decode_id(global_id).key)


@pytest.mark.parametrize(
    ("document", "variables", "code"),
    [
        (NOTIFICATION_RECEIVED, {}, "UNAUTHENTICATED"),
        (NOTIFICATION_RECEIVED, {"after": "bm9wZQ"}, "BAD_USER_INPUT"),
        (THREAD_UPDATED, {"id": "not-an-id"}, "BAD_USER_INPUT"),
        (THREAD_UPDATED, {"id": "gulf", "after": None}, "NOT_FOUND"),
        (THREAD_UPDATED, {"id": "global", "after": "garbage"}, "BAD_USER_INPUT"),
    ],
)
async def test_bad_subscriptions_are_refused_at_start(
    live: tuple[Live, Proxy], document: str, variables: dict[str, Any], code: str
) -> None:
    server, _ = live
    if variables.get("id") in ("gulf", "global"):
        variables = {**variables, "id": server.thread(variables["id"])}
    # the outsider may not read the gulf members-only thread; anonymous has no notifications
    token = None if code == "UNAUTHENTICATED" else server.token("outsider")
    socket = await open_socket(server.url, token)
    await subscribe(socket, document, variables)
    message = await receive(socket)
    await socket.close()
    assert message["type"] == "error"
    assert [error["extensions"]["code"] for error in message["payload"]] == [code]
    assert server.broker.subscriber_count == 0
