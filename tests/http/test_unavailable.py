"""A database that goes away: 503 with Retry-After and a clear error; back to 200 when it returns.

The app talks to PostgreSQL through a TCP proxy this test can cut, so the outage is real:
connections reset, new ones refused.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from asgi_lifespan import LifespanManager

from db.engine import DatabaseLocation
from graph.app import create_app
from graph.auth.authentication import engineer_subject
from graph.auth.roles import MEMBER_SCOPES
from graph.auth.routes import AuthState
from graph.auth.tokens import issue_access_token
from graph.compiler.settings import CompilerSettings
from graph.extensions.budget import MemoryBudgetStore
from graph.http.settings import HardeningSettings
from graph.services.oauth_client import CLI_CLIENT_ID
from tests.http.conftest import settings

QUERY = {"query": "{ engineers(first: 1) { totalCount } }"}


class Proxy:
    """Forwards TCP connections to PostgreSQL until cut."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.server: asyncio.Server | None = None
        self.port = 0
        self.pipes: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for pipe in list(self.pipes):
            pipe.cancel()
        await asyncio.gather(*self.pipes, return_exceptions=True)
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        task = asyncio.current_task()
        assert task is not None
        self.pipes.add(task)
        try:
            await asyncio.gather(
                self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
            )
        finally:
            self.pipes.discard(task)
            for end in (writer, upstream_writer):
                end.transport.abort()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.transport.abort()


@pytest.fixture
async def proxy(database: DatabaseLocation) -> AsyncIterator[tuple[Proxy, str]]:
    """A proxy to the test database, and the database URL through it."""
    parts = urlsplit(database.url)
    proxy = Proxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.start()
    netloc = f"{parts.username or 'postgres'}@127.0.0.1:{proxy.port}"
    yield proxy, urlunsplit(parts._replace(netloc=netloc))
    with contextlib.suppress(Exception):
        await proxy.cut()


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "strawberry"])
async def test_an_outage_is_a_503_with_retry_after_and_the_api_recovers(
    proxy: tuple[Proxy, str], compiled: bool
) -> None:
    server, url = proxy
    app = create_app(
        settings(database_url=url),
        hardening=HardeningSettings(),
        budget_store=MemoryBudgetStore(),
        compiler=CompilerSettings(enabled=compiled, tune_gc=False),
    )
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            # Given a working API
            assert (await client.post("/graphql", json=QUERY)).status_code == 200

            # When its database goes away
            await server.cut()
            response = await client.post("/graphql", json=QUERY)

            # Then the request is refused as unavailable, saying when to retry, not masked
            assert response.status_code == 503
            assert response.headers["retry-after"] == "5"
            error = response.json()["errors"][0]
            assert error["extensions"]["code"] == "INTERNAL"
            assert error["extensions"]["reason"] == "DATABASE_UNAVAILABLE"
            assert "unavailable" in error["message"]

            # And when it is back, the API answers again (a stale pooled connection may cost
            # one more 503)
            await server.start()
            statuses = [(await client.post("/graphql", json=QUERY)).status_code for _ in range(3)]
            assert statuses[-1] == 200
            assert set(statuses) <= {200, 503}


async def test_a_token_that_cannot_be_checked_is_a_503_not_a_crash(
    proxy: tuple[Proxy, str],
) -> None:
    server, url = proxy
    app = create_app(
        settings(database_url=url),
        hardening=HardeningSettings(),
        budget_store=MemoryBudgetStore(),
        compiler=CompilerSettings(tune_gc=False),
    )
    async with LifespanManager(app) as manager:
        state: AuthState = app.state.auth
        token, _ = issue_access_token(
            state.keys.signing_key(),
            issuer=state.settings.issuer,
            audience=state.settings.audience,
            subject=engineer_subject(1),
            client_id=CLI_CLIENT_ID,
            scopes=MEMBER_SCOPES,
            lifetime_seconds=300,
        )
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            # Given a signed-in client whose token check reads the database, which is gone
            await server.cut()
            response = await client.post(
                "/graphql", json=QUERY, headers={"Authorization": f"Bearer {token}"}
            )

    # Then the answer is a 503 in GraphQL's shape, not a server crash
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["errors"][0]["extensions"]["reason"] == "DATABASE_UNAVAILABLE"
