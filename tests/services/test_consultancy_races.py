"""Racing awards on one closed RFP, and bids racing its early close (separate connections):
exactly one award wins; every bid either lands before the close or is refused after it."""

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.engine import DatabaseLocation, create_engine
from db.models import AuditLogEntry, ConsultancyProposal, Engagement, Engineer, Institution, Sector
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.services import consultancy as service
from graph.services.problems import Rejected
from tests import consultancy_world, factories, viewers

RACERS = 4


@pytest.fixture
async def racing_engine(database: DatabaseLocation) -> AsyncIterator[AsyncEngine]:
    """An engine with a connection per racer (the shared test engine has two)."""
    engine = create_engine(database.url, pool_size=RACERS + 2)
    yield engine
    await engine.dispose()


async def _attempt(engine: AsyncEngine, work: object) -> str:
    """One service call in its own transaction: 'won' or the refusal code."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        try:
            await work(session)  # type: ignore[operator]  # a coroutine function of a session
        except Rejected as refused:
            await session.rollback()
            return str(refused.problems[0].code.value)
        await session.commit()
        return "won"


async def _cleanup(engine: AsyncEngine, market: consultancy_world.Market) -> None:
    people = [market.staff.id, market.stranger.id, *(b.id for b in market.bidders)]
    async with AsyncSession(engine) as session:
        await session.execute(
            delete(AuditLogEntry).where(AuditLogEntry.actor_engineer_id.in_(people))
        )
        await session.execute(delete(Engagement).where(Engagement.contributor_id.in_(people)))
        await session.execute(delete(Institution).where(Institution.id == market.institution.id))
        await session.execute(delete(Engineer).where(Engineer.id.in_(people)))
        await session.execute(delete(Sector).where(Sector.slug == "race-water"))
        await session.commit()


async def test_parallel_awards_let_exactly_one_proposal_win(
    racing_engine: AsyncEngine, engine: AsyncEngine, registry: ChapterRegistry
) -> None:
    del engine  # chapters are synced by the shared engine fixture
    async with AsyncSession(racing_engine, expire_on_commit=False) as session:
        market = await consultancy_world.build(session, "race")
        staff = await viewers.engineer(session, registry, market.staff)
        await session.commit()
    try:
        names = ["closed-0", "closed-1", "closed-2", "closed-1"]
        outcomes = await asyncio.gather(
            *(
                _attempt(
                    racing_engine,
                    lambda s, key=market.proposals[name].id: service.award(s, staff, key),
                )
                for name in names
            )
        )
        assert sorted(outcomes) == ["ALREADY_AWARDED"] * 3 + ["won"]
        async with AsyncSession(racing_engine) as session:
            awarded = await session.scalar(
                select(func.count()).where(
                    ConsultancyProposal.opportunity_id == market.opportunities["closed"].id,
                    ConsultancyProposal.status == "AWARDED",
                )
            )
            assert awarded == 1
    finally:
        await _cleanup(racing_engine, market)


async def test_bids_racing_an_early_close_land_before_it_or_are_refused(
    racing_engine: AsyncEngine, engine: AsyncEngine, registry: ChapterRegistry
) -> None:
    del engine
    async with AsyncSession(racing_engine, expire_on_commit=False) as session:
        market = await consultancy_world.build(session, "race")
        late = [await factories.engineer(session, handle=f"race-late-{n}") for n in range(3)]
        staff = await viewers.engineer(session, registry, market.staff)
        bidders: list[Viewer] = [await viewers.engineer(session, registry, p) for p in late]
        await session.commit()
    target = market.opportunities["open"].id
    bid = service.Bid("100.00", "USD", "Quick look", "One week")
    try:
        outcomes = await asyncio.gather(
            _attempt(racing_engine, lambda s: service.close_rfp(s, staff, target)),
            *(
                _attempt(racing_engine, lambda s, v=viewer: service.submit(s, v, target, bid))
                for viewer in bidders
            ),
        )
        assert outcomes[0] == "won"
        assert set(outcomes[1:]) <= {"won", "RFP_CLOSED"}
        async with AsyncSession(racing_engine) as session:
            landed = await session.scalar(
                select(func.count()).where(
                    ConsultancyProposal.opportunity_id == target,
                    ConsultancyProposal.price == Decimal("100.00"),
                )
            )
            assert landed == outcomes[1:].count("won")
    finally:
        async with AsyncSession(racing_engine) as session:
            await session.execute(delete(Engineer).where(Engineer.id.in_([p.id for p in late])))
            await session.commit()
        await _cleanup(racing_engine, market)
