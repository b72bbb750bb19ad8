"""Chapter events: create, edit (a move notifies), cancel, co-host and check attendees in."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import EventStatus, EventVisibility, NotificationKind, RegistrationStatus
from db.models import Chapter, Event, EventRegistration
from graph.auth.permissions import require_chapter_scope, require_engineer
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.services import audit
from graph.services.event_fields import (
    MOVING_FIELDS,
    UNSET,
    EventFields,
    check_whole,
    checked_speakers,
    clean,
    graphql_name,
    problem,
    replace_speakers,
)
from graph.services.event_registration import notify_registered, promote, registered_count
from graph.services.event_rules import (
    EventErrorCode,
    not_found,
    require_events_on,
    require_host_organiser,
    require_organiser,
    require_scheduled,
    snapshot,
    visible_event,
)
from graph.services.problems import reject
from graph.subscriptions import events as live

CHECK_IN_OPENS = timedelta(hours=24)
"""Organisers may check people in from a day before the start..."""
CHECK_IN_CLOSES = timedelta(hours=24)
"""... until a day after the end."""


async def create(
    session: AsyncSession,
    viewer: Viewer,
    chapter_id: int,
    fields: EventFields,
    *,
    request_id: str,
) -> Event:
    """Schedule an event for a chapter whose config switches events on; audited; no commit."""
    engineer_id = require_engineer(viewer)
    chapter = await session.get(Chapter, chapter_id)
    if chapter is None:
        raise not_found("chapter", "input", "chapter")
    require_chapter_scope(viewer, Scope.EVENTS_MANAGE, chapter.id)
    await require_events_on(session, chapter.id, "input", "chapter")
    values = fields.set_values()
    if values.get("timezone") is None:
        values["timezone"] = chapter.timezone
    if values.get("visibility") is None:
        values["visibility"] = EventVisibility.PUBLIC.value
    values.setdefault("description", "")
    for name in ("online_url", "venue", "registration_opens_at", "registration_closes_at"):
        values.setdefault(name, None)
    now = datetime.now(UTC)
    cleaned = clean(values, now)
    speakers = await checked_speakers(
        session, fields.speakers if fields.speakers is not UNSET else []
    )
    event = Event(
        chapter_id=chapter.id,
        status=EventStatus.SCHEDULED.value,
        sequence=0,
        uid=f"{uuid.uuid4()}@events.braingain",
        created_by_id=engineer_id,
        **cleaned,
    )
    check_whole(event)
    session.add(event)
    await session.flush()
    await replace_speakers(session, event.id, speakers)
    audit.record(
        session,
        viewer,
        "event.create",
        event,
        chapter_id=chapter.id,
        before=None,
        after=snapshot(event),
        request_id=request_id,
    )
    await session.flush()
    await session.refresh(event)
    return event


async def update(
    session: AsyncSession,
    viewer: Viewer,
    event_id: int,
    fields: EventFields,
    *,
    request_id: str,
) -> Event:
    """Edit an event (host organisers); SEQUENCE + 1; a move (time, place) notifies everyone
    registered or waiting; more capacity promotes from the waitlist; audited; no commit."""
    event = await visible_event(session, viewer, event_id, "input", "event", lock=True)
    require_host_organiser(viewer, event)
    require_scheduled(event)
    now = datetime.now(UTC)
    if event.ends_at <= now:
        raise reject(EventErrorCode.ENDED, "The event is over.", "input", "event")
    values = clean(fields.set_values(), now)
    changed = {name: value for name, value in values.items() if getattr(event, name) != value}
    speakers = (
        await checked_speakers(session, fields.speakers) if fields.speakers is not UNSET else None
    )
    if not changed and speakers is None:
        raise reject(EventErrorCode.UNCHANGED, "Nothing to change.", "input")
    registered = await registered_count(session, event.id)
    if "capacity" in changed and changed["capacity"] < registered:
        raise problem(
            EventErrorCode.CAPACITY_BELOW_ATTENDEES,
            f"{registered} people hold a place; capacity cannot go below that.",
            "capacity",
        )
    before = snapshot(event)
    for name, value in changed.items():
        setattr(event, name, value)
    check_whole(event)
    event.sequence += 1
    if speakers is not None:
        await replace_speakers(session, event.id, speakers)
    await session.flush()
    moved = [name for name in MOVING_FIELDS if name in changed]
    if moved:
        change = live.EVENT_MOVED
    elif "capacity" in changed:
        change = live.EVENT_CAPACITY_CHANGED
    else:
        change = live.EVENT_UPDATED
    await live.publish(session, live.event_changed(event.id, change))
    if "capacity" in changed:
        await promote(session, event, registered)
    if moved:
        await notify_registered(
            session,
            event,
            NotificationKind.EVENT_MOVED,
            {"changed": [graphql_name(name) for name in moved], "sequence": event.sequence},
        )
    audit.record(
        session,
        viewer,
        "event.update",
        event,
        chapter_id=event.chapter_id,
        before=before,
        after=snapshot(event),
        request_id=request_id,
    )
    await session.flush()
    await session.refresh(event)
    return event


async def cancel(
    session: AsyncSession, viewer: Viewer, event_id: int, *, reason: str | None, request_id: str
) -> Event:
    """Cancel an event (host organisers): everyone registered or waiting is notified; the
    calendar entry turns STATUS:CANCELLED with the next SEQUENCE; audited; no commit."""
    event = await visible_event(session, viewer, event_id, "input", "event", lock=True)
    require_host_organiser(viewer, event)
    require_scheduled(event)
    if event.ends_at <= datetime.now(UTC):
        raise reject(EventErrorCode.ENDED, "The event is over.", "input", "event")
    text = (reason or "").strip()[:500] or None
    before = snapshot(event)
    event.status = EventStatus.CANCELLED.value
    event.sequence += 1
    await session.flush()
    await live.publish(session, live.event_changed(event.id, live.EVENT_CANCELLED))
    await notify_registered(
        session, event, NotificationKind.EVENT_CANCELLED, {"reason": text, "title": event.title}
    )
    audit.record(
        session,
        viewer,
        "event.cancel",
        event,
        chapter_id=event.chapter_id,
        before=before,
        after={**snapshot(event), "reason": text},
        request_id=request_id,
    )
    await session.flush()
    await session.refresh(event)
    return event


async def invite_cohost(
    session: AsyncSession, viewer: Viewer, event_id: int, chapter_id: int, *, request_id: str
) -> Event:
    """Invite a second chapter (that runs events) to co-host; replaces a pending invitation;
    audited; no commit."""
    event = await visible_event(session, viewer, event_id, "input", "event", lock=True)
    require_host_organiser(viewer, event)
    require_scheduled(event)
    chapter = await session.get(Chapter, chapter_id)
    if chapter is None:
        raise not_found("chapter", "input", "chapter")
    if chapter.id == event.chapter_id:
        raise problem(
            EventErrorCode.INVALID_COHOST, "A chapter cannot co-host its own event.", "chapter"
        )
    if event.cohost_accepted_at is not None:
        raise problem(
            EventErrorCode.ALREADY_ACCEPTED,
            "Another chapter already co-hosts the event.",
            "chapter",
        )
    if event.cohost_chapter_id == chapter.id:
        raise reject(
            EventErrorCode.UNCHANGED, "That chapter is already invited.", "input", "chapter"
        )
    await require_events_on(session, chapter.id, "input", "chapter")
    before = snapshot(event)
    event.cohost_chapter_id = chapter.id
    event.sequence += 1
    await live.publish(session, live.event_changed(event.id, live.EVENT_UPDATED))
    audit.record(
        session,
        viewer,
        "event.cohost_invite",
        event,
        chapter_id=event.chapter_id,
        before=before,
        after=snapshot(event),
        request_id=request_id,
    )
    await session.flush()
    await session.refresh(event)
    return event


async def accept_cohost(
    session: AsyncSession, viewer: Viewer, event_id: int, *, request_id: str
) -> Event:
    """Accept, for the invited chapter (its `events:manage` holders), an invitation to
    co-host; audited; no commit."""
    event = await visible_event(session, viewer, event_id, "input", "event", lock=True)
    require_engineer(viewer)
    if event.cohost_chapter_id is None:
        raise reject(
            EventErrorCode.NOT_INVITED, "No chapter is invited to co-host.", "input", "event"
        )
    require_chapter_scope(viewer, Scope.EVENTS_MANAGE, event.cohost_chapter_id)
    require_scheduled(event)
    if event.cohost_accepted_at is not None:
        raise reject(
            EventErrorCode.ALREADY_ACCEPTED, "The invitation is accepted.", "input", "event"
        )
    await require_events_on(session, event.cohost_chapter_id, "input", "event")
    before = snapshot(event)
    event.cohost_accepted_at = func.now()
    event.sequence += 1
    await live.publish(session, live.event_changed(event.id, live.EVENT_UPDATED))
    await session.flush()
    await session.refresh(event)
    audit.record(
        session,
        viewer,
        "event.cohost_accept",
        event,
        chapter_id=event.cohost_chapter_id,
        before=before,
        after=snapshot(event),
        request_id=request_id,
    )
    await session.flush()
    await session.refresh(event)
    return event


async def check_in(
    session: AsyncSession, viewer: Viewer, event_id: int, engineer_id: int, *, request_id: str
) -> EventRegistration:
    """Check a registered attendee in at the door (organisers of the hosting or co-hosting
    chapter), from a day before the start to a day after the end; audited; no commit."""
    event = await visible_event(session, viewer, event_id, "input", "event", lock=True)
    require_organiser(viewer, event)
    require_scheduled(event)
    now = datetime.now(UTC)
    if not event.starts_at - CHECK_IN_OPENS <= now <= event.ends_at + CHECK_IN_CLOSES:
        raise reject(
            EventErrorCode.CHECK_IN_CLOSED,
            "Check-in runs from a day before the start to a day after the end.",
            "input",
            "event",
        )
    registration = await session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id, EventRegistration.engineer_id == engineer_id
        )
    )
    if registration is None or registration.status != RegistrationStatus.REGISTERED.value:
        raise reject(
            EventErrorCode.NOT_REGISTERED, "That person holds no place.", "input", "engineer"
        )
    if registration.checked_in_at is not None:
        raise reject(EventErrorCode.ALREADY_CHECKED_IN, "Already checked in.", "input", "engineer")
    registration.checked_in_at = now
    await live.publish(
        session, live.event_changed(event.id, live.EVENT_CHECKED_IN, registration.id)
    )
    audit.record(
        session,
        viewer,
        "event.check_in",
        event,
        chapter_id=event.chapter_id,
        before={"checkedIn": False, "engineerId": engineer_id},
        after={"checkedIn": True, "engineerId": engineer_id},
        request_id=request_id,
    )
    await session.flush()
    return registration
