"""DataLoaders for investment asks and commitments by id (the `node` fetchers and mutations),
commitments filtered by the rule graph/reads/investment.py states once in SQL; and the
helpers other domains' loaders share (ColumnsByIdLoader, paged)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from db.queries.pagination import Ordering, PageWindow, fetch_child_counts, fetch_child_pages
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.loaders.base import PartitionedLoader


@dataclass(frozen=True)
class Window:
    """A page window only (connections without filters)."""

    window: PageWindow | None = None


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
