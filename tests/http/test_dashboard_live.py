"""dashboardUpdated over a real websocket: committed writes (NOTIFY needs a real commit) reach
a dashboard at most once a second however many there are; a write that changes nothing the
dashboard shows sends nothing; an unknown chapter is refused. Rows are deleted afterwards."""

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection

from db.engine import DatabaseLocation
from db.models import Engineer, Opportunity, OpportunitySector, Sector
from graph.app import create_app
from graph.chapters import ChapterRegistry
from graph.extensions.budget import MemoryBudgetStore
from graph.resolvers.stats import UPDATE_INTERVAL_SECONDS
from graph.services.stats_cache import StatsCache
from graph.settings import Settings
from graph.subscriptions.broker import EventBroker
from tests import contribution_world as world
from tests import factories
from tests.http.test_live_updates import nothing_more, subscribe
from tests.http.test_subscriptions import TIMEOUT, open_socket, receive
from tests.support.in_loop import served

DASHBOARD = """
subscription ($chapter: String) {
  dashboardUpdated(chapter: $chapter) {
    chapterSlug
    supplyDemand(kind: MENTORSHIP, groupBy: CHAPTER) { sectorSlug chapterSlug demand }
  }
}
"""
WRITES = 30
"""Committed writes in the burst, one every WRITE_GAP seconds."""
WRITE_GAP = 0.1


@dataclass
class Dashboard:
    """The app in the test's loop, its broker, and a committed sector with a poster."""

    url: str
    broker: EventBroker
    cache: StatsCache
    engine: AsyncEngine
    sector: Sector
    poster: Engineer


@pytest.fixture
async def dashboard(
    database: DatabaseLocation, engine: AsyncEngine, registry: ChapterRegistry
) -> AsyncIterator[Dashboard]:
    settings = Settings(
        database_url=database.url, environment="test", max_body_bytes=100_000, log_level="INFO"
    )
    broker = EventBroker(database.url)
    app = create_app(settings, registry=registry, budget_store=MemoryBudgetStore(), events=broker)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        sector = await factories.sector(session)
        poster = await factories.engineer(session, offers=[])
        await session.commit()
    try:
        async with LifespanManager(app), served(app) as url:
            yield Dashboard(url, broker, stats_cache(app), engine, sector, poster)
    finally:
        await broker.close()
        async with AsyncSession(engine) as session:
            await session.execute(delete(Opportunity).where(Opportunity.poster_id == poster.id))
            await session.execute(delete(Engineer).where(Engineer.id == poster.id))
            await session.execute(delete(Sector).where(Sector.id == sector.id))
            await session.commit()


def stats_cache(app: Starlette) -> StatsCache:
    """The statistics cache of the app's GraphQL endpoint."""
    endpoint = next(route for route in app.routes if getattr(route, "path", "") == "/graphql")
    cache = getattr(endpoint, "endpoint", None) or getattr(endpoint, "app", None)
    found = getattr(cache, "stats", None)
    assert isinstance(found, StatsCache)
    return found


async def post_opportunity(board: Dashboard) -> None:
    """Commit one open public mentorship in the dashboard's sector."""
    async with AsyncSession(board.engine, expire_on_commit=False) as session:
        row = await world.opportunity(session, board.poster)
        await world.add(
            session, OpportunitySector(opportunity_id=row.id, sector_id=board.sector.id)
        )
        await session.commit()


async def listening(board: Dashboard, count: int) -> None:
    """Wait until `count` dashboards follow the worker's statistics."""
    deadline = time.monotonic() + TIMEOUT
    while board.cache.followers != count:
        assert time.monotonic() < deadline, f"never {count} dashboards"
        await asyncio.sleep(0.02)


def demand(update: dict[str, Any], sector: Sector, chapter: str) -> int:
    """The dashboard's mentorship demand in the sector for one chapter."""
    return next(
        int(cell["demand"])
        for cell in update["supplyDemand"]
        if cell["sectorSlug"] == sector.slug and cell["chapterSlug"] == chapter
    )


async def test_many_writes_reach_each_dashboard_at_most_once_a_second(
    dashboard: Dashboard,
) -> None:
    # Given the portal's dashboard and the gulf chapter's, followed over two sockets
    sockets = {chapter: await open_socket(dashboard.url) for chapter in (None, "gulf-uae")}
    try:
        for chapter, socket in sockets.items():
            await subscribe(socket, DASHBOARD, {"chapter": chapter})
        await listening(dashboard, 2)

        async def updates(socket: ClientConnection) -> list[tuple[float, dict[str, Any]]]:
            """Each update as it arrives, until one has every write in it."""
            received: list[tuple[float, dict[str, Any]]] = []
            while not received or demand(received[-1][1], dashboard.sector, "gulf-uae") < WRITES:
                message = await receive(socket)
                assert message["type"] == "next", message
                assert "errors" not in message["payload"], message
                received.append((time.monotonic(), message["payload"]["data"]["dashboardUpdated"]))
            return received

        readers = {
            chapter: asyncio.create_task(updates(socket)) for chapter, socket in sockets.items()
        }

        # When thirty writes are committed over three seconds
        started = time.monotonic()
        for _ in range(WRITES):
            await post_opportunity(dashboard)
            await asyncio.sleep(WRITE_GAP)
        written = time.monotonic() - started

        # Then each dashboard receives a few updates, a second or more apart, the last one
        # with every write in it
        for chapter, socket in sockets.items():
            received = await asyncio.wait_for(readers[chapter], TIMEOUT)
            arrivals = [arrived for arrived, _ in received]
            assert received[-1][1]["chapterSlug"] == chapter
            gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
            assert all(gap >= UPDATE_INTERVAL_SECONDS * 0.9 for gap in gaps), gaps
            assert 2 <= len(arrivals) <= written / UPDATE_INTERVAL_SECONDS + 2, arrivals
            assert await nothing_more(socket)
    finally:
        for socket in sockets.values():
            await socket.close()


async def test_a_write_that_changes_nothing_shown_sends_nothing(dashboard: Dashboard) -> None:
    socket = await open_socket(dashboard.url)
    try:
        await subscribe(socket, DASHBOARD, {"chapter": "gulf-uae"})
        await listening(dashboard, 1)

        # When a counted table changes in a way no figure shows (a headline)
        async with AsyncSession(dashboard.engine) as session:
            await session.execute(
                update(Engineer)
                .where(Engineer.id == dashboard.poster.id)
                .values(headline="Now a grid planner")
            )
            await session.commit()

        # Then no update comes; and the next real change does
        await asyncio.sleep(UPDATE_INTERVAL_SECONDS)
        assert await nothing_more(socket)
        await post_opportunity(dashboard)
        message = await receive(socket)
        assert demand(message["payload"]["data"]["dashboardUpdated"], dashboard.sector, "gulf-uae")
    finally:
        await socket.close()


async def test_an_unknown_chapter_is_refused_at_start(dashboard: Dashboard) -> None:
    socket = await open_socket(dashboard.url)
    try:
        await subscribe(socket, DASHBOARD, {"chapter": "atlantis"})
        message = await receive(socket)
        assert message["type"] == "error", message
        assert message["payload"][0]["extensions"]["code"] == "NOT_FOUND"
        await listening(dashboard, 0)
    finally:
        await socket.close()
