"""Nothing lost: events committed while a worker's LISTEN connection is down are replayed from
the live-event log in order and exactly once, and a subscriber resumes after its cursor.

The broker reaches PostgreSQL through a TCP proxy the test cuts (tests/http/test_unavailable.py),
so the outage is real; events are committed on a direct connection meanwhile.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg
import pytest

from db.engine import DatabaseLocation, to_libpq_url
from graph.subscriptions.broker import EventBroker, Subscription
from graph.subscriptions.events import Event
from tests.http.test_unavailable import Proxy, _target

TIMEOUT = 20.0
TOPIC = "forum-thread:900001"
OTHER = "forum-thread:900002"


@pytest.fixture
async def proxied(database: DatabaseLocation) -> AsyncIterator[tuple[Proxy, EventBroker]]:
    """A broker whose LISTEN connection goes through a proxy, reconnecting quickly."""
    proxy = Proxy(_target(database.url))
    await proxy.start()
    broker = EventBroker(proxy.url(database.url), first_backoff=0.01, max_backoff=0.1)
    yield proxy, broker
    await broker.close()
    with contextlib.suppress(Exception):
        await proxy.cut()


@pytest.fixture
async def writer(database: DatabaseLocation) -> AsyncIterator[asyncpg.Connection]:
    """A direct connection (not through the proxy) that commits events."""
    connection = await asyncpg.connect(to_libpq_url(database.url))
    yield connection
    await connection.execute("DELETE FROM live_events WHERE topic = ANY($1)", [TOPIC, OTHER])
    await connection.close()


async def publish(connection: asyncpg.Connection, topic: str, post: int) -> int:
    """Commit one event (its trigger NOTIFYs it); its id."""
    event_id: int = await connection.fetchval(
        "INSERT INTO live_events (topic, ids, change) "
        "VALUES ($1, jsonb_build_object('post', $2::int), 'POST_ADDED') RETURNING id",
        topic,
        post,
    )
    return event_id


async def received(subscription: Subscription, count: int) -> list[int]:
    """The posts of the next `count` events, then proof that nothing else is queued."""
    posts = []
    for _ in range(count):
        event = await asyncio.wait_for(subscription.next(), TIMEOUT)
        posts.append(event.ids["post"])
    return posts


async def outage(proxy: Proxy, broker: EventBroker) -> None:
    """Cut the LISTEN connection and wait until the broker noticed."""
    await proxy.cut()
    await asyncio.wait_for(broker.wait_until(lambda: not broker.listening), TIMEOUT)


async def restore(proxy: Proxy, broker: EventBroker) -> None:
    """Let connections through again and wait until the broker listens and has replayed."""
    replays = broker.replays
    await proxy.start()
    await asyncio.wait_for(
        broker.wait_until(lambda: broker.listening and broker.replays > replays), TIMEOUT
    )


async def test_events_committed_during_an_outage_reach_every_subscriber_exactly_once(
    proxied: tuple[Proxy, EventBroker], writer: asyncpg.Connection
) -> None:
    proxy, broker = proxied
    # Given two subscribers of a thread and one of another, and one event delivered live
    first = await broker.subscribe(TOPIC)
    second = await broker.subscribe(TOPIC)
    other = await broker.subscribe(OTHER)
    await publish(writer, TOPIC, 1)
    assert await received(first, 1) == [1]
    assert await received(second, 1) == [1]

    # When the LISTEN connection is cut, events are committed, and it comes back
    await outage(proxy, broker)
    for post in (2, 3):
        await publish(writer, TOPIC, post)
    await publish(writer, OTHER, 20)
    await publish(writer, TOPIC, 4)
    await restore(proxy, broker)
    await publish(writer, TOPIC, 5)  # live again

    # Then every subscriber gets every event once, in order, and nothing more
    assert await received(first, 4) == [2, 3, 4, 5]
    assert await received(second, 4) == [2, 3, 4, 5]
    assert await received(other, 1) == [20]
    for subscription in (first, second, other):
        assert subscription.queue.empty()
        subscription.close()
    assert broker.connections_opened == 2


async def test_a_transaction_that_commits_during_the_outage_is_replayed_once(
    proxied: tuple[Proxy, EventBroker], writer: asyncpg.Connection, database: DatabaseLocation
) -> None:
    proxy, broker = proxied
    subscription = await broker.subscribe(TOPIC)
    # Given a transaction that took an event id and has not committed yet, while a later
    # event commits and is delivered (the worker has seen a higher id than the open one)
    slow = await asyncpg.connect(to_libpq_url(database.url))
    transaction = slow.transaction()
    await transaction.start()
    await publish(slow, TOPIC, 1)
    await publish(writer, TOPIC, 2)
    assert await received(subscription, 1) == [2]

    # When the slow transaction commits while the LISTEN connection is down
    await outage(proxy, broker)
    await transaction.commit()
    await slow.close()
    await restore(proxy, broker)
    await publish(writer, TOPIC, 3)

    # Then its event is replayed once, and the one already delivered is not repeated
    assert await received(subscription, 2) == [1, 3]
    assert subscription.queue.empty()
    subscription.close()


async def test_a_subscriber_resumes_after_its_cursor(
    proxied: tuple[Proxy, EventBroker], writer: asyncpg.Connection
) -> None:
    _, broker = proxied
    # Given a subscriber that received two events and went away
    gone = await broker.subscribe(TOPIC)
    for post in (1, 2):
        await publish(writer, TOPIC, post)
    events = [await asyncio.wait_for(gone.next(), TIMEOUT) for _ in range(2)]
    gone.close()
    last: Event = events[-1]
    assert last.id is not None
    assert last.cursor

    # When more are committed while it is away, and it subscribes again after its last one
    for post in (3, 4):
        await publish(writer, TOPIC, post)
    back = await broker.subscribe(TOPIC, after=last.id)
    await publish(writer, TOPIC, 5)

    # Then it gets what it missed, in order, then what is new, each once
    assert await received(back, 3) == [3, 4, 5]
    assert back.queue.empty()
    back.close()


async def test_events_without_a_log_row_are_still_delivered(
    proxied: tuple[Proxy, EventBroker], writer: asyncpg.Connection
) -> None:
    _, broker = proxied
    subscription = await broker.subscribe(TOPIC)
    await writer.execute(
        "SELECT pg_notify('braingain_events', $1)",
        Event(TOPIC, {"post": 7}).encode(),
    )
    assert await received(subscription, 1) == [7]
    subscription.close()


async def test_a_replay_brings_nothing_from_before_a_subscriber_came(
    proxied: tuple[Proxy, EventBroker], writer: asyncpg.Connection
) -> None:
    proxy, broker = proxied
    # Given an early subscriber that received one event, and a late one that came after it
    early = await broker.subscribe(TOPIC)
    await publish(writer, TOPIC, 1)
    assert await received(early, 1) == [1]
    late = await broker.subscribe(TOPIC)

    # When an event is committed during an outage and replayed (with the minute before it)
    await outage(proxy, broker)
    await publish(writer, TOPIC, 2)
    await restore(proxy, broker)
    await publish(writer, TOPIC, 3)

    # Then each gets only what came after it subscribed, once
    assert await received(early, 2) == [2, 3]
    assert await received(late, 2) == [2, 3]
    for subscription in (early, late):
        assert subscription.queue.empty()
        subscription.close()


async def test_only_the_worker_that_lost_its_connection_replays_and_nobody_gets_twice(
    proxied: tuple[Proxy, EventBroker], writer: asyncpg.Connection, database: DatabaseLocation
) -> None:
    proxy, cut_worker = proxied
    # Given two workers with a subscriber each: one LISTENs through the proxy, one directly
    steady_worker = EventBroker(database.url, first_backoff=0.01, max_backoff=0.1)
    try:
        on_cut = await cut_worker.subscribe(TOPIC)
        on_steady = await steady_worker.subscribe(TOPIC)

        # When the first worker's connection is cut while events are committed
        await outage(proxy, cut_worker)
        for post in (1, 2):
            await publish(writer, TOPIC, post)
        assert await received(on_steady, 2) == [1, 2]  # the other worker hears them live
        await restore(proxy, cut_worker)
        await publish(writer, TOPIC, 3)

        # Then both subscribers have every event once, in order
        assert await received(on_cut, 3) == [1, 2, 3]
        assert await received(on_steady, 1) == [3]
        for subscription in (on_cut, on_steady):
            assert subscription.queue.empty()
            subscription.close()
        assert (cut_worker.replays, steady_worker.replays) == (1, 0)
    finally:
        await steady_worker.close()
