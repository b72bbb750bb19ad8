"""A lean pool of asyncpg connections for the compiled path's single-statement reads.

asyncpg's pool releases a connection through `asyncio.shield` (a Task per request), wraps it
in a proxy and resets it; a compiled read needs none of that. Here a request takes a
connection from a stack (the most recently used first: warm, and a stale one is found by one
request rather than by every connection in turn), or waits in line — first come, first
served — and gives it back when done:

- a connection is never shared: it is either in the stack, handed to one waiter, or leased;
- a connection that is closed, inside a transaction, or was interrupted (cancelled, timed
  out, a driver or network error) is terminated; its slot comes back empty and the next
  request to take it connects afresh, as asyncpg's pool reconnects a closed holder;
- a statement the server refused (a PostgresError: the connection is idle again) keeps it.
"""

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import asyncpg

logger = logging.getLogger("graph.compiler.pool")


class PoolClosed(Exception):
    """The pool was closed: no more connections are handed out."""


class Lease:
    """`async with pool.acquire() as connection`: one connection for one request."""

    __slots__ = ("connection", "pool")

    def __init__(self, pool: "LeanPool") -> None:
        self.pool = pool
        self.connection: asyncpg.Connection | None = None

    async def __aenter__(self) -> asyncpg.Connection:
        """Take a connection (waiting in line when every one is leased)."""
        self.connection = await self.pool.take()
        return self.connection

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Give it back (or discard it when it cannot serve the next request as it is)."""
        connection, self.connection = self.connection, None
        assert connection is not None
        self.pool.give_back(connection, error)


class LeanPool:
    """A fixed number of asyncpg connections, connected at `open()` and again when lost."""

    nested = False
    """Its connections are idle between leases (db.lean begins real transactions on them)."""

    def __init__(
        self,
        size: int,
        init: Callable[[asyncpg.Connection], Awaitable[None]] | None = None,
        **connect: Any,
    ) -> None:
        self.size = size
        self.init = init
        """Run on every new connection (codecs, as asyncpg's pool's `init`)."""
        self.connect = connect
        """asyncpg.connect's arguments (dsn, host, port, server_settings…)."""
        self.idle: list[asyncpg.Connection | None] = []
        """Free slots, most recently used last; None: a slot whose connection must be made."""
        self.waiters: deque[asyncio.Future[asyncpg.Connection | None]] = deque()
        self.leased: set[asyncpg.Connection] = set()
        self.closed = False

    async def open(self) -> None:
        """Connect every slot (none is kept when one cannot connect: the error is raised)."""
        made = await asyncio.gather(
            *(self._connect() for _ in range(self.size)), return_exceptions=True
        )
        failures = [result for result in made if isinstance(result, BaseException)]
        if failures:
            for result in made:
                if isinstance(result, asyncpg.Connection):
                    result.terminate()
            raise failures[0]
        self.idle.extend(result for result in made if isinstance(result, asyncpg.Connection))

    def open_lazily(self) -> None:
        """Make every slot empty: each connects when first taken."""
        self.idle.extend([None] * self.size)

    async def _connect(self) -> asyncpg.Connection:
        connection = await asyncpg.connect(**self.connect)
        if self.init is not None:
            try:
                await self.init(connection)
            except BaseException:
                connection.terminate()
                raise
        return connection

    def get_max_size(self) -> int:
        """How many connections it holds at most (as asyncpg's pool spells it)."""
        return self.size

    def acquire(self) -> Lease:
        """A connection for the `async with` block."""
        return Lease(self)

    async def take(self) -> asyncpg.Connection:
        """A connection of one's own: a free one, else the next one given back."""
        if self.closed:
            raise PoolClosed("the pool is closed")
        if self.idle:
            slot = self.idle.pop()
        else:
            waiter: asyncio.Future[asyncpg.Connection | None] = (
                asyncio.get_running_loop().create_future()
            )
            self.waiters.append(waiter)
            try:
                slot = await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                    self._put(waiter.result())  # handed over as we were cancelled: pass it on
                elif waiter in self.waiters:
                    self.waiters.remove(waiter)
                raise
        if slot is None or slot.is_closed():
            try:
                slot = await self._connect()
            except BaseException:
                self._put(None)
                raise
        self.leased.add(slot)
        return slot

    def give_back(self, connection: asyncpg.Connection, error: BaseException | None) -> None:
        """Return the connection to the line, or terminate it and return its slot empty."""
        self.leased.discard(connection)
        if (
            (error is not None and not isinstance(error, asyncpg.PostgresError))
            or connection.is_closed()
            or connection.is_in_transaction()
            or self.closed
        ):
            if connection.is_in_transaction() and error is None:
                logger.warning("a compiled read left a transaction open: connection dropped")
            connection.terminate()
            self._put(None)
            return
        self._put(connection)

    def _put(self, slot: asyncpg.Connection | None) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(slot)
                return
        self.idle.append(slot)

    async def close(self) -> None:
        """Close the free connections; each leased one is terminated as it comes back."""
        self.closed = True
        idle, self.idle = self.idle, []
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_exception(PoolClosed("the pool is closed"))
        self.waiters.clear()
        for connection in idle:
            if connection is not None and not connection.is_closed():
                try:
                    await connection.close(timeout=5)
                except Exception:
                    connection.terminate()

    def terminate(self) -> None:
        """Drop every connection at once, leased ones too."""
        self.closed = True
        for connection in [*self.idle, *self.leased]:
            if connection is not None:
                connection.terminate()
        self.idle = []
        self.leased.clear()
