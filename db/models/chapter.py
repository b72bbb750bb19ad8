"""Global chapters (rows mirrored from chapters_config/) and their memberships."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamped
from db.enums import JoinPolicy, MembershipStatus, check_in
from db.models.taxonomy import SLUG_PATTERN


class Chapter(Timestamped, Base):
    """A self-governing group of overseas engineers in one region."""

    __tablename__ = "chapters"
    __table_args__ = (
        CheckConstraint(f"slug ~ '{SLUG_PATTERN}'", name="slug_format"),
        CheckConstraint(check_in("join_policy", JoinPolicy), name="join_policy_known"),
        Index("ix_chapters_sort_name", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    countries: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    timezone: Mapped[str] = mapped_column(String(64))
    join_policy: Mapped[str] = mapped_column(String(16))
    features: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Membership(Base):
    """An engineer's membership of a chapter, with the chapter role it grants."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("chapter_id", "engineer_id", name="uq_memberships_member"),
        CheckConstraint(check_in("status", MembershipStatus), name="status_known"),
        CheckConstraint("role ~ '^[a-z][a-z0-9-]*$'", name="role_format"),
        # Both serve the (since, id) keyset order of member lists, batched per parent.
        Index("ix_memberships_chapter_status_since", "chapter_id", "status", "since", "id"),
        Index("ix_memberships_engineer_since", "engineer_id", "since", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"))
    engineer_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32), default="member", server_default="member")
    status: Mapped[str] = mapped_column(
        String(16), default=MembershipStatus.PENDING, server_default=MembershipStatus.PENDING
    )
    since: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
