"""The session's own asyncpg connection, for hot statements that need none of the ORM.

A statement sent through `AsyncSession.execute` pays for the session's bookkeeping, the
greenlet hop, SQLAlchemy's compilation cache lookup and result processing: about 0.2 to 0.3
ms of CPU each, more than PostgreSQL spends on a one-row INSERT. The hot write statements (a
reply, a membership, a notification fan-out, a live event) run on the driver connection
instead, through `fetch`, `fetchrow` and `execute` here — the same connection, inside the
same transaction, so they commit or roll back with everything else the session does. They
are counted (db.engine.StatementCounter) and traced (graph.observability.sql installs the
span) like SQLAlchemy's statements.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import StatementCounter

Span = Callable[[str], AbstractContextManager[Any]]


def _untraced(_: str) -> AbstractContextManager[Any]:
    return nullcontext()


_span: Span = _untraced


def trace_statements(span: Span) -> None:
    """Wrap every statement sent here in `span(sql)` (the tracing's statement span)."""
    global _span
    _span = span


async def driver(session: AsyncSession) -> Any:
    """The asyncpg connection under `session`, inside its transaction (begun here if the
    session has not sent a statement yet: SQLAlchemy's asyncpg adapter begins lazily).

    Pending ORM changes are flushed first, as `session.execute` would (autoflush), so a
    statement sent here sees them and runs after them."""
    if session.new or session.dirty or session.deleted:
        await session.flush()
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    adapted: Any = raw.dbapi_connection
    if getattr(adapted, "_transaction", True) is None:
        await adapted._start_transaction()
    return raw.driver_connection


async def fetch(session: AsyncSession, sql: str, *arguments: Any) -> list[Any]:
    """The rows of `sql` run on the session's driver connection."""
    connection = await driver(session)
    if StatementCounter.active:
        StatementCounter.note(sql)
    with _span(sql):
        rows: list[Any] = await connection.fetch(sql, *arguments)
    return rows


async def fetchrow(session: AsyncSession, sql: str, *arguments: Any) -> Any:
    """The first row of `sql` run on the session's driver connection (None: no row)."""
    connection = await driver(session)
    if StatementCounter.active:
        StatementCounter.note(sql)
    with _span(sql):
        return await connection.fetchrow(sql, *arguments)


async def execute(session: AsyncSession, sql: str, *arguments: Any) -> None:
    """Run `sql` on the session's driver connection."""
    connection = await driver(session)
    if StatementCounter.active:
        StatementCounter.note(sql)
    with _span(sql):
        await connection.execute(sql, *arguments)
