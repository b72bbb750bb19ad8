"""Racing accepts for a contributor with one slot left: exactly one wins (separate connections)."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.engine import DatabaseLocation, create_engine
from db.models import Engagement, Engineer, Opportunity
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.services import application as service
from graph.services.problems import Rejected
from tests import contribution_world as world
from tests import factories, viewers

RACERS = 5


@pytest.fixture
async def racing_engine(database: DatabaseLocation) -> AsyncIterator[AsyncEngine]:
    """An engine with a connection per racer (the shared test engine has two)."""
    engine = create_engine(database.url, pool_size=RACERS + 1)
    yield engine
    await engine.dispose()


async def _accept(engine: AsyncEngine, viewer: Viewer, application_id: int) -> str:
    """One accept in its own transaction on its own connection: 'won' or the refusal code."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        try:
            await service.accept(session, viewer, application_id)
        except Rejected as refused:
            await session.rollback()
            return str(refused.problems[0].code.value)
        await session.commit()
        return "won"


async def test_parallel_accepts_for_the_last_slot_let_exactly_one_win(
    racing_engine: AsyncEngine, engine: AsyncEngine, registry: ChapterRegistry
) -> None:
    del engine  # chapters are synced by the shared engine fixture
    async with AsyncSession(racing_engine, expire_on_commit=False) as session:
        seeker = await factories.engineer(session)
        contributor = await factories.engineer(session, max_mentees=2, capacity_hours_per_month=40)
        await world.engagement(session, contributor, seeker)  # one of two slots taken
        applications = []
        for _ in range(RACERS):
            target = await world.opportunity(session, seeker)
            applications.append(await world.application(session, target, contributor))
        as_seeker = await viewers.engineer(session, registry, seeker)
        await session.commit()
    try:
        outcomes = await asyncio.gather(
            *(_accept(racing_engine, as_seeker, application.id) for application in applications)
        )
        assert sorted(outcomes) == ["CAPACITY_EXCEEDED"] * (RACERS - 1) + ["won"]
        async with AsyncSession(racing_engine) as session:
            open_engagements = await session.scalars(
                select(Engagement.id).where(Engagement.contributor_id == contributor.id)
            )
            assert len(list(open_engagements)) == 2
    finally:
        async with AsyncSession(racing_engine) as session:
            await session.execute(
                delete(Engagement).where(Engagement.contributor_id == contributor.id)
            )
            await session.execute(delete(Opportunity).where(Opportunity.poster_id == seeker.id))
            await session.execute(
                delete(Engineer).where(Engineer.id.in_([seeker.id, contributor.id]))
            )
            await session.commit()
