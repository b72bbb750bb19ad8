"""SELECTs for chapter events: who may see which event, its attendees, orderings and feeds."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    false,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import EventStatus, EventVisibility, RegistrationStatus
from db.models import Event, EventRegistration
from db.queries.pagination import (
    Ordering,
)
from db.queries.viewer_ids import any_of, union

EVENT_ORDERINGS: dict[str, Ordering] = {
    "START_ASC": Ordering("START_ASC", ("starts_at", "id")),
    "START_DESC": Ordering("START_DESC", ("starts_at", "id"), descending=True),
}
"""Events by start time, soonest first (or latest first)."""
ATTENDEE_ORDERING = Ordering("QUEUED_AT", ("queued_at", "id"))
"""Registrations in the order people asked for a place: the waitlist's order too."""
ANNOUNCEMENT_ORDERING = Ordering("NEWEST", ("created_at", "id"), descending=True)
"""A chapter's announcements, newest first."""

ACTIVE_STATUSES = (RegistrationStatus.REGISTERED.value, RegistrationStatus.WAITLISTED.value)


@dataclass(frozen=True)
class EventScope:
    """What of the chapters' events a viewer may see and run.

    Members-only events: those hosted (or co-hosted, once accepted) by `member_chapter_ids`,
    every one when `all_chapters`. Organising (attendee lists, check-in, online links):
    events hosted or co-hosted by `organised_chapter_ids`, every one when `organises_all`.
    An invited co-host's organisers see the event before they accept.
    """

    member_chapter_ids: tuple[int, ...] = ()
    organised_chapter_ids: tuple[int, ...] = ()
    all_chapters: bool = False
    organises_all: bool = False
    engineer_id: int | None = None

    def event_predicate(self) -> ColumnElement[bool]:
        """SQL predicate on events: the viewer may see the event."""
        if self.all_chapters or self.organises_all:
            return true()
        public = Event.visibility == EventVisibility.PUBLIC.value
        chapters = union(self.member_chapter_ids, self.organised_chapter_ids)
        if not chapters:
            return public
        conditions = [public, hosted_by(chapters)]
        if self.organised_chapter_ids:
            conditions.append(any_of(Event.cohost_chapter_id, self.organised_chapter_ids))
        return or_(*conditions)

    def organises_predicate(self) -> ColumnElement[bool]:
        """SQL predicate on events: the viewer organises the event (host or accepted co-host)."""
        if self.organises_all:
            return true()
        if not self.organised_chapter_ids:
            return false()
        return hosted_by(self.organised_chapter_ids)

    def registered_predicate(self) -> ColumnElement[bool]:
        """SQL predicate on events: the viewer holds a place (not a waitlist spot)."""
        if self.engineer_id is None:
            return false()
        return exists().where(
            EventRegistration.event_id == Event.id,
            EventRegistration.engineer_id == self.engineer_id,
            EventRegistration.status == RegistrationStatus.REGISTERED.value,
        )

    def registered_or_waiting_predicate(self, engineer_id: int | None) -> ColumnElement[bool]:
        """SQL predicate on events: the engineer holds a place or a waitlist spot."""
        if engineer_id is None:
            return false()
        return exists().where(
            EventRegistration.event_id == Event.id,
            EventRegistration.engineer_id == engineer_id,
            EventRegistration.status.in_(ACTIVE_STATUSES),
        )

    def online_link_predicate(self) -> ColumnElement[bool]:
        """SQL predicate on events: the viewer may read the online link (registered or
        organising)."""
        return or_(self.organises_predicate(), self.registered_predicate())

    def attendee_predicate(self) -> ColumnElement[bool]:
        """SQL predicate on event_registrations: the viewer may see this person on the list
        (organisers: everyone; others: people who chose to be listed, and themselves)."""
        own = (
            EventRegistration.engineer_id == self.engineer_id
            if self.engineer_id is not None
            else false()
        )
        organises = (
            exists().where(Event.id == EventRegistration.event_id, self.organises_predicate())
            if not self.organises_all
            else true()
        )
        return or_(EventRegistration.listed.is_(True), own, organises)

    def registration_private_predicate(self) -> ColumnElement[bool]:
        """SQL predicate on event_registrations: the viewer may see the row's check-in (the
        person themselves and the event's organisers)."""
        own = (
            EventRegistration.engineer_id == self.engineer_id
            if self.engineer_id is not None
            else false()
        )
        if self.organises_all:
            return true()
        return or_(
            own, exists().where(Event.id == EventRegistration.event_id, self.organises_predicate())
        )

    def registration_node_predicate(self) -> ColumnElement[bool]:
        """SQL predicate on event_registrations: the viewer may fetch the row by its ID (its
        event is visible, and it is on a list they see: not given up, unless their own or they
        organise the event)."""
        own = (
            EventRegistration.engineer_id == self.engineer_id
            if self.engineer_id is not None
            else false()
        )
        listed = and_(
            EventRegistration.listed.is_(True), EventRegistration.status.in_(ACTIVE_STATUSES)
        )
        organises = exists().where(
            Event.id == EventRegistration.event_id, self.organises_predicate()
        )
        return and_(self.registration_predicate(), or_(listed, own, organises))

    def registration_predicate(self) -> ColumnElement[bool]:
        """SQL predicate on event_registrations: a row of an event the viewer may see."""
        return exists().where(Event.id == EventRegistration.event_id, self.event_predicate())


def hosted_by(chapter_ids: Sequence[int]) -> ColumnElement[bool]:
    """SQL predicate on events: hosted by one of these chapters, or co-hosted once accepted."""
    return or_(
        any_of(Event.chapter_id, chapter_ids),
        and_(any_of(Event.cohost_chapter_id, chapter_ids), Event.cohost_accepted_at.is_not(None)),
    )


def hosted_by_chapter() -> str:
    """The same as `hosted_by`, as a link template over `{c}` (event) and `{p}` (chapter)."""
    return (
        "({c}.chapter_id = {p}.id OR ({c}.cohost_chapter_id = {p}.id"
        " AND {c}.cohost_accepted_at IS NOT NULL))"
    )


async def list_events_by_ids(session: AsyncSession, ids: Sequence[int]) -> Sequence[Event]:
    """Event rows by primary key (unchecked)."""
    return (await session.scalars(select(Event).where(Event.id.in_(ids)))).all()


async def list_registrations_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> Sequence[EventRegistration]:
    """Registration rows by primary key (unchecked)."""
    stmt = select(EventRegistration).where(EventRegistration.id.in_(ids))
    return (await session.scalars(stmt)).all()


def feed_events(chapter_id: int) -> Select[Event]:
    """The public events a chapter hosts or co-hosts, for its calendar feed (cancelled ones
    included: calendar apps remove them on STATUS:CANCELLED)."""
    return (
        select(Event)
        .where(Event.visibility == EventVisibility.PUBLIC.value, hosted_by([chapter_id]))
        .order_by(Event.starts_at, Event.id)
    )


def personal_feed_events(engineer_id: int) -> Select[Event]:
    """The events a person registered for (or waits for), for their personal feed; cancelled
    events stay so that calendar apps remove them."""
    return (
        select(Event)
        .where(
            exists().where(
                EventRegistration.event_id == Event.id,
                EventRegistration.engineer_id == engineer_id,
                EventRegistration.status.in_(ACTIVE_STATUSES),
            )
        )
        .order_by(Event.starts_at, Event.id)
    )


SCHEDULED = EventStatus.SCHEDULED.value


