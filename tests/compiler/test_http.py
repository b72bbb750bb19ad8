"""Over HTTP: compiled answers equal strawberry's, and everything else still reaches strawberry."""

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graph.app import create_app
from graph.compiler.settings import CompilerSettings
from tests import factories
from tests.compiler.test_equality import EVERYTHING_ON_ENGINEER, FRAGMENTS_AND_ALIASES, MIXED

PATH = "x-graphql-execution"


async def _client(
    sessionmaker: async_sessionmaker[AsyncSession], enabled: bool
) -> AsyncIterator[httpx.AsyncClient]:
    compiler = CompilerSettings(enabled=enabled, report_path=True, tune_gc=False)
    app = create_app(sessionmaker=sessionmaker, compiler=compiler)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@pytest.fixture
async def compiled(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with compiled reads on."""
    async for client in _client(sessionmaker, enabled=True):
        yield client


@pytest.fixture
async def plain(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[httpx.AsyncClient]:
    """The app with compiled reads off."""
    async for client in _client(sessionmaker, enabled=False):
        yield client


async def test_compiled_response_equals_strawberry_response(
    session: AsyncSession, compiled: httpx.AsyncClient, plain: httpx.AsyncClient
) -> None:
    engineer = await factories.engineer(session, handle="http-cmp", name='Zoë "Q" Khan')
    await factories.membership(session, engineer, await factories.chapter(session, "gulf-uae"))
    await session.flush()
    bodies = [
        {"query": EVERYTHING_ON_ENGINEER, "variables": {"handle": "http-cmp"}},
        {
            "query": FRAGMENTS_AND_ALIASES,
            "variables": {"first": 3, "withSkills": True},
            "operationName": "Search",
        },
    ]
    for body in bodies:
        fast = await compiled.post("/graphql", json=body)
        slow = await plain.post("/graphql", json=body)
        assert fast.headers[PATH] == "compiled"
        assert fast.status_code == slow.status_code == 200
        expected = slow.json()
        assert list(fast.json()) == ["data", "extensions"]
        assert fast.json()["data"] == expected["data"]
        assert str(fast.json()["data"]) == str(expected["data"])  # same key order


async def test_mixed_operation_merges_both_halves_in_field_order(
    session: AsyncSession, compiled: httpx.AsyncClient, plain: httpx.AsyncClient
) -> None:
    await factories.engineer(session, handle="http-mixed")
    await session.flush()
    body = {"query": MIXED, "variables": {"handle": "http-mixed", "first": 3}}

    fast = await compiled.post("/graphql", json=body)
    slow = await plain.post("/graphql", json=body)

    assert fast.json()["extensions"] == {"execution": "mixed"}
    assert list(fast.json()["data"]) == ["viewer", "engineer", "sectors", "again"]
    assert fast.json()["data"] == slow.json()["data"]
    assert str(fast.json()["data"]) == str(slow.json()["data"])


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{ viewer { isAuthenticated } }"},
        {"query": "{ engineers(first: 500) { totalCount } }"},
        {"query": "{ engineers(first: 5) { nope } }"},
        {"query": '{ engineers(first: 1, after: "junk") { totalCount } }'},
        {"query": "query A { sectors { slug } } query B { sectors { name } }"},
        {"query": "{ __schema { queryType { name } } }"},
    ],
)
async def test_what_the_plan_cannot_answer_runs_through_strawberry(
    compiled: httpx.AsyncClient, plain: httpx.AsyncClient, body: dict[str, str]
) -> None:
    fast = await compiled.post("/graphql", json=body)
    slow = await plain.post("/graphql", json=body)
    assert fast.headers[PATH] == "strawberry"
    assert fast.status_code == slow.status_code
    assert fast.json() == slow.json()


async def test_requests_with_credentials_are_left_to_strawberry(
    compiled: httpx.AsyncClient,
) -> None:
    response = await compiled.post(
        "/graphql",
        json={"query": "{ sectors { slug } }"},
        headers={"Authorization": "Bearer whatever"},
    )
    assert response.headers[PATH] == "strawberry"


async def test_get_requests_still_work(compiled: httpx.AsyncClient) -> None:
    response = await compiled.get(
        "/graphql", params={"query": "{ chapters(first: 1) { totalCount } }"}
    )
    assert response.status_code == 200
    assert response.json()["data"]["chapters"]["totalCount"] >= 8
