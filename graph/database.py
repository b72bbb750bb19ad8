"""Per-request database access: one session, used by one task at a time."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.lean import Connections, lean_session, transaction_of


@dataclass(frozen=True)
class LeanSource:
    """Where a request's lean transactions come from (db.lean): the sessions that never connect
    and the connections their transactions run on."""

    sessionmaker: async_sessionmaker[AsyncSession]
    connections: Connections


class RequestDatabase:
    """Hands out the request's single AsyncSession under a lock.

    GraphQL resolves sibling fields concurrently and an AsyncSession is not safe across
    concurrent tasks, so every loader batch and resolver takes the lock for the duration
    of its statement. Loaders batch, so the lock is taken a handful of times per request.
    The session is opened lazily and closed (rolling back anything uncommitted) at the end.

    With a `lean` source, a compiled mutation may ask for a lean session instead (`go_lean`):
    its transaction runs on a connection of the source's, without SQLAlchemy's connection
    machinery, until the work needs SQLAlchemy (db.lean.NeedsSession; then `leave_lean`).
    """

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], lean: LeanSource | None = None
    ) -> None:
        self._sessionmaker = sessionmaker
        self._lean = lean
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()

    def fork(self) -> "RequestDatabase":
        """A separate request database over the same sessionmaker (one subscription event)."""
        return RequestDatabase(self._sessionmaker)

    def go_lean(self) -> bool:
        """Make the session a lean one (db.lean) if there is a lean source and no session has
        been opened yet; whether it is lean now."""
        if self._lean is None or self._session is not None:
            return False
        self._session = lean_session(self._lean.sessionmaker, self._lean.connections)
        return True

    @property
    def is_lean(self) -> bool:
        """Whether the session is a lean one."""
        return self._session is not None and transaction_of(self._session) is not None

    async def leave_lean(self) -> None:
        """Roll the lean transaction back (if one is open), give its connection back and drop
        the lean session: the next `session()` is an ordinary one."""
        async with self._lock:
            await self._close_session()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """Exclusive use of the request's session for one unit of work."""
        async with self._lock:
            if self._session is None:
                self._session = self._sessionmaker()
            yield self._session

    async def close(self) -> None:
        """Release the connection; uncommitted work is rolled back. Waits for a statement in
        flight (an object the executor no longer awaits after a null propagated past it)."""
        if self._session is None and not self._lock.locked():
            return  # nothing was opened (a compiled read): no lock to take
        async with self._lock:
            await self._close_session()

    async def _close_session(self) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        lean = transaction_of(session)
        if lean is None:
            await session.close()
            return
        # A lean session never had a connection: nothing of it to close (its rows are
        # dropped with it); its transaction is rolled back unless it was committed.
        try:
            await lean.rollback()
        finally:
            lean.release()
