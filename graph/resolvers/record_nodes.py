"""`node(id:)` for the records listed in connections: access log, audit log, affiliations.

Each is checked on the loaded row by the rule of the connection that lists it, so an ID seen
once grants nothing the list did not: `viewer.accessLog` (the engineer, with
`consent:manage`), `Chapter.auditLog` (`audit:read` in the row's chapter) and
`Engineer.affiliations` / `Institution.staff` (the engineer's `affiliations` visibility).
"""

from typing import cast

from db.enums import ProfileField
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
    """An access-log entry, for the engineer it is about (with consent:manage) only: the node
    rule of graph/reads/consent.py, in SQL."""
    row = await context.loaders.readable("AccessLogEntry").load(key)
    return AccessLogEntry.from_model(row) if row is not None else None


async def audit_log_entry_node(context: Context, key: int) -> Node | None:
    """An audit-log entry, for viewers holding audit:read in its chapter (globally for
    entries outside any chapter): the node rule of graph/reads/chapter.py, in SQL."""
    row = await context.loaders.readable("AuditLogEntry").load(key)
    return AuditLogEntry.from_model(row) if row is not None else None


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
