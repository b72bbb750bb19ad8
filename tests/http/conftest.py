"""Fixtures for HTTP tests: in-process clients of the real app with chosen settings."""

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import replace
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graph.app import create_app
from graph.extensions.budget import RedisBudgetStore
from graph.http.settings import HardeningSettings
from graph.settings import Settings

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]


def settings(**overrides: Any) -> Settings:
    """Development settings with overrides (environment, max_body_bytes, …)."""
    base = Settings(
        database_url=None, environment="development", max_body_bytes=100_000, log_level="INFO"
    )
    return replace(base, **overrides)


@pytest.fixture
async def redis_store() -> AsyncIterator[RedisBudgetStore]:
    """A real Redis budget store whose keys are unique to this test."""
    store = RedisBudgetStore(REDIS_URL, prefix=f"braingain-test:{uuid.uuid4().hex}:")
    try:
        await store.redis.ping()
    except (RedisError, OSError) as error:
        pytest.fail(
            f"Redis is required at {REDIS_URL} (TEST_REDIS_URL): start it, e.g. "
            f"`redis-server --daemonize yes` ({error})"
        )
    yield store
    keys = [key async for key in store.redis.scan_iter(f"{store.prefix}*")]
    if keys:
        await store.redis.delete(*keys)
    await store.close()


@pytest.fixture
async def make_client(
    sessionmaker: async_sessionmaker[AsyncSession], redis_store: RedisBudgetStore
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
                hardening=hardening or HardeningSettings(),
                budget_store=options.pop("budget_store", redis_store),
                **options,
            )
            manager = await stack.enter_async_context(LifespanManager(app))
            transport = httpx.ASGITransport(app=manager.app)
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://test")
            )

        yield factory
