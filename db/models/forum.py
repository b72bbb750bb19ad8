"""The forum: categories (global, per sector, per chapter), threads, posts, votes and reports."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamped
from db.enums import ForumCategoryKind, ForumReportStatus, check_in
from db.models.taxonomy import SLUG_PATTERN

TITLE_MAX = 200
BODY_MAX = 20_000
TAGS_MAX = 5
TAG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
TAG_MAX = 32
REASON_MAX = 500

_TAGS_FORMAT = "array_to_string(tags, ' ') ~ '^([a-z0-9]+(-[a-z0-9]+)*( |$))*$'"
_PLACE = (
    "(kind = 'GLOBAL' AND sector_id IS NULL AND chapter_id IS NULL)"
    " OR (kind = 'SECTOR' AND sector_id IS NOT NULL AND chapter_id IS NULL)"
    " OR (kind = 'CHAPTER' AND chapter_id IS NOT NULL AND sector_id IS NULL)"
)


class ForumCategory(Timestamped, Base):
    """A place threads are filed under: the whole portal, one sector, or one chapter."""

    __tablename__ = "forum_categories"
    __table_args__ = (
        CheckConstraint(f"slug ~ '{SLUG_PATTERN}'", name="slug_format"),
        CheckConstraint(check_in("kind", ForumCategoryKind), name="kind_known"),
        CheckConstraint(_PLACE, name="place_matches_kind"),
        CheckConstraint("NOT members_only OR kind = 'CHAPTER'", name="members_only_in_chapter"),
        CheckConstraint("position BETWEEN 0 AND 10000", name="position_range"),
        Index("ix_forum_categories_position", "position", "id"),
        Index("ix_forum_categories_chapter", "chapter_id", "position", "id"),
        Index("ix_forum_categories_sector", "sector_id", "position", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    kind: Mapped[str] = mapped_column(String(16))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id", ondelete="CASCADE"))
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"))
    members_only: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    position: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")


class ForumThread(Base):
    """A discussion started in a category: a title, an opening body, tags and its replies."""

    __tablename__ = "forum_threads"
    __table_args__ = (
        CheckConstraint(f"char_length(title) BETWEEN 3 AND {TITLE_MAX}", name="title_length"),
        CheckConstraint(f"char_length(body) BETWEEN 1 AND {BODY_MAX}", name="body_length"),
        CheckConstraint(f"cardinality(tags) <= {TAGS_MAX}", name="tags_count"),
        CheckConstraint(_TAGS_FORMAT, name="tags_format"),
        CheckConstraint("post_count >= 0", name="post_count_positive"),
        CheckConstraint("last_posted_at >= created_at", name="last_posted_after_created"),
        # Category pages: pinned first, then newest activity (or newest thread); id breaks ties.
        Index(
            "ix_forum_threads_category_activity", "category_id", "pinned", "last_posted_at", "id"
        ),
        Index("ix_forum_threads_category_created", "category_id", "pinned", "created_at", "id"),
        # Search across categories: newest activity first.
        Index("ix_forum_threads_activity", "last_posted_at", "id"),
        Index("ix_forum_threads_author", "author_id", "created_at", "id"),
        Index("ix_forum_threads_accepted_post", "accepted_post_id"),
        Index("ix_forum_threads_tags", "tags", postgresql_using="gin"),
        Index("ix_forum_threads_search", "search", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("forum_categories.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("engineers.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    pinned: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    locked: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    hidden: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    accepted_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_posts.id", ondelete="SET NULL", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    last_posted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    post_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Replies in the thread, hidden ones included; kept by a trigger on forum_posts."""
    search: Mapped[Any] = mapped_column(TSVECTOR, nullable=True, deferred=True)
    """Title, tags and body; kept by a trigger."""


class ForumPost(Base):
    """A reply in a thread."""

    __tablename__ = "forum_posts"
    __table_args__ = (
        CheckConstraint(f"char_length(body) BETWEEN 1 AND {BODY_MAX}", name="body_length"),
        CheckConstraint(
            "edited_at IS NULL OR edited_at >= created_at", name="edited_after_created"
        ),
        Index("ix_forum_posts_thread_created", "thread_id", "created_at", "id"),
        Index("ix_forum_posts_author", "author_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_threads.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("engineers.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    score: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Sum of the votes; kept by a trigger on forum_votes."""


class ForumVote(Base):
    """One engineer's +1 or -1 on a post."""

    __tablename__ = "forum_votes"
    __table_args__ = (CheckConstraint("value IN (-1, 1)", name="value_known"),)

    post_id: Mapped[int] = mapped_column(
        ForeignKey("forum_posts.id", ondelete="CASCADE"), primary_key=True
    )
    engineer_id: Mapped[int] = mapped_column(
        ForeignKey("engineers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class ForumReport(Base):
    """A report that a thread or post breaks the rules, and how moderators settled it."""

    __tablename__ = "forum_reports"
    __table_args__ = (
        CheckConstraint(check_in("status", ForumReportStatus), name="status_known"),
        CheckConstraint("num_nonnulls(thread_id, post_id) = 1", name="one_target"),
        CheckConstraint(f"char_length(reason) BETWEEN 1 AND {REASON_MAX}", name="reason_length"),
        CheckConstraint("(status = 'OPEN') = (resolved_at IS NULL)", name="resolved_when_closed"),
        Index("ix_forum_reports_status_created", "status", "created_at", "id"),
        Index("ix_forum_reports_thread", "thread_id"),
        Index("ix_forum_reports_post", "post_id"),
        Index("ix_forum_reports_reporter", "reporter_id"),
        Index("ix_forum_reports_resolved_by", "resolved_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_threads.id", ondelete="CASCADE")
    )
    post_id: Mapped[int | None] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("engineers.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    status: Mapped[str] = mapped_column(
        String(16), default=ForumReportStatus.OPEN, server_default=ForumReportStatus.OPEN
    )
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL")
    )
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
