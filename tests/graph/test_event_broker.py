"""The per-worker event broker against real PostgreSQL: fan-out, slow subscribers, reconnects."""

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from db.engine import DatabaseLocation, to_libpq_url
from graph.subscriptions.broker import EventBroker, SubscriberTooSlow
from graph.subscriptions.events import CHANNEL, Event, forum_post_added

TIMEOUT = 20.0


@pytest.fixture
async def broker(database: DatabaseLocation) -> AsyncIterator[EventBroker]:
    """A broker with a small queue and quick reconnects."""
    events = EventBroker(database.url, queue_size=2, first_backoff=0.01, max_backoff=0.1)
    yield events
    await events.close()


@pytest.fixture
async def notifier(database: DatabaseLocation) -> AsyncIterator[asyncpg.Connection]:
    """A separate connection that publishes (autocommit: each NOTIFY is delivered at once)."""
    connection = await asyncpg.connect(to_libpq_url(database.url))
    yield connection
    await connection.close()


async def notify(connection: asyncpg.Connection, event: Event) -> None:
    await connection.execute("SELECT pg_notify($1, $2)", CHANNEL, event.encode())


async def test_each_event_reaches_only_the_subscribers_of_its_topic(
    broker: EventBroker, notifier: asyncpg.Connection
) -> None:
    # Given two subscribers of thread 1 and one of thread 2
    first = await broker.subscribe("forum-thread:1")
    second = await broker.subscribe("forum-thread:1")
    other = await broker.subscribe("forum-thread:2")

    # When a reply to thread 1 is published
    await notify(notifier, forum_post_added(1, 10))

    # Then both subscribers of thread 1 get it, with ids only, and the other gets nothing
    expected = Event("forum-thread:1", {"thread": 1, "post": 10})
    assert await asyncio.wait_for(first.next(), TIMEOUT) == expected
    assert await asyncio.wait_for(second.next(), TIMEOUT) == expected
    assert other.queue.empty()
    assert broker.connections_opened == 1
    for subscription in (first, second, other):
        subscription.close()
    assert broker.topics == {}


async def test_a_subscriber_that_falls_behind_is_dropped_with_an_error(
    broker: EventBroker, notifier: asyncpg.Connection
) -> None:
    # Given a subscriber that reads nothing while three events arrive (its queue holds two)
    slow = await broker.subscribe("forum-thread:1")
    marker = await broker.subscribe("forum-thread:1")
    for post in (1, 2, 3):  # the marker reads each event, so each was delivered to both
        await notify(notifier, forum_post_added(1, post))
        await asyncio.wait_for(marker.next(), TIMEOUT)

    # Then it is unregistered; it still gets what it had queued, then SubscriberTooSlow
    assert slow.overflowed
    assert slow not in broker.topics["forum-thread:1"]
    assert [(await slow.next()).ids["post"] for _ in range(2)] == [1, 2]
    with pytest.raises(SubscriberTooSlow) as dropped:
        await slow.next()
    assert dropped.value.extensions["code"] == "THROTTLED"
    marker.close()


async def test_a_lost_listen_connection_is_reopened(
    broker: EventBroker, notifier: asyncpg.Connection
) -> None:
    # Given a subscriber, and the worker's LISTEN connection killed by the server
    subscription = await broker.subscribe("forum-thread:1")
    lost = broker.connection
    await notifier.execute("SELECT pg_terminate_backend($1)", lost.get_server_pid())

    # When the broker has reconnected
    await asyncio.wait_for(
        broker.wait_until(lambda: broker.connections_opened == 2 and broker.listening),
        TIMEOUT,
    )

    # Then events reach the subscriber again
    await notify(notifier, forum_post_added(1, 7))
    assert (await asyncio.wait_for(subscription.next(), TIMEOUT)).ids["post"] == 7
    subscription.close()


async def test_payloads_that_are_not_events_are_ignored(
    broker: EventBroker, notifier: asyncpg.Connection
) -> None:
    subscription = await broker.subscribe("forum-thread:1")
    for payload in ("not json", '{"topic": 1}', '{"topic": "forum-thread:1", "ids": {"x": "1"}}'):
        await notifier.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
    await notify(notifier, forum_post_added(1, 8))

    assert (await asyncio.wait_for(subscription.next(), TIMEOUT)).ids == {"thread": 1, "post": 8}
    subscription.close()
