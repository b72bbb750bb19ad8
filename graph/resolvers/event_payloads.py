"""Inputs and payloads of the event, announcement and calendar-feed mutations."""

from datetime import datetime

import strawberry

from db.enums import EventKind, EventVisibility
from graph.resolvers.mutation import Answers
from graph.services.event_rules import EventErrorCode
from graph.types.announcement import ChapterAnnouncement
from graph.types.event import Event, EventRegistration


@strawberry.type(description="Why an event or announcement mutation was refused.")
class EventUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: EventErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


ANSWERS = Answers(EventUserError, EventErrorCode, under=())


@strawberry.type(description="Result of a mutation that changes an event.")
class EventPayload:
    """The event as it is now, or why nothing changed."""

    event: Event | None = strawberry.field(
        description="The event after the change; null when refused."
    )
    user_errors: list[EventUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation that changes an RSVP.")
class EventRegistrationPayload:
    """The RSVP as it is now, or why nothing changed."""

    registration: EventRegistration | None = strawberry.field(
        description="The RSVP after the change; null when refused."
    )
    user_errors: list[EventUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of posting an announcement.")
class ChapterAnnouncementPayload:
    """The announcement, or why it was not posted."""

    announcement: ChapterAnnouncement | None = strawberry.field(
        description="The announcement; null when refused."
    )
    user_errors: list[EventUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="A new personal calendar feed address.")
class CalendarFeedPayload:
    """The secret token, shown once."""

    token: str = strawberry.field(
        description="The feed's secret token; shown only now (only its hash is stored)."
    )
    path: str = strawberry.field(
        description="The feed's path on this server (`/calendar/<token>.ics`), for calendar "
        "apps to subscribe to; keep it secret, rotate it if it leaks."
    )


@strawberry.type(description="Result of revoking the personal calendar feed.")
class CalendarFeedRevokePayload:
    """Whether a feed was revoked."""

    revoked: bool = strawberry.field(description="True when a feed token existed and is gone.")


@strawberry.input(description="A speaker: an engineer (by ID) or a named guest.")
class EventSpeakerInput:
    """Engineer, or name and affiliation."""

    engineer: strawberry.ID | None = strawberry.field(
        default=None, description="ID of the engineer speaking; leave out for a guest."
    )
    name: str | None = strawberry.field(
        default=None, description="A guest's name (1–120 characters)."
    )
    affiliation: str | None = strawberry.field(
        default=None, description="A guest's organisation (at most 120 characters)."
    )


@strawberry.input(description="A new event.")
class EventCreateInput:
    """Everything about the event."""

    chapter: strawberry.ID = strawberry.field(
        description="ID of the hosting chapter (its config must switch events on)."
    )
    kind: EventKind = strawberry.field(description="What sort of gathering it is.")
    title: str = strawberry.field(description="3–200 characters.")
    starts_at: datetime = strawberry.field(description="Start, with UTC offset; in the future.")
    ends_at: datetime = strawberry.field(
        description="End, with UTC offset; after the start, at most 14 days later."
    )
    capacity: int = strawberry.field(description="Places, 1–100,000.")
    description: str | None = strawberry.field(
        default=None, description="At most 20,000 characters."
    )
    timezone: str | None = strawberry.field(
        default=None, description="IANA time zone; the chapter's when left out."
    )
    online_url: str | None = strawberry.field(
        default=None,
        description="http(s) link to join online; shown to people holding a place only.",
    )
    venue: str | None = strawberry.field(
        default=None, description="Where it takes place (at most 300 characters)."
    )
    registration_opens_at: datetime | None = strawberry.field(
        default=None, description="When registration opens; null: now."
    )
    registration_closes_at: datetime | None = strawberry.field(
        default=None, description="When registration closes; null: at the start."
    )
    visibility: EventVisibility = strawberry.field(
        default=EventVisibility.PUBLIC, description="Who may see it."
    )
    speakers: list[EventSpeakerInput] | None = strawberry.field(
        default=None, description="Up to 20 speakers, in billing order."
    )


@strawberry.input(description="Changes to an event; fields left out stay as they are.")
class EventUpdateInput:
    """The event and the fields to change."""

    event: strawberry.ID = strawberry.field(description="ID of the event.")
    kind: EventKind | None = strawberry.field(default=strawberry.UNSET, description="A new kind.")
    title: str | None = strawberry.field(default=strawberry.UNSET, description="A new title.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new description."
    )
    starts_at: datetime | None = strawberry.field(
        default=strawberry.UNSET,
        description="A new start (moving the event notifies everyone registered).",
    )
    ends_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="A new end (notifies everyone registered)."
    )
    timezone: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new time zone."
    )
    online_url: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new online link; null removes it (notifies)."
    )
    venue: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new venue; null removes it (notifies)."
    )
    capacity: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="New capacity; more places promote the waitlist in order; never below "
        "the places taken.",
    )
    registration_opens_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="When registration opens; null: now."
    )
    registration_closes_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="When registration closes; null: at the start."
    )
    visibility: EventVisibility | None = strawberry.field(
        default=strawberry.UNSET, description="New visibility."
    )
    speakers: list[EventSpeakerInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The full new list of speakers."
    )


@strawberry.input(description="An event to cancel.")
class EventCancelInput:
    """Event and reason."""

    event: strawberry.ID = strawberry.field(description="ID of the event.")
    reason: str | None = strawberry.field(
        default=None, description="Why, for the notification (at most 500 characters)."
    )


@strawberry.input(description="An event to answer for.")
class EventRsvpInput:
    """Event and listing choice."""

    event: strawberry.ID = strawberry.field(description="ID of the event.")
    listed: bool = strawberry.field(
        default=False, description="Appear on the attendee list everyone sees."
    )


@strawberry.input(description="An event whose RSVP you give up.")
class EventRsvpCancelInput:
    """The event."""

    event: strawberry.ID = strawberry.field(description="ID of the event.")


@strawberry.input(description="An attendee to check in.")
class EventCheckInInput:
    """Event and person."""

    event: strawberry.ID = strawberry.field(description="ID of the event.")
    engineer: strawberry.ID = strawberry.field(description="ID of the engineer at the door.")


@strawberry.input(description="A chapter to invite as co-host.")
class EventCohostInviteInput:
    """Event and chapter."""

    event: strawberry.ID = strawberry.field(description="ID of your chapter's event.")
    chapter: strawberry.ID = strawberry.field(description="ID of the chapter to invite.")


@strawberry.input(description="An invitation to co-host to accept.")
class EventCohostAcceptInput:
    """The event."""

    event: strawberry.ID = strawberry.field(
        description="ID of the event your chapter is invited to."
    )


@strawberry.input(description="An announcement to a chapter's members.")
class ChapterAnnouncementPostInput:
    """Chapter, title and body."""

    chapter: strawberry.ID = strawberry.field(description="ID of the chapter.")
    title: str = strawberry.field(description="3–200 characters.")
    body: str = strawberry.field(description="1–10,000 characters.")
