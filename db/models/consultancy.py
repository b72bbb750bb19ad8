"""The consultancy marketplace: RFPs (an extension of CONSULTANCY opportunities), sealed
proposals, priced contract milestones and contributors' service listings."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.enums import ProposalStatus, check_in

AMOUNT_MAX = Decimal("9999999999.99")
"""The largest price, budget or rate (NUMERIC(12, 2))."""
TEXT_MAX = 10_000
"""Longest approach, timeline, listing description or submission note."""
LISTING_TITLE_MAX = 200
CURRENCY = "^[A-Z]{3}$"


class ConsultancyRfp(Base):
    """What makes a CONSULTANCY opportunity a request for proposals: budget, currency, closing."""

    __tablename__ = "consultancy_rfps"
    __table_args__ = (
        CheckConstraint("budget_min >= 0 AND budget_max >= budget_min", name="budget_range"),
        CheckConstraint(f"currency ~ '{CURRENCY}'", name="currency_format"),
        Index("ix_consultancy_rfps_closes", "closes_at", "opportunity_id"),
    )

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True
    )
    budget_min: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    budget_max: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """When bidding ends and the proposals unseal (unless closed earlier)."""
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the institution closed it explicitly, before `closes_at`."""
    awarded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ConsultancyProposal(Base):
    """A contributor's sealed bid on an RFP: price, currency, approach and timeline."""

    __tablename__ = "consultancy_proposals"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "bidder_id", name="uq_consultancy_proposals_bidder"),
        CheckConstraint(check_in("status", ProposalStatus), name="status_known"),
        CheckConstraint("price >= 0", name="price_positive"),
        CheckConstraint(f"currency ~ '{CURRENCY}'", name="currency_format"),
        CheckConstraint(
            f"char_length(approach) BETWEEN 1 AND {TEXT_MAX}"
            f" AND char_length(timeline) BETWEEN 1 AND {TEXT_MAX}",
            name="text_length",
        ),
        Index("ix_consultancy_proposals_price", "opportunity_id", "price_cents", "id"),
        Index("ix_consultancy_proposals_bidder", "bidder_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("consultancy_rfps.opportunity_id", ondelete="CASCADE")
    )
    bidder_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    price_cents: Mapped[int] = mapped_column(
        BigInteger, Computed("(price * 100)::bigint", persisted=True)
    )
    """The price in cents: the integer key the side-by-side comparison pages on."""
    currency: Mapped[str] = mapped_column(String(3))
    approach: Mapped[str] = mapped_column(Text)
    timeline: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        String(16), default=ProposalStatus.SUBMITTED, server_default="SUBMITTED"
    )
    engagement_id: Mapped[int | None] = mapped_column(
        ForeignKey("engagements.id", ondelete="SET NULL"), unique=True
    )
    """The contract engagement the award created."""
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class ContractMilestone(Base):
    """The price and review trail of one milestone of a contract engagement."""

    __tablename__ = "consultancy_milestones"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_positive"),
        CheckConstraint(f"currency ~ '{CURRENCY}'", name="currency_format"),
        CheckConstraint("rework_count >= 0", name="rework_count_positive"),
        CheckConstraint(
            f"char_length(submission_note) <= {TEXT_MAX}"
            f" AND char_length(rework_note) <= {TEXT_MAX}",
            name="note_length",
        ),
        Index("ix_consultancy_milestones_engagement", "engagement_id", "milestone_id"),
    )

    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("engagement_milestones.id", ondelete="CASCADE"), primary_key=True
    )
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    submission_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rework_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    rework_count: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")


class ServiceListing(Base):
    """A service a contributor offers: title, sectors, rate range and currency."""

    __tablename__ = "service_listings"
    __table_args__ = (
        CheckConstraint(
            f"char_length(title) BETWEEN 3 AND {LISTING_TITLE_MAX}", name="title_length"
        ),
        CheckConstraint(f"char_length(description) <= {TEXT_MAX}", name="description_length"),
        CheckConstraint("rate_min >= 0 AND rate_max >= rate_min", name="rate_range"),
        CheckConstraint(f"currency ~ '{CURRENCY}'", name="currency_format"),
        Index("ix_service_listings_created", "created_at", "id"),
        Index("ix_service_listings_contributor", "contributor_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(LISTING_TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    rate_min: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    rate_max: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class ServiceListingSector(Base):
    """A sector a service listing is in."""

    __tablename__ = "service_listing_sectors"

    listing_id: Mapped[int] = mapped_column(
        ForeignKey("service_listings.id", ondelete="CASCADE"), primary_key=True
    )
    sector_id: Mapped[int] = mapped_column(
        ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True, index=True
    )
