"""iCalendar (RFC 5545) feeds of chapter events: VTIMEZONE per zone, stable UID, SEQUENCE."""

from collections.abc import Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone
from icalendar import Event as CalendarEvent

from db.enums import EventStatus, RegistrationStatus
from db.models import Event

PRODUCT = "-//Brain Gain Graph//Chapter events//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"


def _zones(events: Sequence[Event]) -> list[Timezone]:
    """A VTIMEZONE for each zone the events use, covering a year either side of them."""
    zones: list[Timezone] = []
    for zone in sorted({event.timezone for event in events}):
        dates = [event.starts_at.date() for event in events if event.timezone == zone]
        first = min(dates) - timedelta(days=366)
        last = max(dates) + timedelta(days=366)
        zones.append(Timezone.from_tzid(zone, first_date=first, last_date=max(last, date.today())))
    return zones


def render(
    name: str,
    events: Sequence[Event],
    *,
    statuses: dict[int, str] | None = None,
    links: frozenset[int] = frozenset(),
) -> bytes:
    """The events as one VCALENDAR. Times are local to each event's zone (TZID with its
    VTIMEZONE); UID is fixed at creation and SEQUENCE counts revisions, so calendar apps
    update entries in place; cancelled events read STATUS:CANCELLED. `statuses` maps an
    event to the reader's RSVP (a waitlist spot reads TENTATIVE); `links` are the events
    whose online link the reader may see."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for zone in _zones(events):
        calendar.add_component(zone)
    for event in events:
        calendar.add_component(_entry(event, (statuses or {}).get(event.id), event.id in links))
    return bytes(calendar.to_ical())


def _entry(event: Event, rsvp: str | None, show_link: bool) -> CalendarEvent:
    zone = ZoneInfo(event.timezone)
    entry = CalendarEvent()
    entry.add("uid", event.uid)
    entry.add("dtstamp", event.updated_at)
    entry.add("created", event.created_at)
    entry.add("last-modified", event.updated_at)
    entry.add("sequence", event.sequence)
    entry.add("dtstart", event.starts_at.astimezone(zone))
    entry.add("dtend", event.ends_at.astimezone(zone))
    entry.add("summary", event.title)
    if event.description:
        entry.add("description", event.description)
    link = event.online_url if show_link else None
    place = event.venue or link
    if place:
        entry.add("location", place)
    if link:
        entry.add("url", link)
    entry.add("categories", [event.kind])
    if event.status == EventStatus.CANCELLED.value:
        status = "CANCELLED"
    elif rsvp == RegistrationStatus.WAITLISTED.value:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    entry.add("status", status)
    return entry
