"""Shared rules of chapter events: error codes, who organises, finding an event one may see."""

import enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import EventStatus
from db.models import Chapter, Event
from graph.auth.permissions import require_chapter_scope, require_engineer
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.services.problems import Rejected, reject
from graph.services.visibility import event_scope


class EventErrorCode(enum.Enum):
    """Why an event mutation was refused."""

    NOT_FOUND = "NOT_FOUND"
    EVENTS_DISABLED = "EVENTS_DISABLED"
    INVALID_TITLE = "INVALID_TITLE"
    INVALID_DESCRIPTION = "INVALID_DESCRIPTION"
    INVALID_TIME = "INVALID_TIME"
    INVALID_TIMEZONE = "INVALID_TIMEZONE"
    INVALID_URL = "INVALID_URL"
    INVALID_VENUE = "INVALID_VENUE"
    NO_PLACE = "NO_PLACE"
    INVALID_CAPACITY = "INVALID_CAPACITY"
    CAPACITY_BELOW_ATTENDEES = "CAPACITY_BELOW_ATTENDEES"
    INVALID_REGISTRATION_WINDOW = "INVALID_REGISTRATION_WINDOW"
    INVALID_SPEAKER = "INVALID_SPEAKER"
    CANCELLED = "CANCELLED"
    ENDED = "ENDED"
    REGISTRATION_CLOSED = "REGISTRATION_CLOSED"
    ALREADY_REGISTERED = "ALREADY_REGISTERED"
    NOT_REGISTERED = "NOT_REGISTERED"
    ALREADY_CHECKED_IN = "ALREADY_CHECKED_IN"
    CHECK_IN_CLOSED = "CHECK_IN_CLOSED"
    INVALID_COHOST = "INVALID_COHOST"
    NOT_INVITED = "NOT_INVITED"
    ALREADY_ACCEPTED = "ALREADY_ACCEPTED"
    UNCHANGED = "UNCHANGED"
    INVALID_ANNOUNCEMENT = "INVALID_ANNOUNCEMENT"


def not_found(what: str, *field: str) -> Rejected:
    """NOT_FOUND for something missing or not visible to the viewer (indistinguishable)."""
    return reject(EventErrorCode.NOT_FOUND, f"No such {what}.", *field)


async def visible_event(
    session: AsyncSession, viewer: Viewer, event_id: int, *field: str, lock: bool = False
) -> Event:
    """The event if it exists and the viewer may see it (the read rule, in SQL); NOT_FOUND
    otherwise. With `lock`, the row is locked until the transaction ends: every change to its
    registrations goes through this lock, so concurrent RSVPs and cancellations serialise."""
    stmt = select(Event).where(Event.id == event_id, event_scope(viewer).event_predicate())
    if lock:
        stmt = stmt.with_for_update()
    event = await session.scalar(stmt)
    if event is None:
        raise not_found("event", *field)
    return event


def organising_chapters(event: Event) -> tuple[int, ...]:
    """The chapters whose organisers run the event: the host and an accepted co-host."""
    if event.cohost_chapter_id is not None and event.cohost_accepted_at is not None:
        return (event.chapter_id, event.cohost_chapter_id)
    return (event.chapter_id,)


def require_host_organiser(viewer: Viewer, event: Event) -> int:
    """The engineer's id if they hold `events:manage` in the hosting chapter; raises
    UNAUTHENTICATED / INSUFFICIENT_SCOPE / FORBIDDEN otherwise."""
    engineer_id = require_engineer(viewer)
    require_chapter_scope(viewer, Scope.EVENTS_MANAGE, event.chapter_id)
    return engineer_id


def require_organiser(viewer: Viewer, event: Event) -> int:
    """The engineer's id if they organise the event (host or accepted co-host chapter)."""
    engineer_id = require_engineer(viewer)
    chapters = organising_chapters(event)
    if any(viewer.has_chapter_scope(Scope.EVENTS_MANAGE, chapter) for chapter in chapters):
        return engineer_id
    require_chapter_scope(viewer, Scope.EVENTS_MANAGE, event.chapter_id)  # raises the reason
    return engineer_id


def require_scheduled(event: Event) -> None:
    """CANCELLED for an event that no longer takes place."""
    if event.status == EventStatus.CANCELLED.value:
        raise reject(EventErrorCode.CANCELLED, "The event is cancelled.", "input", "event")


async def require_events_on(session: AsyncSession, chapter_id: int, *field: str) -> Chapter:
    """The chapter, if it is live and its config switches events on; EVENTS_DISABLED else."""
    chapter = await session.get_one(Chapter, chapter_id)
    if chapter.archived_at is not None or not chapter.features.get("events", False):
        raise reject(
            EventErrorCode.EVENTS_DISABLED,
            f"The chapter {chapter.slug} does not run events.",
            *field,
        )
    return chapter


def snapshot(event: Event) -> dict[str, Any]:
    """The audited fields of an event."""
    return {
        "kind": event.kind,
        "title": event.title,
        "startsAt": event.starts_at.isoformat(),
        "endsAt": event.ends_at.isoformat(),
        "timezone": event.timezone,
        "venue": event.venue,
        "onlineUrl": event.online_url,
        "capacity": event.capacity,
        "visibility": event.visibility,
        "status": event.status,
        "sequence": event.sequence,
        "cohostChapterId": event.cohost_chapter_id,
        "cohostAccepted": event.cohost_accepted_at is not None,
    }
