"""Demo chapter events: past and upcoming per chapter, RSVPs with waitlists and check-ins,
co-hosted events, announcements and the notifications they wrote."""

import random
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.models import (
    ChapterAnnouncement,
    Event,
    EventRegistration,
    EventSpeaker,
    Membership,
    Notification,
)

EVENT_TABLES = (
    "events",
    "event_speakers",
    "event_registrations",
    "chapter_announcements",
    "notifications",
)

TOPICS = (
    ("TALK", "Grid-scale storage for hot climates"),
    ("WEBINAR", "Writing a PEC-ready final-year project"),
    ("MEETUP", "Engineers' evening and iftar"),
    ("SITE_VISIT", "Visit to a desalination plant"),
    ("WORKSHOP", "Hands-on protection relay testing"),
    ("TALK", "Flood resilience lessons from 2022"),
    ("WEBINAR", "Cybersecurity for industrial control systems"),
    ("WORKSHOP", "Mentoring clinic for new graduates"),
    ("MEETUP", "Startup founders and overseas advisers"),
    ("TALK", "Smart metering at national scale"),
)
GUESTS = (
    ("Dr Hina Qureshi", "NUST"),
    ("Eng. Bilal Ahmed", "WAPDA"),
    ("Prof. Ayesha Siddiqui", "LUMS"),
    ("Eng. Omar Farooq", "K-Electric"),
)
ANNOUNCEMENTS = (
    ("Annual general meeting", "Nominations for the chapter committee close on Friday."),
    ("Mentors wanted", "Universities at home asked for 20 mentors in renewable energy."),
    ("Welcome, new members", "Say hello in the chapter forum and join our next meetup."),
)


async def _chapters(connection: AsyncConnection) -> list[Any]:
    result = await connection.execute(
        text(
            "SELECT id, slug, name, timezone FROM chapters WHERE archived_at IS NULL"
            " AND coalesce((features ->> 'events')::boolean, false) ORDER BY slug"
        )
    )
    return list(result)


async def _members(connection: AsyncConnection, chapter_id: int) -> tuple[list[int], list[int]]:
    """(active member ids, organiser ids: coordinators and events leads) of a chapter."""
    result = await connection.execute(
        select(Membership.engineer_id, Membership.role)
        .where(Membership.chapter_id == chapter_id, Membership.status == "ACTIVE")
        .order_by(Membership.engineer_id)
    )
    rows = list(result)
    organisers = [row[0] for row in rows if row[1] in ("coordinator", "events-lead")]
    return [row[0] for row in rows], organisers


def _event_rows(
    rng: random.Random, chapter: Any, count: int, now: datetime, organiser: int | None
) -> list[dict[str, Any]]:
    rows = []
    for number in range(count):
        kind, title = TOPICS[(number + chapter.id) % len(TOPICS)]
        days = (number - count // 2) * rng.randint(9, 16) + rng.randint(1, 5)
        starts = (now + timedelta(days=days)).replace(
            hour=rng.choice((14, 15, 16)), minute=0, second=0, microsecond=0
        )
        online = kind == "WEBINAR" or rng.random() < 0.4
        rows.append(
            {
                "chapter_id": chapter.id,
                "kind": kind,
                "title": title,
                "description": f"{title}: a {kind.replace('_', ' ').lower()} of the"
                f" {chapter.name}.",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=rng.choice((1, 2, 3))),
                "timezone": chapter.timezone,
                "online_url": f"https://meet.braingain.example/{chapter.slug}-{number}"
                if online
                else None,
                "venue": None if kind == "WEBINAR" else f"{chapter.name} hall, room {number + 1}",
                "capacity": rng.choice((6, 8, 12, 20, 40)),
                "visibility": "MEMBERS_ONLY" if number % 4 == 3 else "PUBLIC",
                "status": "CANCELLED" if number == count - 1 else "SCHEDULED",
                "sequence": 1 if number == count - 1 else 0,
                "uid": f"seed-{chapter.slug}-{number}@events.braingain",
                "created_by_id": organiser,
            }
        )
    return rows


async def seed_events(
    connection: AsyncConnection, rng: random.Random, scale: float
) -> Mapping[str, int]:
    """Events per chapter that runs them (half past, half upcoming), RSVPs (waitlists where
    full, check-ins and no-shows for past events), a co-hosted event between neighbours,
    announcements with a notification per active member."""
    counts: Counter[str] = Counter()
    chapters = await _chapters(connection)
    now = datetime.now(UTC)
    per_chapter = max(4, round(6 * min(scale, 4)))
    previous: Any = None
    for chapter in chapters:
        members, organisers = await _members(connection, chapter.id)
        if not members:
            continue
        organiser = organisers[0] if organisers else members[0]
        rows = _event_rows(rng, chapter, per_chapter, now, organiser)
        if previous is not None:
            rows[0]["cohost_chapter_id"] = previous.id
            rows[0]["cohost_accepted_at"] = now - timedelta(days=30)
        for row in rows:
            row.setdefault("cohost_chapter_id", None)
            row.setdefault("cohost_accepted_at", None)
        ids = list((await connection.execute(insert(Event).returning(Event.id), rows)).scalars())
        counts["events"] += len(ids)
        speakers: list[dict[str, Any]] = []
        registrations: list[dict[str, Any]] = []
        notifications: list[dict[str, Any]] = []
        for event_id, row in zip(ids, rows, strict=True):
            guest, affiliation = GUESTS[event_id % len(GUESTS)]
            speakers.append(
                {
                    "event_id": event_id,
                    "position": 0,
                    "engineer_id": rng.choice(members),
                    "name": None,
                    "affiliation": None,
                }
            )
            speakers.append(
                {
                    "event_id": event_id,
                    "position": 1,
                    "engineer_id": None,
                    "name": guest,
                    "affiliation": affiliation,
                }
            )
            past = row["ends_at"] < now
            wanted = min(len(members), row["capacity"] + (3 if not past else 0))
            crowd = rng.sample(members, wanted)
            for place, engineer_id in enumerate(crowd):
                queued = row["starts_at"] - timedelta(days=20) + timedelta(minutes=place * 7)
                registered = place < row["capacity"]
                status = "REGISTERED" if registered else "WAITLISTED"
                checked_in = (
                    row["starts_at"] + timedelta(minutes=rng.randint(0, 20))
                    if past and registered and rng.random() < 0.7 and row["status"] == "SCHEDULED"
                    else None
                )
                registrations.append(
                    {
                        "event_id": event_id,
                        "engineer_id": engineer_id,
                        "status": status,
                        "listed": rng.random() < 0.5,
                        "queued_at": queued,
                        "registered_at": queued if registered else None,
                        "cancelled_at": None,
                        "checked_in_at": checked_in,
                    }
                )
                if row["status"] == "CANCELLED":
                    notifications.append(
                        {
                            "recipient_id": engineer_id,
                            "kind": "EVENT_CANCELLED",
                            "event_id": event_id,
                            "announcement_id": None,
                            "payload": {"title": row["title"], "reason": "Speaker unavailable"},
                        }
                    )
        await connection.execute(insert(EventSpeaker), speakers)
        await connection.execute(insert(EventRegistration), registrations)
        if notifications:
            await connection.execute(insert(Notification), notifications)
        counts["event_speakers"] += len(speakers)
        counts["event_registrations"] += len(registrations)
        counts["waitlisted"] += sum(1 for r in registrations if r["status"] == "WAITLISTED")
        counts["checked_in"] += sum(1 for r in registrations if r["checked_in_at"] is not None)
        counts["notifications"] += len(notifications)
        for index, (title, body) in enumerate(ANNOUNCEMENTS[: 1 + chapter.id % 2]):
            announced = await connection.execute(
                insert(ChapterAnnouncement)
                .values(
                    chapter_id=chapter.id,
                    author_id=organiser,
                    title=title,
                    body=body,
                    recipients=len(members),
                    created_at=now - timedelta(days=7 * (index + 1)),
                )
                .returning(ChapterAnnouncement.id)
            )
            announcement_id = announced.scalar_one()
            fanned = await connection.execute(
                text(
                    "INSERT INTO notifications (recipient_id, kind, announcement_id, payload,"
                    " created_at) SELECT engineer_id, 'CHAPTER_ANNOUNCEMENT', :announcement,"
                    " jsonb_build_object('title', CAST(:title AS text)), :created"
                    " FROM memberships WHERE chapter_id = :chapter AND status = 'ACTIVE'"
                ),
                {
                    "announcement": announcement_id,
                    "title": title,
                    "chapter": chapter.id,
                    "created": now - timedelta(days=7 * (index + 1)),
                },
            )
            counts["chapter_announcements"] += 1
            counts["notifications"] += fanned.rowcount
        previous = chapter
    return counts
