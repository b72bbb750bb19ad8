"""A database that goes away: 503 with Retry-After and a clear error; back to 200 when it returns.

The app talks to PostgreSQL through a TCP proxy this test can cut, so the outage is real:
connections reset, new ones refused.
"""

import asyncio
import contextlib
import socket
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager

from db.engine import DatabaseLocation, connect_args, to_libpq_url
from graph.app import create_app
from graph.auth.authentication import engineer_subject
from graph.auth.roles import MEMBER_SCOPES
from graph.auth.routes import AuthState
from graph.auth.tokens import issue_access_token
from graph.compiler.settings import CompilerSettings
from graph.extensions.budget import MemoryBudgetStore
from graph.extensions.unavailable import is_database_unavailable
from graph.http.settings import HardeningSettings
from graph.services.oauth_client import CLI_CLIENT_ID
from tests.http.conftest import settings

QUERY = {"query": "{ engineers(first: 1) { totalCount } }"}


class Proxy:
    """Forwards connections to PostgreSQL until cut.

    It listens on TCP, or on a unix socket in `socket_directory` (as the embedded server does);
    cutting a unix proxy also removes its socket file, as a stopped embedded server does.
    """

    def __init__(self, target: tuple[str, int], socket_directory: Path | None = None) -> None:
        # a TCP host and port, or (the embedded server) a unix-socket directory and port
        self.target = target
        self.socket_directory = socket_directory
        self.server: asyncio.Server | None = None
        self.port = 0
        self.pipes: set[asyncio.Task[None]] = set()

    @property
    def socket_path(self) -> Path:
        assert self.socket_directory is not None
        return self.socket_directory / f".s.PGSQL.{self.port}"

    async def start(self) -> None:
        if self.socket_directory is None:
            self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
            self.port = self.server.sockets[0].getsockname()[1]
        else:
            self.port = self.port or 15432
            self.server = await asyncio.start_unix_server(self._serve, str(self.socket_path))

    def url(self, database_url: str) -> str:
        """`database_url` with its host and port replaced by this proxy's."""
        parts = urlsplit(database_url)
        netloc = f"{parts.username or 'postgres'}@127.0.0.1:{self.port}"
        query = "" if self.socket_directory is None else f"host={self.socket_directory}"
        return urlunsplit(parts._replace(netloc=netloc, query=query))

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for pipe in list(self.pipes):
            pipe.cancel()
        await asyncio.gather(*self.pipes, return_exceptions=True)
        await self.server.wait_closed()
        if self.socket_directory is not None:
            self.socket_path.unlink(missing_ok=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, port = self.target
        if host.startswith("/"):
            upstream_reader, upstream_writer = await asyncio.open_unix_connection(
                f"{host}/.s.PGSQL.{port}"
            )
        else:
            upstream_reader, upstream_writer = await asyncio.open_connection(host, port)
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


def _target(database_url: str) -> tuple[str, int]:
    """Where the test database listens: TCP host, or the embedded server's socket directory."""
    parts = urlsplit(database_url)
    socket_directory = parse_qs(parts.query).get("host", [None])[0]
    return socket_directory or parts.hostname or "127.0.0.1", parts.port or 5432


@pytest.fixture(params=["tcp", "unix-socket"])
async def proxy(
    request: pytest.FixtureRequest, database: DatabaseLocation
) -> AsyncIterator[tuple[Proxy, str]]:
    """A proxy to the test database (over TCP, or a unix socket that disappears when cut),
    and the database URL through it."""
    with tempfile.TemporaryDirectory(prefix="bg-proxy-") as directory:
        # a short directory: unix socket paths are limited to ~100 bytes
        socket_directory = Path(directory) if request.param == "unix-socket" else None
        proxy = Proxy(_target(database.url), socket_directory)
        await proxy.start()
        yield proxy, proxy.url(database.url)
        with contextlib.suppress(Exception):
            await proxy.cut()


async def test_an_outage_is_a_503_with_retry_after_and_the_api_recovers(
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


async def test_the_token_endpoint_answers_503_during_an_outage(
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
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            # Given an institution asking for a token while the database is gone
            await server.cut()
            response = await client.post(
                "/oauth/token",
                data={"grant_type": "client_credentials", "scope": "profiles:read"},
                auth=("some-client", "some-secret"),
            )

    # Then it is told to retry later, in the documented shape, rather than crashing
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["errors"][0]["extensions"]["reason"] == "DATABASE_UNAVAILABLE"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    "target",
    [
        pytest.param({"host": "127.0.0.1", "port": "free"}, id="connection-refused"),
        pytest.param({"host": "/nonexistent-braingain-socket-dir", "port": 5432}, id="no-socket"),
        pytest.param({"host": "no-such-host.invalid", "port": 5432}, id="dns-failure"),
    ],
)
async def test_every_way_of_not_reaching_postgresql_is_classified_unavailable(
    target: dict[str, Any],
) -> None:
    # Given a real connection attempt to a database that is not there
    port = _free_port() if target["port"] == "free" else target["port"]
    with pytest.raises((OSError, asyncpg.PostgresError)) as raised:
        await asyncpg.connect(host=target["host"], port=port, user="postgres", timeout=5)

    # Then the error is recognised as an outage (a 503), not a bug (a masked 500)
    assert is_database_unavailable(raised.value), repr(raised.value)


async def test_server_side_refusals_are_classified_unavailable(database: DatabaseLocation) -> None:
    # Given PostgreSQL's own refusals: a read-only transaction written to (as on a standby),
    # and a terminated backend (as at an admin shutdown)
    dsn = to_libpq_url(database.url).split("?")[0]
    arguments = connect_args(database.url)
    del arguments["server_settings"]
    connection = await asyncpg.connect(dsn, **arguments)
    try:
        with pytest.raises(asyncpg.PostgresError) as read_only:
            async with connection.transaction(readonly=True):
                await connection.execute("CREATE TEMPORARY TABLE standby_probe (id int)")
        victim = await asyncpg.connect(dsn, **arguments)
        await connection.execute("SELECT pg_terminate_backend($1)", victim.get_server_pid())
        await asyncio.sleep(0.3)  # the server's FATAL message reaches the victim first
        with pytest.raises((OSError, asyncpg.PostgresError, asyncpg.InterfaceError)) as terminated:
            await victim.execute("SELECT 1")
        victim.terminate()
    finally:
        await connection.close()

    # Then both read as an outage
    assert is_database_unavailable(read_only.value), repr(read_only.value)
    assert is_database_unavailable(terminated.value), repr(terminated.value)


def test_a_bug_is_not_an_outage() -> None:
    assert not is_database_unavailable(ValueError("a bug"))
    assert not is_database_unavailable(KeyError("missing"))
