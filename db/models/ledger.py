"""The contribution ledger (countersigned work) and notification rows."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.enums import EngagementKind, NotificationKind, check_in


class LedgerEntry(Base):
    """Countersigned work: one row per countersigned session or milestone."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint(check_in("kind", EngagementKind), name="kind_known"),
        CheckConstraint("num_nonnulls(session_id, milestone_id) = 1", name="one_source"),
        CheckConstraint("minutes >= 0", name="minutes_positive"),
        CheckConstraint("cpd_points >= 0", name="cpd_points_positive"),
        Index("ix_ledger_entries_engineer", "engineer_id", "occurred_on", "id"),
        Index("ix_ledger_entries_engagement", "engagement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engineer_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    """The contributor credited."""
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("engagement_sessions.id", ondelete="CASCADE"), unique=True
    )
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("engagement_milestones.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id", ondelete="SET NULL"))
    counterpart_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL")
    )
    counterpart_institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="SET NULL")
    )
    minutes: Mapped[int] = mapped_column(Integer)
    cpd_points: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    occurred_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class Notification(Base):
    """Something that concerns one engineer, written in the transaction that caused it."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(check_in("kind", NotificationKind), name="kind_known"),
        Index("ix_notifications_recipient", "recipient_id", "created_at", "id"),
        Index(
            "ix_notifications_unread",
            "recipient_id",
            "id",
            postgresql_where=text("read_at IS NULL"),
        ),
        Index(
            "ix_notifications_digest_pending",
            "recipient_id",
            "id",
            postgresql_where=text("digest_pending"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    engagement_id: Mapped[int | None] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    announcement_id: Mapped[int | None] = mapped_column(
        ForeignKey("chapter_announcements.id", ondelete="CASCADE"), index=True
    )
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_threads.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True
    )
    chapter_id: Mapped[int | None] = mapped_column(
        ForeignKey("chapters.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("engineers.id", ondelete="SET NULL"))
    """Who caused it (the replier, the coordinator), when a person did."""
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    digest_pending: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    """The recipient takes this kind as an email digest and it has not gone out yet."""
