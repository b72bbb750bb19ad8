"""The audit trail: every privileged mutation records actor, action, target, before and after."""

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditLogEntry
from graph.auth.viewer import Viewer


def record(
    session: AsyncSession,
    viewer: Viewer,
    action: str,
    target: Any,
    *,
    chapter_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    request_id: str,
) -> AuditLogEntry:
    """Add an audit row in the caller's transaction (it commits with the change or not at all)."""
    row = AuditLogEntry(
        actor_engineer_id=viewer.engineer_id,
        actor_client_id=viewer.client_id,
        action=action,
        target_type=type(target).__name__,
        target_id=target.id,
        chapter_id=chapter_id,
        before=before,
        after=after,
        request_id=request_id[:64],
    )
    session.add(row)
    return row


Row = TypeVar("Row")


async def audited_update(
    session: AsyncSession,
    viewer: Viewer,
    action: str,
    row: Row,
    snapshot: Callable[[Row], dict[str, Any]],
    *,
    chapter_id: int | None,
    request_id: str,
    **changes: Any,
) -> Row:
    """Apply `changes` to `row` and record the audit row with its snapshots before and after;
    flushed, not committed."""
    before = snapshot(row)
    for column, value in changes.items():
        setattr(row, column, value)
    record(
        session,
        viewer,
        action,
        row,
        chapter_id=chapter_id,
        before=before,
        after=snapshot(row),
        request_id=request_id,
    )
    await session.flush()
    return row
