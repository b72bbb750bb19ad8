"""Investment asks and commitments: orderings, the committed total, batch loads."""

from typing import Any

from sqlalchemy import ScalarSelect, Text, cast, func, select

from db.enums import CommitmentStatus
from db.models import InvestmentAsk, InvestmentCommitment
from db.queries.pagination import Ordering

ASK_ORDERING = Ordering("NEWEST", ("created_at", "id"), descending=True)
COMMITMENT_ORDERING = Ordering("CREATED_AT", ("created_at", "id"))


def committed_total() -> ScalarSelect[Any]:
    """SQL over an ask: the sum of its ACTIVE commitments, as text ("0" when none)."""
    return (
        select(cast(func.coalesce(func.sum(InvestmentCommitment.amount), 0), Text))
        .where(
            InvestmentCommitment.ask_id == InvestmentAsk.id,
            InvestmentCommitment.status == CommitmentStatus.ACTIVE.value,
        )
        .correlate(InvestmentAsk)
        .scalar_subquery()
    )


def commitment_count() -> ScalarSelect[Any]:
    """SQL over an ask: how many ACTIVE commitments it has."""
    return (
        select(func.count())
        .where(
            InvestmentCommitment.ask_id == InvestmentAsk.id,
            InvestmentCommitment.status == CommitmentStatus.ACTIVE.value,
        )
        .correlate(InvestmentAsk)
        .scalar_subquery()
    )




