"""Demo marketplace data: RFPs in every stage at every scale, sealed where they should be,
contracts with priced milestones, reviews both ways on completed ones, service listings."""

import random
from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ConsultancyProposal,
    ConsultancyRfp,
    ContractMilestone,
    Engagement,
    Feedback,
    Invitation,
    Opportunity,
    ServiceListing,
)
from db.queries.consultancy import rfp_stage
from db.seed.consultancy import seed_consultancy
from graph.auth.viewer import Viewer
from graph.reads.consultancy import proposals_visible
from tests import factories


@pytest.mark.parametrize("scale", [0.05, 3.0])
async def test_every_stage_appears_at_every_scale_and_the_seal_holds(
    session: AsyncSession, scale: float
) -> None:
    # Given institutions with staff, overseas contributors and sectors
    institutions = [await factories.institution(session) for _ in range(3)]
    staff = [await factories.engineer(session, is_overseas=False) for _ in range(3)]
    for person, institution in zip(staff, institutions, strict=True):
        await factories.affiliation(session, person, institution)
    for _ in range(12):
        await factories.engineer(session, offers=["CONSULTANCY"])
    for number in range(3):
        await factories.sector(session, slug=f"seed-mkt-{number}", name=f"Seed Mkt {number}")
    await session.flush()

    # When the marketplace is seeded
    counts = await seed_consultancy(await session.connection(), random.Random(3), scale)

    # Then every stage appears at least twice
    stages = Counter((await session.scalars(select(rfp_stage()))).all())
    assert set(stages) == {"OPEN", "CLOSED", "AWARDED", "COMPLETED"}
    assert min(stages.values()) >= 2
    assert counts["consultancy_rfps"] == sum(stages.values())
    # And the RFPs are CONSULTANCY opportunities whose deadline is the closing date
    joined = await session.execute(
        select(Opportunity.kind, Opportunity.deadline, ConsultancyRfp.closes_at).join(
            ConsultancyRfp, ConsultancyRfp.opportunity_id == Opportunity.id
        )
    )
    for kind, deadline, closes_at in joined:
        assert kind == "CONSULTANCY"
        assert deadline == closes_at
    # And the institutions read no proposal of an open RFP, every one of a closed RFP
    by_rfp = dict((await session.execute(select(ConsultancyRfp.opportunity_id, rfp_stage()))).all())
    for person in staff:
        viewer = Viewer(engineer_id=person.id)
        readable = await session.scalars(
            select(ConsultancyProposal.opportunity_id).where(proposals_visible(viewer))
        )
        assert "OPEN" not in {by_rfp[key] for key in readable}
    # And awarded RFPs have one contract each, priced within the winning proposal
    awarded = stages["AWARDED"] + stages["COMPLETED"]
    assert await _count(session, Engagement) == awarded
    for proposal in await session.scalars(
        select(ConsultancyProposal).where(ConsultancyProposal.status == "AWARDED")
    ):
        total = await session.scalar(
            select(func.sum(ContractMilestone.amount)).where(
                ContractMilestone.engagement_id == proposal.engagement_id
            )
        )
        assert total is not None
        assert total <= proposal.price
    # And completed contracts carry a review from each side
    assert await _count(session, Feedback) == 2 * stages["COMPLETED"]
    assert await _count(session, ServiceListing) >= 6
    assert await _count(session, Invitation) >= 1


async def _count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)
