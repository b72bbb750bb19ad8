"""Top-level lists: a keyset page of a statement, plus a lazy total."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import Select

from db.base import Base
from db.queries.pagination import Ordering, PageResult, fetch_count, fetch_page
from graph.database import RequestDatabase
from graph.pagination import PageArgs

ModelT = TypeVar("ModelT", bound=Base)


async def page_of(
    database: RequestDatabase,
    stmt: Select[Any],
    model: type[ModelT],
    ordering: Ordering,
    args: PageArgs,
) -> tuple[PageResult[ModelT], Callable[[], Awaitable[int]]]:
    """Fetch one page of `stmt`; the returned callable counts the whole list when awaited."""
    window = args.window(ordering, model)
    async with database.session() as session:
        page = await fetch_page(session, stmt, model, ordering, window)

    async def count() -> int:
        async with database.session() as session:
            return await fetch_count(session, stmt)

    return page, count
