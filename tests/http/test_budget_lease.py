"""Leased budgets: busy buckets are charged from a per-worker lease, never beyond the bucket."""

import asyncio
import time

import pytest

from graph.extensions.budget import BucketState, MemoryBudgetStore
from graph.extensions.budget_lease import LeasedBudgetStore
from graph.extensions.budget_postgres import PostgresBudgetStore


class CountingStore(MemoryBudgetStore):
    """The in-process store, counting the spends that reach it."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[float] = []

    async def spend(self, key: str, cost: float, capacity: int, restore_rate: float) -> BucketState:
        self.calls.append(cost)
        return await super().spend(key, cost, capacity, restore_rate)


async def test_a_busy_bucket_is_charged_from_the_lease_without_reaching_the_store() -> None:
    shared = CountingStore()
    store = LeasedBudgetStore(shared)
    started = time.monotonic()
    states = [await store.spend("k", 3, capacity=10_000, restore_rate=1_000) for _ in range(100)]
    refilled = 1_000 * (time.monotonic() - started)  # what the bucket restored meanwhile
    await store.close()

    assert all(state.allowed for state in states)
    # The first spend takes its 3 points and a lease of 500 (0.5 s of restore); the other 99
    # are charged from the lease; closing gives back what is left.
    assert shared.calls == [503, -(500 - 99 * 3)]
    # Each spend shows its 3 points gone (plus what the bucket restored, on a loaded machine)
    assert 9_996 <= states[0].available <= 9_998 + refilled
    assert 9_993 <= states[1].available <= 9_995 + refilled


async def test_refunds_go_back_into_the_lease() -> None:
    shared = CountingStore()
    store = LeasedBudgetStore(shared)
    started = time.monotonic()
    await store.spend("k", 20, capacity=10_000, restore_rate=1_000)
    refunded = await store.spend("k", -15, capacity=10_000, restore_rate=1_000)
    restored = 1_000 * (time.monotonic() - started)  # what the bucket restored meanwhile
    await store.close()

    assert shared.calls == [520, -515]
    assert 10_000 - 5 - 1 <= refunded.available <= 10_000 - 5 + 1 + restored


async def test_slow_buckets_are_spent_in_the_shared_store_exactly() -> None:
    shared = CountingStore()
    store = LeasedBudgetStore(shared)
    await store.spend("k", 1, capacity=30, restore_rate=0.1)
    refund = await store.spend("k", -1, capacity=30, restore_rate=0.1)

    assert shared.calls == [1, -1]
    assert store.leases == {}
    assert refund.available == pytest.approx(30)


async def test_an_idle_lease_is_given_back() -> None:
    shared = CountingStore()
    store = LeasedBudgetStore(shared, idle_seconds=0.05)
    await store.spend("k", 5, capacity=10_000, restore_rate=1_000)
    await asyncio.sleep(0.2)

    assert shared.calls == [505, -500]
    assert store.leases == {}
    await store.close()


class BatchingStore(CountingStore):
    """A store that refunds several buckets at once, as PostgresBudgetStore does."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[tuple[str, float]]] = []

    async def refund_many(self, refunds: list[tuple[str, float, int, float]]) -> None:
        self.batches.append([(key, points) for key, points, _, _ in refunds])
        for key, points, capacity, rate in refunds:
            await MemoryBudgetStore.spend(self, key, -points, capacity, rate)


async def test_idle_leases_are_given_back_together_in_one_refund() -> None:
    shared = BatchingStore()
    store = LeasedBudgetStore(shared, idle_seconds=0.05)
    for key in ("a", "b", "c"):
        await store.spend(key, 5, capacity=10_000, restore_rate=1_000)
    await asyncio.sleep(0.2)

    assert shared.calls == [505, 505, 505]  # the top-ups; no refund one by one
    assert shared.batches == [[("a", 500), ("b", 500), ("c", 500)]]
    assert store.leases == {}
    assert shared.buckets["a"][0] == pytest.approx(10_000 - 5, abs=5)
    await store.close()


async def test_leases_never_overdraw_the_shared_bucket(budget_store: PostgresBudgetStore) -> None:
    """Two workers lease from one PostgreSQL bucket of 100 points refilling at 40/s (leases of
    10): 200 concurrent spends of 1 point within 0.1 s admit the 100 points plus what refilled."""
    workers = [LeasedBudgetStore(budget_store), LeasedBudgetStore(budget_store)]
    started = time.monotonic()
    results = await asyncio.gather(
        *(
            workers[index % 2].spend("shared", 1, capacity=100, restore_rate=40)
            for index in range(200)
        )
    )
    elapsed = time.monotonic() - started
    admitted = sum(result.allowed for result in results)
    for worker in workers:
        await worker.close_leases()

    assert admitted <= 100 + 40 * elapsed + 1
    assert admitted >= 100 - 2 * 10  # early refusals: at most one lease per worker
    refused = [result for result in results if not result.allowed]
    assert refused
    assert all(result.retry_after > 0 for result in refused)


async def test_a_refused_spend_keeps_the_points_for_cheaper_operations() -> None:
    shared = CountingStore()
    store = LeasedBudgetStore(shared)
    assert (await store.spend("k", 95, capacity=100, restore_rate=40)).allowed
    big = await store.spend("k", 50, capacity=100, restore_rate=40)
    small = await store.spend("k", 3, capacity=100, restore_rate=40)
    await store.close()

    assert not big.allowed
    assert big.retry_after == pytest.approx((50 - 5) / 40, abs=0.05)
    assert small.allowed
