"""Applications, engagements and what happens inside them: milestones, sessions, feedback,
problem reports."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamped
from db.enums import (
    ApplicationStatus,
    EngagementKind,
    EngagementStatus,
    MilestoneStatus,
    ProblemReportStatus,
    check_in,
)

MESSAGE_MAX = 5_000
REASON_MAX = 1_000
_PROPOSAL = (
    "num_nonnulls(proposal_price, proposal_currency, proposal_timeline, proposal_approach)"
    " IN (0, 4)"
)


class Application(Base):
    """A contributor's application to an opportunity; for CONSULTANCY, a priced proposal."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "applicant_id", name="uq_applications_applicant"),
        CheckConstraint(check_in("status", ApplicationStatus), name="status_known"),
        CheckConstraint(f"char_length(message) BETWEEN 1 AND {MESSAGE_MAX}", name="message_length"),
        CheckConstraint(_PROPOSAL, name="proposal_complete"),
        CheckConstraint("proposal_price IS NULL OR proposal_price >= 0", name="price_positive"),
        CheckConstraint(
            "proposal_currency IS NULL OR proposal_currency ~ '^[A-Z]{3}$'",
            name="currency_format",
        ),
        CheckConstraint(
            "status <> 'DECLINED' OR decline_reason IS NOT NULL", name="declined_with_reason"
        ),
        Index("ix_applications_opportunity", "opportunity_id", "created_at", "id"),
        Index("ix_applications_applicant", "applicant_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)
    proposal_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    proposal_currency: Mapped[str | None] = mapped_column(String(3))
    proposal_timeline: Mapped[str | None] = mapped_column(Text)
    proposal_approach: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        String(16), default=ApplicationStatus.SUBMITTED, server_default="SUBMITTED"
    )
    decline_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Engagement(Timestamped, Base):
    """The accepted contributor ↔ seeker edge, one table for every kind of contribution."""

    __tablename__ = "engagements"
    __table_args__ = (
        CheckConstraint(check_in("kind", EngagementKind), name="kind_known"),
        CheckConstraint(check_in("status", EngagementStatus), name="status_known"),
        CheckConstraint("contributor_id <> seeker_id", name="distinct_parties"),
        CheckConstraint("num_nonnulls(seeker_id, institution_id) >= 1", name="has_seeker"),
        CheckConstraint("hours_per_month BETWEEN 0 AND 200", name="hours_range"),
        CheckConstraint(
            "status <> 'CANCELLED' OR cancel_reason IS NOT NULL", name="cancelled_with_reason"
        ),
        CheckConstraint(
            "(status = 'COMPLETED') = (completed_at IS NOT NULL)", name="completed_when_dated"
        ),
        Index("ix_engagements_contributor_status", "contributor_id", "status"),
        Index("ix_engagements_seeker", "seeker_id", "created_at", "id"),
        Index("ix_engagements_institution", "institution_id", "created_at", "id"),
        Index("ix_engagements_opportunity", "opportunity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="SET NULL")
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), unique=True
    )
    contributor_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    seeker_id: Mapped[int | None] = mapped_column(ForeignKey("engineers.id", ondelete="SET NULL"))
    """The engineer on the seeker side (the poster, or the institution staff who accepted)."""
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="SET NULL")
    )
    hours_per_month: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(
        String(16), default=EngagementStatus.PROPOSED, server_default="PROPOSED"
    )
    cancel_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Milestone(Base):
    """A deliverable of an engagement; countersigned by the seeker it enters the ledger."""

    __tablename__ = "engagement_milestones"
    __table_args__ = (
        CheckConstraint(check_in("status", MilestoneStatus), name="status_known"),
        CheckConstraint("char_length(title) BETWEEN 1 AND 200", name="title_length"),
        CheckConstraint("minutes BETWEEN 0 AND 60000", name="minutes_range"),
        CheckConstraint(
            "(status = 'COUNTERSIGNED') = (countersigned_at IS NOT NULL)",
            name="countersigned_when_dated",
        ),
        Index("ix_engagement_milestones_engagement", "engagement_id", "due_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Work the milestone took, in minutes (the ledger sums minutes, so totals are exact)."""
    status: Mapped[str] = mapped_column(
        String(16), default=MilestoneStatus.PLANNED, server_default="PLANNED"
    )
    countersigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    countersigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )


class EngagementSession(Base):
    """One logged working session: when, how long, notes, who attended."""

    __tablename__ = "engagement_sessions"
    __table_args__ = (
        CheckConstraint("minutes BETWEEN 1 AND 1440", name="minutes_range"),
        CheckConstraint("char_length(notes) <= 20000", name="notes_length"),
        CheckConstraint("cardinality(attendee_ids) >= 1", name="attended"),
        Index("ix_engagement_sessions_engagement", "engagement_id", "held_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    attendee_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    logged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    countersigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    countersigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class Feedback(Base):
    """One party's rating (1 to 5) and comment on a completed engagement."""

    __tablename__ = "engagement_feedback"
    __table_args__ = (
        UniqueConstraint("engagement_id", "author_id", name="uq_engagement_feedback_author"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        CheckConstraint("char_length(comment) <= 5000", name="comment_length"),
        Index("ix_engagement_feedback_subject", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class ProblemReport(Base):
    """A problem raised on an engagement; while open the engagement is PAUSED."""

    __tablename__ = "engagement_problem_reports"
    __table_args__ = (
        CheckConstraint(check_in("status", ProblemReportStatus), name="status_known"),
        CheckConstraint(
            f"char_length(description) BETWEEN 1 AND {MESSAGE_MAX}", name="description_length"
        ),
        CheckConstraint("(status = 'OPEN') = (resolved_at IS NULL)", name="resolved_when_closed"),
        Index(
            "uq_engagement_problem_reports_open",
            "engagement_id",
            unique=True,
            postgresql_where=text("status = 'OPEN'"),
        ),
        Index("ix_engagement_problem_reports_status", "status", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    resumes_as: Mapped[str] = mapped_column(String(16), default="ACTIVE", server_default="ACTIVE")
    """The status the engagement returns to when the report is resolved."""
    status: Mapped[str] = mapped_column(
        String(16), default=ProblemReportStatus.OPEN, server_default="OPEN"
    )
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
