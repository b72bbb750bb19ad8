"""One budget across two real uvicorn worker processes sharing Redis."""

import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import DatabaseLocation
from tests.http.conftest import REDIS_URL
from tests.support.server import LiveServer, live_server

PAGE_OF_20 = {"query": "{ chapters(first: 20) { nodes { slug } } }"}
TINY = {"query": "{ __typename }"}


@pytest.fixture(scope="module")
def workers(
    database: DatabaseLocation, engine: AsyncEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two independent server processes with one Redis budget namespace."""
    env = {
        "REDIS_URL": REDIS_URL,
        "BRAINGAIN_BUDGET_PREFIX": f"braingain-test:{uuid.uuid4().hex}:",
        "BRAINGAIN_BUDGET_CAPACITY": "30",
        "BRAINGAIN_BUDGET_RESTORE_RATE": "0.01",
    }
    logs = tmp_path_factory.mktemp("workers")
    with (
        live_server(database.url, env, logs) as first,
        live_server(database.url, env, logs) as second,
    ):
        yield first, second


def remaining(response: httpx.Response) -> int:
    return int(response.headers["x-ratelimit-remaining"])


def test_spending_on_one_worker_is_seen_by_the_other(
    workers: tuple[LiveServer, LiveServer],
) -> None:
    first, second = workers
    assert first.process.pid != second.process.pid

    one = httpx.post(f"{first.url}/graphql", json=TINY)
    two = httpx.post(f"{second.url}/graphql", json=TINY)
    assert remaining(one) == 29
    assert remaining(two) == 28

    big = httpx.post(f"{first.url}/graphql", json=PAGE_OF_20)
    assert big.status_code == 200
    left = remaining(big)
    assert left < 21

    throttled = httpx.post(f"{second.url}/graphql", json=PAGE_OF_20)
    assert throttled.status_code == 429
    assert throttled.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert int(throttled.headers["retry-after"]) >= (21 - left) * 100
