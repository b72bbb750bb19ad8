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
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import instance_state

from db.engine import StatementCounter
from db.lean import NeedsSession, transaction_of

Row = TypeVar("Row")
Span = Callable[[str], AbstractContextManager[Any]]


def _untraced(_: str) -> AbstractContextManager[Any]:
    return nullcontext()


_span: Span = _untraced


def trace_statements(span: Span) -> None:
    """Wrap every statement sent here in `span(sql)` (the tracing's statement span)."""
    global _span
    _span = span


_CACHED = "braingain_driver"
"""Where the session keeps (its transaction, the driver connection) for the next statement."""


async def driver(session: AsyncSession, *, begin: bool = True) -> Any:
    """The asyncpg connection under `session`, inside its transaction — begun here if the
    session has not sent a statement yet (SQLAlchemy's asyncpg adapter begins lazily), unless
    `begin` is False (a lone read: no BEGIN, no ROLLBACK).

    Pending ORM changes are flushed first, as `session.execute` would (autoflush), so a
    statement sent here sees them and runs after them. The connection is remembered for the
    session's transaction: a transaction keeps its connection until it ends.

    A lean session (db.lean) has its own connection and transaction: pending ORM changes there
    raise NeedsSession (only SQLAlchemy can flush them)."""
    lean = transaction_of(session)
    if lean is not None:
        if session.new or session.dirty or session.deleted:
            raise NeedsSession("pending ORM changes must be flushed by SQLAlchemy")
        return await lean.driver(begin)
    if session.new or session.dirty or session.deleted:
        await session.flush()
    transaction = session.get_transaction()
    cached = session.info.get(_CACHED)
    if cached is None or transaction is None or cached[0] is not transaction:
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        cached = (session.get_transaction(), raw.dbapi_connection, raw.driver_connection)
        session.info[_CACHED] = cached
    adapted: Any = cached[1]
    if begin and getattr(adapted, "_transaction", True) is None:
        await adapted._start_transaction()
    return cached[2]


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


async def commit(session: AsyncSession) -> None:
    """Commit the session's transaction: its lean one (db.lean), else SQLAlchemy's."""
    lean = transaction_of(session)
    if lean is None:
        await session.commit()
        return
    if session.new or session.dirty or session.deleted:
        raise NeedsSession("pending ORM changes must be flushed by SQLAlchemy")
    await lean.commit()


async def rollback(session: AsyncSession) -> None:
    """Roll the session's transaction back: its lean one (db.lean), else SQLAlchemy's."""
    lean = transaction_of(session)
    if lean is None:
        await session.rollback()
        return
    await lean.rollback()


def in_session(session: AsyncSession, row: Row) -> Row:
    """`row`, just inserted on the driver connection with every column set, registered in the
    session exactly as a flush registers the rows it inserted: persistent, in the identity map,
    later changes flushed as UPDATEs, and — new in this transaction — made transient again
    (attributes kept) if the transaction rolls back. `_register_persistent` is the step of
    SQLAlchemy's flush that does this (tests/http/test_subscriptions.py holds it to it)."""
    session.add(row)
    session.sync_session._register_persistent({instance_state(row)})
    return row
