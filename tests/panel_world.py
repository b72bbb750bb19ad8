"""Factories for investment asks, commitments, panels, candidacies, seats and meetings."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AdvisoryPanel,
    Engineer,
    Institution,
    InvestmentAsk,
    InvestmentCommitment,
    PanelCandidacy,
    PanelMeeting,
    PanelMembership,
)


def today() -> date:
    """Today in UTC, as the services and SQL read it."""
    return datetime.now(UTC).date()


async def ask(session: AsyncSession, startup: Institution, **overrides: Any) -> InvestmentAsk:
    """An OPEN seed ask for 5,000,000 PKR."""
    values: dict[str, Any] = {
        "institution_id": startup.id,
        "title": "Seed round for solar microgrids",
        "amount_sought": Decimal("5000000.00"),
        "currency": "PKR",
        "stage": "SEED",
        "use_of_funds": "Pilot installations in three villages.",
    }
    values.update(overrides)
    row = InvestmentAsk(**values)
    session.add(row)
    await session.flush()
    return row


async def commitment(
    session: AsyncSession, target: InvestmentAsk, committer: Engineer, **overrides: Any
) -> InvestmentCommitment:
    """An ACTIVE, undisclosed commitment of 250,000."""
    values: dict[str, Any] = {
        "ask_id": target.id,
        "committer_id": committer.id,
        "amount": Decimal("250000.00"),
        "conditions": "",
        "disclosed": False,
    }
    values.update(overrides)
    row = InvestmentCommitment(**values)
    session.add(row)
    await session.flush()
    return row


async def panel(session: AsyncSession, owner: Institution, **overrides: Any) -> AdvisoryPanel:
    """An OPEN advisory panel of three seats whose term runs from last year to next year."""
    values: dict[str, Any] = {
        "institution_id": owner.id,
        "name": "Energy transition advisory panel",
        "purpose": "Advise on the provincial energy plan.",
        "kind": "ADVISORY",
        "seats": 3,
        "term_starts_on": today() - timedelta(days=365),
        "term_ends_on": today() + timedelta(days=365),
    }
    values.update(overrides)
    row = AdvisoryPanel(**values)
    session.add(row)
    await session.flush()
    return row


async def candidacy(
    session: AsyncSession, target: AdvisoryPanel, candidate: Engineer, **overrides: Any
) -> PanelCandidacy:
    """A PENDING application."""
    values: dict[str, Any] = {
        "panel_id": target.id,
        "candidate_id": candidate.id,
        "source": "APPLIED",
        "status": "PENDING",
        "statement": "Twenty years of grid planning.",
    }
    values.update(overrides)
    row = PanelCandidacy(**values)
    session.add(row)
    await session.flush()
    return row


async def seat(
    session: AsyncSession, target: AdvisoryPanel, member: Engineer, **overrides: Any
) -> PanelMembership:
    """A seat for the panel's whole term (no engagement unless given)."""
    values: dict[str, Any] = {
        "panel_id": target.id,
        "member_id": member.id,
        "term_starts_on": target.term_starts_on,
        "term_ends_on": target.term_ends_on,
    }
    values.update(overrides)
    row = PanelMembership(**values)
    session.add(row)
    await session.flush()
    return row


async def meeting(session: AsyncSession, target: AdvisoryPanel, **overrides: Any) -> PanelMeeting:
    """A 90-minute meeting held a month ago."""
    values: dict[str, Any] = {
        "panel_id": target.id,
        "title": "Quarterly review",
        "held_on": today() - timedelta(days=30),
        "minutes": 90,
        "notes": "Reviewed the tariff proposal.",
    }
    values.update(overrides)
    row = PanelMeeting(**values)
    session.add(row)
    await session.flush()
    return row
