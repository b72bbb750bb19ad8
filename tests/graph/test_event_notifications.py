"""Event and announcement notifications go through the notification service: each person's
channel per kind (NONE writes nothing, EMAIL queues a mail), the event's id on the row, the
recipient's notificationReceived stream; and every change of an event is published to its
eventUpdated stream (live_events), nothing when the mutation is refused."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import StatementCounter
from db.enums import NotificationKind
from db.models import (
    ChapterAnnouncement,
    Engineer,
    EventRegistration,
    LiveEvent,
    Notification,
    NotificationPreference,
    OutboxEmail,
)
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from graph.services import announcement as announcements
from graph.services.notification import SUMMARIES
from tests import event_world, factories
from tests.conftest import GraphQLClient
from tests.event_world import EventWorld
from tests.graph.test_event_mutations import (
    ANNOUNCE,
    CANCEL,
    CHECK_IN,
    RSVP,
    RSVP_CANCEL,
    UPDATE,
)


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> EventWorld:
    """The events of tests/event_world.py."""
    return await event_world.build(session, registry)


async def _choose(session: AsyncSession, who: Engineer, kind: str, channel: str) -> None:
    session.add(NotificationPreference(engineer_id=who.id, kind=kind, channel=channel))
    await session.flush()


async def _rows(session: AsyncSession, kind: str) -> dict[int, Notification]:
    rows = await session.scalars(select(Notification).where(Notification.kind == kind))
    return {row.recipient_id: row for row in rows}


async def _published(session: AsyncSession, topic: str) -> list[tuple[str, dict[str, Any]]]:
    await session.flush()
    rows = await session.execute(
        select(LiveEvent.change, LiveEvent.ids)
        .where(LiveEvent.topic == topic)
        .order_by(LiveEvent.id)
    )
    return [(change, ids) for change, ids in rows]


async def test_a_cancellation_notifies_each_registered_person_as_they_chose(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    # Given the attendee chose NONE for cancellations, the listed attendee EMAIL (with a
    # verified address), the waiting person IN_APP, and the UK member kept the default
    people = world.engineers
    await _choose(session, people["attendee"], "EVENT_CANCELLED", "NONE")
    await _choose(session, people["listed"], "EVENT_CANCELLED", "EMAIL")
    await factories.account(session, people["listed"])
    await _choose(session, people["waiting"], "EVENT_CANCELLED", "IN_APP")
    event = world.events["public"]

    # When the organiser cancels the event
    cancel = {"event": world.id("public"), "reason": "Venue flooded"}
    data = await graphql.data(CANCEL, {"input": cancel}, world.viewers["organiser"])
    assert data["eventCancel"]["userErrors"] == []

    # Then NONE got nothing, the others a notification naming the event
    rows = await _rows(session, "EVENT_CANCELLED")
    assert sorted(rows) == sorted(people[name].id for name in ("listed", "uk_member", "waiting"))
    assert {row.event_id for row in rows.values()} == {event.id}
    assert rows[people["listed"].id].payload["reason"] == "Venue flooded"
    # and EMAIL queued one mail (the UK member's default is EMAIL, but they have no address)
    mails = list(
        await session.scalars(select(OutboxEmail).where(OutboxEmail.recipient.like("ev-%")))
    )
    assert [(mail.recipient, mail.subject) for mail in mails] == [
        ("ev-listed@example.org", SUMMARIES[NotificationKind.EVENT_CANCELLED])
    ]
    # and each row went to its recipient's notificationReceived stream
    for name in ("listed", "uk_member", "waiting"):
        stream = await _published(session, f"notifications:{people[name].id}")
        assert stream == [("EVENT_CANCELLED", {"notification": rows[people[name].id].id})]
    assert await _published(session, f"notifications:{people['attendee'].id}") == []


async def test_a_move_respects_none_too(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    await _choose(session, world.engineers["waiting"], "EVENT_MOVED", "NONE")
    update = {"event": world.id("public"), "startsAt": _at(12), "endsAt": _at(12, 3)}
    data = await graphql.data(UPDATE, {"input": update}, world.viewers["organiser"])
    assert data["eventUpdate"]["userErrors"] == []
    rows = await _rows(session, "EVENT_MOVED")
    assert sorted(rows) == sorted(
        world.engineers[name].id for name in ("attendee", "listed", "uk_member")
    )


async def test_a_promotion_notifies_the_promoted_person_on_their_stream(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    waiting = world.engineers["waiting"]
    data = await graphql.data(
        RSVP_CANCEL, {"input": {"event": world.id("public")}}, world.viewers["attendee"]
    )
    assert data["eventRsvpCancel"]["userErrors"] == []
    rows = await _rows(session, "EVENT_WAITLIST_PROMOTED")
    assert list(rows) == [waiting.id]
    assert rows[waiting.id].event_id == world.events["public"].id
    assert await _published(session, f"notifications:{waiting.id}") == [
        ("EVENT_WAITLIST_PROMOTED", {"notification": rows[waiting.id].id})
    ]


async def test_a_promotion_respects_none(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    await _choose(session, world.engineers["waiting"], "EVENT_WAITLIST_PROMOTED", "NONE")
    await graphql.data(
        RSVP_CANCEL, {"input": {"event": world.id("public")}}, world.viewers["attendee"]
    )
    assert await _rows(session, "EVENT_WAITLIST_PROMOTED") == {}


async def test_announcements_respect_none(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    # Given a gulf member who chose NONE for announcements
    await _choose(session, world.engineers["member"], "CHAPTER_ANNOUNCEMENT", "NONE")
    post = {
        "chapter": encode_id("Chapter", world.chapters["gulf"].id),
        "title": "Iftar meetup",
        "body": "Join us on Friday.",
    }
    data = await graphql.data(ANNOUNCE, {"input": post}, world.viewers["organiser"])
    # Then every other active member is notified, they are not, and the count says so
    rows = await _rows(session, "CHAPTER_ANNOUNCEMENT")
    gulf = [name for name, (chapter, _) in event_world.PEOPLE.items() if chapter == "gulf"]
    assert sorted(rows) == sorted(world.engineers[n].id for n in gulf if n != "member")
    assert data["chapterAnnouncementPost"]["announcement"]["recipients"] == len(gulf) - 1
    assert all(row.announcement_id is not None for row in rows.values())


async def test_an_announcement_costs_the_same_statements_for_any_chapter_size(
    world: EventWorld, session: AsyncSession, statements: StatementCounter
) -> None:
    gulf, uk = world.chapters["gulf"], world.chapters["uk"]
    for n in range(40):
        person = await factories.engineer(session, handle=f"ev-crowd-{n}")
        await factories.membership(session, person, gulf, role="member")
    counts, written = [], []
    for chapter in (uk, gulf):
        row = ChapterAnnouncement(
            chapter_id=chapter.id,
            author_id=world.engineers["organiser"].id,
            title="Hello all",
            body="Welcome.",
        )
        session.add(row)
        await session.flush()
        statements.reset()
        written.append(await announcements.fan_out(session, row))
        counts.append(statements.count)
    assert written[0] < written[1]
    assert counts[0] == counts[1] == 2  # the members' ids, then one fan-out


def _at(days: float, hours: float = 0) -> str:
    return (datetime.now(UTC) + timedelta(days=days, hours=hours)).isoformat()


async def test_every_change_of_an_event_is_published_to_its_stream(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    event = world.events["public"]
    topic = f"event:{event.id}"
    organiser = world.viewers["organiser"]
    target = {"event": world.id("public")}
    registration = {
        r.engineer_id: r.id
        for r in await session.scalars(
            select(EventRegistration).where(EventRegistration.event_id == event.id)
        )
    }

    async def run(document: str, variables: dict[str, Any], who: str) -> None:
        data = await graphql.data(document, {"input": variables}, world.viewers[who])
        (payload,) = data.values()
        assert payload["userErrors"] == [], payload

    await run(RSVP, target, "member")  # joins the waitlist
    await run(RSVP_CANCEL, target, "attendee")  # frees a place: the first in line is promoted
    await run(UPDATE, {**target, "title": "Grid resilience night"}, "organiser")
    await run(UPDATE, {**target, "capacity": 4}, "organiser")  # promotes the member
    await run(UPDATE, {**target, "startsAt": _at(12), "endsAt": _at(12, 3)}, "organiser")
    member_registration = await session.scalar(
        select(EventRegistration.id).where(
            EventRegistration.event_id == event.id,
            EventRegistration.engineer_id == world.engineers["member"].id,
        )
    )
    event.starts_at = datetime.now(UTC) + timedelta(hours=1)
    event.ends_at = event.starts_at + timedelta(hours=2)
    await session.flush()
    await run(CHECK_IN, {**target, "engineer": world.engineer_id("listed")}, "organiser")
    await run(CANCEL, target, "organiser")
    # a refused change publishes nothing
    refused = await graphql.data(CANCEL, {"input": target}, organiser)
    assert refused["eventCancel"]["userErrors"][0]["code"] == "CANCELLED"

    people = world.engineers
    assert await _published(session, topic) == [
        ("REGISTERED", {"event": event.id, "registration": member_registration}),
        (
            "REGISTRATION_CANCELLED",
            {"event": event.id, "registration": registration[people["attendee"].id]},
        ),
        ("PROMOTED", {"event": event.id, "registration": registration[people["waiting"].id]}),
        ("UPDATED", {"event": event.id}),
        ("CAPACITY_CHANGED", {"event": event.id}),
        ("PROMOTED", {"event": event.id, "registration": member_registration}),
        ("MOVED", {"event": event.id}),
        ("CHECKED_IN", {"event": event.id, "registration": registration[people["listed"].id]}),
        ("CANCELLED", {"event": event.id}),
    ]
