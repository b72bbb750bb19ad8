"""Event types: chapter events, their speakers, attendees and the chapters' announcements."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from db.enums import EventKind, EventStatus, EventVisibility, RegistrationStatus
from graph.context import Info
from graph.ids import encode_id
from graph.types import event_enums as _event_enums  # noqa: F401  (registers the enums)
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.engineer import Engineer
from graph.types.node import Node
from graph.types.sql_only import sql_field, unserved

if TYPE_CHECKING:
    from graph.types.chapter import Chapter

ChapterRef = Annotated["Chapter", strawberry.lazy("graph.types.chapter")]

ORGANISERS = (
    "holders of `events:manage` in the hosting or co-hosting chapter (a chapter role) and "
    "council admins"
)


@strawberry.input(description="Which events a list shows.")
class EventFilter:
    """A time range and kinds."""

    from_: datetime | None = strawberry.field(
        default=None,
        name="from",
        description="Only events still running at or after this time (they end after it).",
    )
    to: datetime | None = strawberry.field(
        default=None, description="Only events starting before this time."
    )
    kinds: list[EventKind] | None = strawberry.field(
        default=None, description="Only events of these kinds."
    )


@strawberry.type(description="A speaker at an event: an engineer on the portal or a guest.")
class EventSpeaker:
    """One speaker."""

    engineer_pk: strawberry.Private[int | None]
    guest_name: strawberry.Private[str | None]
    affiliation: str | None = strawberry.field(
        description="A guest's organisation; null for engineers (see their profile)."
    )

    @classmethod
    def from_model(cls, row: models.EventSpeaker) -> "EventSpeaker":
        """Build from an event_speakers row."""
        return cls(engineer_pk=row.engineer_id, guest_name=row.name, affiliation=row.affiliation)

    @strawberry.field(description="The speaker's name (an engineer's profile name, or a guest's).")
    def name(self, info: Info) -> str:
        """The guest's name, or the engineer's, loaded by id."""
        raise unserved()

    @strawberry.field(description="The engineer speaking; null for guests.")
    def engineer(self, info: Info) -> Engineer | None:
        """Loaded by id, batched."""
        raise unserved()


@strawberry.type(
    description="One person's RSVP to an event: a place, a waitlist spot, or given up. By ID: "
    "for the person, the event's organisers, and (people who chose to be listed) everyone who "
    "may see the event."
)
class EventRegistration(Node):
    """An RSVP."""

    status: RegistrationStatus = strawberry.field(description="Where the RSVP stands.")
    listed: bool = strawberry.field(
        description="The person chose to appear on the attendee list everyone sees."
    )
    queued_at: datetime = strawberry.field(
        description="When the person (last) asked for a place: the waitlist's order."
    )
    registered_at: datetime | None = strawberry.field(
        description="When the person got a place (directly or from the waitlist)."
    )
    engineer: Engineer = sql_field(description="The person.")
    checked_in_at: datetime | None = sql_field(
        description="When the person was checked in at the door; null until then, and for "
        f"everyone but the person and the event's organisers ({ORGANISERS})."
    )
    waitlist_position: int | None = sql_field(
        description="For a waitlisted RSVP, its place in line (1 = next to be promoted); null "
        "otherwise."
    )

    @classmethod
    def from_model(cls, row: models.EventRegistration) -> "EventRegistration":
        """Build from an event_registrations row."""
        return cls(
            id=strawberry.ID(encode_id("EventRegistration", row.id)),
            status=RegistrationStatus(row.status),
            listed=row.listed,
            queued_at=row.queued_at,
            registered_at=row.registered_at,
        )


@strawberry.type(
    description="A chapter's event (talk, webinar, meetup, site visit, workshop), optionally "
    "co-hosted by a second chapter. Members-only events are visible only to active members of "
    "the hosting and co-hosting chapters and to council admins."
)
class Event(Node):
    """A chapter event."""

    pk: strawberry.Private[int]
    chapter_pk: strawberry.Private[int]
    cohost_pk: strawberry.Private[int | None]
    link: strawberry.Private[str | None]
    kind: EventKind = strawberry.field(description="What sort of gathering it is.")
    title: str = strawberry.field(description="The event's title.")
    description: str = strawberry.field(description="What it is about, for whom.")
    starts_at: datetime = strawberry.field(description="When it starts.")
    ends_at: datetime = strawberry.field(description="When it ends.")
    timezone: str = strawberry.field(
        description="IANA time zone it is scheduled in (the hosting chapter's by default)."
    )
    venue: str | None = strawberry.field(description="Where it takes place; null when online.")
    capacity: int = strawberry.field(description="How many places there are.")
    registration_opens_at: datetime | None = strawberry.field(
        description="When registration opens; null: as soon as it is announced."
    )
    registration_closes_at: datetime | None = strawberry.field(
        description="When registration closes; null: at the start."
    )
    visibility: EventVisibility = strawberry.field(description="Who may see it.")
    status: EventStatus = strawberry.field(description="Whether it still takes place.")
    sequence: int = strawberry.field(
        description="Revision number, incremented on every change (the iCalendar SEQUENCE)."
    )
    created_at: datetime = strawberry.field(description="When it was announced.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_model(cls, row: models.Event) -> "Event":
        """Build from an events row (the caller checked the viewer may see it)."""
        return cls(
            id=strawberry.ID(encode_id("Event", row.id)),
            pk=row.id,
            chapter_pk=row.chapter_id,
            cohost_pk=row.cohost_chapter_id if row.cohost_accepted_at is not None else None,
            link=row.online_url,
            kind=EventKind(row.kind),
            title=row.title,
            description=row.description,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            timezone=row.timezone,
            venue=row.venue,
            capacity=row.capacity,
            registration_opens_at=row.registration_opens_at,
            registration_closes_at=row.registration_closes_at,
            visibility=EventVisibility(row.visibility),
            status=EventStatus(row.status),
            sequence=row.sequence,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(
        description="The link to join online; null when there is none, and for everyone but "
        f"people holding a place and the organisers ({ORGANISERS})."
    )
    def online_url(self) -> str | None:
        """Compiled: graph/reads/event.py."""
        raise unserved()

    @strawberry.field(description="The hosting chapter.")
    def chapter(self) -> ChapterRef:
        """Compiled: graph/reads/event.py."""
        raise unserved()

    @strawberry.field(description="The co-hosting chapter, once it accepted; null otherwise.")
    def cohost(self) -> ChapterRef | None:
        """Compiled: graph/reads/event.py."""
        raise unserved()

    @strawberry.field(description="The speakers, in billing order.")
    def speakers(self) -> list[EventSpeaker]:
        """Compiled: graph/reads/event.py."""
        raise unserved()

    @strawberry.field(description="How many people hold a place.")
    def attendee_count(self) -> int:
        """Compiled: graph/reads/event.py."""
        raise unserved()

    @strawberry.field(description="How many people wait for a place.")
    def waitlist_count(self) -> int:
        """Compiled: graph/reads/event.py."""
        raise unserved()

    @strawberry.field(description="Places still free (0 when full).")
    def places_left(self) -> int:
        """Compiled: graph/reads/event.py."""
        raise unserved()

    @strawberry.field(
        description=f"How many attendees were checked in; null except for the organisers "
        f"({ORGANISERS})."
    )
    def checked_in_count(self) -> int | None:
        """Compiled: graph/reads/event.py."""
        raise unserved()

    @strawberry.field(
        description="How many people held a place and were not checked in, once the event is "
        f"over (null before); null except for the organisers ({ORGANISERS})."
    )
    def no_show_count(self) -> int | None:
        """Compiled: graph/reads/event.py."""
        raise unserved()

    @strawberry.field(
        description="People holding a place, in the order they asked. Organisers "
        f"({ORGANISERS}) see everyone; others see the people who chose to be listed, and "
        "themselves (`attendeeCount` counts everyone)."
    )
    def attendees(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[EventRegistration]:
        """Compiled: graph/reads/event.py."""
        raise unserved()

    @strawberry.field(
        description="People waiting for a place, next in line first; visible as `attendees`."
    )
    def waitlist(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[EventRegistration]:
        """Compiled: graph/reads/event.py."""
        raise unserved()

    @strawberry.field(
        description="The signed-in engineer's own RSVP to this event; null when there is none."
    )
    def viewer_registration(self) -> EventRegistration | None:
        """Compiled: graph/reads/event.py."""
        raise unserved()


