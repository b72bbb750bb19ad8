"""Rate budgets: spent before execution, refunded to the actual cost, 429 when empty."""

import asyncio

import httpx
import pytest

from db.engine import DatabaseLocation
from graph.auth.viewer import Viewer
from graph.extensions.budget import BudgetStore, MemoryBudgetStore, budget_key
from graph.extensions.budget_postgres import PostgresBudgetStore
from graph.http.settings import BudgetSettings, HardeningSettings
from tests.http.conftest import ClientFactory

CAPACITY = 30
PAGE_OF_20 = {"query": "{ chapters(first: 20) { nodes { slug } } }"}  # requests 21 points
TINY = {"query": "{ __typename }"}  # 1 point


@pytest.fixture
async def client(make_client: ClientFactory) -> httpx.AsyncClient:
    """A client whose bucket holds 30 points and refills at 0.1 point per second."""
    return await make_client(
        HardeningSettings(budget=BudgetSettings(capacity=CAPACITY, restore_rate=0.1))
    )


async def test_cost_and_budget_are_reported_in_extensions_and_headers(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json=PAGE_OF_20)

    cost = response.json()["extensions"]["cost"]
    returned = len(response.json()["data"]["chapters"]["nodes"])
    assert cost["requestedQueryCost"] == 21
    assert cost["actualQueryCost"] == 1 + returned
    status = cost["throttleStatus"]
    assert status["maximumAvailable"] == CAPACITY
    assert status["restoreRate"] == 0.1
    assert status["currentlyAvailable"] == CAPACITY - cost["actualQueryCost"]
    assert response.headers["x-ratelimit-limit"] == "30"
    assert response.headers["x-ratelimit-remaining"] == str(status["currentlyAvailable"])
    assert response.headers["x-ratelimit-resource"] == "graphql"


async def test_over_budget_is_throttled_with_429_and_retry_after(
    client: httpx.AsyncClient,
) -> None:
    first = await client.post("/graphql", json=PAGE_OF_20)
    remaining = int(first.headers["x-ratelimit-remaining"])
    assert remaining < 21

    second = await client.post("/graphql", json=PAGE_OF_20)

    assert second.status_code == 429
    body = second.json()
    assert "data" not in body
    error = body["errors"][0]
    assert error["extensions"]["code"] == "THROTTLED"
    assert error["extensions"]["cost"] == 21
    wait = error["extensions"]["retryAfter"]
    assert second.headers["retry-after"] == str(wait)
    assert wait == int((21 - remaining) / 0.1) or wait == int((21 - remaining) / 0.1) + 1
    assert "21 points" in error["message"]


async def test_cheap_operations_still_pass_when_big_ones_are_throttled(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/graphql", json=PAGE_OF_20)
    assert (await client.post("/graphql", json=PAGE_OF_20)).status_code == 429
    assert (await client.post("/graphql", json=TINY)).status_code == 200


async def test_a_cost_beyond_the_whole_budget_is_too_complex(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ chapters(first: 40) { nodes { slug } } }"}
    )
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["maximumCost"] == CAPACITY


async def test_bucket_refills_at_the_restore_rate(budget_store: PostgresBudgetStore) -> None:
    spent = await budget_store.spend("refill", 10, capacity=10, restore_rate=100)
    assert spent.available == 0
    refused = await budget_store.spend("refill", 10, capacity=10, restore_rate=100)
    assert not refused.allowed
    assert 0 < refused.retry_after <= 0.1
    await asyncio.sleep(0.12)
    assert (await budget_store.spend("refill", 10, capacity=10, restore_rate=100)).allowed


@pytest.fixture(params=["postgres", "memory"])
def any_store(request: pytest.FixtureRequest, budget_store: PostgresBudgetStore) -> BudgetStore:
    """The shared PostgreSQL store and the per-process one: they must agree on the arithmetic."""
    return budget_store if request.param == "postgres" else MemoryBudgetStore()


async def test_stores_share_the_leaky_bucket_arithmetic(any_store: BudgetStore) -> None:
    assert (await any_store.spend("k", 7, capacity=10, restore_rate=0.001)).available == 3
    refused = await any_store.spend("k", 7, capacity=10, restore_rate=0.001)
    assert not refused.allowed
    assert refused.retry_after == pytest.approx(4000, rel=0.01)
    refunded = await any_store.spend("k", -100, capacity=10, restore_rate=0.001)
    assert refunded.allowed
    assert refunded.available == 10


async def test_a_refused_spend_leaves_the_level_alone(any_store: BudgetStore) -> None:
    await any_store.spend("k", 6, capacity=10, restore_rate=0.001)
    assert not (await any_store.spend("k", 5, capacity=10, restore_rate=0.001)).allowed
    after = await any_store.spend("k", 4, capacity=10, restore_rate=0.001)
    assert after.allowed
    assert after.available == pytest.approx(0, abs=0.01)


async def test_a_cost_beyond_the_capacity_is_refused_on_a_fresh_bucket(
    any_store: BudgetStore,
) -> None:
    refused = await any_store.spend("fresh", 11, capacity=10, restore_rate=1)
    assert not refused.allowed
    assert refused.available == 10
    assert (await any_store.spend("fresh", 10, capacity=10, restore_rate=1)).allowed


async def test_concurrent_spends_never_overdraw_the_bucket(
    budget_store: PostgresBudgetStore,
) -> None:
    results = await asyncio.gather(
        *(budget_store.spend("race", 1, capacity=30, restore_rate=0.0001) for _ in range(60))
    )
    assert sum(result.allowed for result in results) == 30
    assert min(result.available for result in results) == pytest.approx(0, abs=0.01)


async def test_a_spend_is_committed_at_once_and_seen_by_another_worker(
    budget_store: PostgresBudgetStore, database: DatabaseLocation
) -> None:
    await budget_store.spend("shared", 25, capacity=30, restore_rate=0.0001)
    other_worker = PostgresBudgetStore(database.url, prefix=budget_store.prefix)
    try:
        seen = await other_worker.spend("shared", 10, capacity=30, restore_rate=0.0001)
    finally:
        await other_worker.close()
    assert not seen.allowed
    assert seen.available == pytest.approx(5, abs=0.01)


async def test_idle_buckets_are_pruned(budget_store: PostgresBudgetStore) -> None:
    await budget_store.spend("idle", 5, capacity=10, restore_rate=1)
    await budget_store.spend("busy", 5, capacity=10, restore_rate=1)
    key = budget_store.prefix + "idle"
    async with budget_store.pool.acquire() as connection:
        await connection.execute(
            "UPDATE rate_budgets SET updated_at = updated_at - interval '1 hour' WHERE key = $1",
            key,
        )
    budget_store.pruned_at -= 3600
    await budget_store.spend("busy", 1, capacity=10, restore_rate=1)  # prunes in the background
    assert budget_store.pruning is not None
    await budget_store.pruning
    async with budget_store.pool.acquire() as connection:
        keys = await connection.fetch(
            "SELECT key FROM rate_budgets WHERE starts_with(key, $1)", budget_store.prefix
        )
    assert [row["key"] for row in keys] == [budget_store.prefix + "busy"]


@pytest.mark.parametrize(
    ("viewer", "ip", "key"),
    [
        (Viewer(), "203.0.113.9", "ip:203.0.113.9"),
        (Viewer(client_id="uni-lahore"), "203.0.113.9", "client:uni-lahore"),
        (Viewer(engineer_id=42, client_id="portal-web"), "203.0.113.9", "engineer:42"),
    ],
)
def test_budget_key_is_the_token_subject_else_the_ip(viewer: Viewer, ip: str, key: str) -> None:
    assert budget_key(viewer, ip) == key


async def test_an_unreachable_budget_store_fails_open(make_client: ClientFactory) -> None:
    store = PostgresBudgetStore("postgresql://postgres@127.0.0.1:1/nowhere", timeout_seconds=1)
    client = await make_client(budget_store=store)

    response = await client.post("/graphql", json=TINY)

    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}
    assert "x-ratelimit-remaining" not in response.headers
    await store.close()


async def test_refunds_of_several_buckets_go_in_one_statement(
    budget_store: PostgresBudgetStore,
) -> None:
    """A lease store returns its idle leases at once: each bucket gets its own points back
    (never above full), and a bucket the store never saw stays full."""
    await budget_store.spend("a", 25, capacity=30, restore_rate=0.0001)
    await budget_store.spend("b", 10, capacity=30, restore_rate=0.0001)
    await budget_store.refund_many(
        [("a", 20, 30, 0.0001), ("b", 15, 30, 0.0001), ("never", 5, 30, 0.0001)]
    )
    assert (await budget_store.spend("a", 0, 30, 0.0001)).available == pytest.approx(25, abs=0.01)
    assert (await budget_store.spend("b", 0, 30, 0.0001)).available == pytest.approx(30, abs=0.01)
    assert (await budget_store.spend("never", 0, 30, 0.0001)).available == pytest.approx(30)
