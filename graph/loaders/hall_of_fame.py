"""DataLoaders for the Hall of Fame: rows, evidence pages, tallies and the viewer's access to
each nomination (the read rules of graph.reads.hall_of_fame, evaluated in SQL)."""

from collections.abc import Sequence
from functools import cached_property
from types import ModuleType
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ForumPost,
    HallOfFameNomination,
    HallOfFameVote,
)
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.database import RequestDatabase
from graph.loaders.base import RowByIdLoader


class ValuesByIdLoader(DataLoader[int, tuple[Any, ...] | None]):
    """SQL expressions over rows of one table, by primary key, one statement per batch."""

    def __init__(
        self, database: RequestDatabase, model: Any, values: Sequence[ColumnElement[Any]]
    ) -> None:
        super().__init__()
        self._database = database
        self._model = model
        self._values = values

    async def batch_load_fn(self, keys: Sequence[int]) -> list[tuple[Any, ...] | None]:
        """One SELECT id, <values> ... WHERE id = ANY(keys)."""
        labelled = [value.label(f"v{index}") for index, value in enumerate(self._values)]
        stmt = select(self._model.id, *labelled).where(self._model.id.in_(list(keys)))
        async with self._database.session() as session:
            found = {row[0]: tuple(row[1:]) for row in await session.execute(stmt)}
        return [found.get(key) for key in keys]


def _rules() -> ModuleType:
    """graph.reads.hall_of_fame, where the rules are stated (imported on first use: the read
    declarations import the types, which import these loaders)."""
    from graph.reads import hall_of_fame

    return hall_of_fame


def _rows(model: Any) -> Any:
    async def fetch(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
        return (await session.scalars(select(model).where(model.id.in_(ids)))).all()

    return fetch


def _votes(in_favour: bool) -> ColumnElement[int]:
    return (
        select(func.count())
        .where(
            HallOfFameVote.nomination_id == HallOfFameNomination.id,
            HallOfFameVote.in_favour.is_(in_favour),
        )
        .scalar_subquery()
    )


class HallOfFameLoaders:
    """The Hall of Fame's loaders of one request, built on first use."""

    def __init__(
        self, database: RequestDatabase, viewer: Viewer, registry: ChapterRegistry
    ) -> None:
        self.database = database
        self.viewer = viewer
        self.registry = registry

    @cached_property
    def visible_by_id(self) -> ValuesByIdLoader:
        """Whether the viewer may see each nomination."""
        return ValuesByIdLoader(
            self.database,
            HallOfFameNomination,
            [_rules().nominations_visible(self.viewer, self.registry)],
        )

    @cached_property
    def tally_by_id(self) -> ValuesByIdLoader:
        """(tally shown, votes in favour, votes against, the viewer's own vote) per nomination."""
        own = (
            select(HallOfFameVote.in_favour)
            .where(
                HallOfFameVote.nomination_id == HallOfFameNomination.id,
                HallOfFameVote.voter_id == self.viewer.engineer_id,
            )
            .scalar_subquery()
        )
        return ValuesByIdLoader(
            self.database,
            HallOfFameNomination,
            [_rules().tally_visible(self.viewer, self.registry), _votes(True), _votes(False), own],
        )


    @cached_property
    def forum_post_by_id(self) -> RowByIdLoader[ForumPost]:
        """Forum posts by id (evidence already passed its rule)."""
        return RowByIdLoader(self.database, _rows(ForumPost))
