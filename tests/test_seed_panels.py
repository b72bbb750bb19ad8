"""Demo investment asks and panels: every state at every scale, and the ledger equal to the
meetings attended."""

import random

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.cpd import load_cpd_config
from db.models import (
    AdvisoryPanel,
    EngagementSession,
    InvestmentAsk,
    InvestmentCommitment,
    LedgerEntry,
    PanelAttendance,
    PanelCandidacy,
    PanelMembership,
)
from db.queries.panel import membership_status
from db.seed.panels import seed_panels
from tests import factories


@pytest.mark.parametrize("scale", [0.05, 1.0, 3.0])
async def test_every_state_appears_at_every_scale(session: AsyncSession, scale: float) -> None:
    # Given startups, a university and a public body with staff, and overseas engineers
    await factories.sector(session, slug="water", name="Water Management")
    for slug, kind in (
        ("start-a", "STARTUP"),
        ("start-b", "STARTUP"),
        ("uni", "UNIVERSITY"),
        ("wapda", "GOVERNMENT"),
    ):
        owner = await factories.institution(session, slug=slug, kind=kind)
        await factories.affiliation(session, await factories.engineer(session), owner)
    for _ in range(30):
        await factories.engineer(session)
    # When the programmes are seeded
    counts = await seed_panels(
        await session.connection(), random.Random(3), scale, load_cpd_config()
    )

    async def values(column: object) -> set[object]:
        return set(await session.scalars(select(column).distinct()))  # type: ignore[call-overload]

    # Then asks are open and closed, commitments disclosed or not, active or withdrawn
    assert await values(InvestmentAsk.status) == {"OPEN", "CLOSED"}
    assert await values(InvestmentCommitment.disclosed) == {True, False}
    assert await values(InvestmentCommitment.status) == {"ACTIVE", "WITHDRAWN"}
    assert counts["investment_asks"] == await session.scalar(select(func.count(InvestmentAsk.id)))
    # And panels are open and closed, candidacies in every state, seats in every term state
    assert await values(AdvisoryPanel.status) == {"OPEN", "CLOSED"}
    assert await values(AdvisoryPanel.kind) == {"ADVISORY", "CURRICULUM_REVIEW"}
    assert await values(PanelCandidacy.status) == {"APPOINTED", "PENDING", "NOMINATED", "WITHDRAWN"}
    assert await values(membership_status()) == {"ACTIVE", "ENDED", "UPCOMING"}
    # And every attendance is a countersigned session with its ledger entry
    attended = await session.scalar(select(func.count()).select_from(PanelAttendance))
    assert attended
    assert attended == await session.scalar(
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.kind.in_(("ADVISORY_PANEL", "CURRICULUM_REVIEW")))
    )
    unsigned = await session.scalar(
        select(func.count())
        .select_from(EngagementSession)
        .where(EngagementSession.countersigned_at.is_(None))
    )
    assert unsigned == 0
    # And seats never exceed a panel's count
    over = await session.scalar(
        select(func.count())
        .select_from(AdvisoryPanel)
        .where(
            AdvisoryPanel.seats
            < select(func.count())
            .where(PanelMembership.panel_id == AdvisoryPanel.id)
            .correlate(AdvisoryPanel)
            .scalar_subquery()
        )
    )
    assert over == 0
