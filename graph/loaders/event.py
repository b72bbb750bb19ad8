"""DataLoaders for chapter events: rows, pages per chapter and event, counts and the viewer's
access to each event (the read rules of graph.services.visibility.event_scope, in SQL)."""

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import ColumnElement, select

from db.models import Event, EventRegistration
from db.queries import event as queries
from db.queries.event import EventScope
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.loaders.base import RowByIdLoader
from graph.services.visibility import event_scope


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
