"""Rate budgets kept in PostgreSQL: one UNLOGGED row per bucket, one statement per spend.

The store has its own small pool, apart from the request's session: a spend commits at once
(it must not roll back with a failed mutation) and never waits behind the session's lock. It is
a lean pool (graph.compiler.pool), as the compiled reads use: every spend is one autocommit
statement that changes no session state, so there is nothing for asyncpg's pool to reset, and
its release (a shielded task per request) cost a signed-in mutation more CPU than the rest of
the spend's Python. Its connections run with `synchronous_commit = off`; the table is unlogged,
so a crash loses the buckets anyway (which refills them), and nothing else is written on these
connections.
"""

import asyncio
import logging
import time
from typing import Any

import asyncpg

from db.engine import to_libpq_url
from db.queries import rate_budget
from graph.compiler.pool import LeanPool, PoolClosed
from graph.extensions.budget import BucketState, BudgetStoreUnavailable, Gate

logger = logging.getLogger(__name__)

PRUNE_INTERVAL_SECONDS = 60.0
IDLE_GRACE_SECONDS = 60.0
FAILURES = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError, PoolClosed)


class PostgresBudgetStore:
    """Buckets in the `rate_budgets` table, spent atomically on the database's clock."""

    def __init__(
        self,
        url: str,
        prefix: str = "",
        *,
        pool_size: int = 4,
        timeout_seconds: float = 2.0,
    ) -> None:
        self.url = to_libpq_url(url)
        self.prefix = prefix
        self.pool_size = pool_size
        self.timeout_seconds = timeout_seconds
        self.pool: Any = None
        """A LeanPool once opened (anything with its `acquire()` and `close()`)."""
        self.opening = asyncio.Lock()
        self.pruned_at = time.monotonic()
        self.pruning: asyncio.Task[None] | None = None

    async def spend(self, key: str, cost: float, capacity: int, restore_rate: float) -> BucketState:
        """Run the spend statement for `key` on a pooled connection."""
        try:
            pool = self.pool or await self._open()
            async with pool.acquire() as connection:
                spent = await rate_budget.spend(
                    connection, self.prefix + key, cost, capacity, restore_rate
                )
        except FAILURES as error:
            raise BudgetStoreUnavailable(str(error) or type(error).__name__) from error
        return self._state(spent, cost, capacity, restore_rate)

    async def spend_after(
        self, gate: Gate, key: str, cost: float, capacity: int, restore_rate: float
    ) -> BucketState:
        """`spend`, taken in the statement that reads `gate` and only where the gate passes
        (one round trip for both); the gate is settled before this returns (or raises)."""
        try:
            pool = self.pool or await self._open()
            async with pool.acquire() as connection:
                row, spent = await rate_budget.spend_after(
                    connection,
                    gate.sql,
                    gate.arguments,
                    gate.refused,
                    self.prefix + key,
                    cost,
                    capacity,
                    restore_rate,
                )
        except FAILURES as error:
            raise BudgetStoreUnavailable(str(error) or type(error).__name__) from error
        await gate.accept(row)  # raises unless it passes
        if spent is None:  # passed on its own (this connection saw no row): spend now
            return await self.spend(key, cost, capacity, restore_rate)
        return self._state(spent, cost, capacity, restore_rate)

    def _state(
        self, spent: rate_budget.Spent, cost: float, capacity: int, restore_rate: float
    ) -> BucketState:
        self._maybe_prune(capacity / restore_rate + IDLE_GRACE_SECONDS)
        available = capacity - spent.level
        wait = 0.0 if spent.allowed else (cost - available) / restore_rate
        return BucketState(spent.allowed, available, wait, capacity, restore_rate)

    async def refund_many(self, refunds: list[tuple[str, float, int, float]]) -> None:
        """Give points back to several buckets in one statement: (key, points, capacity,
        restore rate), keys distinct (a lease store returning its idle leases)."""
        if not refunds:
            return
        rows = [(self.prefix + key, points, rate) for key, points, _, rate in refunds]
        try:
            pool = self.pool or await self._open()
            async with pool.acquire() as connection:
                await rate_budget.refund_many(connection, rows)
        except FAILURES as error:
            raise BudgetStoreUnavailable(str(error) or type(error).__name__) from error

    async def close(self) -> None:
        """Stop pruning and close the pool."""
        if self.pruning is not None:
            await asyncio.gather(self.pruning, return_exceptions=True)
        if self.pool is not None:
            await self.pool.close()
            self.pool = None

    async def _open(self) -> Any:
        async with self.opening:
            if self.pool is None:
                pool = LeanPool(
                    self.pool_size,
                    dsn=self.url,
                    timeout=self.timeout_seconds,
                    command_timeout=self.timeout_seconds,
                    server_settings={
                        "application_name": "braingain-budget",
                        "synchronous_commit": "off",
                        "statement_timeout": str(int(self.timeout_seconds * 1000)),
                    },
                )
                await pool.open()
                self.pool = pool
        return self.pool

    def _maybe_prune(self, idle_seconds: float) -> None:
        """Now and then, forget buckets idle long enough to have drained to empty."""
        now = time.monotonic()
        if now - self.pruned_at < PRUNE_INTERVAL_SECONDS or self.pruning is not None:
            return
        self.pruned_at = now
        self.pruning = asyncio.create_task(self._prune(idle_seconds))

    async def _prune(self, idle_seconds: float) -> None:
        try:
            pool = self.pool or await self._open()
            async with pool.acquire() as connection:
                await rate_budget.prune(connection, idle_seconds)
        except FAILURES:
            logger.warning("pruning idle rate budgets failed", exc_info=True)
        finally:
            self.pruning = None
