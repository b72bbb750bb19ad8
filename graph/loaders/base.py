"""Building blocks for per-request DataLoaders over the request's database session."""

from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from graph.database import RequestDatabase

RowT = TypeVar("RowT")
ArgsT = TypeVar("ArgsT", bound=Hashable)


class RowByIdLoader(DataLoader[int, RowT | None], Generic[RowT]):
    """Loads rows by primary key; results ordered as the keys, None where missing."""

    def __init__(
        self,
        database: RequestDatabase,
        fetch: Callable[[AsyncSession, Sequence[int]], Awaitable[Iterable[Any]]],
    ) -> None:
        super().__init__()
        self._database = database
        self._fetch = fetch

    async def batch_load_fn(self, keys: Sequence[int]) -> list[RowT | None]:
        """One SELECT ... WHERE id = ANY(keys)."""
        async with self._database.session() as session:
            rows = await self._fetch(session, list(dict.fromkeys(keys)))
        by_id = {row.id: row for row in rows}
        return [by_id.get(key) for key in keys]


class RuledByIdLoader(DataLoader[int, RowT | None], Generic[RowT]):
    """Rows by primary key that pass a row rule (a SQL predicate: the one the read
    declaration states for `node(id:)`); None for missing and hidden rows alike."""

    def __init__(self, database: RequestDatabase, model: Any, rule: ColumnElement[bool]) -> None:
        super().__init__()
        self._database = database
        self._model = model
        self._rule = rule

    async def batch_load_fn(self, keys: Sequence[int]) -> list[RowT | None]:
        """One SELECT ... WHERE id = ANY(keys) AND <rule>."""
        statement = select(self._model).where(self._model.id.in_(list(set(keys))), self._rule)
        async with self._database.session() as session:
            rows = (await session.scalars(statement)).all()
        by_id = {row.id: row for row in rows}
        return [by_id.get(key) for key in keys]
