"""Advisory and curriculum-review panels: seats, candidacies, appointed members, meetings."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamped
from db.enums import CandidacySource, CandidacyStatus, PanelKind, PanelStatus, check_in

NAME_MAX = 200
PURPOSE_MAX = 5_000
STATEMENT_MAX = 5_000
SEATS_MAX = 50


class AdvisoryPanel(Timestamped, Base):
    """An institution's panel: a name, a purpose, a number of seats and a term."""

    __tablename__ = "advisory_panels"
    __table_args__ = (
        CheckConstraint(check_in("kind", PanelKind), name="kind_known"),
        CheckConstraint(check_in("status", PanelStatus), name="status_known"),
        CheckConstraint(f"char_length(name) BETWEEN 1 AND {NAME_MAX}", name="name_length"),
        CheckConstraint(f"char_length(purpose) BETWEEN 1 AND {PURPOSE_MAX}", name="purpose_length"),
        CheckConstraint(f"seats BETWEEN 1 AND {SEATS_MAX}", name="seats_range"),
        CheckConstraint("term_ends_on > term_starts_on", name="term_order"),
        CheckConstraint("(status = 'CLOSED') = (closed_at IS NOT NULL)", name="closed_when_dated"),
        Index("ix_advisory_panels_created", "created_at", "id"),
        Index("ix_advisory_panels_institution", "institution_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    purpose: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    seats: Mapped[int] = mapped_column(SmallInteger)
    term_starts_on: Mapped[date] = mapped_column(Date)
    term_ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default=PanelStatus.OPEN, server_default="OPEN")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PanelCandidacy(Base):
    """Someone put forward for a seat: nominated by another engineer, or applying."""

    __tablename__ = "panel_candidacies"
    __table_args__ = (
        UniqueConstraint("panel_id", "candidate_id", name="uq_panel_candidacies_candidate"),
        CheckConstraint(check_in("source", CandidacySource), name="source_known"),
        CheckConstraint(check_in("status", CandidacyStatus), name="status_known"),
        CheckConstraint(f"char_length(statement) <= {STATEMENT_MAX}", name="statement_length"),
        CheckConstraint(
            "source = 'NOMINATED' OR nominated_by_id IS NULL",
            name="applications_unnominated",
        ),
        Index("ix_panel_candidacies_panel", "panel_id", "created_at", "id"),
        Index("ix_panel_candidacies_candidate", "candidate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("advisory_panels.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    nominated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str] = mapped_column(String(12))
    statement: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PanelMembership(Base):
    """An appointed member's seat for a term; the seat is an engagement in the ledger."""

    __tablename__ = "panel_memberships"
    __table_args__ = (
        UniqueConstraint("panel_id", "member_id", name="uq_panel_memberships_member"),
        CheckConstraint("term_ends_on > term_starts_on", name="term_order"),
        Index("ix_panel_memberships_panel", "panel_id", "term_starts_on", "id"),
        Index("ix_panel_memberships_member", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("advisory_panels.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    candidacy_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_candidacies.id", ondelete="SET NULL"), unique=True
    )
    engagement_id: Mapped[int | None] = mapped_column(
        ForeignKey("engagements.id", ondelete="SET NULL"), unique=True
    )
    appointed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    term_starts_on: Mapped[date] = mapped_column(Date)
    term_ends_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    """Set when the seat ended early (resigned or removed); the term's end otherwise."""
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class PanelMeeting(Base):
    """A meeting of a panel; each attending member's time is a session of their engagement."""

    __tablename__ = "panel_meetings"
    __table_args__ = (
        CheckConstraint(f"char_length(title) BETWEEN 1 AND {NAME_MAX}", name="title_length"),
        CheckConstraint("minutes BETWEEN 1 AND 1440", name="minutes_range"),
        CheckConstraint("char_length(notes) <= 20000", name="notes_length"),
        Index("ix_panel_meetings_panel", "panel_id", "held_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("advisory_panels.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(NAME_MAX))
    held_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    logged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class PanelAttendance(Base):
    """One member at one meeting, and the engagement session that credits them."""

    __tablename__ = "panel_meeting_attendance"
    __table_args__ = (PrimaryKeyConstraint("meeting_id", "membership_id"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meetings.id", ondelete="CASCADE"))
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("panel_memberships.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("engagement_sessions.id", ondelete="SET NULL"), unique=True
    )
