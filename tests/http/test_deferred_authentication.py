"""A signed-in mutation's token check rides in its budget spend's statement (graph.auth.deferred).

The budget store here spends on the test's own connection, so its statement sees what the test
arranged (and is rolled back with it); it notes every statement it runs.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from db.engine import DatabaseLocation, StatementCounter
from db.models import Engineer, Membership, RevokedAccessToken
from graph.app import create_app
from graph.auth.authentication import engineer_subject
from graph.auth.roles import MEMBER_SCOPES
from graph.auth.routes import AuthState
from graph.auth.tokens import issue_access_token
from graph.compiler.settings import CompilerSettings
from graph.extensions.budget import BudgetStore
from graph.extensions.budget_lease import LeasedBudgetStore
from graph.extensions.budget_postgres import PostgresBudgetStore
from graph.http.settings import BudgetSettings, HardeningSettings
from graph.ids import encode_id
from graph.services.oauth_client import CLI_CLIENT_ID
from tests import factories

JOIN = """
mutation Join($input: ChapterMembershipInput!) {
  chapterJoin(input: $input) {
    membership { status chapter { slug } engineer { handle } }
    userErrors { field code message }
  }
}
"""
PREFIX = "test-deferred:"
OPEN = ("gulf-uae", "north-america-east")
BUDGET = HardeningSettings(budget=BudgetSettings(capacity=1000, restore_rate=100))
"""Leases hold min(1000 × 0.1, 100 × 0.5) = 50 points: more than a join costs."""


class Noted:
    """The test's driver connection, noting the statements run on it."""

    def __init__(self, driver: Any, statements: list[str]) -> None:
        self.driver = driver
        self.statements = statements

    async def fetchrow(self, sql: str, *arguments: Any) -> Any:
        """Note, then run."""
        self.statements.append(sql)
        return await self.driver.fetchrow(sql, *arguments)

    async def execute(self, sql: str, *arguments: Any) -> Any:
        """Note, then run."""
        self.statements.append(sql)
        return await self.driver.execute(sql, *arguments)


class OwnPool:
    """What PostgresBudgetStore needs of a pool, handing out the test's connection."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.statements: list[str] = []

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[Noted]:
        """The test's connection."""
        yield Noted(self.driver, self.statements)

    async def close(self) -> None:
        """Nothing to close: the test owns the connection."""


@pytest.fixture
async def pool(connection: AsyncConnection) -> OwnPool:
    """The budget store's pool: the test's transaction."""
    raw = await connection.get_raw_connection()
    return OwnPool(raw.driver_connection)


@pytest.fixture
def shared(database: DatabaseLocation, pool: OwnPool) -> PostgresBudgetStore:
    """A PostgreSQL budget store spending on the test's connection."""
    store = PostgresBudgetStore(database.url, PREFIX)
    store.pool = pool
    return store


@asynccontextmanager
async def signed_in(
    sessionmaker: async_sessionmaker[AsyncSession], engineer: Engineer, store: BudgetStore
) -> AsyncIterator[tuple[httpx.AsyncClient, str, str]]:
    """A client of the app (compiled mutations on, `store` for budgets), a member's token for
    `engineer` and the token's id."""
    app = create_app(
        sessionmaker=sessionmaker,
        compiler=CompilerSettings(report_path=True, tune_gc=False, mutations=True),
        hardening=BUDGET,
        budget_store=store,
    )
    async with LifespanManager(app) as manager:
        state: AuthState = app.state.auth
        token, claims = issue_access_token(
            state.keys.signing_key(),
            issuer=state.settings.issuer,
            audience=state.settings.audience,
            subject=engineer_subject(engineer.id),
            client_id=CLI_CLIENT_ID,
            scopes=MEMBER_SCOPES,
            lifetime_seconds=300,
        )
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client, token, str(claims["jti"])


async def _join(
    client: httpx.AsyncClient, token: str, chapter: int, **input: Any
) -> httpx.Response:
    variables = {"input": {"chapter": encode_id("Chapter", chapter), **input}}
    return await client.post(
        "/graphql",
        json={"query": JOIN, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
async def engineer(session: AsyncSession) -> Engineer:
    """An engineer with no membership."""
    row = await factories.engineer(session, handle="deferred-joiner")
    await session.flush()
    return row


@pytest.fixture
async def chapters(session: AsyncSession) -> list[int]:
    """Two open chapters."""
    return [(await factories.chapter(session, slug)).id for slug in OPEN]


async def _revoke(session: AsyncSession, jti: str) -> None:
    session.add(RevokedAccessToken(jti=jti, expires_at=datetime.now(UTC) + timedelta(hours=1)))
    await session.flush()


async def _bucket(pool: OwnPool, engineer: Engineer) -> Any:
    return await pool.driver.fetchrow(
        "SELECT level FROM rate_budgets WHERE key = $1", f"{PREFIX}engineer:{engineer.id}"
    )


async def test_a_signed_in_mutation_checks_its_token_in_the_spend_statement(
    sessionmaker: async_sessionmaker[AsyncSession],
    engineer: Engineer,
    chapters: list[int],
    shared: PostgresBudgetStore,
    pool: OwnPool,
    statements: StatementCounter,
) -> None:
    # Given an engineer signed in
    async with signed_in(sessionmaker, engineer, shared) as (client, token, _):
        statements.reset()
        # When they join an open chapter
        response = await _join(client, token, chapters[0])
    # Then they joined, charged their budget, and their token was checked in the same
    # statement as the spend, not on the mutation's connection before it
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"]["chapterJoin"]["userErrors"] == []
    assert body["data"]["chapterJoin"]["membership"]["status"] == "ACTIVE"
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] < 1000
    spends = [sql for sql in pool.statements if "rate_budgets" in sql]
    assert "revoked_access_tokens" in spends[0]
    assert not any("revoked_access_tokens" in sql for sql in statements.statements)
    assert await _bucket(pool, engineer) is not None


async def test_a_revoked_token_is_refused_before_any_point_is_spent(
    sessionmaker: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    engineer: Engineer,
    chapters: list[int],
    shared: PostgresBudgetStore,
    pool: OwnPool,
) -> None:
    # Given an engineer whose token was revoked
    async with signed_in(sessionmaker, engineer, shared) as (client, token, jti):
        await _revoke(session, jti)
        # When they try to join a chapter, and to send a document whose variables are wrong
        joined = await _join(client, token, chapters[0])
        malformed = await _join(client, token, chapters[0], unknown=1)
    # Then both answer 401 as before the check moved, and no point was spent
    for response in (joined, malformed):
        assert response.status_code == 401
        assert response.json()["errors"][0]["message"] == "Invalid access token: token was revoked."
    assert await _bucket(pool, engineer) is None


async def test_a_leased_budget_pays_only_once_the_token_was_checked_on_its_own(
    sessionmaker: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    engineer: Engineer,
    chapters: list[int],
    shared: PostgresBudgetStore,
    pool: OwnPool,
    statements: StatementCounter,
) -> None:
    # Given an engineer whose first join leased budget points to this worker
    store = LeasedBudgetStore(shared, idle_seconds=60)
    async with signed_in(sessionmaker, engineer, store) as (client, token, jti):
        first = await _join(client, token, chapters[0])
        lease = store.leases[f"engineer:{engineer.id}"]
        leased, spends = lease.points, len(pool.statements)
        statements.reset()
        # When they join another chapter (the lease pays), then their token is revoked
        second = await _join(client, token, chapters[1])
        paid = lease.points
        await _revoke(session, jti)
        refused = await _join(client, token, chapters[0])
        left, sent = lease.points, len(pool.statements)
        await store.close_leases()
    # Then the lease paid the second join after the token was checked on its own, and the
    # revoked token spent nothing from it
    assert first.json()["data"]["chapterJoin"]["userErrors"] == []
    assert second.json()["data"]["chapterJoin"]["userErrors"] == []
    assert paid < leased
    assert sent == spends  # neither the second join nor the refused one went to the store
    assert any("revoked_access_tokens" in sql for sql in statements.statements)
    assert refused.status_code == 401
    assert left == paid


async def test_a_token_for_no_engineer_is_refused_before_any_point_is_spent(
    sessionmaker: async_sessionmaker[AsyncSession],
    chapters: list[int],
    shared: PostgresBudgetStore,
    pool: OwnPool,
) -> None:
    # Given a token whose engineer does not exist
    nobody = Engineer(id=2_000_000_000)
    async with signed_in(sessionmaker, nobody, shared) as (client, token, _):
        # When it is used to join a chapter
        response = await _join(client, token, chapters[0])
    # Then it is refused as before, and nothing was spent
    assert response.status_code == 401
    message = response.json()["errors"][0]["message"]
    assert message == "Invalid access token: engineer no longer exists."
    assert await _bucket(pool, nobody) is None


class DownPool:
    """A budget store's pool whose database cannot be reached."""

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[Any]:
        """Refuse, as a stopped server does."""
        raise OSError("connection refused")
        yield  # pragma: no cover (a generator, for asynccontextmanager)

    async def close(self) -> None:
        """Nothing to close."""


async def test_with_the_budget_store_down_a_revoked_token_still_changes_nothing(
    sessionmaker: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    database: DatabaseLocation,
    engineer: Engineer,
    chapters: list[int],
) -> None:
    # Given a budget store that cannot be reached (the charge fails open), and an engineer
    # whose token was revoked
    down = PostgresBudgetStore(database.url, PREFIX)
    down.pool = DownPool()  # only acquire() is used
    async with signed_in(sessionmaker, engineer, down) as (client, token, jti):
        await _revoke(session, jti)
        # When they try to join a chapter
        refused = await _join(client, token, chapters[0])
    # Then the check the spend would have carried still ran: 401, and no membership
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["message"] == "Invalid access token: token was revoked."
    assert (
        await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.engineer_id == engineer.id)
        )
        == 0
    )
