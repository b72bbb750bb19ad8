"""Demo project supervision: every university with staff gets a rubric and a co-supervised
topic whose teams show every state, at any scale; totals follow the rubric's weights."""

import random
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AssessmentScore,
    Engagement,
    ProjectAssessment,
    ProjectMilestone,
    ProjectTeam,
    ProposalRevision,
    RubricCriterion,
)
from db.queries.supervision import MILESTONE_OVERDUE, PROPOSAL_OVERDUE, over
from db.seed.supervision import STATES, seed_supervision
from tests import factories


@pytest.mark.parametrize("scale", [0.05, 1.0])
async def test_seeded_topics_show_every_state_at_every_scale(
    session: AsyncSession, scale: float
) -> None:
    # Given three universities with staff, overseas engineers and students at home
    for number in range(3):
        university = await factories.institution(session)
        staff = await factories.engineer(session, handle=f"seed-staff-{number}", is_overseas=False)
        await factories.affiliation(session, staff, university)
    for number in range(4):
        await factories.engineer(session, handle=f"seed-abroad-{number}")
    for number in range(60):
        await factories.engineer(session, handle=f"seed-student-{number}", is_overseas=False)
    await session.flush()

    # When the supervision demo is seeded
    counts = await seed_supervision(await session.connection(), random.Random(5), scale)

    # Then each seeded university has a co-supervised topic with a team in every state
    topics = counts["assessment_rubrics"]
    assert topics == (2 if scale < 1 else 3)
    assert counts["project_teams"] == topics * len(STATES)
    statuses = list(await session.scalars(select(ProjectTeam.proposal_status)))
    assert {"DRAFTING", "SUBMITTED", "CHANGES_REQUESTED", "APPROVED"} <= set(statuses)
    supervising = await session.scalar(
        select(func.count()).where(
            Engagement.kind == "PROJECT_SUPERVISION", Engagement.status == "ACTIVE"
        )
    )
    assert supervising == topics
    overdue = await session.scalar(
        select(func.count()).select_from(ProjectTeam).where(over(PROPOSAL_OVERDUE, "project_teams"))
    )
    assert overdue == topics
    late = await session.scalar(
        select(func.count())
        .select_from(ProjectMilestone)
        .where(over(MILESTONE_OVERDUE, "project_milestones"))
    )
    assert late == topics
    assert await session.scalar(select(func.count()).select_from(ProjectMilestone)) == topics * 4
    kept = await session.scalar(
        select(func.count()).where(ProposalRevision.status == "CHANGES_REQUESTED")
    )
    assert kept == topics * 2

    # And every assessment's total is its scores weighted by the rubric
    for assessment in await session.scalars(select(ProjectAssessment)):
        rows = await session.execute(
            select(AssessmentScore.score, RubricCriterion.weight)
            .join(RubricCriterion, RubricCriterion.id == AssessmentScore.criterion_id)
            .where(AssessmentScore.assessment_id == assessment.id)
        )
        weighted = sum((score * weight for score, weight in rows), Decimal(0)) / 100
        assert assessment.total == weighted.quantize(Decimal("0.01"))
