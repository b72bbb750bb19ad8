"""Mentorship programmes: the programme, its applications and its cohort's pairs."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

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
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamped
from db.enums import (
    ProgrammeApplicationStatus,
    ProgrammeFormat,
    ProgrammeRole,
    ProgrammeStatus,
    check_in,
)

NAME_MAX = 200
DESCRIPTION_MAX = 20_000
QUESTIONS_MAX = 10
QUESTION_MAX = 500
ANSWER_MAX = 5_000
CAPACITY_MAX = 1_000


class MentorshipProgramme(Timestamped, Base):
    """A cohort mentoring programme run by a chapter or an institution."""

    __tablename__ = "mentorship_programmes"
    __table_args__ = (
        CheckConstraint("num_nonnulls(chapter_id, institution_id) = 1", name="one_runner"),
        CheckConstraint(check_in("status", ProgrammeStatus), name="status_known"),
        CheckConstraint(check_in("format", ProgrammeFormat), name="format_known"),
        CheckConstraint(f"char_length(name) BETWEEN 3 AND {NAME_MAX}", name="name_length"),
        CheckConstraint(
            f"char_length(description) <= {DESCRIPTION_MAX}", name="description_length"
        ),
        CheckConstraint(f"capacity BETWEEN 1 AND {CAPACITY_MAX}", name="capacity_range"),
        CheckConstraint("hours_per_month BETWEEN 1 AND 40", name="hours_range"),
        CheckConstraint("ends_on > starts_on", name="dates_ordered"),
        CheckConstraint("mentor_closes_at > mentor_opens_at", name="mentor_window_ordered"),
        CheckConstraint("mentee_closes_at > mentee_opens_at", name="mentee_window_ordered"),
        CheckConstraint(f"cardinality(questions) <= {QUESTIONS_MAX}", name="questions_count"),
        CheckConstraint(
            "(status = 'PUBLISHED') = (published_at IS NOT NULL)", name="published_when_dated"
        ),
        Index("ix_mentorship_programmes_created", "created_at", "id"),
        Index("ix_mentorship_programmes_chapter", "chapter_id"),
        Index("ix_mentorship_programmes_institution", "institution_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"))
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    format: Mapped[str] = mapped_column(
        String(16), default=ProgrammeFormat.ONE_TO_ONE, server_default="ONE_TO_ONE"
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer)
    """How many mentees the programme takes at most."""
    hours_per_month: Mapped[int] = mapped_column(SmallInteger)
    """Each pair's expected effort; the engagements created on publishing carry it."""
    mentor_opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    mentor_closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    mentee_opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    mentee_closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    questions: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    status: Mapped[str] = mapped_column(
        String(16), default=ProgrammeStatus.OPEN, server_default="OPEN"
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL")
    )
    proposed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MentorshipApplication(Base):
    """An engineer's application to a programme as mentor (with slots) or mentee."""

    __tablename__ = "mentorship_applications"
    __table_args__ = (
        UniqueConstraint(
            "programme_id", "applicant_id", name="uq_mentorship_applications_applicant"
        ),
        CheckConstraint(check_in("role", ProgrammeRole), name="role_known"),
        CheckConstraint(check_in("status", ProgrammeApplicationStatus), name="status_known"),
        CheckConstraint(
            "(role = 'MENTOR' AND slots BETWEEN 1 AND 3) OR (role = 'MENTEE' AND slots IS NULL)",
            name="slots_for_mentors",
        ),
        CheckConstraint(
            "(status = 'SUBMITTED') = (decided_at IS NULL)", name="decided_when_not_submitted"
        ),
        Index("ix_mentorship_applications_programme", "programme_id", "created_at", "id"),
        Index("ix_mentorship_applications_applicant", "applicant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("mentorship_programmes.id", ondelete="CASCADE")
    )
    applicant_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(8))
    slots: Mapped[int | None] = mapped_column(SmallInteger)
    """How many mentees a mentor takes (1 to 3); null for mentees."""
    answers: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    """One answer per programme question, in the questions' order."""
    status: Mapped[str] = mapped_column(
        String(16),
        default=ProgrammeApplicationStatus.SUBMITTED,
        server_default="SUBMITTED",
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL")
    )


class MentorshipPair(Base):
    """One mentor-mentee pair of a programme's cohort: proposed by matching or added by hand;
    publishing gives it an engagement."""

    __tablename__ = "mentorship_pairs"
    __table_args__ = (
        UniqueConstraint(
            "programme_id", "mentee_application_id", name="uq_mentorship_pairs_mentee"
        ),
        CheckConstraint("score BETWEEN 0 AND 1", name="score_range"),
        Index("ix_mentorship_pairs_programme", "programme_id", "id"),
        Index("ix_mentorship_pairs_mentor", "mentor_application_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("mentorship_programmes.id", ondelete="CASCADE")
    )
    mentor_application_id: Mapped[int] = mapped_column(
        ForeignKey("mentorship_applications.id", ondelete="CASCADE")
    )
    mentee_application_id: Mapped[int] = mapped_column(
        ForeignKey("mentorship_applications.id", ondelete="CASCADE")
    )
    score: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    factors: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")
    explanation: Mapped[str] = mapped_column(Text, default="", server_default="")
    manual: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    """Added by a coordinator's adjustment rather than proposed by matching."""
    engagement_id: Mapped[int | None] = mapped_column(
        ForeignKey("engagements.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
