"""Chapter announcements: a coordinator's message, one notification per active member."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import MembershipStatus, NotificationKind
from db.models import Chapter, ChapterAnnouncement, Membership
from db.models.event import ANNOUNCEMENT_BODY_MAX, ANNOUNCEMENT_TITLE_MAX
from graph.auth.permissions import require_chapter_scope, require_engineer
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.services import audit
from graph.services.event_rules import EventErrorCode, not_found
from graph.services.notification import notify
from graph.services.problems import reject

TITLE_MIN = 3


async def post(
    session: AsyncSession,
    viewer: Viewer,
    chapter_id: int,
    *,
    title: str,
    body: str,
    request_id: str,
) -> ChapterAnnouncement:
    """Post an announcement to a chapter (`announcements:write` there) and notify each active
    member as each chose (one statement for them all); audited; no commit."""
    engineer_id = require_engineer(viewer)
    chapter = await session.get(Chapter, chapter_id)
    if chapter is None:
        raise not_found("chapter", "input", "chapter")
    require_chapter_scope(viewer, Scope.ANNOUNCEMENTS_WRITE, chapter.id)
    title_text, body_text = title.strip(), body.strip()
    if not TITLE_MIN <= len(title_text) <= ANNOUNCEMENT_TITLE_MAX:
        raise reject(
            EventErrorCode.INVALID_ANNOUNCEMENT,
            f"A title has {TITLE_MIN} to {ANNOUNCEMENT_TITLE_MAX} characters.",
            "input",
            "title",
        )
    if not 1 <= len(body_text) <= ANNOUNCEMENT_BODY_MAX:
        raise reject(
            EventErrorCode.INVALID_ANNOUNCEMENT,
            f"A body has 1 to {ANNOUNCEMENT_BODY_MAX} characters.",
            "input",
            "body",
        )
    if chapter.archived_at is not None:
        raise reject(EventErrorCode.NOT_FOUND, "The chapter is archived.", "input", "chapter")
    announcement = ChapterAnnouncement(
        chapter_id=chapter.id, author_id=engineer_id, title=title_text, body=body_text
    )
    session.add(announcement)
    await session.flush()
    announcement.recipients = await fan_out(session, announcement)
    audit.record(
        session,
        viewer,
        "announcement.post",
        announcement,
        chapter_id=chapter.id,
        before=None,
        after={"title": title_text, "recipients": announcement.recipients},
        request_id=request_id,
    )
    await session.flush()
    await session.refresh(announcement)
    return announcement


async def fan_out(session: AsyncSession, announcement: ChapterAnnouncement) -> int:
    """One CHAPTER_ANNOUNCEMENT notification per active member, as each chose for the kind
    (none for NONE), written in one statement whatever the number of members; how many."""
    members = await session.scalars(
        select(Membership.engineer_id).where(
            Membership.chapter_id == announcement.chapter_id,
            Membership.status == MembershipStatus.ACTIVE.value,
        )
    )
    written = await notify(
        session,
        list(members),
        NotificationKind.CHAPTER_ANNOUNCEMENT,
        announcement_id=announcement.id,
        payload={"title": announcement.title},
    )
    return len(written)
