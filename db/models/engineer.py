"""Engineer profiles and the records they own: sectors, skills, positions, education."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamped
from db.enums import Discipline, EngagementKind, PecStatus, SkillLevel, check_array_in, check_in

HANDLE_PATTERN = "^[a-z0-9](?:[a-z0-9-]{0,37}[a-z0-9])?$"


class Engineer(Timestamped, Base):
    """A registered engineer: contributor (abroad), seeker (at home), or both."""

    __tablename__ = "engineers"
    __table_args__ = (
        CheckConstraint(f"handle ~ '{HANDLE_PATTERN}'", name="handle_format"),
        CheckConstraint("country_code ~ '^[A-Z]{2}$'", name="country_code_format"),
        CheckConstraint(check_array_in("disciplines", Discipline), name="disciplines_known"),
        CheckConstraint(check_array_in("offers", EngagementKind), name="offers_known"),
        CheckConstraint(check_array_in("seeks", EngagementKind), name="seeks_known"),
        CheckConstraint(check_in("pec_status", PecStatus), name="pec_status_known"),
        CheckConstraint("capacity_hours_per_month BETWEEN 0 AND 200", name="capacity_hours_range"),
        CheckConstraint("max_mentees BETWEEN 0 AND 50", name="max_mentees_range"),
        CheckConstraint(
            "pec_status <> 'VERIFIED' OR pec_registration_number IS NOT NULL",
            name="verified_needs_number",
        ),
        Index("ix_engineers_search_vector", "search_vector", postgresql_using="gin"),
        Index(
            "ix_engineers_search_vector_without_skills",
            "search_vector_without_skills",
            postgresql_using="gin",
        ),
        Index("ix_engineers_sort_name", "name", "id"),
        Index("ix_engineers_created", "created_at", "id"),
        Index("ix_engineers_country_overseas", "country_code", "is_overseas"),
        Index("ix_engineers_offers", "offers", postgresql_using="gin"),
        Index("ix_engineers_disciplines", "disciplines", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(39), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    headline: Mapped[str] = mapped_column(String(200), default="", server_default="")
    bio: Mapped[str] = mapped_column(Text, default="", server_default="")
    photo_url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    country_code: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(100))
    is_overseas: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    languages: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    disciplines: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    offers: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    seeks: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    capacity_hours_per_month: Mapped[int] = mapped_column(
        SmallInteger, default=0, server_default="0"
    )
    max_mentees: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    pec_registration_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    pec_status: Mapped[str] = mapped_column(
        String(16), default=PecStatus.UNREGISTERED, server_default=PecStatus.UNREGISTERED
    )
    field_visibility: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default="{}"
    )
    search_vector: Mapped[Any] = mapped_column(TSVECTOR, nullable=True, deferred=True)
    """Name, headline, skills and bio; kept by triggers."""
    search_vector_without_skills: Mapped[Any] = mapped_column(
        TSVECTOR, nullable=True, deferred=True
    )
    """Name, headline and bio: what search may match when the viewer cannot see the skills."""
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Set when the engineer erased their account: the row stays, anonymised, so that the
    other side of their engagements and the ledger keep a (former member's) reference."""


class EngineerSector(Base):
    """An engineer's declared sector of expertise."""

    __tablename__ = "engineer_sectors"

    engineer_id: Mapped[int] = mapped_column(
        ForeignKey("engineers.id", ondelete="CASCADE"), primary_key=True
    )
    sector_id: Mapped[int] = mapped_column(
        ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class EngineerSkill(Base):
    """A skill an engineer claims, with level and years of practice."""

    __tablename__ = "engineer_skills"
    __table_args__ = (
        CheckConstraint(check_in("level", SkillLevel), name="level_known"),
        CheckConstraint("years BETWEEN 0 AND 60", name="years_range"),
    )

    engineer_id: Mapped[int] = mapped_column(
        ForeignKey("engineers.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    level: Mapped[str] = mapped_column(String(16))
    years: Mapped[int] = mapped_column(SmallInteger)


class Position(Base):
    """One entry of an engineer's employment history."""

    __tablename__ = "positions"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        CheckConstraint("country_code ~ '^[A-Z]{2}$'", name="country_code_format"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engineer_id: Mapped[int] = mapped_column(
        ForeignKey("engineers.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    organization: Mapped[str] = mapped_column(String(160))
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="SET NULL"), index=True
    )
    country_code: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(100), default="", server_default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


class Education(Base):
    """A degree an engineer holds."""

    __tablename__ = "education"
    __table_args__ = (
        CheckConstraint("end_year IS NULL OR end_year >= start_year", name="years_ordered"),
        CheckConstraint("start_year BETWEEN 1950 AND 2100", name="start_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engineer_id: Mapped[int] = mapped_column(
        ForeignKey("engineers.id", ondelete="CASCADE"), index=True
    )
    school: Mapped[str] = mapped_column(String(160))
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="SET NULL"), index=True
    )
    degree: Mapped[str] = mapped_column(String(80))
    field_of_study: Mapped[str] = mapped_column(String(120))
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
