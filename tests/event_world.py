"""Chapter events with every kind of viewer, for tests: Gulf (Asia/Dubai) and UK chapters."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Chapter, Engineer, Event, EventRegistration, EventSpeaker
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import factories, viewers

SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)


async def event(session: AsyncSession, chapter: Chapter, **overrides: Any) -> Event:
    """A public meetup of the chapter in ten days, two hours long, 3 places, online and at a
    venue."""
    starts = overrides.pop("starts_at", SOON)
    values: dict[str, Any] = {
        "chapter_id": chapter.id,
        "kind": "MEETUP",
        "title": "Grid resilience evening",
        "description": "Talks and networking.",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "timezone": chapter.timezone,
        "online_url": "https://meet.example.org/grid",
        "venue": "DIFC Gate Village, Dubai",
        "capacity": 3,
        "uid": f"{uuid.uuid4()}@events.braingain",
    }
    values.update(overrides)
    row = Event(**values)
    session.add(row)
    await session.flush()
    return row


async def registration(
    session: AsyncSession, on: Event, who: Engineer, status: str = "REGISTERED", **overrides: Any
) -> EventRegistration:
    """An RSVP, queued after the previous one."""
    values: dict[str, Any] = {
        "event_id": on.id,
        "engineer_id": who.id,
        "status": status,
        "registered_at": datetime.now(UTC) if status == "REGISTERED" else None,
    }
    values.update(overrides)
    row = EventRegistration(**values)
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row


@dataclass
class EventWorld:
    """Rows and viewers by name."""

    engineers: dict[str, Engineer] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    viewers: dict[str, Viewer] = field(default_factory=dict)
    chapters: dict[str, Chapter] = field(default_factory=dict)

    def id(self, name: str) -> str:
        """The global ID of a named event."""
        return encode_id("Event", self.events[name].id)

    def engineer_id(self, name: str) -> str:
        """The global ID of a named engineer."""
        return encode_id("Engineer", self.engineers[name].id)


PEOPLE = {
    "organiser": ("gulf", "events-lead"),
    "member": ("gulf", "member"),
    "attendee": ("gulf", "member"),
    "listed": ("gulf", "member"),
    "waiting": ("gulf", "member"),
    "uk_organiser": ("uk", "events-lead"),
    "uk_member": ("uk", "member"),
    "outsider": (None, None),
    "admin": (None, None),
}


async def build(session: AsyncSession, registry: ChapterRegistry) -> EventWorld:
    """Gulf: a public meetup (full: attendee, listed, organiser... capacity 3 with one waiting)
    and a members-only workshop; UK: a public talk with a guest speaker."""
    world = EventWorld()
    world.chapters["gulf"] = await factories.chapter(session, "gulf-uae")
    world.chapters["uk"] = await factories.chapter(session, "uk-ireland")
    for name, (chapter, role) in PEOPLE.items():
        engineer = await factories.engineer(session, handle=f"ev-{name.replace('_', '-')}")
        world.engineers[name] = engineer
        if chapter is not None:
            await factories.membership(session, engineer, world.chapters[chapter], role=role)
    await factories.account(session, world.engineers["admin"], global_role="COUNCIL_ADMIN")
    gulf, uk = world.chapters["gulf"], world.chapters["uk"]
    world.events["public"] = await event(session, gulf, capacity=3)
    world.events["members"] = await event(
        session,
        gulf,
        kind="WORKSHOP",
        title="Members' protection relay workshop",
        visibility="MEMBERS_ONLY",
        starts_at=SOON + timedelta(days=1),
        online_url=None,
    )
    world.events["uk"] = await event(
        session,
        uk,
        kind="TALK",
        title="Offshore wind in the North Sea",
        venue=None,
        online_url="https://meet.example.org/wind",
        starts_at=SOON + timedelta(days=2),
    )
    session.add(
        EventSpeaker(
            event_id=world.events["uk"].id, position=0, name="Dr Amna Rauf", affiliation="Orsted"
        )
    )
    session.add(
        EventSpeaker(
            event_id=world.events["uk"].id,
            position=1,
            engineer_id=world.engineers["uk_member"].id,
        )
    )
    public = world.events["public"]
    await registration(session, public, world.engineers["attendee"])
    await registration(session, public, world.engineers["listed"], listed=True)
    await registration(session, public, world.engineers["uk_member"])
    await registration(session, public, world.engineers["waiting"], "WAITLISTED")
    await registration(session, world.events["members"], world.engineers["attendee"])
    world.viewers["anonymous"] = ANONYMOUS
    for name in PEOPLE:
        world.viewers[name] = await viewers.engineer(session, registry, world.engineers[name])
    return world
