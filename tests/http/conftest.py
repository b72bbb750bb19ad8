"""Fixtures for HTTP tests: in-process clients of the real app with chosen settings."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import replace
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import DatabaseLocation
from graph.app import create_app
from graph.extensions.budget_postgres import PostgresBudgetStore
from graph.http.settings import HardeningSettings
from graph.settings import Settings
from tests.conftest import lean_over

ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]


def settings(**overrides: Any) -> Settings:
    """Development settings with overrides (environment, max_body_bytes, …)."""
    base = Settings(
        database_url=None, environment="development", max_body_bytes=100_000, log_level="INFO"
    )
    return replace(base, **overrides)


@pytest.fixture
async def budget_store(database: DatabaseLocation) -> AsyncIterator[PostgresBudgetStore]:
    """A PostgreSQL budget store on the test database whose keys are unique to this test."""
    store = PostgresBudgetStore(database.url, prefix=f"test-{uuid.uuid4().hex}:")
    yield store
    if store.pool is not None:
        async with store.pool.acquire() as connection:
            await connection.execute(
                "DELETE FROM rate_budgets WHERE starts_with(key, $1)", store.prefix
            )
    await store.close()


@pytest.fixture
async def make_client(
    sessionmaker: async_sessionmaker[AsyncSession], budget_store: PostgresBudgetStore
) -> AsyncIterator[ClientFactory]:
    """Builds clients of the app (sharing the test's transaction) with chosen settings."""
    async with AsyncExitStack() as stack:

        async def factory(
            hardening: HardeningSettings | None = None,
            app_settings: Settings | None = None,
            **options: Any,
        ) -> httpx.AsyncClient:
            app = create_app(
                app_settings or settings(),
                sessionmaker=sessionmaker,
                lean=options.pop("lean", lean_over(sessionmaker)),
                hardening=hardening or HardeningSettings(),
                budget_store=options.pop("budget_store", budget_store),
                **options,
            )
            manager = await stack.enter_async_context(LifespanManager(app))
            transport = httpx.ASGITransport(app=manager.app)
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://test")
            )

        yield factory
