"""A mutation's transaction without SQLAlchemy's connection machinery, while it needs none.

A compiled mutation whose service sends its statements through db.driver (the hot writes: a
reply, a membership) uses SQLAlchemy only to hold a connection and a transaction: checking a
connection out of the engine's pool, beginning, committing and checking it back in cost about
a quarter of a millisecond of CPU per mutation — more than the statements themselves. Here the
transaction lives on a connection of a lean pool (graph.compiler.pool): BEGIN before the first
statement, COMMIT or ROLLBACK at the end, the connection given back.

The request's AsyncSession still exists (services take one; `in_session` registers rows in it),
but it is bound to an engine that never connects: whatever would make SQLAlchemy send a
statement — a query, a flush of pending changes, `begin_nested`, its own `commit()` or
`rollback()` — raises `NeedsSession` instead. Nothing has been committed by then: the caller
(graph.compiler.mutations) rolls the lean transaction back and runs the mutation again on an
ordinary session, remembering that this mutation needs one. So a service is never written for
the lean transaction; it just runs on it for as long as it can.
"""

import contextlib
import json
from typing import Any, Protocol

import asyncpg
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

LEAN = "braingain_lean"
"""Where a lean session keeps its LeanTransaction (`session.info`)."""


class NeedsSession(Exception):
    """A lean transaction met something only SQLAlchemy's session can do: nothing committed;
    run the work again on an ordinary session."""


class Connections(Protocol):
    """Where a lean transaction takes its connection (a LeanPool, or a test's connection)."""

    nested: bool
    """True: the connection is already in a transaction (a test's); use a savepoint."""

    async def take(self) -> asyncpg.Connection:
        """A connection of one's own until it is given back."""
        ...

    def give_back(self, connection: asyncpg.Connection, error: BaseException | None) -> None:
        """Return it (a pool terminates one still in a transaction or after a driver error)."""
        ...


class LeanTransaction:
    """One request's transaction on a connection of its own, begun at the first statement."""

    __slots__ = ("begun", "connection", "connections", "failed")

    def __init__(self, connections: Connections) -> None:
        self.connections = connections
        self.connection: asyncpg.Connection | None = None
        self.begun = False
        self.failed: BaseException | None = None

    async def driver(self, begin: bool = True) -> asyncpg.Connection:
        """The connection, inside the transaction (begun now unless `begin` is False)."""
        connection = self.connection
        if connection is None:
            connection = self.connection = await self.connections.take()
        if begin and not self.begun:
            await connection.execute(self._control("BEGIN"))
            self.begun = True
        return connection

    async def commit(self) -> None:
        """Commit what was sent (nothing to do when nothing was)."""
        await self._end("COMMIT")

    async def rollback(self) -> None:
        """Undo what was sent. A connection that cannot roll back (a statement was cancelled
        under it, the server went away) is remembered as failed instead: `release` then has
        the pool terminate it, which ends its transaction on the server."""
        with contextlib.suppress(Exception):
            await self._end("ROLLBACK")

    async def _end(self, verb: str) -> None:
        """COMMIT or ROLLBACK, if the transaction was begun; a failure is remembered."""
        if not self.begun:
            return
        assert self.connection is not None
        self.begun = False
        try:
            await self.connection.execute(self._control(verb))
        except BaseException as error:
            self.failed = error
            raise

    def _control(self, verb: str) -> str:
        """BEGIN, COMMIT or ROLLBACK, or their savepoint forms on a connection that is in a
        transaction already (a test's)."""
        if not self.connections.nested:
            return verb
        return {
            "BEGIN": "SAVEPOINT braingain_lean",
            "COMMIT": "RELEASE SAVEPOINT braingain_lean",
            "ROLLBACK": "ROLLBACK TO SAVEPOINT braingain_lean; RELEASE SAVEPOINT braingain_lean",
        }[verb]

    def release(self, error: BaseException | None = None) -> None:
        """Give the connection back (a pool drops it if a transaction is still open)."""
        connection, self.connection = self.connection, None
        if connection is not None:
            self.connections.give_back(connection, error or self.failed)


async def _never_connect() -> Any:
    raise NeedsSession("this work needs SQLAlchemy's session")


def _refuse(session: Session, *_: Any) -> None:
    raise NeedsSession(f"this work needs SQLAlchemy's session ({session.info.get(LEAN)!r})")


class _LeanSyncSession(Session):
    """The sync session under a lean AsyncSession: its own `commit()` and `rollback()` refused
    (the lean transaction is committed and rolled back by db.driver.commit and rollback)."""


event.listen(_LeanSyncSession, "before_commit", _refuse)
event.listen(_LeanSyncSession, "after_soft_rollback", _refuse)


def lean_sessionmaker() -> async_sessionmaker[AsyncSession]:
    """Sessions for lean transactions: as db.engine.create_sessionmaker's, over an engine that
    never connects, and refusing a `commit()` or `rollback()` of their own."""
    engine = create_async_engine(
        "postgresql+asyncpg://lean", async_creator=_never_connect, poolclass=NullPool
    )
    return async_sessionmaker(
        engine, expire_on_commit=False, autoflush=False, sync_session_class=_LeanSyncSession
    )


def lean_session(
    sessionmaker: async_sessionmaker[AsyncSession], connections: Connections
) -> AsyncSession:
    """A session of `lean_sessionmaker()` carrying a fresh lean transaction."""
    session = sessionmaker()
    session.info[LEAN] = LeanTransaction(connections)
    return session


def transaction_of(session: AsyncSession) -> LeanTransaction | None:
    """The session's lean transaction, if it is a lean session."""
    found: LeanTransaction | None = session.info.get(LEAN)
    return found


def _json_decoder(value: bytes) -> Any:
    return json.loads(value.decode())


def _jsonb_encoder(value: str) -> bytes:
    return b"\x01" + value.encode()


def _jsonb_decoder(value: bytes) -> Any:
    return json.loads(value[1:].decode())


async def sqlalchemy_codecs(connection: asyncpg.Connection) -> None:
    """The json and jsonb codecs SQLAlchemy's asyncpg dialect installs on its connections
    (parameters as JSON text, values decoded), so a statement reads and binds the same on
    a lean connection as on the session's."""
    await connection.set_type_codec(
        "json", encoder=str.encode, decoder=_json_decoder, schema="pg_catalog", format="binary"
    )
    await connection.set_type_codec(
        "jsonb",
        encoder=_jsonb_encoder,
        decoder=_jsonb_decoder,
        schema="pg_catalog",
        format="binary",
    )
