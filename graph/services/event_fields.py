"""The fields of a chapter event as given: validation and normalisation, speakers."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import EventKind, EventVisibility
from db.models import Engineer, Event, EventSpeaker
from db.models.event import (
    CAPACITY_MAX,
    DESCRIPTION_MAX,
    SPEAKER_NAME_MAX,
    SPEAKERS_MAX,
    TITLE_MAX,
    URL_MAX,
    VENUE_MAX,
)
from graph.services.event_rules import EventErrorCode
from graph.services.problems import reject

TITLE_MIN = 3
LONGEST = timedelta(days=14)
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


def problem(code: EventErrorCode, message: str, name: str) -> Exception:
    return reject(code, message, "input", name)


def clean(values: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The given values, validated and normalised; a Rejected naming the first bad field."""
    cleaned = dict(values)
    if "title" in values:
        title = str(values["title"]).strip()
        if not TITLE_MIN <= len(title) <= TITLE_MAX:
            raise problem(
                EventErrorCode.INVALID_TITLE,
                f"A title has {TITLE_MIN} to {TITLE_MAX} characters.",
                "title",
            )
        cleaned["title"] = title
    if "description" in values:
        description = str(values["description"] or "").strip()
        if len(description) > DESCRIPTION_MAX:
            raise problem(
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
                raise problem(
                    EventErrorCode.INVALID_TIME,
                    "Times carry their UTC offset (RFC 3339).",
                    graphql_name(name),
                )
            cleaned[name] = moment.astimezone(UTC)
    if "starts_at" in values and cleaned["starts_at"] is None:
        raise problem(EventErrorCode.INVALID_TIME, "An event needs a start.", "startsAt")
    if "ends_at" in values and cleaned["ends_at"] is None:
        raise problem(EventErrorCode.INVALID_TIME, "An event needs an end.", "endsAt")
    if "starts_at" in values and cleaned["starts_at"] <= now:
        raise problem(EventErrorCode.INVALID_TIME, "An event starts in the future.", "startsAt")
    if "online_url" in values:
        url = (values["online_url"] or "").strip() or None
        if url is not None and (len(url) > URL_MAX or URL_PATTERN.fullmatch(url) is None):
            raise problem(
                EventErrorCode.INVALID_URL,
                f"The online link is an http(s) URL of at most {URL_MAX} characters.",
                "onlineUrl",
            )
        cleaned["online_url"] = url
    if "venue" in values:
        venue = (values["venue"] or "").strip() or None
        if venue is not None and len(venue) > VENUE_MAX:
            raise problem(
                EventErrorCode.INVALID_VENUE,
                f"A venue has at most {VENUE_MAX} characters.",
                "venue",
            )
        cleaned["venue"] = venue
    if "capacity" in values:
        capacity = values["capacity"]
        if not isinstance(capacity, int) or not 1 <= capacity <= CAPACITY_MAX:
            raise problem(
                EventErrorCode.INVALID_CAPACITY,
                f"Capacity is 1 to {CAPACITY_MAX} places.",
                "capacity",
            )
    return cleaned


def graphql_name(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _timezone(value: str) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise problem(
            EventErrorCode.INVALID_TIMEZONE, f"{value!r} is not an IANA time zone.", "timezone"
        ) from None
    return value


def check_whole(event: Event) -> None:
    """The rules across fields, on the event as it would be stored."""
    if event.ends_at <= event.starts_at:
        raise problem(EventErrorCode.INVALID_TIME, "An event ends after it starts.", "endsAt")
    if event.ends_at - event.starts_at > LONGEST:
        raise problem(EventErrorCode.INVALID_TIME, "An event lasts at most 14 days.", "endsAt")
    if event.online_url is None and event.venue is None:
        raise problem(
            EventErrorCode.NO_PLACE, "An event has an online link, a venue or both.", "venue"
        )
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens is not None and closes is not None and closes <= opens:
        raise problem(
            EventErrorCode.INVALID_REGISTRATION_WINDOW,
            "Registration closes after it opens.",
            "registrationClosesAt",
        )
    if closes is not None and closes > event.ends_at:
        raise problem(
            EventErrorCode.INVALID_REGISTRATION_WINDOW,
            "Registration closes by the end of the event.",
            "registrationClosesAt",
        )


async def checked_speakers(session: AsyncSession, speakers: list[Speaker]) -> list[Speaker]:
    """Speakers checked: at most 20, each an existing engineer or a named guest."""
    if len(speakers) > SPEAKERS_MAX:
        raise problem(
            EventErrorCode.INVALID_SPEAKER, f"At most {SPEAKERS_MAX} speakers.", "speakers"
        )
    engineer_ids = [speaker.engineer_id for speaker in speakers if speaker.engineer_id]
    if engineer_ids:
        found = set(await session.scalars(select(Engineer.id).where(Engineer.id.in_(engineer_ids))))
        if found != set(engineer_ids) or len(engineer_ids) != len(set(engineer_ids)):
            raise problem(
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
            raise problem(
                EventErrorCode.INVALID_SPEAKER,
                f"A guest speaker has a name (and affiliation) of at most {SPEAKER_NAME_MAX}"
                " characters.",
                "speakers",
            )
        cleaned.append(Speaker(name=name, affiliation=affiliation))
    return cleaned


async def replace_speakers(session: AsyncSession, event_id: int, speakers: list[Speaker]) -> None:
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
