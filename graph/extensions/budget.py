"""Rate budgets: a leaky bucket of cost points per client, shared by every worker.

A client's bucket holds at most `capacity` points and refills at `restore_rate` points per
second. An operation spends its requested cost before it runs (refused when the bucket holds
less) and gets back the difference between requested and actual cost afterwards, as
Shopify's GraphQL Admin API does. The shared store keeps buckets in PostgreSQL
(graph/extensions/budget_postgres.py) on the database's clock, so workers on different hosts agree.
"""

import asyncio
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from graph.auth.viewer import Viewer


class BudgetStoreUnavailable(Exception):
    """The store could not be reached or failed; callers admit the request without a budget."""


def budget_key(viewer: Viewer, client_ip: str | None) -> str:
    """Whose bucket pays: the token's subject (engineer, else OAuth client), else the IP."""
    if viewer.engineer_id is not None:
        return f"engineer:{viewer.engineer_id}"
    if viewer.client_id is not None:
        return f"client:{viewer.client_id}"
    return f"ip:{client_ip or 'unknown'}"


@dataclass(frozen=True)
class BucketState:
    """The outcome of spending (or refunding) points from one bucket."""

    allowed: bool
    available: float
    retry_after: float
    capacity: int
    restore_rate: float

    @property
    def seconds_until_full(self) -> float:
        """How long until the bucket is full again at the restore rate."""
        return max(0.0, (self.capacity - self.available) / self.restore_rate)


class Gate(Protocol):
    """A check that must pass before a spend is taken (the request's authentication, when it
    is still pending): run on its own, or read in the spend's statement by a store that can
    (a BudgetStore with `spend_after`), which then takes the spend only where it passes."""

    sql: str
    """A SELECT of at most one row for the driver connection, parameters from $1."""
    arguments: Sequence[Any]
    refused: str
    """The name of its boolean column that refuses the spend when true (as no row does)."""

    async def check(self) -> None:
        """Run the check on its own; raises when it does not pass."""
        ...

    async def accept(self, row: Any) -> None:
        """Settle the check with the row `sql` read (None: it read none); raises when it does
        not pass."""
        ...


class BudgetStore(Protocol):
    """Where buckets live; every worker of one deployment must share it."""

    async def spend(self, key: str, cost: float, capacity: int, restore_rate: float) -> BucketState:
        """Take `cost` points if the bucket holds them (negative cost gives points back).

        Raises BudgetStoreUnavailable when the store cannot answer.
        """
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


async def spend_behind(
    store: BudgetStore, gate: Gate | None, key: str, cost: float, capacity: int, rate: float
) -> BucketState:
    """`store.spend`, taken only once `gate` (if any) passed: in one statement with it where
    the store can (`spend_after`), else after checking it on its own."""
    if gate is None:
        return await store.spend(key, cost, capacity, rate)
    spend_after = getattr(store, "spend_after", None)
    if spend_after is None:
        await gate.check()
        return await store.spend(key, cost, capacity, rate)
    state: BucketState = await spend_after(gate, key, cost, capacity, rate)
    return state


class MemoryBudgetStore:
    """Buckets in this process only: for an app without a database URL and for unit tests."""

    def __init__(self) -> None:
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = asyncio.Lock()

    async def spend(self, key: str, cost: float, capacity: int, restore_rate: float) -> BucketState:
        """The same arithmetic as the PostgreSQL statement, on the monotonic clock."""
        async with self.lock:
            now = time.monotonic()
            available, at = self.buckets.get(key, (float(capacity), now))
            available = min(capacity, available + max(0.0, now - at) * restore_rate)
            allowed = cost <= available
            wait = 0.0 if allowed else (cost - available) / restore_rate
            if allowed:
                available = min(float(capacity), available - cost)
            self.buckets[key] = (available, now)
        return BucketState(allowed, available, wait, capacity, restore_rate)

    async def close(self) -> None:
        """Nothing to release."""


def retry_after_seconds(state: BucketState) -> int:
    """Whole seconds a throttled client should wait (at least 1)."""
    return max(1, math.ceil(state.retry_after))
