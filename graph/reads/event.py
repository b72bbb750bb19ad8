"""Event reads: chapter events, speakers, attendees, announcements, and who may see what."""

from typing import Any

from sqlalchemy import ColumnElement, and_

from db import models
from db.models import ChapterAnnouncement, Event, EventRegistration
from db.queries.event import (
    ANNOUNCEMENT_ORDERING,
    ATTENDEE_ORDERING,
    EVENT_ORDERINGS,
    hosted_by_chapter,
)
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import sqltext
from graph.compiler.declaration import (
    Column,
    Declaration,
    Filtered,
    Filters,
    Link,
    Paged,
    RootConnection,
    Rule,
    ToMany,
    ToOne,
    TypeMapping,
    columns,
    enum_value,
    global_id,
)
from graph.services import visibility as rules


def visible_events(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The events the viewer may see (members-only ones for members of a host)."""
    return rules.event_scope(viewer).event_predicate()


def organised_events(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The events the viewer organises (counts of check-ins and no-shows)."""
    return rules.event_scope(viewer).organises_predicate()


def online_links(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """Events whose online link the viewer may read (a place held, or organising)."""
    return rules.event_scope(viewer).online_link_predicate()


def my_events(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """Visible events the viewer holds a place or waitlist spot for (viewer.events)."""
    scope = rules.event_scope(viewer)
    return and_(scope.event_predicate(), scope.registered_or_waiting_predicate(viewer.engineer_id))


def listed_attendees(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """Registrations the viewer may list (organisers: all; others: listed ones, their own)."""
    return rules.event_scope(viewer).attendee_predicate()


def private_registrations(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """Registrations whose check-in the viewer may read (their own; organisers)."""
    return rules.event_scope(viewer).registration_private_predicate()


def fetchable_registrations(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """Registrations the viewer may fetch by ID (node, nodes)."""
    return rules.event_scope(viewer).registration_node_predicate()


def readable_announcements(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """Announcements of the chapters the viewer is an active member of."""
    return rules.announcement_predicate(viewer)


EVENT_CONDITIONS: dict[str, tuple[str, str]] = {
    "from": ("{c}.ends_at > {v}", "timestamptz"),
    "to": ("{c}.starts_at < {v}", "timestamptz"),
    "kinds": ("{c}.kind = ANY({v})", "text[]"),
}
"""Event filters over the event row `{c}`."""


def bind_events(arguments: dict[str, Any]) -> Filtered:
    """`events(filter: {from, to, kinds}, orderBy:)`, bound to the filters."""
    ordering = EVENT_ORDERINGS[enum_value(arguments.get("orderBy") or "START_ASC")]
    given = arguments.get("filter") or {}
    values: dict[str, Any] = {}
    if given.get("from") is not None:
        values["from"] = given["from"]
    if given.get("to") is not None:
        values["to"] = given["to"]
    kinds = sorted({enum_value(kind) for kind in given.get("kinds") or ()})
    if kinds:
        values["kinds"] = kinds
    return Filtered(ordering, tuple(values), values)


EVENT_FILTERS = Filters(bind_events, EVENT_CONDITIONS)
DEFAULT_ORDER = EVENT_ORDERINGS["START_ASC"]


def _registrations(status: str, template: str = "{t}") -> str:
    """SQL counting the event's registrations in `status`."""
    return (
        f"(SELECT count(*) FROM event_registrations {template}_{status[0].lower()}"
        f" WHERE {template}_{status[0].lower()}.event_id = {template}.id"
        f" AND {template}_{status[0].lower()}.status = '{status}')"
    )


REGISTERED = _registrations("REGISTERED")
CHECKED_IN = (
    "(SELECT count(*) FROM event_registrations {t}_k WHERE {t}_k.event_id = {t}.id"
    " AND {t}_k.status = 'REGISTERED' AND {t}_k.checked_in_at IS NOT NULL)"
)
NOT_CHECKED_IN = (
    "(SELECT count(*) FROM event_registrations {t}_n WHERE {t}_n.event_id = {t}.id"
    " AND {t}_n.status = 'REGISTERED' AND {t}_n.checked_in_at IS NULL)"
)
WAITLIST_POSITION = (
    "CASE WHEN {t}.status = 'WAITLISTED' THEN (SELECT count(*) FROM event_registrations {t}_w"
    " WHERE {t}_w.event_id = {t}.event_id AND {t}_w.status = 'WAITLISTED'"
    " AND ({t}_w.queued_at, {t}_w.id) <= ({t}.queued_at, {t}.id)) END"
)
"""A waitlisted registration's place in line (1 = next), else NULL."""


def _attendees(status: str) -> Paged:
    return Paged(
        Link("EventRegistration", f"{{c}}.event_id = {{p}}.id AND {{c}}.status = '{status}'"),
        ATTENDEE_ORDERING,
        models.EventRegistration,
        visibility="event_attendee",
    )


CHAPTER_FIELDS = {
    "events": Paged(
        Link("Event", hosted_by_chapter()),
        DEFAULT_ORDER,
        models.Event,
        visibility="event",
        filters=EVENT_FILTERS,
    ),
    "announcements": Paged(
        Link("ChapterAnnouncement", "{c}.chapter_id = {p}.id"),
        ANNOUNCEMENT_ORDERING,
        models.ChapterAnnouncement,
        visibility="chapter_announcement",
    ),
}
"""Chapter.events and Chapter.announcements (graph.reads.chapter adds them to Chapter)."""

VIEWER_FIELDS = {
    "events": Paged(
        Link("Event", "TRUE"),
        DEFAULT_ORDER,
        models.Event,
        visibility="viewer_event",
        filters=EVENT_FILTERS,
    ),
}
"""Viewer.events (graph.reads.viewer adds it to Viewer)."""

_ENGINEER = "Engineer"

DECLARATION = Declaration(
    types=(
        TypeMapping(
            "Event",
            "events",
            {
                "id": global_id("Event"),
                **columns(
                    kind="kind",
                    title="title",
                    description="description",
                    timezone="timezone",
                    venue="venue",
                    capacity="capacity",
                    visibility="visibility",
                    status="status",
                    sequence="sequence",
                ),
                "startsAt": Column(sqltext.timestamp("{t}.starts_at")),
                "endsAt": Column(sqltext.timestamp("{t}.ends_at")),
                "registrationOpensAt": Column(sqltext.timestamp("{t}.registration_opens_at")),
                "registrationClosesAt": Column(sqltext.timestamp("{t}.registration_closes_at")),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "updatedAt": Column(sqltext.timestamp("{t}.updated_at")),
                "onlineUrl": Column("{t}.online_url", visible_if="event_online_link"),
                "chapter": ToOne(Link("Chapter", "{c}.id = {p}.chapter_id")),
                "cohost": ToOne(
                    Link(
                        "Chapter",
                        "{c}.id = {p}.cohost_chapter_id AND {p}.cohost_accepted_at IS NOT NULL",
                    )
                ),
                "speakers": ToMany(
                    Link("EventSpeaker", "{c}.event_id = {p}.id", order=("{c}.position", "{c}.id"))
                ),
                "attendeeCount": Column(REGISTERED),
                "waitlistCount": Column(_registrations("WAITLISTED")),
                "placesLeft": Column(f"greatest({{t}}.capacity - {REGISTERED}, 0)"),
                "checkedInCount": Column(CHECKED_IN, visible_if="event_organiser"),
                "noShowCount": Column(
                    f"CASE WHEN {{t}}.ends_at < now() THEN {NOT_CHECKED_IN} END",
                    visible_if="event_organiser",
                ),
                "attendees": _attendees("REGISTERED"),
                "waitlist": _attendees("WAITLISTED"),
                "viewerRegistration": ToOne(
                    Link(
                        "EventRegistration",
                        "{c}.event_id = {p}.id AND {c}.engineer_id = {viewer[engineer_id]}",
                    )
                ),
            },
            models.Event,
        ),
        TypeMapping(
            "EventSpeaker",
            "event_speakers",
            {
                "name": Column(
                    "COALESCE({t}.name, (SELECT {t}_e.name FROM engineers {t}_e"
                    " WHERE {t}_e.id = {t}.engineer_id), '')"
                ),
                "affiliation": Column("{t}.affiliation"),
                "engineer": ToOne(Link(_ENGINEER, "{c}.id = {p}.engineer_id")),
            },
            models.EventSpeaker,
        ),
        TypeMapping(
            "EventRegistration",
            "event_registrations",
            {
                "id": global_id("EventRegistration"),
                **columns(status="status", listed="listed"),
                "queuedAt": Column(sqltext.timestamp("{t}.queued_at")),
                "registeredAt": Column(sqltext.timestamp("{t}.registered_at")),
                "checkedInAt": Column(
                    sqltext.timestamp("{t}.checked_in_at"), visible_if="event_registration_private"
                ),
                "waitlistPosition": Column(WAITLIST_POSITION),
                "engineer": ToOne(Link(_ENGINEER, "{c}.id = {p}.engineer_id")),
            },
            models.EventRegistration,
        ),
        TypeMapping(
            "ChapterAnnouncement",
            "chapter_announcements",
            {
                "id": global_id("ChapterAnnouncement"),
                **columns(title="title", body="body", recipients="recipients"),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "author": ToOne(Link(_ENGINEER, "{c}.id = {p}.author_id")),
                "chapter": ToOne(Link("Chapter", "{c}.id = {p}.chapter_id")),
            },
            models.ChapterAnnouncement,
        ),
    ),
    connections={
        "events": RootConnection("Event", DEFAULT_ORDER, visibility="event", filters=EVENT_FILTERS)
    },
    nodes={
        "Event": "event",
        "EventRegistration": "event_registration",
        "ChapterAnnouncement": "chapter_announcement",
    },
    rules={
        "event": Rule(Event, visible_events),
        "event_organiser": Rule(Event, organised_events),
        "event_online_link": Rule(Event, online_links),
        "viewer_event": Rule(Event, my_events),
        "event_attendee": Rule(EventRegistration, listed_attendees),
        "event_registration_private": Rule(EventRegistration, private_registrations),
        "event_registration": Rule(EventRegistration, fetchable_registrations),
        "chapter_announcement": Rule(ChapterAnnouncement, readable_announcements),
    },
)
