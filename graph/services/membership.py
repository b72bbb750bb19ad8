"""Membership rules: joining and leaving chapters, and what coordinators may do to members."""

import enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import JoinPolicy, MembershipStatus, NotificationKind
from db.models import Chapter, Membership
from db.queries import chapter as chapter_queries
from graph.auth.permissions import require_chapter_scope
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.services.audit import audited_update, record
from graph.services.notification import notify
from graph.services.problems import reject
from graph.services.visibility import membership_node_rule


class ChapterErrorCode(enum.Enum):
    """Why a chapter or membership mutation was refused."""

    NOT_FOUND = "NOT_FOUND"
    ARCHIVED = "ARCHIVED"
    INVITE_ONLY = "INVITE_ONLY"
    ALREADY_MEMBER = "ALREADY_MEMBER"
    SUSPENDED = "SUSPENDED"
    NOT_MEMBER = "NOT_MEMBER"
    NOT_PENDING = "NOT_PENDING"
    NOT_ACTIVE = "NOT_ACTIVE"
    UNKNOWN_ROLE = "UNKNOWN_ROLE"
    SELF_TARGET = "SELF_TARGET"


def snapshot(row: Membership) -> dict[str, Any]:
    """The audited state of a membership."""
    return {"role": row.role, "status": row.status}


async def _chapter(session: AsyncSession, chapter_id: int, field: str = "chapter") -> Chapter:
    chapter = await session.get(Chapter, chapter_id)
    if chapter is None:
        raise reject(ChapterErrorCode.NOT_FOUND, "No such chapter.", "input", field)
    return chapter


async def _membership_of(
    session: AsyncSession, chapter_id: int, engineer_id: int
) -> Membership | None:
    stmt = select(Membership).where(
        Membership.chapter_id == chapter_id, Membership.engineer_id == engineer_id
    )
    return await session.scalar(stmt.with_for_update())


JOIN_REFUSALS: tuple[tuple[str, ChapterErrorCode, str], ...] = (
    ("target.archived", ChapterErrorCode.ARCHIVED, "The chapter is archived."),
    (
        f"target.join_policy = '{JoinPolicy.INVITE.value}'",
        ChapterErrorCode.INVITE_ONLY,
        "This chapter admits by invitation.",
    ),
    (
        f"target.existing = '{MembershipStatus.SUSPENDED.value}'",
        ChapterErrorCode.SUSPENDED,
        "Your membership is suspended.",
    ),
    (
        "target.existing IS NOT NULL",
        ChapterErrorCode.ALREADY_MEMBER,
        "You are a member or have asked to join.",
    ),
)
"""Why an engineer may not join a chapter, first match first: each a SQL condition over the
join statement's facts (db.queries.chapter.JOIN_FACTS), its code and message. The statement
inserts the membership where none holds and answers which hold, so this is the one statement
of the rule."""
_JOIN_CONDITIONS = tuple(condition for condition, _, _ in JOIN_REFUSALS)


async def join(session: AsyncSession, engineer_id: int, chapter_id: int) -> Membership:
    """Join (open chapters) or ask to join (approval chapters); no commit.

    One round trip: the statement that reads the chapter inserts the membership unless one of
    JOIN_REFUSALS holds, and says which; a refusal rolls the transaction back."""
    target = await chapter_queries.get_join_target(
        session, chapter_id, engineer_id, "member", _JOIN_CONDITIONS
    )
    if target is None:
        raise reject(ChapterErrorCode.NOT_FOUND, "No such chapter.", "input", "chapter")
    for holds, (_, code, message) in zip(target.refusals, JOIN_REFUSALS, strict=True):
        if holds:
            raise reject(code, message, "input", "chapter")
    if target.joined is None:
        raise RuntimeError("the join statement inserts wherever no refusal holds")
    return target.joined


async def leave(session: AsyncSession, engineer_id: int, chapter_id: int) -> tuple[Chapter, int]:
    """Leave a chapter (or withdraw a request); suspended members cannot; no commit."""
    chapter = await _chapter(session, chapter_id)
    existing = await _membership_of(session, chapter_id, engineer_id)
    if existing is None:
        raise reject(
            ChapterErrorCode.NOT_MEMBER, "You are not a member of this chapter.", "input", "chapter"
        )
    if existing.status == MembershipStatus.SUSPENDED:
        raise reject(
            ChapterErrorCode.SUSPENDED,
            "A suspended membership cannot be left; ask a coordinator.",
            "input",
            "chapter",
        )
    membership_id = existing.id
    await session.delete(existing)
    await session.flush()
    return chapter, membership_id


async def _managed(
    session: AsyncSession, viewer: Viewer, membership_id: int, scope: Scope
) -> Membership:
    """Load a membership the viewer can see, then check `scope` in its chapter."""
    row = await chapter_queries.visible_membership_for_update(
        session, membership_id, membership_node_rule(viewer)
    )
    if row is None:
        raise reject(ChapterErrorCode.NOT_FOUND, "No such membership.", "input", "membership")
    require_chapter_scope(viewer, scope, row.chapter_id)
    if row.engineer_id == viewer.engineer_id:
        raise reject(
            ChapterErrorCode.SELF_TARGET,
            "You cannot do this to your own membership.",
            "input",
            "membership",
        )
    return row


def _require_status(
    row: Membership, status: MembershipStatus, code: ChapterErrorCode, message: str
) -> None:
    """Reject the mutation unless the membership is in `status` (state machine guard)."""
    if row.status != status:
        raise reject(code, message, "input", "membership")


async def _audited_change(
    session: AsyncSession,
    viewer: Viewer,
    row: Membership,
    action: str,
    request_id: str,
    **changes: str,
) -> Membership:
    """Apply `changes` to the membership and write the audit row with before/after."""
    return await audited_update(
        session,
        viewer,
        action,
        row,
        snapshot,
        chapter_id=row.chapter_id,
        request_id=request_id,
        **changes,
    )


async def _tell_member(
    session: AsyncSession,
    viewer: Viewer,
    row: Membership,
    kind: NotificationKind,
    summary: str,
) -> None:
    """Notify the member of a coordinator's decision, in the decision's transaction."""
    chapter = await session.get_one(Chapter, row.chapter_id)
    await notify(
        session,
        [row.engineer_id],
        kind,
        chapter_id=chapter.id,
        actor_id=viewer.engineer_id,
        payload={"summary": summary.format(chapter=chapter.name)},
    )


async def approve(
    session: AsyncSession, viewer: Viewer, membership_id: int, request_id: str
) -> Membership:
    """PENDING → ACTIVE (members:manage in the chapter); audited; no commit."""
    row = await _managed(session, viewer, membership_id, Scope.MEMBERS_MANAGE)
    _require_status(
        row,
        MembershipStatus.PENDING,
        ChapterErrorCode.NOT_PENDING,
        "Only pending requests can be approved.",
    )
    changed = await _audited_change(
        session,
        viewer,
        row,
        "membership.approve",
        request_id,
        status=MembershipStatus.ACTIVE.value,
    )
    await _tell_member(
        session,
        viewer,
        changed,
        NotificationKind.MEMBERSHIP_APPROVED,
        "Welcome to {chapter}: your membership was approved",
    )
    return changed


async def reject_request(
    session: AsyncSession, viewer: Viewer, membership_id: int, request_id: str
) -> Chapter:
    """Delete a PENDING request (members:manage in the chapter); audited; no commit."""
    row = await _managed(session, viewer, membership_id, Scope.MEMBERS_MANAGE)
    _require_status(
        row,
        MembershipStatus.PENDING,
        ChapterErrorCode.NOT_PENDING,
        "Only pending requests can be rejected.",
    )
    record(
        session,
        viewer,
        "membership.reject",
        row,
        chapter_id=row.chapter_id,
        before=snapshot(row),
        after=None,
        request_id=request_id,
    )
    await _tell_member(
        session,
        viewer,
        row,
        NotificationKind.MEMBERSHIP_REJECTED,
        "Your request to join {chapter} was declined",
    )
    chapter = await session.get_one(Chapter, row.chapter_id)
    await session.delete(row)
    await session.flush()
    return chapter


async def suspend(
    session: AsyncSession, viewer: Viewer, membership_id: int, request_id: str
) -> Membership:
    """ACTIVE → SUSPENDED (members:manage in the chapter); audited; no commit."""
    row = await _managed(session, viewer, membership_id, Scope.MEMBERS_MANAGE)
    _require_status(
        row,
        MembershipStatus.ACTIVE,
        ChapterErrorCode.NOT_ACTIVE,
        "Only active memberships can be suspended.",
    )
    changed = await _audited_change(
        session,
        viewer,
        row,
        "membership.suspend",
        request_id,
        status=MembershipStatus.SUSPENDED.value,
    )
    await _tell_member(
        session,
        viewer,
        changed,
        NotificationKind.MEMBERSHIP_SUSPENDED,
        "Your membership of {chapter} was suspended",
    )
    return changed


async def assign_role(
    session: AsyncSession,
    viewer: Viewer,
    registry: ChapterRegistry,
    membership_id: int,
    role: str,
    request_id: str,
) -> Membership:
    """Give an active member a role defined by the chapter's file (roles:assign); audited."""
    row = await _managed(session, viewer, membership_id, Scope.ROLES_ASSIGN)
    chapter = await session.get_one(Chapter, row.chapter_id)
    config = registry.get(chapter.slug)
    if config is None or role not in config.roles:
        known = ", ".join(sorted(config.roles)) if config is not None else "none"
        raise reject(
            ChapterErrorCode.UNKNOWN_ROLE,
            f"Unknown role; this chapter has: {known}.",
            "input",
            "role",
        )
    _require_status(
        row,
        MembershipStatus.ACTIVE,
        ChapterErrorCode.NOT_ACTIVE,
        "Only active members can hold a role.",
    )
    changed = await _audited_change(
        session, viewer, row, "membership.assign_role", request_id, role=role
    )
    await _tell_member(
        session,
        viewer,
        changed,
        NotificationKind.MEMBERSHIP_ROLE_CHANGED,
        f"Your role in {{chapter}} is now {role}",
    )
    return changed
