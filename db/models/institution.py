"""Institutions (universities, startups, firms, public bodies, NGOs) and their staff."""

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamped
from db.enums import InstitutionKind, check_in
from db.models.taxonomy import SLUG_PATTERN


class Institution(Timestamped, Base):
    """An organisation that seeks knowledge or employs engineers."""

    __tablename__ = "institutions"
    __table_args__ = (
        CheckConstraint(f"slug ~ '{SLUG_PATTERN}'", name="slug_format"),
        CheckConstraint(check_in("kind", InstitutionKind), name="kind_known"),
        CheckConstraint("country_code ~ '^[A-Z]{2}$'", name="country_code_format"),
        Index("ix_institutions_sort_name", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    country_code: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(100))
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    verified: Mapped[bool] = mapped_column(default=False, server_default=text("false"))


class Affiliation(Base):
    """An engineer's staff role at an institution."""

    __tablename__ = "affiliations"
    __table_args__ = (
        UniqueConstraint("institution_id", "engineer_id", name="uq_affiliations_member"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"))
    engineer_id: Mapped[int] = mapped_column(
        ForeignKey("engineers.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(120))
    since: Mapped[date] = mapped_column(Date)
