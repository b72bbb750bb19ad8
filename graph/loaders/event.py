"""DataLoaders for chapter events: rows, pages per chapter and event, counts and the viewer's
access to each event (the read rules of graph.services.visibility.event_scope, in SQL)."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import ColumnElement, Integer, and_, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import RegistrationStatus
from db.models import ChapterAnnouncement, Event, EventRegistration, EventSpeaker
from db.queries import event as queries
from db.queries.event import EventCriteria, EventScope
from db.queries.pagination import PageResult, PageWindow, fetch_child_counts, fetch_child_pages
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.loaders.base import GroupedLoader, PartitionedLoader, RowByIdLoader
from graph.services.visibility import announcement_predicate, event_scope


@dataclass(frozen=True)
class EventSlice:
    """Which events of a chapter a connection shows."""

    criteria: EventCriteria
    order: str = "START_ASC"
    window: PageWindow | None = None


@dataclass(frozen=True)
class AttendeeSlice:
    """Which registrations of an event a connection shows (registered or waiting)."""

    status: str
    window: PageWindow | None = None


@dataclass(frozen=True)
class EventAccess:
    """What the viewer may do with one event."""

    organises: bool
    sees_online_link: bool


@dataclass(frozen=True)
class EventCounts:
    """Places taken, waitlist length, check-ins and no-shows (people holding a place who were
    not checked in, once the event is over; None before)."""

    registered: int
    waitlisted: int
    checked_in: int
    no_shows: int | None


class _ByPredicate(DataLoader[int, Any]):
    """Evaluates SQL columns over rows of one table by primary key, one statement per batch."""

    def __init__(
        self, database: RequestDatabase, model: Any, columns: Sequence[ColumnElement[Any]]
    ) -> None:
        super().__init__()
        self._database = database
        self._model = model
        self._columns = columns

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Any]:
        """One SELECT id, <columns> ... WHERE id = ANY(keys)."""
        labelled = [column.label(f"c{index}") for index, column in enumerate(self._columns)]
        stmt = select(self._model.id, *labelled).where(self._model.id.in_(list(keys)))
        async with self._database.session() as session:
            found = {row[0]: tuple(row[1:]) for row in await session.execute(stmt)}
        return [found.get(key) for key in keys]


def _counted(status: str, *more: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count().filter(and_(EventRegistration.status == status, *more))


async def _counts(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
    registered = RegistrationStatus.REGISTERED.value
    stmt = (
        select(
            Event.id,
            _counted(registered),
            _counted(RegistrationStatus.WAITLISTED.value),
            _counted(registered, EventRegistration.checked_in_at.is_not(None)),
            _counted(registered, EventRegistration.checked_in_at.is_(None)),
            (Event.ends_at < func.now()).label("over"),
        )
        .select_from(Event)
        .outerjoin(EventRegistration, EventRegistration.event_id == Event.id)
        .where(Event.id.in_(ids))
        .group_by(Event.id)
    )
    return list(await session.execute(stmt))


class EventCountsByIdLoader(DataLoader[int, EventCounts]):
    """Registration counts of each event, one grouped statement per batch."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__()
        self._database = database

    async def batch_load_fn(self, keys: Sequence[int]) -> list[EventCounts]:
        """Counts for each key (zeros for an unknown event)."""
        async with self._database.session() as session:
            rows = await _counts(session, list(dict.fromkeys(keys)))
        found = {
            row[0]: EventCounts(row[1], row[2], row[3], row[4] if row[5] else None) for row in rows
        }
        return [found.get(key, EventCounts(0, 0, 0, None)) for key in keys]


class EventLoaders:
    """The events domain's loaders of one request, built on first use."""

    def __init__(self, database: RequestDatabase, viewer: Viewer) -> None:
        self.database = database
        self.viewer = viewer
        self.scope: EventScope = event_scope(viewer)

    @cached_property
    def event_by_id(self) -> RowByIdLoader[Event]:
        """Event rows by id (unchecked: `visible_by_id` applies the read rule)."""
        return RowByIdLoader(self.database, queries.list_events_by_ids)

    @cached_property
    def visible_by_id(self) -> _ByPredicate:
        """Whether the viewer may see each event (the rule of every event list)."""
        return _ByPredicate(self.database, Event, [self.scope.event_predicate()])

    @cached_property
    def access_by_id(self) -> _ByPredicate:
        """(organises, sees the online link) for each event."""
        return _ByPredicate(
            self.database,
            Event,
            [self.scope.organises_predicate(), self.scope.online_link_predicate()],
        )

    @cached_property
    def registration_by_id(self) -> RowByIdLoader[EventRegistration]:
        """Registration rows by id (unchecked: `registration_node_by_id` applies the rule)."""
        return RowByIdLoader(self.database, queries.list_registrations_by_ids)

    @cached_property
    def registration_node_by_id(self) -> _ByPredicate:
        """Whether the viewer may fetch each registration by its ID."""
        return _ByPredicate(
            self.database, EventRegistration, [self.scope.registration_node_predicate()]
        )

    @cached_property
    def own_registration_by_event_id(self) -> RowByIdLoader[Any]:
        """The viewer's own registration for each event (keyed by event id); an anonymous
        viewer's NULL equals none, as in graph.reads.event's `viewerRegistration` link."""
        engineer_id = self.viewer.engineer_id

        async def fetch(session: AsyncSession, ids: Sequence[int]) -> list[Any]:
            rows = await session.execute(
                select(EventRegistration.event_id.label("id"), EventRegistration).where(
                    EventRegistration.event_id.in_(ids),
                    EventRegistration.engineer_id == literal(engineer_id, Integer),
                )
            )
            return list(rows)

        return RowByIdLoader(self.database, fetch)

    @cached_property
    def announcement_by_id(self) -> RowByIdLoader[ChapterAnnouncement]:
        """Announcement rows by id (unchecked: `announcement_readable_by_id` applies the rule)."""
        return RowByIdLoader(self.database, queries.list_announcements_by_ids)

    @cached_property
    def announcement_readable_by_id(self) -> _ByPredicate:
        """Whether the viewer may read each announcement."""
        return _ByPredicate(
            self.database, ChapterAnnouncement, [announcement_predicate(self.viewer)]
        )

    @cached_property
    def counts_by_id(self) -> EventCountsByIdLoader:
        """Registration counts per event."""
        return EventCountsByIdLoader(self.database)

    @cached_property
    def speakers_by_event_id(self) -> GroupedLoader[EventSpeaker]:
        """Speakers of each event, in order."""
        return GroupedLoader(
            self.database, queries.list_speakers_by_event_ids, lambda row: row.event_id
        )

    @cached_property
    def page_by_chapter_id(self) -> PartitionedLoader[EventSlice, PageResult[Event]]:
        """A page of each chapter's visible events."""
        scope = self.scope

        async def fetch(
            session: AsyncSession, ids: Sequence[int], part: EventSlice
        ) -> dict[int, PageResult[Event]]:
            assert part.window is not None
            return await queries.fetch_chapter_event_pages(
                session,
                queries.events(scope, part.criteria),
                ids,
                queries.EVENT_ORDERINGS[part.order],
                part.window,
            )

        return PartitionedLoader(self.database, fetch)

    @cached_property
    def count_by_chapter_id(self) -> PartitionedLoader[EventSlice, int]:
        """How many visible events each chapter hosts or co-hosts (within the filter)."""
        scope = self.scope

        async def fetch(
            session: AsyncSession, ids: Sequence[int], part: EventSlice
        ) -> dict[int, int]:
            return await queries.fetch_chapter_event_counts(
                session, queries.events(scope, part.criteria), ids
            )

        return PartitionedLoader(self.database, fetch)

    @cached_property
    def attendee_page_by_event_id(
        self,
    ) -> PartitionedLoader[AttendeeSlice, PageResult[EventRegistration]]:
        """A page of each event's registrations in one status that the viewer may list."""
        scope = self.scope

        async def fetch(
            session: AsyncSession, ids: Sequence[int], part: AttendeeSlice
        ) -> dict[int, PageResult[EventRegistration]]:
            assert part.window is not None
            return await fetch_child_pages(
                session,
                queries.attendees(scope, part.status),
                EventRegistration,
                EventRegistration.event_id,
                ids,
                queries.ATTENDEE_ORDERING,
                part.window,
            )

        return PartitionedLoader(self.database, fetch)

    @cached_property
    def attendee_count_by_event_id(self) -> PartitionedLoader[AttendeeSlice, int]:
        """How many registrations in one status of each event the viewer may list."""
        scope = self.scope

        async def fetch(
            session: AsyncSession, ids: Sequence[int], part: AttendeeSlice
        ) -> dict[int, int]:
            return await fetch_child_counts(
                session, queries.attendees(scope, part.status), EventRegistration.event_id, ids
            )

        return PartitionedLoader(self.database, fetch)

    @cached_property
    def announcement_page_by_chapter_id(
        self,
    ) -> PartitionedLoader[PageWindow, PageResult[ChapterAnnouncement]]:
        """A page of each chapter's announcements the viewer may read."""
        predicate = announcement_predicate(self.viewer)

        async def fetch(
            session: AsyncSession, ids: Sequence[int], window: PageWindow
        ) -> dict[int, PageResult[ChapterAnnouncement]]:
            return await fetch_child_pages(
                session,
                select(ChapterAnnouncement).where(predicate),
                ChapterAnnouncement,
                ChapterAnnouncement.chapter_id,
                ids,
                queries.ANNOUNCEMENT_ORDERING,
                window,
            )

        return PartitionedLoader(self.database, fetch)

    @cached_property
    def announcement_count_by_chapter_id(self) -> PartitionedLoader[None, int]:
        """How many of each chapter's announcements the viewer may read."""
        predicate = announcement_predicate(self.viewer)

        async def fetch(session: AsyncSession, ids: Sequence[int], _: None) -> dict[int, int]:
            return await fetch_child_counts(
                session,
                select(ChapterAnnouncement).where(predicate),
                ChapterAnnouncement.chapter_id,
                ids,
            )

        return PartitionedLoader(self.database, fetch)
