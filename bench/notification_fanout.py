"""Notification fan-out: the time to notify N recipients in one transaction (rows, their
channel from preferences, outbox mails for EMAIL, digest flags, one live event per row).

    python -m bench.notification_fanout --database-url postgresql://postgres@127.0.0.1:5432/db

Creates N engineers (10 % choose EMAIL with a verified account, 10 % EMAIL_DIGEST, 5 % NONE,
the rest the default), times `graph.services.notification.notify` for all of them (median of
--repeat runs, each rolled back), then the same through the ORM one row at a time for
comparison. Everything is rolled back: the database is left as it was.
"""

import argparse
import asyncio
import statistics
import time

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.engine import StatementCounter, create_engine, create_sessionmaker
from db.enums import NotificationKind
from db.models import LiveEvent, Notification, OutboxEmail
from graph.services.notification import notify

PEOPLE = """
WITH made AS (
    INSERT INTO engineers (handle, name, email, country_code, city)
    SELECT 'fanout-' || n, 'Fan-out ' || n, 'fanout-' || n || '@example.org', 'AE', 'Dubai'
    FROM generate_series(1, :count) AS n
    RETURNING id, handle
), accounts AS (
    INSERT INTO accounts (engineer_id, email, email_verified_at)
    SELECT id, handle || '@example.org', now() FROM made
    WHERE (substr(handle, 8)::int) % 10 = 0
), chosen AS (
    INSERT INTO notification_preferences (engineer_id, kind, channel)
    SELECT id, 'FORUM_MENTION', CASE
        WHEN substr(handle, 8)::int % 10 = 0 THEN 'EMAIL'
        WHEN substr(handle, 8)::int % 10 = 1 THEN 'EMAIL_DIGEST'
        ELSE 'NONE' END
    FROM made
    WHERE substr(handle, 8)::int % 10 IN (0, 1) OR substr(handle, 8)::int % 20 = 2
)
SELECT id FROM made ORDER BY id
"""


async def _round(
    session: AsyncSession, engine: AsyncEngine, count: int, one_by_one: bool
) -> tuple[float, int]:
    ids = list(await session.scalars(text(PEOPLE), {"count": count}))
    payload = {"summary": "@someone mentioned you", "excerpt": "a short excerpt"}
    counter = StatementCounter(engine)
    started = time.perf_counter()
    if one_by_one:
        for engineer_id in ids:
            session.add(
                Notification(recipient_id=engineer_id, kind="FORUM_MENTION", payload=payload)
            )
        await session.flush()
    else:
        await notify(session, ids, NotificationKind.FORUM_MENTION, payload=payload)
    elapsed = time.perf_counter() - started
    counter.close()
    return elapsed, counter.count


async def main(url: str, count: int, repeat: int) -> None:
    """Print the median fan-out time of `repeat` rolled-back rounds, both ways."""
    engine = create_engine(url, pool_size=1)
    sessions = create_sessionmaker(engine)
    for label, one_by_one in (("notify() (one statement)", False), ("ORM row by row", True)):
        times = []
        statements = 0
        for _ in range(repeat):
            async with sessions() as session:
                elapsed, statements = await _round(session, engine, count, one_by_one)
                times.append(elapsed)
                if not one_by_one:
                    rows = await session.scalar(select(func.count()).select_from(Notification))
                    mails = await session.scalar(
                        select(func.count())
                        .select_from(OutboxEmail)
                        .where(OutboxEmail.recipient.like("fanout-%"))
                    )
                    events = await session.scalar(select(func.count()).select_from(LiveEvent))
                    written = (rows, mails, events)
                await session.rollback()
        print(
            f"{label}: {count} recipients, median {statistics.median(times) * 1000:.1f} ms "
            f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}; {statements} statements)"
        )
        if not one_by_one:
            print(f"  rows written / mails queued / live events (whole tables): {written}")
    async with sessions() as session:  # once more, committed: the NOTIFYs go out at commit
        elapsed, _ = await _round(session, engine, count, False)
        started = time.perf_counter()
        await session.commit()
        committing = time.perf_counter() - started
    print(f"  committed: notify {elapsed * 1000:.1f} ms + commit {committing * 1000:.1f} ms")
    async with sessions() as session:
        for statement in CLEAN_UP.strip().split(";\n"):
            await session.execute(text(statement.rstrip(";")))
        await session.commit()
    await engine.dispose()


CLEAN_UP = """
DELETE FROM live_events WHERE topic LIKE 'notifications:%' AND (ids->>'notification')::int IN
    (SELECT n.id FROM notifications n JOIN engineers e ON e.id = n.recipient_id
     WHERE e.handle LIKE 'fanout-%');
DELETE FROM outbox_emails WHERE recipient LIKE 'fanout-%';
DELETE FROM engineers WHERE handle LIKE 'fanout-%';
"""


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--database-url", required=True)
    arguments.add_argument("--count", type=int, default=1000)
    arguments.add_argument("--repeat", type=int, default=7)
    parsed = arguments.parse_args()
    asyncio.run(main(parsed.database_url, parsed.count, parsed.repeat))
