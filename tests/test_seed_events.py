"""Demo events: per chapter that runs them, past and upcoming, with waitlists and check-ins."""

import random
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ChapterAnnouncement, Event, EventRegistration, Membership, Notification
from db.seed.events import seed_events
from tests import factories


async def test_seeded_events_are_past_and_upcoming_with_waitlists_and_announcements(
    session: AsyncSession,
) -> None:
    # Given two chapters that run events and one that does not, each with members
    chapters = {
        slug: await factories.chapter(session, slug)
        for slug in ("gulf-uae", "uk-ireland", "east-asia")
    }
    for slug, chapter in chapters.items():
        for number in range(30):
            engineer = await factories.engineer(session, handle=f"seed-{slug}-{number}")
            role = "coordinator" if number == 0 else "member"
            await factories.membership(session, engineer, chapter, role=role)
    await session.flush()

    # When the events are seeded
    counts = await seed_events(await session.connection(), random.Random(5), 1.0)

    # Then each chapter running events has past and upcoming ones; east-asia has none
    now = datetime.now(UTC)
    events = list(await session.scalars(select(Event)))
    by_chapter = {
        chapter.id: [e for e in events if e.chapter_id == chapter.id]
        for chapter in chapters.values()
    }
    assert by_chapter[chapters["east-asia"].id] == []
    for slug in ("gulf-uae", "uk-ireland"):
        mine = by_chapter[chapters[slug].id]
        assert any(event.ends_at < now for event in mine)
        assert any(event.starts_at > now for event in mine)
        assert any(event.status == "CANCELLED" for event in mine)
    assert counts["events"] == len(events)
    assert any(event.cohost_accepted_at is not None for event in events)
    # And no event holds more places than its capacity; upcoming full ones have a waitlist
    for event in events:
        taken = await session.scalar(
            select(func.count()).where(
                EventRegistration.event_id == event.id, EventRegistration.status == "REGISTERED"
            )
        )
        assert taken is not None
        assert taken <= event.capacity
    assert counts["waitlisted"] > 0
    assert counts["checked_in"] > 0
    # And every announcement notified each active member of its chapter
    for announcement in await session.scalars(select(ChapterAnnouncement)):
        members = await session.scalar(
            select(func.count()).where(
                Membership.chapter_id == announcement.chapter_id, Membership.status == "ACTIVE"
            )
        )
        notified = await session.scalar(
            select(func.count()).where(Notification.announcement_id == announcement.id)
        )
        assert notified == members == announcement.recipients
