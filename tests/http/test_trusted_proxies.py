"""X-Forwarded-For is believed only from configured proxies (uvicorn configured as `serve` does)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graph.app import create_app
from graph.chapters import ChapterRegistry
from graph.extensions.budget import MemoryBudgetStore
from graph.http.proxies import trusted_proxies, uvicorn_proxy_options
from graph.http.settings import BudgetSettings, HardeningSettings
from tests.http.conftest import settings
from tests.support.in_loop import served

PAGE = {"query": "{ chapters(first: 20) { nodes { slug } } }"}  # 21 points of a 30-point bucket


@asynccontextmanager
async def serving(
    sessionmaker: async_sessionmaker[AsyncSession],
    registry: ChapterRegistry,
    proxies: tuple[str, ...],
) -> AsyncIterator[str]:
    """The app under uvicorn on 127.0.0.1 with `serve`'s proxy options, a 30-point budget."""
    app = create_app(
        settings(),
        sessionmaker=sessionmaker,
        registry=registry,
        hardening=HardeningSettings(budget=BudgetSettings(capacity=30, restore_rate=0.1)),
        budget_store=MemoryBudgetStore(),
    )
    async with LifespanManager(app), served(app, **uvicorn_proxy_options(proxies)) as address:
        yield f"http://{address}/graphql"


async def _statuses(url: str, forwarded_for: list[str]) -> list[int]:
    async with httpx.AsyncClient() as client:
        return [
            (await client.post(url, json=PAGE, headers={"X-Forwarded-For": spoof})).status_code
            for spoof in forwarded_for
        ]


def test_no_proxy_is_trusted_unless_configured() -> None:
    assert trusted_proxies({}) == ()
    assert trusted_proxies({"BRAINGAIN_TRUSTED_PROXIES": " 10.0.0.1, 10.1.0.0/16 "}) == (
        "10.0.0.1",
        "10.1.0.0/16",
    )


async def test_spoofed_forwarded_for_from_an_untrusted_peer_buys_no_fresh_budget(
    sessionmaker: async_sessionmaker[AsyncSession], registry: ChapterRegistry
) -> None:
    # Given the default: no trusted proxies
    async with serving(sessionmaker, registry, ()) as url:
        # When one peer (127.0.0.1) claims a new address in each request
        statuses = await _statuses(url, [f"203.0.113.{index}" for index in range(1, 6)])

    # Then every request draws on the same bucket: after the first, it is throttled
    assert statuses[0] == 200
    assert set(statuses[1:]) == {429}


async def test_a_trusted_proxy_names_the_client_by_its_rightmost_untrusted_hop(
    sessionmaker: async_sessionmaker[AsyncSession], registry: ChapterRegistry
) -> None:
    # Given 127.0.0.1 as the trusted proxy
    async with serving(sessionmaker, registry, ("127.0.0.1",)) as url:
        # When two clients come through it, each with a spoofed left-most entry
        first = await _statuses(url, ["6.6.6.6, 203.0.113.1", "7.7.7.7, 203.0.113.1"])
        second = await _statuses(url, ["6.6.6.6, 203.0.113.2"])

    # Then the client is the right-most hop the proxy saw: the spoofed part changes nothing
    # (203.0.113.1 is throttled on its second page), and another client has its own bucket
    assert first == [200, 429]
    assert second == [200]
