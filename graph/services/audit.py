"""The audit trail: every privileged mutation records actor, action, target, before and after."""

from typing import Any

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
