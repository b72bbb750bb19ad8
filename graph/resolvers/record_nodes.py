"""`node(id:)` for the records listed in connections: access log, audit log, affiliations.

Each is checked on the loaded row by the rule of the connection that lists it, so an ID seen
once grants nothing the list did not: `viewer.accessLog` (the engineer, with
`consent:manage`), `Chapter.auditLog` (`audit:read` in the row's chapter) and
`Engineer.affiliations` / `Institution.staff` (the engineer's `affiliations` visibility).
"""

from typing import cast

from db.enums import ProfileField
from graph.auth.scopes import Scope
from graph.context import Context, Info
from graph.types.consent import AccessLogEntry, AuditLogEntry
from graph.types.engineer import Engineer, reveals
from graph.types.institution import Affiliation
from graph.types.node import Node


class _ContextOnly:
    """What `reveals` reads of an Info: only its context (so the one rule is reused as is)."""

    def __init__(self, context: Context) -> None:
        self.context = context


async def access_log_entry_node(context: Context, key: int) -> Node | None:
    """An access-log entry, for the engineer it is about (with consent:manage) only."""
    viewer = context.viewer
    if viewer.engineer_id is None or not viewer.has_scope(Scope.CONSENT_MANAGE):
        return None
    row = await context.loaders.access_log_entry_by_id.load(key)
    if row is None or row.engineer_id != viewer.engineer_id:
        return None
    return AccessLogEntry.from_model(row)


async def audit_log_entry_node(context: Context, key: int) -> Node | None:
    """An audit-log entry, for viewers holding audit:read in its chapter (globally for
    entries outside any chapter)."""
    viewer = context.viewer
    if not viewer.is_authenticated or Scope.AUDIT_READ not in viewer.scopes:
        return None
    row = await context.loaders.audit_log_entry_by_id.load(key)
    if row is None:
        return None
    allowed = (
        viewer.has_scope(Scope.AUDIT_READ)
        if row.chapter_id is None
        else viewer.has_chapter_scope(Scope.AUDIT_READ, row.chapter_id)
    )
    return AuditLogEntry.from_model(row) if allowed else None


async def affiliation_node(context: Context, key: int) -> Node | None:
    """An affiliation, where its engineer's `affiliations` field is visible to the viewer
    (an institution's read under consent is logged, as in the field)."""
    row = await context.loaders.affiliation_by_id.load(key)
    if row is None:
        return None
    engineer = await context.loaders.engineer_by_id.load(row.engineer_id)
    if engineer is None:
        return None
    info = cast(Info, _ContextOnly(context))
    if not await reveals(info, Engineer.from_model(engineer), ProfileField.AFFILIATIONS):
        return None
    return Affiliation.from_model(row)
