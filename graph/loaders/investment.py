"""DataLoaders for investment asks and commitments by id (the `node` fetchers and mutations),
commitments filtered by the rule graph/reads/investment.py states once in SQL; and the
helpers other domains' loaders share (ColumnsByIdLoader, paged)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.queries.pagination import Ordering, PageWindow, fetch_child_counts, fetch_child_pages
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.loaders.base import PartitionedLoader


@dataclass(frozen=True)
class Window:
    """A page window only (connections without filters)."""

    window: PageWindow | None = None


class ColumnsByIdLoader(DataLoader[int, Any]):
    """SQL columns evaluated over rows of one table by primary key, one statement per batch
    (a tuple per key, None for a missing row)."""

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


Paged = tuple[PartitionedLoader[Any, Any], PartitionedLoader[Any, int]]


def paged(
    database: RequestDatabase,
    statement: Callable[[], Select[Any]],
    model: Any,
    parent: Any,
    ordering: Ordering,
) -> Paged:
    """(page, count) loaders of the children `statement()` selects, per parent id."""

    async def pages(session: AsyncSession, ids: Sequence[int], part: Window) -> dict[int, Any]:
        assert part.window is not None
        return await fetch_child_pages(
            session, statement(), model, parent, ids, ordering, part.window
        )

    async def counts(session: AsyncSession, ids: Sequence[int], _: Window) -> dict[int, Any]:
        return await fetch_child_counts(session, statement(), parent, ids)

    return PartitionedLoader(database, pages), PartitionedLoader(database, counts)


class InvestmentLoaders:
    """The investment domain's loaders of one request, each built on first use."""

    def __init__(self, database: RequestDatabase, viewer: Viewer) -> None:
        self.database = database
        self.viewer = viewer
