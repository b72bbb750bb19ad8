"""End to end: the real Starlette app over HTTP, lifespan included."""

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graph.app import create_app
from tests import factories

QUERY = """
query Profile($handle: String!) {
  engineer(handle: $handle) { handle name chapters(first: 3) { nodes { slug } } }
}
"""


@pytest.fixture
async def client(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app, sharing the test's rolled-back transaction."""
    app = create_app(sessionmaker=sessionmaker)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def test_post_query_returns_data_and_a_request_id(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    engineer = await factories.engineer(session, handle="http-eng", name="Bilal Ahmed")
    await factories.membership(session, engineer, await factories.chapter(session, "saudi-arabia"))
    await session.flush()

    response = await client.post(
        "/graphql",
        json={"query": QUERY, "variables": {"handle": "http-eng"}},
        headers={"x-request-id": "trace-123"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["extensions"]["cost"]["requestedQueryCost"] >= 1
    assert body["data"] == {
        "engineer": {
            "handle": "http-eng",
            "name": "Bilal Ahmed",
            "chapters": {"nodes": [{"slug": "saudi-arabia"}]},
        }
    }
    assert response.headers["x-request-id"] == "trace-123"


async def test_get_query_works_and_invalid_request_id_is_replaced(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/graphql",
        params={"query": "{ chapters(first: 1) { totalCount } }"},
        headers={"x-request-id": "bad id with spaces"},
    )
    assert response.status_code == 200
    assert response.json()["data"]["chapters"]["totalCount"] >= 8
    assert len(response.headers["x-request-id"]) == 32


async def test_page_size_error_over_http_has_no_data(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ engineers(first: 500) { totalCount } }"}
    )
    body = response.json()
    assert "data" not in body or body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).json() == {"status": "ok"}
