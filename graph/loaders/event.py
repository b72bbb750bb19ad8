"""DataLoaders for chapter events: rows, pages per chapter and event, counts and the viewer's
access to each event (the read rules of graph.services.visibility.event_scope, in SQL)."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import RegistrationStatus
from db.models import Event, EventRegistration
from db.queries import event as queries
from db.queries.event import EventScope
from db.queries.pagination import PageResult, PageWindow, fetch_child_counts, fetch_child_pages
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.loaders.base import PartitionedLoader, RowByIdLoader
from graph.services.visibility import event_scope


@dataclass(frozen=True)
class AttendeeSlice:
    """Which registrations of an event a connection shows (registered or waiting)."""

    status: str
    window: PageWindow | None = None


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
