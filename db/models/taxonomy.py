"""Sectors and skills: the shared vocabulary engineers and opportunities are tagged with."""

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"


class Sector(Base):
    """An area of national need (AI, renewable energy, water management, ...)."""

    __tablename__ = "sectors"
    __table_args__ = (CheckConstraint(f"slug ~ '{SLUG_PATTERN}'", name="slug_format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")


class Skill(Base):
    """A named competence, optionally filed under a sector."""

    __tablename__ = "skills"
    __table_args__ = (CheckConstraint(f"slug ~ '{SLUG_PATTERN}'", name="slug_format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    sector_id: Mapped[int | None] = mapped_column(
        ForeignKey("sectors.id", ondelete="SET NULL"), index=True
    )
