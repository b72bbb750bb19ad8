"""Forum writing rules: start threads, reply, edit, vote, accept answers and report."""

import enum
import re
from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import NotificationKind
from db.models import (
    Chapter,
    Engineer,
    ForumCategory,
    ForumPost,
    ForumReport,
    ForumThread,
    ForumVote,
)
from db.models.forum import BODY_MAX, REASON_MAX, TAGS_MAX, TITLE_MAX
from db.queries import forum as forum_queries
from db.queries.forum import open_report_exists
from graph.auth.permissions import require_engineer
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.errors import Forbidden, InsufficientScope
from graph.services.forum import moderates, valid_tag
from graph.services.notification import notify
from graph.services.problems import reject
from graph.services.visibility import ForumCategoryFacts, forum_scope
from graph.subscriptions.events import (
    POST_ADDED,
    POST_EDITED,
    Event,
    forum_thread_changed,
    publish,
)

TITLE_MIN = 3
MENTIONS_MAX = 20
"""Handles notified per post at most (a post naming more notifies the first twenty)."""
MENTION = re.compile(r"(?<![\w@.])@([a-z0-9](?:[a-z0-9-]{0,37}[a-z0-9])?)(?![\w-])", re.IGNORECASE)
EXCERPT_MAX = 280


class ThreadFacts(Protocol):
    """What notifying about a thread reads of it: a loaded row, or just these columns."""

    @property
    def id(self) -> int:
        """Primary key."""

    @property
    def title(self) -> str:
        """The thread's title (in the notification's summary)."""


class ForumErrorCode(enum.Enum):
    """Why a forum mutation was refused."""

    NOT_FOUND = "NOT_FOUND"
    FORUM_DISABLED = "FORUM_DISABLED"
    LOCKED = "LOCKED"
    INVALID_TITLE = "INVALID_TITLE"
    INVALID_BODY = "INVALID_BODY"
    INVALID_TAGS = "INVALID_TAGS"
    INVALID_VOTE = "INVALID_VOTE"
    OWN_POST = "OWN_POST"
    NOT_AUTHOR = "NOT_AUTHOR"
    NOT_IN_THREAD = "NOT_IN_THREAD"
    ALREADY_REPORTED = "ALREADY_REPORTED"
    INVALID_REASON = "INVALID_REASON"
    NOT_OPEN = "NOT_OPEN"
    UNCHANGED = "UNCHANGED"
    INVALID_ACTION = "INVALID_ACTION"


def require_forum_writer(viewer: Viewer, category: ForumCategoryFacts) -> int:
    """The engineer's id if they may write in this category; raises otherwise.

    Global and sector categories: `forum:write`. Chapter categories: `forum:write` granted by a
    role in that chapter (an active membership), or a council admin.
    """
    engineer_id = require_engineer(viewer)
    if Scope.FORUM_WRITE not in viewer.scopes:
        raise InsufficientScope(
            f"The access token lacks the `{Scope.FORUM_WRITE.value}` scope.",
            requiredScope=Scope.FORUM_WRITE.value,
        )
    if category.chapter_id is None:
        allowed = viewer.has_scope(Scope.FORUM_WRITE)
    else:
        allowed = viewer.is_council_admin or category.chapter_id in viewer.chapters_with_scope(
            Scope.FORUM_WRITE
        )
    if not allowed:
        raise Forbidden(
            "Only the chapter's active members can write in its forum.",
            requiredScope=Scope.FORUM_WRITE.value,
        )
    return engineer_id


def require_forum_scope(viewer: Viewer) -> int:
    """The engineer's id when the token carries `forum:write` (reports, edits)."""
    engineer_id = require_engineer(viewer)
    if not viewer.has_scope(Scope.FORUM_WRITE):
        raise InsufficientScope(
            f"The access token lacks the `{Scope.FORUM_WRITE.value}` scope.",
            requiredScope=Scope.FORUM_WRITE.value,
        )
    return engineer_id


def clean_title(title: str) -> str:
    """A stripped title of 3-200 characters, or INVALID_TITLE."""
    text = title.strip()
    if not TITLE_MIN <= len(text) <= TITLE_MAX:
        raise reject(
            ForumErrorCode.INVALID_TITLE,
            f"A title has {TITLE_MIN} to {TITLE_MAX} characters.",
            "input",
            "title",
        )
    return text


def clean_body(body: str) -> str:
    """A stripped body of 1-20,000 characters, or INVALID_BODY."""
    text = body.strip()
    if not 1 <= len(text) <= BODY_MAX:
        raise reject(
            ForumErrorCode.INVALID_BODY,
            f"A body has 1 to {BODY_MAX} characters.",
            "input",
            "body",
        )
    return text


def clean_tags(tags: list[str] | None) -> list[str]:
    """At most five distinct lower-case tags in the given order, or INVALID_TAGS."""
    unique = list(dict.fromkeys(tag.strip() for tag in tags or ()))
    if len(unique) > TAGS_MAX or not all(valid_tag(tag) for tag in unique):
        raise reject(
            ForumErrorCode.INVALID_TAGS,
            f"At most {TAGS_MAX} tags, each lower-case words joined by hyphens (32 characters).",
            "input",
            "tags",
        )
    return unique


def not_found(what: str, *field: str) -> Exception:
    """NOT_FOUND for something missing or not visible to the viewer (indistinguishable)."""
    return reject(ForumErrorCode.NOT_FOUND, f"No such {what}.", *field)


async def readable_category(
    session: AsyncSession, viewer: Viewer, category_id: int, *field: str
) -> ForumCategory:
    """The category if it exists and the viewer may read it; NOT_FOUND otherwise."""
    readable = forum_scope(viewer).category_predicate()
    stmt = select(ForumCategory).where(ForumCategory.id == category_id, readable)
    category = (await session.scalars(stmt)).one_or_none()
    if category is None:
        raise not_found("category", *field)
    return category


async def readable_thread(
    session: AsyncSession, viewer: Viewer, thread_id: int, *field: str, lock: bool = False
) -> tuple[ForumThread, ForumCategory]:
    """The thread and its category if the viewer may read it; NOT_FOUND otherwise."""
    stmt = (
        select(ForumThread, ForumCategory)
        .join(ForumCategory, ForumCategory.id == ForumThread.category_id)
        .where(ForumThread.id == thread_id, forum_scope(viewer).thread_readable())
    )
    if lock:
        stmt = stmt.with_for_update(of=ForumThread).execution_options(populate_existing=True)
    row = (await session.execute(stmt)).one_or_none()
    if row is None:
        raise not_found("thread", *field)
    thread, category = row
    return thread, category


async def readable_post(
    session: AsyncSession, viewer: Viewer, post_id: int, *field: str, lock: bool = False
) -> tuple[ForumPost, ForumThread, ForumCategory]:
    """The post, its thread and category if the viewer may read them; NOT_FOUND otherwise."""
    post = await session.get(ForumPost, post_id, with_for_update=lock)
    if post is None:
        raise not_found("post", *field)
    thread, category = await readable_thread(session, viewer, post.thread_id, *field)
    return post, thread, category


async def _require_forum_on(session: AsyncSession, category: ForumCategory) -> None:
    """A chapter category takes new threads and replies only while the chapter runs a forum."""
    if category.chapter_id is None:
        return
    chapter = await session.get_one(Chapter, category.chapter_id)
    _require_forum_running(chapter.archived_at is not None, chapter.features)


def _require_forum_running(archived: bool, features: Mapping[str, Any]) -> None:
    """FORUM_DISABLED unless the chapter is live and its `forum` feature is on."""
    if archived or not features.get("forum", False):
        raise reject(
            ForumErrorCode.FORUM_DISABLED,
            "The chapter's forum is switched off.",
            "input",
        )


async def create_thread(
    session: AsyncSession,
    viewer: Viewer,
    category_id: int,
    *,
    title: str,
    body: str,
    tags: list[str] | None,
) -> ForumThread:
    """Start a thread in a category the viewer may read and write in; no commit."""
    category = await readable_category(session, viewer, category_id, "input", "category")
    engineer_id = require_forum_writer(viewer, category)
    values = {"title": clean_title(title), "body": clean_body(body), "tags": clean_tags(tags)}
    await _require_forum_on(session, category)
    thread = ForumThread(category_id=category.id, author_id=engineer_id, **values)
    session.add(thread)
    await session.flush()
    await session.refresh(thread)
    await _notify_mentions(session, category, thread, None, thread.body, engineer_id, set())
    return thread


async def create_post(
    session: AsyncSession, viewer: Viewer, thread_id: int, *, body: str
) -> ForumPost:
    """Reply in a thread (refused on locked threads except for its moderators) and publish the
    reply to the thread's subscribers when the transaction commits; no commit.

    The thread, its category and chapter and the writer's handle are read in one statement
    (only the columns these rules read), the reply inserted with RETURNING."""
    scope = forum_scope(viewer)
    target = await forum_queries.get_reply_target(session, thread_id, viewer.engineer_id, scope)
    if target is None:
        raise not_found("thread", "input", "thread")
    thread, category = target.thread, target.category
    engineer_id = require_forum_writer(viewer, category)
    text = clean_body(body)
    if thread.locked and not moderates(viewer, category):
        raise reject(ForumErrorCode.LOCKED, "The thread is locked.", "input", "thread")
    if category.chapter_id is not None:
        _require_forum_running(bool(target.chapter_archived), target.chapter_features or {})
    post = await forum_queries.insert_post(session, thread.id, engineer_id, text)
    handle = target.writer_handle
    mentioned = await _notify_mentions(
        session, category, thread, post, text, engineer_id, set(), handle
    )
    author = thread.author_id
    # the thread's event, delivered on commit only: in the notification's statement, or alone
    added = forum_thread_changed(thread.id, POST_ADDED, post.id)
    if author is not None and author != engineer_id and author not in mentioned:
        await _notify_reply(session, category, thread, post, author, handle, then=added)
    else:
        await publish(session, added)
    return post


async def _notify_reply(
    session: AsyncSession,
    category: ForumCategoryFacts,
    thread: ThreadFacts,
    post: ForumPost,
    author_id: int,
    handle: str | None,
    *,
    then: Event,
) -> None:
    """Tell the thread's author of a reply (if they can still read the category); `then` is
    published after it, in the same statement (alone when the author is not told)."""
    if not await _readers(session, category, [author_id]):
        await publish(session, then)
        return
    await notify(
        session,
        [author_id],
        NotificationKind.FORUM_REPLY,
        thread_id=thread.id,
        post_id=post.id,
        chapter_id=category.chapter_id,
        actor_id=post.author_id,
        payload=await _payload(
            session, post.author_id, "replied to your thread", thread, post.body, handle
        ),
        then=then,
    )


def mentioned_handles(body: str) -> list[str]:
    """The distinct @handles a text names, in order (lower case), at most MENTIONS_MAX."""
    handles = dict.fromkeys(match.lower() for match in MENTION.findall(body))
    return list(handles)[:MENTIONS_MAX]


async def _readers(
    session: AsyncSession, category: ForumCategoryFacts, engineer_ids: list[int]
) -> list[int]:
    """Those of `engineer_ids` who may read the category: everyone, or for a members-only chapter
    category its active members (a mention never reveals a thread to an outsider)."""
    if not engineer_ids or not (category.members_only and category.chapter_id is not None):
        return engineer_ids
    allowed = await forum_queries.active_members_among(session, category.chapter_id, engineer_ids)
    return [engineer_id for engineer_id in engineer_ids if engineer_id in allowed]


async def _payload(
    session: AsyncSession,
    actor_id: int | None,
    verb: str,
    thread: ThreadFacts,
    body: str,
    handle: str | None = None,
) -> dict[str, Any]:
    """The notification's summary line and excerpt (the actor's handle read unless given)."""
    if handle is None:
        handle = await session.scalar(select(Engineer.handle).where(Engineer.id == actor_id))
    excerpt = body if len(body) <= EXCERPT_MAX else body[: EXCERPT_MAX - 1] + "…"
    return {"summary": f"@{handle} {verb} “{thread.title}”", "excerpt": excerpt}


async def _notify_mentions(
    session: AsyncSession,
    category: ForumCategoryFacts,
    thread: ThreadFacts,
    post: ForumPost | None,
    body: str,
    author_id: int,
    already: set[str],
    handle: str | None = None,
) -> set[int]:
    """Notify the engineers a text @mentions (existing handles, not the author, not those in
    `already`, only readers of the category); returns who was notified."""
    handles = [handle for handle in mentioned_handles(body) if handle not in already]
    if not handles:
        return set()
    found = await forum_queries.engineers_named(session, handles, author_id)
    recipients = await _readers(session, category, sorted(found))
    if not recipients:
        return set()
    await notify(
        session,
        recipients,
        NotificationKind.FORUM_MENTION,
        thread_id=thread.id,
        post_id=post.id if post is not None else None,
        chapter_id=category.chapter_id,
        actor_id=author_id,
        payload=await _payload(session, author_id, "mentioned you in", thread, body, handle),
    )
    return set(recipients)


async def edit_post(session: AsyncSession, viewer: Viewer, post_id: int, *, body: str) -> ForumPost:
    """Replace a reply's body (its author only, not in locked threads); no commit."""
    engineer_id = require_forum_scope(viewer)
    post, thread, category = await readable_post(
        session, viewer, post_id, "input", "post", lock=True
    )
    if post.author_id != engineer_id:
        raise reject(
            ForumErrorCode.NOT_AUTHOR, "Only the author can edit a reply.", "input", "post"
        )
    text = clean_body(body)
    if thread.locked:
        raise reject(ForumErrorCode.LOCKED, "The thread is locked.", "input", "post")
    before = set(mentioned_handles(post.body))
    post.body = text
    post.edited_at = await session.scalar(select(func.now()))
    await session.flush()
    await _notify_mentions(session, category, thread, post, text, engineer_id, before)
    await publish(session, forum_thread_changed(thread.id, POST_EDITED, post.id))
    return post


async def vote(session: AsyncSession, viewer: Viewer, post_id: int, value: int) -> ForumPost:
    """Vote +1 or -1 on someone else's reply, or 0 to take the vote back; no commit."""
    post, thread, category = await readable_post(session, viewer, post_id, "input", "post")
    engineer_id = require_forum_writer(viewer, category)
    if value not in (-1, 0, 1):
        raise reject(ForumErrorCode.INVALID_VOTE, "Vote 1, -1, or 0 to clear.", "input", "value")
    if post.author_id == engineer_id:
        raise reject(ForumErrorCode.OWN_POST, "You cannot vote on your own reply.", "input", "post")
    if thread.locked:
        raise reject(ForumErrorCode.LOCKED, "The thread is locked.", "input", "post")
    if value == 0:
        await session.execute(
            delete(ForumVote).where(
                ForumVote.post_id == post.id, ForumVote.engineer_id == engineer_id
            )
        )
    else:
        upsert = insert(ForumVote).values(post_id=post.id, engineer_id=engineer_id, value=value)
        await session.execute(
            upsert.on_conflict_do_update(
                index_elements=[ForumVote.post_id, ForumVote.engineer_id],
                set_={"value": upsert.excluded.value},
                where=ForumVote.value != upsert.excluded.value,
            )
        )
    await session.refresh(post)
    return post


async def accept_answer(
    session: AsyncSession, viewer: Viewer, thread_id: int, post_id: int | None
) -> ForumThread:
    """The thread's author marks one of its visible replies as the answer (null clears)."""
    engineer_id = require_forum_scope(viewer)
    thread, _ = await readable_thread(session, viewer, thread_id, "input", "thread", lock=True)
    if thread.author_id != engineer_id:
        raise reject(
            ForumErrorCode.NOT_AUTHOR,
            "Only the thread's author can accept an answer.",
            "input",
            "thread",
        )
    if post_id is not None:
        post = await session.get(ForumPost, post_id)
        if post is None or post.thread_id != thread.id or post.hidden:
            raise reject(
                ForumErrorCode.NOT_IN_THREAD,
                "The answer must be a visible reply in this thread.",
                "input",
                "post",
            )
    thread.accepted_post_id = post_id
    await session.flush()
    return thread


def clean_reason(reason: str) -> str:
    """A stripped reason of 1-500 characters, or INVALID_REASON."""
    text = reason.strip()
    if not 1 <= len(text) <= REASON_MAX:
        raise reject(
            ForumErrorCode.INVALID_REASON,
            f"A reason has 1 to {REASON_MAX} characters.",
            "input",
            "reason",
        )
    return text


async def report(
    session: AsyncSession,
    viewer: Viewer,
    *,
    thread_id: int | None,
    post_id: int | None,
    reason: str,
) -> ForumReport:
    """Report a readable thread or reply to its moderators (once while open); no commit."""
    engineer_id = require_forum_scope(viewer)
    if post_id is not None:
        await readable_post(session, viewer, post_id, "input", "target")
    else:
        assert thread_id is not None
        await readable_thread(session, viewer, thread_id, "input", "target")
    text = clean_reason(reason)
    duplicate = open_report_exists(engineer_id, thread_id=thread_id, post_id=post_id)
    if await session.scalar(select(duplicate)):
        raise reject(
            ForumErrorCode.ALREADY_REPORTED,
            "You already reported this; moderators have not settled it yet.",
            "input",
            "target",
        )
    row = ForumReport(thread_id=thread_id, post_id=post_id, reporter_id=engineer_id, reason=text)
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row


def moderation_snapshot(target: ForumThread | ForumPost) -> dict[str, Any]:
    """The audited moderation state of a thread or reply."""
    if isinstance(target, ForumThread):
        return {"hidden": target.hidden, "locked": target.locked, "pinned": target.pinned}
    return {"hidden": target.hidden}
