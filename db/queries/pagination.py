"""Keyset pagination over a total ordering, for top-level lists and batched child lists."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ARRAY, ColumnElement, Integer, Select, func, literal, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from db.base import Base

ModelT = TypeVar("ModelT", bound=Base)
KeyValue = str | int | bool | datetime | date | None


@dataclass(frozen=True)
class Ordering:
    """A total order: the named attributes, ending with the primary key, in one direction."""

    name: str
    attributes: tuple[str, ...]
    descending: bool = False

    def columns(self, model: Any) -> list[InstrumentedAttribute[Any]]:
        """The ordering's columns on `model` (a mapped class or an alias)."""
        return [getattr(model, attribute) for attribute in self.attributes]

    def key_of(self, row: Any) -> tuple[KeyValue, ...]:
        """The sort key of a loaded row, for its cursor."""
        return tuple(getattr(row, attribute) for attribute in self.attributes)

    def parse_key(self, model: Any, values: Sequence[Any]) -> tuple[KeyValue, ...]:
        """Turn JSON-decoded cursor values back into column values; ValueError if they don't fit."""
        if len(values) != len(self.attributes):
            raise ValueError("cursor does not match this ordering")
        parsed: list[KeyValue] = []
        for column, value in zip(self.columns(model), values, strict=True):
            python_type = column.type.python_type
            if python_type is datetime:
                parsed.append(datetime.fromisoformat(value))
            elif python_type is date:
                parsed.append(date.fromisoformat(value))
            elif not isinstance(value, python_type) or isinstance(value, bool) != (
                python_type is bool
            ):
                raise ValueError("cursor value has the wrong type")
            else:
                parsed.append(value)
        return tuple(parsed)


@dataclass(frozen=True)
class PageWindow:
    """Which slice to fetch: `limit` rows after (or, when backward, before) `key`."""

    limit: int
    backward: bool = False
    key: tuple[KeyValue, ...] | None = None


@dataclass(frozen=True)
class PageResult(Generic[ModelT]):
    """Rows of one page in display order, with whether more exist either side."""

    rows: list[ModelT]
    has_next_page: bool
    has_previous_page: bool


def keyset(stmt: Select[Any], model: Any, ordering: Ordering, window: PageWindow) -> Select[Any]:
    """Add the keyset predicate, ORDER BY and LIMIT (one extra row to detect more)."""
    columns = ordering.columns(model)
    forward = ordering.descending == window.backward
    if window.key is not None:
        row = tuple_(*columns)
        bounds = [
            literal(value, column.type) for value, column in zip(window.key, columns, strict=True)
        ]
        bound = tuple_(*bounds)
        stmt = stmt.where(row > bound if forward else row < bound)
    order = [column.asc() if forward else column.desc() for column in columns]
    return stmt.order_by(*order).limit(window.limit + 1)


def finish(rows: Sequence[ModelT], window: PageWindow) -> PageResult[ModelT]:
    """Trim the probe row, restore display order and compute the page flags."""
    more = len(rows) > window.limit
    page = list(rows[: window.limit])
    if window.backward:
        page.reverse()
        return PageResult(page, has_next_page=window.key is not None, has_previous_page=more)
    return PageResult(page, has_next_page=more, has_previous_page=window.key is not None)


async def fetch_child_pages(
    session: AsyncSession,
    stmt: Select[Any],
    model: type[ModelT],
    parent_column: ColumnElement[int] | InstrumentedAttribute[int],
    parent_ids: Sequence[int],
    ordering: Ordering,
    window: PageWindow,
) -> dict[int, PageResult[ModelT]]:
    """One page of children for each parent, in one statement (unnest + LATERAL)."""
    parent_alias = (
        func.unnest(literal(list(parent_ids), ARRAY(Integer)))
        .table_valued("parent_id")
        .render_derived(name="parent")
    )
    inner = (
        keyset(
            stmt.where(parent_column == parent_alias.c.parent_id),
            model,
            ordering,
            window,
        )
        .subquery()
        .lateral("page")
    )
    child = aliased(model, inner)
    query = select(parent_alias.c.parent_id, child).select_from(parent_alias).join(inner, true())
    grouped: dict[int, list[ModelT]] = {parent_id: [] for parent_id in parent_ids}
    for parent_id, row in await session.execute(query):
        grouped[parent_id].append(row)
    return {parent_id: finish(rows, window) for parent_id, rows in grouped.items()}


async def fetch_child_counts(
    session: AsyncSession,
    stmt: Select[Any],
    parent_column: ColumnElement[int] | InstrumentedAttribute[int],
    parent_ids: Sequence[int],
) -> dict[int, int]:
    """COUNT(*) of children per parent, in one grouped statement."""
    counted = (
        stmt.with_only_columns(parent_column, func.count())
        .where(parent_column.in_(parent_ids))
        .group_by(parent_column)
        .order_by(None)
    )
    counts = dict.fromkeys(parent_ids, 0)
    for parent_id, count in await session.execute(counted):
        counts[parent_id] = int(count)
    return counts
