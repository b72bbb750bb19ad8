"""SELECTs for the forum: categories, threads, posts and votes, filtered by a viewer's scope."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    exists,
    false,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.driver import fetch, fetchrow, in_session
from db.models import (
    Chapter,
    Engineer,
    ForumCategory,
    ForumPost,
    ForumReport,
    ForumThread,
)
from db.queries.pagination import Ordering
from db.queries.viewer_ids import any_of

CATEGORY_ORDERING = Ordering("POSITION", ("position", "id"))
CATEGORY_THREAD_ORDERINGS: dict[str, Ordering] = {
    "LAST_POSTED_AT": Ordering(
        "PINNED_LAST_POSTED_AT", ("pinned", "last_posted_at", "id"), descending=True
    ),
    "CREATED_AT": Ordering("PINNED_CREATED_AT", ("pinned", "created_at", "id"), descending=True),
}
"""A category's threads: pinned ones first, then by the chosen time, newest first."""
THREAD_ORDERING = Ordering("LAST_POSTED_AT", ("last_posted_at", "id"), descending=True)
"""Threads across categories (search): most recent activity first."""
POST_ORDERING = Ordering("CREATED_AT", ("created_at", "id"))
"""A thread's replies: oldest first, as a conversation reads."""
REPORT_ORDERING = Ordering("CREATED_AT", ("created_at", "id"))
"""A moderation queue: oldest report first."""
SEARCH_CONFIG = "english"


@dataclass(frozen=True)
class ForumScope:
    """What of the forum a viewer may read.

    Members-only categories: those of `member_chapter_ids` (every one when `all_chapters`).
    Hidden threads: those in categories of `moderated_chapter_ids`, and every one when
    `moderates_all` (council admins, who also moderate the global and sector categories).
    """

    member_chapter_ids: tuple[int, ...] = ()
    moderated_chapter_ids: tuple[int, ...] = ()
    all_chapters: bool = False
    moderates_all: bool = False

    def category_predicate(self) -> ColumnElement[bool]:
        """SQL predicate on forum_categories: the viewer may read the category."""
        if self.all_chapters:
            return true()
        if not self.member_chapter_ids:
            return ForumCategory.members_only.is_(false())
        return or_(
            ForumCategory.members_only.is_(false()),
            any_of(ForumCategory.chapter_id, self.member_chapter_ids),
        )

    def moderates_category(self) -> ColumnElement[bool]:
        """SQL predicate on forum_categories: the viewer moderates the category."""
        if self.moderates_all:
            return true()
        if not self.moderated_chapter_ids:
            return false()
        return any_of(ForumCategory.chapter_id, self.moderated_chapter_ids)

    def moderates(self, chapter_id: int | None) -> bool:
        """`moderates_category` for one category's chapter (None: a global or sector one),
        for the permission checks of moderation mutations."""
        return self.moderates_all or (
            chapter_id is not None and chapter_id in self.moderated_chapter_ids
        )

    def thread_readable(self) -> ColumnElement[bool]:
        """SQL predicate on forum_threads joined to their forum_categories: the category is
        readable, and the thread is not hidden unless the viewer moderates that category."""
        if self.all_chapters and self.moderates_all:
            return true()
        return and_(
            self.category_predicate(),
            or_(ForumThread.hidden.is_(false()), self.moderates_category()),
        )

    def thread_predicate(self) -> ColumnElement[bool]:
        """SQL predicate on forum_threads: `thread_readable` of the thread and its category."""
        if self.all_chapters and self.moderates_all:
            return true()
        return exists().where(ForumCategory.id == ForumThread.category_id, self.thread_readable())


def categories(
    scope: ForumScope, kinds: Sequence[str] = (), chapter_ids: Sequence[int] | None = None
) -> Select[ForumCategory]:
    """SELECT the categories the scope may read (of these kinds and chapters, when given)."""
    stmt = select(ForumCategory).where(scope.category_predicate())
    if kinds:
        stmt = stmt.where(ForumCategory.kind.in_(kinds))
    if chapter_ids is not None:
        stmt = stmt.where(ForumCategory.chapter_id.in_(chapter_ids))
    return stmt


def search_query(text: str) -> ColumnElement[object]:
    """The tsquery for a user's search text (web-search syntax: quotes, OR, -word)."""
    return func.websearch_to_tsquery(SEARCH_CONFIG, text)


def threads(
    scope: ForumScope,
    *,
    category_ids: Sequence[int] | None = None,
    tags: Sequence[str] = (),
    search: str | None = None,
) -> Select[ForumThread]:
    """SELECT the threads the scope may read, filtered by category, tags (all of them) and
    full-text search over title, tags and body."""
    stmt = select(ForumThread).where(scope.thread_predicate())
    if category_ids is not None:
        stmt = stmt.where(ForumThread.category_id.in_(category_ids))
    if tags:
        stmt = stmt.where(ForumThread.tags.contains(list(tags)))
    if search:
        stmt = stmt.where(ForumThread.search.op("@@")(search_query(search)))
    return stmt


def posts() -> Select[ForumPost]:
    """SELECT replies; every reply of a readable thread is listed (hidden ones minimised)."""
    return select(ForumPost)


async def list_threads_by_ids(
    session: AsyncSession, ids: Sequence[int], rule: ColumnElement[bool] | None = None
) -> list[ForumThread]:
    """Threads with these primary keys (those `rule`, a predicate on threads, admits)."""
    stmt = select(ForumThread).where(ForumThread.id.in_(ids))
    return list((await session.scalars(stmt if rule is None else stmt.where(rule))).all())


async def list_posts_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[ForumPost]:
    """Posts with these primary keys."""
    stmt = select(ForumPost).where(ForumPost.id.in_(ids))
    return list((await session.scalars(stmt)).all())


def open_report_exists(
    reporter_id: int, *, thread_id: int | None, post_id: int | None
) -> ColumnElement[bool]:
    """SQL: the reporter already has an open report on this target."""
    target = (
        ForumReport.thread_id == thread_id
        if thread_id is not None
        else ForumReport.post_id == post_id
    )
    return exists().where(
        and_(ForumReport.reporter_id == reporter_id, ForumReport.status == "OPEN", target)
    )


def reports(statuses: Sequence[str] = ()) -> Select[ForumReport]:
    """SELECT reports joined to the thread they concern (reported directly or through a reply),
    so that `ForumThread.category_id` groups them by category."""
    post = aliased(ForumPost)
    stmt = (
        select(ForumReport)
        .outerjoin(post, post.id == ForumReport.post_id)
        .join(ForumThread, ForumThread.id == func.coalesce(ForumReport.thread_id, post.thread_id))
    )
    if statuses:
        stmt = stmt.where(ForumReport.status.in_(statuses))
    return stmt


@dataclass(frozen=True)
class ThreadFacts:
    """The columns of a thread that replying to it reads."""

    id: int
    category_id: int
    author_id: int | None
    title: str
    locked: bool
    hidden: bool


@dataclass(frozen=True)
class CategoryFacts:
    """The columns of a category that the forum's read and write rules read."""

    id: int
    chapter_id: int | None
    members_only: bool


@dataclass(frozen=True)
class ReplyTarget:
    """What a reply needs to know, read in one statement: the thread, its category, the
    category's chapter (archived, features; None for global and sector categories) and the
    writer's handle (for the notifications' summary line)."""

    thread: ThreadFacts
    category: CategoryFacts
    chapter_archived: bool | None
    chapter_features: dict[str, Any] | None
    writer_handle: str | None


_WRITER = bindparam("writer_id", type_=Integer)
REPLY_TARGET = (
    select(
        ForumThread.id,
        ForumThread.category_id,
        ForumThread.author_id,
        ForumThread.title,
        ForumThread.locked,
        ForumThread.hidden,
        ForumCategory.chapter_id,
        ForumCategory.members_only,
        Chapter.archived_at.is_not(None),
        Chapter.features,
        select(Engineer.handle).where(Engineer.id == _WRITER).scalar_subquery(),
    )
    .join(ForumCategory, ForumCategory.id == ForumThread.category_id)
    .outerjoin(Chapter, Chapter.id == ForumCategory.chapter_id)
    .where(ForumThread.id == bindparam("thread_id", type_=Integer))
)
"""Built once (with bound parameters); narrowed by the reader's ForumScope per reply."""

REPLY_TARGETS = 512
"""Reply-target statements kept compiled, one per ForumScope (viewers who read the same
categories and moderate the same chapters share one)."""


@lru_cache(maxsize=REPLY_TARGETS)
def _reply_target(scope: ForumScope) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    """REPLY_TARGET narrowed by `scope.thread_readable()`, compiled for the driver connection
    once per scope: its text ($n parameters), parameter names and the values the scope binds."""
    compiled = REPLY_TARGET.where(scope.thread_readable()).compile(
        dialect=asyncpg_dialect()  # type: ignore[no-untyped-call]
    )
    return compiled.string, tuple(compiled.positiontup or ()), dict(compiled.params)


async def get_reply_target(
    session: AsyncSession, thread_id: int, writer_id: int | None, scope: ForumScope
) -> ReplyTarget | None:
    """The thread to reply to with its category, chapter and the writer's handle (only the
    columns the rules read, one statement on the session's driver connection); None when there
    is no such thread or the scope may not read it."""
    sql, names, bound = _reply_target(scope)
    parameters = {**bound, "thread_id": thread_id, "writer_id": writer_id}
    row = await fetchrow(session, sql, *[parameters[name] for name in names])
    if row is None:
        return None
    (key, category_id, author_id, title, locked, hidden, chapter_id, members_only) = row[:8]
    archived, features, writer_handle = row[8:]
    if isinstance(features, str):  # jsonb as text (a connection without SQLAlchemy's codec)
        features = json.loads(features)
    return ReplyTarget(
        ThreadFacts(key, category_id, author_id, title, locked, hidden),
        CategoryFacts(category_id, chapter_id, members_only),
        archived if chapter_id is not None else None,
        features if chapter_id is not None else None,
        writer_handle,
    )


_ACTIVE_MEMBERS_AMONG = """
SELECT engineer_id FROM memberships
WHERE chapter_id = $1 AND status = 'ACTIVE' AND engineer_id = ANY($2::int[])
"""


async def active_members_among(
    session: AsyncSession, chapter_id: int, engineer_ids: Sequence[int]
) -> set[int]:
    """Those of `engineer_ids` with an active membership of the chapter (one statement on the
    session's driver connection)."""
    rows = await fetch(session, _ACTIVE_MEMBERS_AMONG, chapter_id, list(engineer_ids))
    return {row[0] for row in rows}


_ENGINEERS_NAMED = """
SELECT id FROM engineers WHERE handle = ANY($1::text[]) AND id <> $2
"""


async def engineers_named(
    session: AsyncSession, handles: Sequence[str], except_id: int
) -> list[int]:
    """The ids of the engineers with these handles, but `except_id` (one statement on the
    session's driver connection)."""
    rows = await fetch(session, _ENGINEERS_NAMED, list(handles), except_id)
    return [row[0] for row in rows]


_INSERT_POST = """
INSERT INTO forum_posts (thread_id, author_id, body) VALUES ($1, $2, $3)
RETURNING id, created_at, edited_at, hidden, score
"""
"""One reply with its server defaults, on the session's driver connection (no flush)."""


async def insert_post(
    session: AsyncSession, thread_id: int, author_id: int, body: str
) -> ForumPost:
    """Add one reply: one INSERT whose RETURNING brings back its id and server defaults, the
    row then registered in the session as a flush would have (db.driver.in_session)."""
    key, created_at, edited_at, hidden, score = await fetchrow(
        session, _INSERT_POST, thread_id, author_id, body
    )
    post = ForumPost(
        id=key,
        thread_id=thread_id,
        author_id=author_id,
        body=body,
        created_at=created_at,
        edited_at=edited_at,
        hidden=hidden,
        score=score,
    )
    return in_session(session, post)
