"""Opportunities seekers post, the sectors, skills and chapters they name, and invitations."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamped
from db.enums import (
    STORED_OPPORTUNITY_STATUSES,
    Discipline,
    EngagementKind,
    InvitationStatus,
    OpportunityVisibility,
    SkillLevel,
    check_array_in,
    check_in,
)

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
MESSAGE_MAX = 5_000

_STATUSES = ", ".join(f"'{status.value}'" for status in STORED_OPPORTUNITY_STATUSES)


class Opportunity(Timestamped, Base):
    """What a seeker asks for: a kind of help, the expertise wanted, the effort, who may see it."""

    __tablename__ = "opportunities"
    __table_args__ = (
        CheckConstraint(check_in("kind", EngagementKind), name="kind_known"),
        CheckConstraint(check_in("visibility", OpportunityVisibility), name="visibility_known"),
        CheckConstraint(f"status IN ({_STATUSES})", name="status_stored"),
        CheckConstraint(check_array_in("disciplines", Discipline), name="disciplines_known"),
        CheckConstraint(f"char_length(title) BETWEEN 3 AND {TITLE_MAX}", name="title_length"),
        CheckConstraint(
            f"char_length(description) <= {DESCRIPTION_MAX}", name="description_length"
        ),
        CheckConstraint("hours_per_month BETWEEN 1 AND 200", name="hours_range"),
        CheckConstraint("duration_months BETWEEN 1 AND 60", name="duration_range"),
        CheckConstraint(
            "timezone_window_start BETWEEN 0 AND 23 AND timezone_window_end BETWEEN 1 AND 24"
            " AND timezone_window_end > timezone_window_start",
            name="timezone_window_range",
        ),
        CheckConstraint(
            "country_code IS NULL OR country_code ~ '^[A-Z]{2}$'", name="country_code_format"
        ),
        CheckConstraint("remote OR city IS NOT NULL", name="located_or_remote"),
        CheckConstraint("num_nonnulls(poster_id, institution_id) >= 1", name="has_seeker"),
        Index("ix_opportunities_status_created", "status", "created_at", "id"),
        Index("ix_opportunities_kind_status", "kind", "status", "deadline"),
        Index("ix_opportunities_poster", "poster_id", "created_at", "id"),
        Index("ix_opportunities_institution", "institution_id", "created_at", "id"),
        Index("ix_opportunities_search", "search", postgresql_using="gin"),
        Index("ix_opportunities_disciplines", "disciplines", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    poster_id: Mapped[int | None] = mapped_column(ForeignKey("engineers.id", ondelete="SET NULL"))
    """The engineer who posted it (for themself, or as staff of `institution_id`); None when
    the institution's client posted it."""
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE")
    )
    disciplines: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    hours_per_month: Mapped[int] = mapped_column(SmallInteger)
    duration_months: Mapped[int] = mapped_column(SmallInteger)
    timezone_window_start: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    """First UTC hour of the day the seeker can meet."""
    timezone_window_end: Mapped[int] = mapped_column(SmallInteger, default=24, server_default="24")
    """UTC hour the seeker's meeting window ends (exclusive)."""
    languages: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    remote: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    country_code: Mapped[str | None] = mapped_column(String(2))
    city: Mapped[str | None] = mapped_column(String(100))
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    visibility: Mapped[str] = mapped_column(
        String(16), default=OpportunityVisibility.PUBLIC, server_default="PUBLIC"
    )
    status: Mapped[str] = mapped_column(String(16), default="DRAFT", server_default="DRAFT")
    """DRAFT, OPEN, FILLED or CLOSED; an OPEN row past its deadline reads EXPIRED."""
    search: Mapped[Any] = mapped_column(TSVECTOR, nullable=True, deferred=True)
    """Title and description; kept by a trigger."""


class OpportunitySector(Base):
    """A sector an opportunity is in."""

    __tablename__ = "opportunity_sectors"

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True
    )
    sector_id: Mapped[int] = mapped_column(
        ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class OpportunitySkill(Base):
    """A skill an opportunity wants, at a minimum level."""

    __tablename__ = "opportunity_skills"
    __table_args__ = (CheckConstraint(check_in("minimum_level", SkillLevel), name="level_known"),)

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    minimum_level: Mapped[str] = mapped_column(String(16))


class OpportunityChapter(Base):
    """A chapter whose active members may see a CHAPTER opportunity."""

    __tablename__ = "opportunity_chapters"

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True
    )
    chapter_id: Mapped[int] = mapped_column(
        ForeignKey("chapters.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Invitation(Base):
    """A seeker's invitation to one contributor; INVITED opportunities exist only for invitees."""

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "engineer_id", name="uq_invitations_invitee"),
        CheckConstraint(check_in("status", InvitationStatus), name="status_known"),
        CheckConstraint(f"char_length(message) <= {MESSAGE_MAX}", name="message_length"),
        CheckConstraint(
            "(status = 'PENDING') = (answered_at IS NULL)", name="answered_when_not_pending"
        ),
        Index("ix_invitations_engineer", "engineer_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    engineer_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(
        String(16), default=InvitationStatus.PENDING, server_default="PENDING"
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
