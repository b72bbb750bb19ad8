"""Chapter events: create, edit (a move notifies), cancel, co-host and check attendees in."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import (
    EventKind,
    EventStatus,
    EventVisibility,
    NotificationKind,
    RegistrationStatus,
)
from db.models import Chapter, Engineer, Event, EventRegistration, EventSpeaker
from db.models.event import (
    CAPACITY_MAX,
    DESCRIPTION_MAX,
    SPEAKER_NAME_MAX,
    SPEAKERS_MAX,
    TITLE_MAX,
    URL_MAX,
    VENUE_MAX,
)
from graph.auth.permissions import require_chapter_scope, require_engineer
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.services import audit
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

TITLE_MIN = 3
LONGEST = timedelta(days=14)
CHECK_IN_OPENS = timedelta(hours=24)
"""Organisers may check people in from a day before the start..."""
CHECK_IN_CLOSES = timedelta(hours=24)
"""... until a day after the end."""
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
UNSET: Any = object()
"""An update field left out of the input (as opposed to set to null)."""


@dataclass(frozen=True)
class Speaker:
    """A speaker as given: an engineer's key, or a guest's name and affiliation."""

    engineer_id: int | None = None
    name: str | None = None
    affiliation: str | None = None


@dataclass
class EventFields:
    """The fields of an event as given by create (everything) or update (what is set)."""

    kind: Any = UNSET
    title: Any = UNSET
    description: Any = UNSET
    starts_at: Any = UNSET
    ends_at: Any = UNSET
    timezone: Any = UNSET
    online_url: Any = UNSET
    venue: Any = UNSET
    capacity: Any = UNSET
    registration_opens_at: Any = UNSET
    registration_closes_at: Any = UNSET
    visibility: Any = UNSET
    speakers: Any = UNSET
    given: dict[str, Any] = field(default_factory=dict)

    def set_values(self) -> dict[str, Any]:
        """The fields that were given (speakers apart)."""
        names = (
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "timezone",
            "online_url",
            "venue",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "visibility",
        )
        return {name: getattr(self, name) for name in names if getattr(self, name) is not UNSET}


MOVING_FIELDS = ("starts_at", "ends_at", "timezone", "venue", "online_url")
"""A change to any of these moves the event: everyone registered hears about it."""


def _problem(code: EventErrorCode, message: str, name: str) -> Exception:
    return reject(code, message, "input", name)


def clean(values: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The given values, validated and normalised; a Rejected naming the first bad field."""
    cleaned = dict(values)
    if "title" in values:
        title = str(values["title"]).strip()
        if not TITLE_MIN <= len(title) <= TITLE_MAX:
            raise _problem(
                EventErrorCode.INVALID_TITLE,
                f"A title has {TITLE_MIN} to {TITLE_MAX} characters.",
                "title",
            )
        cleaned["title"] = title
    if "description" in values:
        description = str(values["description"] or "").strip()
        if len(description) > DESCRIPTION_MAX:
            raise _problem(
                EventErrorCode.INVALID_DESCRIPTION,
                f"A description has at most {DESCRIPTION_MAX} characters.",
                "description",
            )
        cleaned["description"] = description
    if "kind" in values:
        cleaned["kind"] = EventKind(values["kind"]).value
    if "visibility" in values:
        cleaned["visibility"] = EventVisibility(values["visibility"]).value
    if "timezone" in values:
        cleaned["timezone"] = _timezone(values["timezone"])
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        if name in values and values[name] is not None:
            moment = values[name]
            if not isinstance(moment, datetime) or moment.tzinfo is None:
                raise _problem(
                    EventErrorCode.INVALID_TIME,
                    "Times carry their UTC offset (RFC 3339).",
                    _graphql(name),
                )
            cleaned[name] = moment.astimezone(UTC)
    if "starts_at" in values and cleaned["starts_at"] is None:
        raise _problem(EventErrorCode.INVALID_TIME, "An event needs a start.", "startsAt")
    if "ends_at" in values and cleaned["ends_at"] is None:
        raise _problem(EventErrorCode.INVALID_TIME, "An event needs an end.", "endsAt")
    if "starts_at" in values and cleaned["starts_at"] <= now:
        raise _problem(EventErrorCode.INVALID_TIME, "An event starts in the future.", "startsAt")
    if "online_url" in values:
        url = (values["online_url"] or "").strip() or None
        if url is not None and (len(url) > URL_MAX or URL_PATTERN.fullmatch(url) is None):
            raise _problem(
                EventErrorCode.INVALID_URL,
                f"The online link is an http(s) URL of at most {URL_MAX} characters.",
                "onlineUrl",
            )
        cleaned["online_url"] = url
    if "venue" in values:
        venue = (values["venue"] or "").strip() or None
        if venue is not None and len(venue) > VENUE_MAX:
            raise _problem(
                EventErrorCode.INVALID_VENUE,
                f"A venue has at most {VENUE_MAX} characters.",
                "venue",
            )
        cleaned["venue"] = venue
    if "capacity" in values:
        capacity = values["capacity"]
        if not isinstance(capacity, int) or not 1 <= capacity <= CAPACITY_MAX:
            raise _problem(
                EventErrorCode.INVALID_CAPACITY,
                f"Capacity is 1 to {CAPACITY_MAX} places.",
                "capacity",
            )
    return cleaned


def _graphql(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _timezone(value: str) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise _problem(
            EventErrorCode.INVALID_TIMEZONE, f"{value!r} is not an IANA time zone.", "timezone"
        ) from None
    return value


def check_whole(event: Event) -> None:
    """The rules across fields, on the event as it would be stored."""
    if event.ends_at <= event.starts_at:
        raise _problem(EventErrorCode.INVALID_TIME, "An event ends after it starts.", "endsAt")
    if event.ends_at - event.starts_at > LONGEST:
        raise _problem(EventErrorCode.INVALID_TIME, "An event lasts at most 14 days.", "endsAt")
    if event.online_url is None and event.venue is None:
        raise _problem(
            EventErrorCode.NO_PLACE, "An event has an online link, a venue or both.", "venue"
        )
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens is not None and closes is not None and closes <= opens:
        raise _problem(
            EventErrorCode.INVALID_REGISTRATION_WINDOW,
            "Registration closes after it opens.",
            "registrationClosesAt",
        )
    if closes is not None and closes > event.ends_at:
        raise _problem(
            EventErrorCode.INVALID_REGISTRATION_WINDOW,
            "Registration closes by the end of the event.",
            "registrationClosesAt",
        )


async def _speakers(session: AsyncSession, speakers: list[Speaker]) -> list[Speaker]:
    """Speakers checked: at most 20, each an existing engineer or a named guest."""
    if len(speakers) > SPEAKERS_MAX:
        raise _problem(
            EventErrorCode.INVALID_SPEAKER, f"At most {SPEAKERS_MAX} speakers.", "speakers"
        )
    engineer_ids = [speaker.engineer_id for speaker in speakers if speaker.engineer_id]
    if engineer_ids:
        found = set(await session.scalars(select(Engineer.id).where(Engineer.id.in_(engineer_ids))))
        if found != set(engineer_ids) or len(engineer_ids) != len(set(engineer_ids)):
            raise _problem(
                EventErrorCode.INVALID_SPEAKER, "A speaker is not a known engineer.", "speakers"
            )
    cleaned: list[Speaker] = []
    for speaker in speakers:
        if speaker.engineer_id is not None:
            cleaned.append(Speaker(engineer_id=speaker.engineer_id))
            continue
        name = (speaker.name or "").strip()
        affiliation = (speaker.affiliation or "").strip() or None
        if not 1 <= len(name) <= SPEAKER_NAME_MAX or (
            affiliation is not None and len(affiliation) > SPEAKER_NAME_MAX
        ):
            raise _problem(
                EventErrorCode.INVALID_SPEAKER,
                f"A guest speaker has a name (and affiliation) of at most {SPEAKER_NAME_MAX}"
                " characters.",
                "speakers",
            )
        cleaned.append(Speaker(name=name, affiliation=affiliation))
    return cleaned


async def _replace_speakers(session: AsyncSession, event_id: int, speakers: list[Speaker]) -> None:
    await session.execute(delete(EventSpeaker).where(EventSpeaker.event_id == event_id))
    session.add_all(
        EventSpeaker(
            event_id=event_id,
            position=position,
            engineer_id=speaker.engineer_id,
            name=speaker.name,
            affiliation=speaker.affiliation,
        )
        for position, speaker in enumerate(speakers)
    )


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
    speakers = await _speakers(session, fields.speakers if fields.speakers is not UNSET else [])
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
    await _replace_speakers(session, event.id, speakers)
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
    speakers = await _speakers(session, fields.speakers) if fields.speakers is not UNSET else None
    if not changed and speakers is None:
        raise reject(EventErrorCode.UNCHANGED, "Nothing to change.", "input")
    registered = await registered_count(session, event.id)
    if "capacity" in changed and changed["capacity"] < registered:
        raise _problem(
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
        await _replace_speakers(session, event.id, speakers)
    await session.flush()
    if "capacity" in changed:
        await promote(session, event, registered)
    moved = [name for name in MOVING_FIELDS if name in changed]
    if moved:
        await notify_registered(
            session,
            event,
            NotificationKind.EVENT_MOVED,
            {"changed": [_graphql(name) for name in moved], "sequence": event.sequence},
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
        raise _problem(
            EventErrorCode.INVALID_COHOST, "A chapter cannot co-host its own event.", "chapter"
        )
    if event.cohost_accepted_at is not None:
        raise _problem(
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
    audit.record(
        session,
        viewer,
        "event.check_in",
        registration,
        chapter_id=event.chapter_id,
        before={"checkedIn": False, "engineerId": engineer_id},
        after={"checkedIn": True, "engineerId": engineer_id},
        request_id=request_id,
    )
    await session.flush()
    return registration
