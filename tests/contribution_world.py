"""Factories for the contribution engine: opportunities, applications, engagements."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.cpd import CpdConfig, load_cpd_config
from db.enums import EngagementKind, OpportunityStatus
from db.models import Application, Engagement, Engineer, Opportunity

CPD: CpdConfig = load_cpd_config()


async def opportunity(
    session: AsyncSession, poster: Engineer | None, **overrides: Any
) -> Opportunity:
    """An OPEN, public, remote mentorship wanting 4 h/month for 6 months, due in a month."""
    values: dict[str, Any] = {
        "kind": EngagementKind.MENTORSHIP.value,
        "title": "Mentor a final-year power systems student",
        "description": "Weekly calls on grid stability studies.",
        "poster_id": poster.id if poster is not None else None,
        "hours_per_month": 4,
        "duration_months": 6,
        "languages": ["en"],
        "deadline": datetime.now(UTC) + timedelta(days=30),
        "status": OpportunityStatus.OPEN.value,
    }
    values.update(overrides)
    row = Opportunity(**values)
    session.add(row)
    await session.flush()
    return row


async def application(
    session: AsyncSession, target: Opportunity, applicant: Engineer, **overrides: Any
) -> Application:
    """A SUBMITTED application with a short message."""
    values: dict[str, Any] = {
        "opportunity_id": target.id,
        "applicant_id": applicant.id,
        "message": "I have supervised twelve such projects.",
    }
    values.update(overrides)
    row = Application(**values)
    session.add(row)
    await session.flush()
    return row


async def engagement(
    session: AsyncSession, contributor: Engineer, seeker: Engineer, **overrides: Any
) -> Engagement:
    """An ACTIVE mentorship of 4 h/month."""
    values: dict[str, Any] = {
        "kind": EngagementKind.MENTORSHIP.value,
        "contributor_id": contributor.id,
        "seeker_id": seeker.id,
        "hours_per_month": 4,
        "status": "ACTIVE",
        "started_at": datetime.now(UTC) - timedelta(days=30),
    }
    values.update(overrides)
    row = Engagement(**values)
    session.add(row)
    await session.flush()
    return row


async def add(session: AsyncSession, row: Any) -> Any:
    """Add any row (milestone, session, feedback, ledger entry, invitation, link) and flush."""
    session.add(row)
    await session.flush()
    return row
