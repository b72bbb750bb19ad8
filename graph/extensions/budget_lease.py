"""Leased budgets: a worker reserves a slice of a busy bucket and spends it without a round trip.

Spending from the shared store costs a statement per request, twice (charge, then refund), and
every request of one client updates the same row. For buckets that refill fast enough to make
that the bottleneck, a worker takes a *lease*: it spends `cost + chunk` points in the shared
store at once and keeps the chunk in memory; the next operations of that client on this worker
are charged from the lease and their refunds go back into it, with no statement at all. A lease
untouched for `idle_seconds` is given back to the shared store (a negative spend; those of one
pass in one statement when the store can), as are all leases on close.

Guarantees: the shared store never admits more than the bucket holds (a lease is points already
spent there), so across workers a client can never overdraw its budget. The price is early
refusals: points leased by one worker are not available to another until returned, at most one
chunk per worker. The chunk is what the bucket restores in `chunk_seconds` (and at most a tenth
of its capacity), so the error is bounded in time too. Buckets too slow to lease a whole cost
point go straight to the shared store, exactly as without leases.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from graph.extensions.budget import (
    BucketState,
    BudgetStore,
    BudgetStoreUnavailable,
    Gate,
    spend_behind,
)

logger = logging.getLogger(__name__)

RefundMany = Callable[[list[tuple[str, float, int, float]]], Awaitable[None]]
"""A shared store's optional `refund_many`: (key, points, capacity, restore rate) at once."""

CHUNK_SECONDS = 0.5
"""A lease holds what the bucket restores in this long…"""
CHUNK_SHARE_OF_CAPACITY = 0.1
"""…and at most this share of the whole bucket."""
IDLE_SECONDS = 1.0
"""A lease nobody spent from for this long goes back to the shared store."""


@dataclass
class Lease:
    """Points this worker holds for one bucket, and the shared store's view at the last sync."""

    capacity: int
    restore_rate: float
    points: float = 0.0
    shared_available: float = 0.0
    synced_at: float = 0.0
    used_at: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def available(self, now: float) -> float:
        """What the client could spend now: the shared bucket (refilled since) plus the lease."""
        refilled = self.shared_available + max(0.0, now - self.synced_at) * self.restore_rate
        return min(self.capacity - self.points, refilled) + self.points

    def state(self, allowed: bool, now: float, retry_after: float = 0.0) -> BucketState:
        """The bucket as the client sees it."""
        return BucketState(
            allowed, self.available(now), retry_after, self.capacity, self.restore_rate
        )


class LeasedBudgetStore:
    """A BudgetStore over a shared one that charges busy buckets from per-worker leases."""

    def __init__(
        self,
        shared: BudgetStore,
        *,
        chunk_seconds: float = CHUNK_SECONDS,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self.shared = shared
        self.chunk_seconds = chunk_seconds
        self.idle_seconds = idle_seconds
        self.leases: dict[str, Lease] = {}
        self.returning: asyncio.Task[None] | None = None

    def chunk(self, capacity: int, restore_rate: float) -> float:
        """How many points a lease of this bucket holds."""
        return min(capacity * CHUNK_SHARE_OF_CAPACITY, restore_rate * self.chunk_seconds)

    async def spend(self, key: str, cost: float, capacity: int, restore_rate: float) -> BucketState:
        """Charge (or refund, for a negative cost) from the lease when there is one."""
        return await self._spend(None, key, cost, capacity, restore_rate)

    async def spend_after(
        self, gate: Gate, key: str, cost: float, capacity: int, restore_rate: float
    ) -> BucketState:
        """`spend` once `gate` passed: read in the shared store's statement when the spend
        goes there, checked on its own first when the lease pays."""
        return await self._spend(gate, key, cost, capacity, restore_rate)

    async def _spend(
        self, gate: Gate | None, key: str, cost: float, capacity: int, restore_rate: float
    ) -> BucketState:
        chunk = self.chunk(capacity, restore_rate)
        lease = self.leases.get(key)
        if lease is None and (cost <= 0 or chunk < max(1.0, cost)):
            return await spend_behind(self.shared, gate, key, cost, capacity, restore_rate)
        if lease is not None and gate is not None and cost <= lease.points:
            await gate.check()  # the lease will most likely pay: no statement to read it in
            gate = None
        if lease is None or (lease.capacity, lease.restore_rate) != (capacity, restore_rate):
            if lease is not None:
                await self._give_back(key, lease)
            lease = self.leases[key] = Lease(capacity, restore_rate)
            self._start_returning()
        now = time.monotonic()
        lease.used_at = now
        if gate is None and cost <= lease.points:
            lease.points -= cost
            return lease.state(True, now)
        async with lease.lock:
            if cost <= lease.points:  # another request topped it up meanwhile
                if gate is not None:
                    await gate.check()
                if cost <= lease.points:
                    lease.points -= cost
                    return lease.state(True, time.monotonic())
                gate = None
            return await self._top_up(gate, key, lease, cost, chunk)

    async def _top_up(
        self, gate: Gate | None, key: str, lease: Lease, cost: float, chunk: float
    ) -> BucketState:
        """Spend what the lease lacks and a fresh chunk (behind `gate`); when that does not
        fit, just the lack."""
        lacking = cost - lease.points
        capacity, rate = lease.capacity, lease.restore_rate
        state = await spend_behind(self.shared, gate, key, lacking + chunk, capacity, rate)
        leased = chunk
        if not state.allowed:
            state = await self.shared.spend(key, lacking, capacity, rate)
            leased = 0.0
        now = time.monotonic()
        lease.shared_available, lease.synced_at = state.available, now
        if not state.allowed:
            return lease.state(False, now, state.retry_after)
        lease.points = leased
        return lease.state(True, now)

    def _start_returning(self) -> None:
        if self.returning is None or self.returning.done():
            self.returning = asyncio.create_task(self._return_idle_leases())

    async def _return_idle_leases(self) -> None:
        """Give idle leases back, until there are none left (all of a pass in one statement
        when the shared store can refund several buckets at once)."""
        while self.leases:
            await asyncio.sleep(self.idle_seconds / 2)
            cutoff = time.monotonic() - self.idle_seconds
            idle = [
                (key, lease)
                for key, lease in self.leases.items()
                if lease.used_at <= cutoff and not lease.lock.locked()
            ]
            await self._give_back_all(idle)

    async def _give_back_all(self, leases: list[tuple[str, Lease]]) -> None:
        refund_many: RefundMany | None = getattr(self.shared, "refund_many", None)
        if refund_many is None:
            for key, lease in leases:
                await self._give_back(key, lease)
            return
        refunds: list[tuple[str, float, int, float]] = []
        for key, lease in leases:
            points, lease.points = lease.points, 0.0
            if self.leases.get(key) is lease:
                del self.leases[key]
            if points > 0:
                refunds.append((key, points, lease.capacity, lease.restore_rate))
        if not refunds:
            return
        try:
            await refund_many(refunds)
        except BudgetStoreUnavailable:
            logger.warning("returning the leased budget points of %d buckets failed", len(refunds))

    async def _give_back(self, key: str, lease: Lease) -> None:
        points, lease.points = lease.points, 0.0
        if self.leases.get(key) is lease:
            del self.leases[key]
        if points <= 0:
            return
        try:
            await self.shared.spend(key, -points, lease.capacity, lease.restore_rate)
        except BudgetStoreUnavailable:
            logger.warning("returning %.1f leased budget points of %s failed", points, key)

    async def close(self) -> None:
        """Give every lease back, then close the shared store."""
        await self.close_leases()
        await self.shared.close()

    async def close_leases(self) -> None:
        """Give every lease back (the shared store stays open)."""
        if self.returning is not None:
            self.returning.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.returning
        await self._give_back_all(list(self.leases.items()))
