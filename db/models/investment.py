"""Investment asks posted by startups and contributors' soft commitments (no money moves)."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamped
from db.enums import CommitmentStatus, InvestmentAskStatus, InvestmentStage, check_in

TITLE_MAX = 200
USE_OF_FUNDS_MAX = 5_000
CONDITIONS_MAX = 2_000
AMOUNT_MAX = Decimal("999999999999.99")
"""The largest amount a Numeric(14, 2) holds."""


class InvestmentAsk(Timestamped, Base):
    """A startup's ask: how much it seeks, in which currency, at which stage, for what."""

    __tablename__ = "investment_asks"
    __table_args__ = (
        CheckConstraint(check_in("stage", InvestmentStage), name="stage_known"),
        CheckConstraint(check_in("status", InvestmentAskStatus), name="status_known"),
        CheckConstraint(f"char_length(title) BETWEEN 1 AND {TITLE_MAX}", name="title_length"),
        CheckConstraint(
            f"char_length(use_of_funds) BETWEEN 1 AND {USE_OF_FUNDS_MAX}",
            name="use_of_funds_length",
        ),
        CheckConstraint("amount_sought > 0", name="amount_positive"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_format"),
        CheckConstraint("(status = 'CLOSED') = (closed_at IS NOT NULL)", name="closed_when_dated"),
        Index("ix_investment_asks_created", "created_at", "id"),
        Index("ix_investment_asks_institution", "institution_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"))
    posted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    amount_sought: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    stage: Mapped[str] = mapped_column(String(16))
    sector_id: Mapped[int | None] = mapped_column(
        ForeignKey("sectors.id", ondelete="SET NULL"), index=True
    )
    use_of_funds: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        String(8), default=InvestmentAskStatus.OPEN, server_default="OPEN"
    )
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InvestmentCommitment(Timestamped, Base):
    """A contributor's soft commitment to an ask: an amount and conditions, nothing binding."""

    __tablename__ = "investment_commitments"
    __table_args__ = (
        UniqueConstraint("ask_id", "committer_id", name="uq_investment_commitments_committer"),
        CheckConstraint(check_in("status", CommitmentStatus), name="status_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(f"char_length(conditions) <= {CONDITIONS_MAX}", name="conditions_length"),
        CheckConstraint(
            "(status = 'WITHDRAWN') = (withdrawn_at IS NOT NULL)", name="withdrawn_when_dated"
        ),
        Index("ix_investment_commitments_ask", "ask_id", "created_at", "id"),
        Index("ix_investment_commitments_committer", "committer_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("investment_asks.id", ondelete="CASCADE"))
    committer_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    conditions: Mapped[str] = mapped_column(Text, default="", server_default="")
    disclosed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    """The committer lets the startup's staff see who they are (else they only count)."""
    status: Mapped[str] = mapped_column(
        String(12), default=CommitmentStatus.ACTIVE, server_default="ACTIVE"
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
