"""eventUpdated and the waitlist promotion's notification over a real websocket.

A members-only event of the gulf chapter (one place) is committed; RSVPs and cancellations are
committed through the services (NOTIFY needs a real commit). Its members follow it and receive
each change as they may read it; an outsider is refused; a subscriber that comes back with its
last cursor gets what it missed. Rows are deleted afterwards.
"""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.engine import DatabaseLocation
from db.models import Engineer, Event, EventRegistration, Membership, Notification
from graph.app import create_app
from graph.chapters import ChapterRegistry
from graph.extensions.budget import MemoryBudgetStore
from graph.ids import encode_id
from graph.services import event_registration
from graph.settings import Settings
from graph.subscriptions.broker import EventBroker
from tests import factories, viewers
from tests.http.test_live_updates import NOTIFICATION_RECEIVED, items, nothing_more, subscribe
from tests.http.test_subscriptions import SCOPES, Live, open_socket, receive, until
from tests.support.in_loop import served
from tests.support.live_forum import live_forum

EVENT_UPDATED = """
subscription Follow($id: ID!, $after: String) {
  eventUpdated(id: $id, after: $after) {
    cursor change
    event { id title attendeeCount waitlistCount }
    registration { status engineer { handle } }
  }
}
"""


@pytest.fixture
async def live(
    database: DatabaseLocation, engine: AsyncEngine, registry: ChapterRegistry
) -> AsyncIterator[tuple[Live, Event]]:
    """The app in the test's loop, the live forum's people, and a committed members-only
    event of their gulf chapter with one place."""
    settings = Settings(
        database_url=database.url, environment="test", max_body_bytes=100_000, log_level="INFO"
    )
    broker = EventBroker(database.url)
    app = create_app(settings, registry=registry, budget_store=MemoryBudgetStore(), events=broker)
    async with live_forum(engine) as forum:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            gulf = await factories.chapter(session, "gulf-uae")
            starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
            event = Event(
                chapter_id=gulf.id,
                kind="WORKSHOP",
                title="Protection relay workshop",
                description="Members only.",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                timezone=gulf.timezone,
                venue="DIFC Gate Village, Dubai",
                visibility="MEMBERS_ONLY",
                capacity=1,
                uid=f"{uuid.uuid4()}@events.braingain",
            )
            session.add(event)
            await session.commit()
        try:
            async with LifespanManager(app), served(app) as url:
                yield Live(app, url, broker, forum, settings), event
        finally:
            await broker.close()
            async with AsyncSession(engine) as session:
                await session.execute(delete(Notification).where(Notification.event_id == event.id))
                await session.execute(
                    delete(EventRegistration).where(EventRegistration.event_id == event.id)
                )
                await session.execute(delete(Event).where(Event.id == event.id))
                await session.commit()


async def _as(
    engine: AsyncEngine, registry: ChapterRegistry, who: Engineer, change: Any, event: Event
) -> None:
    """Run one registration change as `who`, committed on its own."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        viewer = await viewers.engineer(session, registry, who, frozenset(SCOPES))
        await change(session, viewer, event.id)
        await session.commit()


async def _rsvp(session: AsyncSession, viewer: Any, event_id: int) -> None:
    await event_registration.rsvp(session, viewer, event_id, listed=False)


async def test_members_follow_an_event_and_the_promoted_person_is_told(
    live: tuple[Live, Event], engine: AsyncEngine, registry: ChapterRegistry
) -> None:
    server, event = live
    people = server.forum.engineers
    event_id = encode_id("Event", event.id)
    # Given the gulf member following the members-only event and their notifications
    follower = await open_socket(server.url, server.token("member"))
    inbox = await open_socket(server.url, server.token("member"))
    await subscribe(follower, EVENT_UPDATED, {"id": event_id})
    await subscribe(inbox, NOTIFICATION_RECEIVED, {})
    await until(server, lambda: server.broker.subscriber_count == 2, "two subscriptions")

    # When a council admin takes the one place, the member joins the waitlist, and the admin
    # gives the place up
    await _as(engine, registry, people["admin"], _rsvp, event)
    seen = await items(follower, "eventUpdated", 1)
    await _as(engine, registry, people["member"], _rsvp, event)
    seen += await items(follower, "eventUpdated", 1)
    await _as(engine, registry, people["admin"], event_registration.cancel_rsvp, event)
    seen += await items(follower, "eventUpdated", 2)

    # Then the follower receives each change, with the event as it is when delivered and the
    # registrations they may see (their own; not the admin's unlisted one)
    own = {"status": "REGISTERED", "engineer": {"handle": people["member"].handle}}
    assert [(item["change"], item["registration"]) for item in seen] == [
        ("REGISTERED", None),
        ("REGISTERED", {**own, "status": "WAITLISTED"}),
        ("REGISTRATION_CANCELLED", None),
        ("PROMOTED", own),
    ]
    assert {item["event"]["id"] for item in seen} == {event_id}
    assert seen[-1]["event"]["attendeeCount"] == 1
    assert seen[-1]["event"]["waitlistCount"] == 0
    assert len({item["cursor"] for item in seen}) == 4
    # and their inbox hears of the promotion, once
    (notice,) = await items(inbox, "notificationReceived", 1)
    assert notice["notification"]["kind"] == "EVENT_WAITLIST_PROMOTED"
    for socket in (follower, inbox):
        assert await nothing_more(socket)
        await socket.close()


async def test_a_follower_that_comes_back_with_its_cursor_gets_what_it_missed(
    live: tuple[Live, Event], engine: AsyncEngine, registry: ChapterRegistry
) -> None:
    server, event = live
    people = server.forum.engineers
    event_id = encode_id("Event", event.id)
    # Given the admin following the event, who received one change and went away
    follower = await open_socket(server.url, server.token("admin"))
    await subscribe(follower, EVENT_UPDATED, {"id": event_id})
    await until(server, lambda: server.broker.subscriber_count == 1, "subscribed")
    await _as(engine, registry, people["member"], _rsvp, event)
    (first,) = await items(follower, "eventUpdated", 1)
    await follower.close()
    await until(server, lambda: server.broker.subscriber_count == 0, "gone")

    # When the member gives up the place while they are away, and they subscribe again after
    # their last cursor (and the member comes back once they are)
    await _as(engine, registry, people["member"], event_registration.cancel_rsvp, event)
    back = await open_socket(server.url, server.token("admin"))
    await subscribe(back, EVENT_UPDATED, {"id": event_id, "after": first["cursor"]})
    await until(server, lambda: server.broker.subscriber_count == 1, "resubscribed")
    await _as(engine, registry, people["member"], _rsvp, event)

    # Then they get the missed change, then the new one, each once
    later = await items(back, "eventUpdated", 2)
    assert [item["change"] for item in later] == ["REGISTRATION_CANCELLED", "REGISTERED"]
    assert first["cursor"] not in {item["cursor"] for item in later}
    assert await nothing_more(back)
    await back.close()


@pytest.mark.parametrize(
    ("who", "variables", "code"),
    [
        ("outsider", {}, "NOT_FOUND"),
        (None, {}, "NOT_FOUND"),
        ("member", {"id": "not-an-id"}, "BAD_USER_INPUT"),
        ("member", {"id": encode_id("Event", 999_999_999)}, "NOT_FOUND"),
        ("member", {"after": "garbage"}, "BAD_USER_INPUT"),
    ],
)
async def test_those_who_may_not_see_the_event_are_refused_at_start(
    live: tuple[Live, Event], who: str | None, variables: dict[str, Any], code: str
) -> None:
    server, event = live
    token = server.token(who) if who else None
    socket = await open_socket(server.url, token)
    await subscribe(socket, EVENT_UPDATED, {"id": encode_id("Event", event.id), **variables})
    message = await receive(socket)
    await socket.close()
    assert message["type"] == "error"
    assert [error["extensions"]["code"] for error in message["payload"]] == [code]
    assert server.broker.subscriber_count == 0


async def test_an_outsider_never_sees_a_members_only_events_changes(
    live: tuple[Live, Event], engine: AsyncEngine, registry: ChapterRegistry
) -> None:
    server, event = live
    # Given the outsider refused, and a member following
    outsider = await open_socket(server.url, server.token("outsider"))
    await subscribe(outsider, EVENT_UPDATED, {"id": encode_id("Event", event.id)})
    assert (await receive(outsider))["type"] == "error"
    member = await open_socket(server.url, server.token("member"))
    await subscribe(member, EVENT_UPDATED, {"id": encode_id("Event", event.id)})
    await until(server, lambda: server.broker.subscriber_count == 1, "subscribed")
    # When the member registers
    await _as(engine, registry, server.forum.engineers["member"], _rsvp, event)
    # Then the member hears of it and the outsider nothing
    (item,) = await items(member, "eventUpdated", 1)
    assert item["change"] == "REGISTERED"
    assert await nothing_more(outsider)
    for socket in (member, outsider):
        await socket.close()


async def test_leaving_the_chapter_mid_subscription_ends_it_with_not_found(
    live: tuple[Live, Event], engine: AsyncEngine, registry: ChapterRegistry
) -> None:
    server, event = live
    # Given a member following their chapter's members-only event
    socket = await open_socket(server.url, server.token("member"))
    await subscribe(socket, EVENT_UPDATED, {"id": encode_id("Event", event.id)})
    await until(server, lambda: server.broker.subscriber_count == 1, "subscribed")

    # When their membership ends (token unchanged) and a council admin registers
    member = server.forum.engineers["member"]
    async with AsyncSession(engine) as session:
        await session.execute(delete(Membership).where(Membership.engineer_id == member.id))
        await session.commit()
    await _as(engine, registry, server.forum.engineers["admin"], _rsvp, event)

    # Then the subscription ends with NOT_FOUND: each change is read as the viewer stands now
    message = await receive(socket)
    complete = await receive(socket)
    await socket.close()
    assert message["payload"]["data"] is None
    assert [error["extensions"]["code"] for error in message["payload"]["errors"]] == ["NOT_FOUND"]
    assert complete == {"id": "1", "type": "complete"}
