"""Rate budgets: spent before execution, refunded to the actual cost, 429 when empty."""

import httpx
import pytest

from graph.auth.viewer import Viewer
from graph.extensions.budget import MemoryBudgetStore, RedisBudgetStore, budget_key
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


async def test_bucket_refills_at_the_restore_rate(redis_store: RedisBudgetStore) -> None:
    spent = await redis_store.spend("refill", 10, capacity=10, restore_rate=100)
    assert spent.available == 0
    refused = await redis_store.spend("refill", 10, capacity=10, restore_rate=100)
    assert not refused.allowed
    assert 0 < refused.retry_after <= 0.1


async def test_memory_store_has_the_same_arithmetic() -> None:
    store = MemoryBudgetStore()
    assert (await store.spend("k", 7, capacity=10, restore_rate=0.001)).available == 3
    refused = await store.spend("k", 7, capacity=10, restore_rate=0.001)
    assert not refused.allowed
    assert refused.retry_after == pytest.approx(4000, rel=0.01)
    refunded = await store.spend("k", -100, capacity=10, restore_rate=0.001)
    assert refunded.available == 10


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
    store = RedisBudgetStore("redis://127.0.0.1:1/0")
    client = await make_client(budget_store=store)

    response = await client.post("/graphql", json=TINY)

    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}
    assert "x-ratelimit-remaining" not in response.headers
    await store.close()
