"""Forum moderation: hide, lock and pin threads and replies, settle reports; all audited."""

import enum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import ForumReportStatus
from db.models import ForumCategory, ForumPost, ForumReport, ForumThread
from graph.auth.permissions import require_engineer
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.errors import Forbidden, InsufficientScope
from graph.services.audit import audited_update
from graph.services.forum import moderates
from graph.services.forum_writing import (
    ForumErrorCode,
    moderation_snapshot,
    readable_post,
    readable_thread,
)
from graph.services.problems import reject
from graph.subscriptions.events import MODERATED, forum_thread_changed, publish


class ModerationAction(enum.Enum):
    """What a moderator does to a thread or reply."""

    HIDE = "HIDE"
    UNHIDE = "UNHIDE"
    LOCK = "LOCK"
    UNLOCK = "UNLOCK"
    PIN = "PIN"
    UNPIN = "UNPIN"


CHANGES: dict[ModerationAction, tuple[str, bool]] = {
    ModerationAction.HIDE: ("hidden", True),
    ModerationAction.UNHIDE: ("hidden", False),
    ModerationAction.LOCK: ("locked", True),
    ModerationAction.UNLOCK: ("locked", False),
    ModerationAction.PIN: ("pinned", True),
    ModerationAction.UNPIN: ("pinned", False),
}
POST_ACTIONS = frozenset({ModerationAction.HIDE, ModerationAction.UNHIDE})


def require_moderator(viewer: Viewer, category: ForumCategory) -> None:
    """Raise unless the viewer moderates the category (`forum:moderate` in its chapter; council
    admins everywhere, and alone for global and sector categories)."""
    require_engineer(viewer)
    if moderates(viewer, category):
        return
    if Scope.FORUM_MODERATE not in viewer.scopes:
        raise InsufficientScope(
            f"The access token lacks the `{Scope.FORUM_MODERATE.value}` scope.",
            requiredScope=Scope.FORUM_MODERATE.value,
        )
    raise Forbidden("You do not moderate this category.", requiredScope=Scope.FORUM_MODERATE.value)


async def moderate(
    session: AsyncSession,
    viewer: Viewer,
    *,
    thread_id: int | None,
    post_id: int | None,
    action: ModerationAction,
    request_id: str,
) -> ForumThread | ForumPost:
    """Apply `action` to a thread (any action) or a reply (hide, unhide); audited; no commit."""
    target: ForumThread | ForumPost
    if post_id is not None:
        target, _, category = await readable_post(
            session, viewer, post_id, "input", "target", lock=True
        )
    else:
        assert thread_id is not None
        target, category = await readable_thread(
            session, viewer, thread_id, "input", "target", lock=True
        )
    require_moderator(viewer, category)
    if isinstance(target, ForumPost) and action not in POST_ACTIONS:
        raise reject(
            ForumErrorCode.INVALID_ACTION,
            "Replies can only be hidden or unhidden; lock or pin their thread.",
            "input",
            "action",
        )
    column, value = CHANGES[action]
    if getattr(target, column) == value:
        raise reject(
            ForumErrorCode.UNCHANGED,
            f"Nothing to do: it is already {'un' if not value else ''}{column}.",
            "input",
            "action",
        )
    changed = await audited_update(
        session,
        viewer,
        f"forum.{action.value.lower()}",
        target,
        moderation_snapshot,
        chapter_id=category.chapter_id,
        request_id=request_id,
        **{column: value},
    )
    if isinstance(changed, ForumPost):
        event = forum_thread_changed(changed.thread_id, MODERATED, changed.id)
    else:
        event = forum_thread_changed(changed.id, MODERATED)
    await publish(session, event)  # forumThreadUpdated subscribers hear of it on commit
    return changed


async def resolve_report(
    session: AsyncSession,
    viewer: Viewer,
    report_id: int,
    status: ForumReportStatus,
    request_id: str,
) -> ForumReport:
    """OPEN → RESOLVED or DISMISSED, by a moderator of the reported content; audited."""
    engineer_id = require_engineer(viewer)
    row = await session.get(ForumReport, report_id, with_for_update=True)
    if row is None:
        raise reject(ForumErrorCode.NOT_FOUND, "No such report.", "input", "report")
    if row.post_id is not None:
        _, _, category = await readable_post(session, viewer, row.post_id, "input", "report")
    else:
        assert row.thread_id is not None
        _, category = await readable_thread(session, viewer, row.thread_id, "input", "report")
    require_moderator(viewer, category)
    if status is ForumReportStatus.OPEN:
        raise reject(
            ForumErrorCode.INVALID_ACTION,
            "Settle a report as RESOLVED or DISMISSED.",
            "input",
            "status",
        )
    if row.status != ForumReportStatus.OPEN:
        raise reject(ForumErrorCode.NOT_OPEN, "The report was settled already.", "input", "report")
    return await audited_update(
        session,
        viewer,
        f"forum.report.{status.value.lower()}",
        row,
        lambda report: {"status": report.status},
        chapter_id=category.chapter_id,
        request_id=request_id,
        status=status.value,
        resolved_by_id=engineer_id,
        resolved_at=await session.scalar(select(func.now())),
    )
