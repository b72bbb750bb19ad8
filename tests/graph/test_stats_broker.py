"""The statistics cache observes the broker's `stats` topic: a committed write to a counted
table (migration 0018's statement triggers) invalidates the snapshot; observers are not
subscribers."""

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from db.engine import DatabaseLocation, to_libpq_url
from graph.subscriptions.broker import EventBroker
from graph.subscriptions.events import Event

TIMEOUT = 20.0


@pytest.fixture
async def broker(database: DatabaseLocation) -> AsyncIterator[EventBroker]:
    events = EventBroker(database.url)
    yield events
    await events.close()


async def test_a_committed_write_to_a_counted_table_reaches_observers_once(
    broker: EventBroker, database: DatabaseLocation
) -> None:
    # Given an observer of the stats topic
    seen: list[Event] = []
    arrived = asyncio.Event()

    def observe(event: Event) -> None:
        seen.append(event)
        arrived.set()

    await broker.observe("stats", observe)
    assert broker.subscriber_count == 0

    connection = await asyncpg.connect(to_libpq_url(database.url))
    try:
        # When one transaction runs three statements on counted tables and commits
        async with connection.transaction():
            await connection.execute("UPDATE engineers SET headline = headline WHERE false")
            await connection.execute("UPDATE engineers SET headline = headline WHERE false")
            await connection.execute(
                "UPDATE engineer_sectors SET sector_id = sector_id WHERE false"
            )
        # And another writes and rolls back
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute("UPDATE memberships SET role = role WHERE false")
        await transaction.rollback()
    finally:
        await connection.close()

    # Then the committed one arrives, once, with no ids
    await asyncio.wait_for(arrived.wait(), TIMEOUT)
    await asyncio.sleep(0.3)
    assert seen == [Event("stats", {})]
