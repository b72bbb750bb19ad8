"""The export's download link over HTTP: the owner's access token and the link's secret
together give the JSON document; unknown, other people's and expired links are refused."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from db.models import DataExport, Engineer
from graph.app import create_app
from graph.auth.authentication import engineer_subject
from graph.auth.scopes import Scope
from graph.auth.tokens import issue_access_token
from graph.chapters import ChapterRegistry
from graph.settings import Settings
from tests import data_rights_world
from tests.data_rights_world import DataRightsWorld

SETTINGS = Settings(database_url=None, environment="test", max_body_bytes=100_000, log_level="INFO")
REQUEST_EXPORT = "mutation { dataExportRequest { downloadPath userErrors { code } } }"


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> DataRightsWorld:
    """The subject with a full history (tests/data_rights_world.py)."""
    return await data_rights_world.build(session, registry)


@pytest.fixture
async def served(
    sessionmaker: async_sessionmaker[AsyncSession], registry: ChapterRegistry
) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """The app (inside the test's transaction) and an HTTP client of it."""
    built = create_app(SETTINGS, sessionmaker=sessionmaker, registry=registry)
    async with LifespanManager(built) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield built, http


@pytest.fixture
def app(served: tuple[Starlette, httpx.AsyncClient]) -> Starlette:
    """The app, for its signing key."""
    return served[0]


@pytest.fixture
def client(served: tuple[Starlette, httpx.AsyncClient]) -> httpx.AsyncClient:
    """An HTTP client of the app."""
    return served[1]


def _bearer(app: Starlette, who: Engineer) -> dict[str, str]:
    token, _ = issue_access_token(
        app.state.auth.keys.signing_key(),
        issuer=SETTINGS.issuer,
        audience=SETTINGS.audience,
        subject=engineer_subject(who.id),
        client_id="test",
        scopes=list(Scope),
        lifetime_seconds=300,
    )
    return {"Authorization": f"Bearer {token}"}


async def _request(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await client.post("/graphql", json={"query": REQUEST_EXPORT}, headers=headers)
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["dataExportRequest"]
    assert payload["userErrors"] == []
    path: str = payload["downloadPath"]
    return path


async def test_the_owner_downloads_the_document_and_nobody_else_does(
    app: Starlette, client: httpx.AsyncClient, session: AsyncSession, world: DataRightsWorld
) -> None:
    owner = _bearer(app, world.subject)
    path = await _request(client, owner)

    # allowed: the owner's token with the link
    response = await client.get(path, headers=owner)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert "attachment" in response.headers["content-disposition"]
    document = json.loads(response.content)
    assert document["profile"]["name"] == data_rights_world.NAME

    # denied: no token, a bad token, another engineer's token, an unknown or malformed link
    assert (await client.get(path)).status_code == 401
    assert (await client.get(path, headers={"Authorization": "Bearer nope"})).status_code == 401
    other = _bearer(app, world.counterpart)
    assert (await client.get(path, headers=other)).status_code == 404
    for unknown in ("/exports/bgx_" + "A" * 43, "/exports/not-a-token", "/exports/x"):
        assert (await client.get(unknown, headers=owner)).status_code == 404

    # expired: refused with 410 from the moment it expires
    await session.execute(
        update(DataExport).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    await session.flush()
    assert (await client.get(path, headers=owner)).status_code == 410


async def test_a_pending_export_answers_202_until_it_is_built(
    app: Starlette,
    client: httpx.AsyncClient,
    world: DataRightsWorld,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BRAINGAIN_EXPORT_INLINE_ROWS", "0")
    owner = _bearer(app, world.subject)
    path = await _request(client, owner)
    response = await client.get(path, headers=owner)
    assert response.status_code == 202
    assert response.json() == {"status": "PENDING"}
    assert response.headers["retry-after"] == "30"


async def test_after_erasure_the_link_and_the_token_are_dead(
    app: Starlette, client: httpx.AsyncClient, world: DataRightsWorld
) -> None:
    owner = _bearer(app, world.subject)
    path = await _request(client, owner)
    erase = (
        'mutation { accountErase(input: {confirmation: "'
        + data_rights_world.HANDLE
        + '"}) { erased } }'
    )
    response = await client.post("/graphql", json={"query": erase}, headers=owner)
    assert response.json()["data"] == {"accountErase": {"erased": True}}

    assert (await client.get(path, headers=owner)).status_code == 401
    again = await client.post("/graphql", json={"query": REQUEST_EXPORT}, headers=owner)
    assert again.status_code == 401
