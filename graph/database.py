"""Per-request database access: one session, used by one task at a time."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class RequestDatabase:
    """Hands out the request's single AsyncSession under a lock.

    GraphQL resolves sibling fields concurrently and an AsyncSession is not safe across
    concurrent tasks, so every loader batch and resolver takes the lock for the duration
    of its statement. Loaders batch, so the lock is taken a handful of times per request.
    The session is opened lazily and closed (rolling back anything uncommitted) at the end.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()

    def fork(self) -> "RequestDatabase":
        """A separate request database over the same sessionmaker (one subscription event)."""
        return RequestDatabase(self._sessionmaker)

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
        async with self._lock:
            if self._session is not None:
                await self._session.close()
                self._session = None
