"""Chapter reads: chapters, their features, members and forum categories, and memberships."""

from typing import Any

from sqlalchemy import ColumnElement, false, true

from db import models
from db.queries.chapter import CHAPTER_ORDERINGS, MEMBERSHIP_ORDERING, MembershipScope
from db.queries.consent import NEWEST_FIRST
from db.queries.forum import CATEGORY_ORDERING
from db.queries.viewer_ids import any_of
from graph.auth.permissions import require_chapter_scope
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import sqltext
from graph.compiler.declaration import (
    Column,
    Declaration,
    Embedded,
    Filtered,
    Filters,
    Guard,
    Link,
    Paged,
    RootConnection,
    RootLookup,
    Rule,
    ToOne,
    TypeMapping,
    columns,
    enum_value,
    global_id,
)
from graph.errors import GraphError
from graph.reads import event
from graph.services import visibility as rules

NO_CHAPTER_ID = 0
"""A chapter id no row has: what the viewer is refused in a chapter they hold no role in."""


def visible_memberships(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The memberships the viewer may list (membership_scope, as Chapter.members and
    Engineer.memberships apply it)."""
    return rules.membership_scope(viewer).predicate()


def visible_membership_nodes(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The memberships `node(id:)` shows (rules.membership_node_rule)."""
    return rules.membership_node_rule(viewer)


def active_memberships(_: Viewer, __: ChapterRegistry) -> ColumnElement[bool]:
    """Active memberships only, whoever asks (Engineer.chapters)."""
    return MembershipScope(rules.PUBLIC_MEMBERSHIP_STATUSES).predicate()


def audit_readable(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The chapters whose audit log the viewer may read (`audit:read` there, or globally)."""
    return rules.holds_chapter_scope(viewer, Scope.AUDIT_READ)


def audit_entries(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The audit rows `node(id:)` shows (graph.resolvers.record_nodes.audit_log_entry_node):
    `audit:read` in the row's chapter, or globally (and alone for rows of no chapter)."""
    if not viewer.is_authenticated or Scope.AUDIT_READ not in viewer.scopes:
        return false()
    if viewer.has_scope(Scope.AUDIT_READ):
        return true()
    chapter_ids = viewer.chapters_with_scope(Scope.AUDIT_READ)
    return any_of(models.AuditLogEntry.chapter_id, chapter_ids) if chapter_ids else false()


def audit_denial(viewer: Viewer) -> GraphError | None:
    """The error Chapter.auditLog raises where the viewer may not read it (None: never)."""
    try:
        require_chapter_scope(viewer, Scope.AUDIT_READ, NO_CHAPTER_ID)
    except GraphError as error:
        return error
    return None


def bind_chapters(arguments: dict[str, Any]) -> Filtered:
    """`chapters(includeArchived:)`: archived chapters only when asked for."""
    return Filtered(None, () if arguments.get("includeArchived") else ("live",))


def bind_members(arguments: dict[str, Any]) -> Filtered:
    """`members(roles:, statuses:)`: either list narrows the members shown."""
    roles = sorted({enum_value(role) for role in arguments.get("roles") or ()})
    statuses = sorted({enum_value(status) for status in arguments.get("statuses") or ()})
    values: dict[str, Any] = {}
    values.update({"roles": roles} if roles else {})
    values.update({"statuses": statuses} if statuses else {})
    return Filtered(None, tuple(values), values)


MEMBER_CONDITIONS = {
    "roles": ("{c}.role = ANY({v})", "text[]"),
    "statuses": ("{c}.status = ANY({v})", "text[]"),
}

DECLARATION = Declaration(
    types=(
        TypeMapping(
            "Chapter",
            "chapters",
            {
                "id": global_id("Chapter"),
                **columns(
                    slug="slug",
                    name="name",
                    region="region",
                    description="description",
                    countries="countries",
                    timezone="timezone",
                    joinPolicy="join_policy",
                ),
                "features": Embedded("ChapterFeatures"),
                "archivedAt": Column(sqltext.timestamp("{t}.archived_at")),
                "forumCategories": Paged(
                    Link("ForumCategory", "{c}.chapter_id = {p}.id"),
                    CATEGORY_ORDERING,
                    models.ForumCategory,
                    visibility="forum_category",
                ),
                "members": Paged(
                    Link("Membership", "{c}.chapter_id = {p}.id"),
                    MEMBERSHIP_ORDERING,
                    models.Membership,
                    visibility="membership",
                    filters=Filters(bind_members, MEMBER_CONDITIONS),
                ),
                **event.CHAPTER_FIELDS,
                "auditLog": Paged(
                    Link("AuditLogEntry", "{c}.chapter_id = {p}.id"),
                    NEWEST_FIRST,
                    models.AuditLogEntry,
                    guard="audit_log",
                ),
            },
            models.Chapter,
        ),
        TypeMapping(
            "AuditLogEntry",
            "audit_log",
            {
                "id": global_id("AuditLogEntry"),
                **columns(
                    action="action",
                    targetType="target_type",
                    actorClientId="actor_client_id",
                    before="before",
                    after="after",
                    requestId="request_id",
                ),
                "targetId": Column(sqltext.base64url("{t}.target_type || ':' || {t}.target_id")),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "actor": ToOne(Link("Engineer", "{c}.id = {p}.actor_engineer_id")),
            },
            models.AuditLogEntry,
        ),
        TypeMapping(
            "ChapterFeatures",
            None,
            {
                name: Column(sqltext.json_flag("{t}.features", key))
                for name, key in (
                    ("forum", "forum"),
                    ("events", "events"),
                    ("mentorshipProgrammes", "mentorship_programmes"),
                    ("marketplace", "marketplace"),
                )
            },
        ),
        TypeMapping(
            "Membership",
            "memberships",
            {
                "id": global_id("Membership"),
                **columns(role="role", status="status"),
                "since": Column(sqltext.timestamp("{t}.since")),
                "chapter": ToOne(Link("Chapter", "{c}.id = {p}.chapter_id")),
                "engineer": ToOne(Link("Engineer", "{c}.id = {p}.engineer_id")),
            },
            models.Membership,
        ),
    ),
    lookups={"chapter": RootLookup("Chapter", "slug")},
    connections={
        "chapters": RootConnection(
            "Chapter",
            CHAPTER_ORDERINGS["NAME_ASC"],
            filters=Filters(bind_chapters, {"live": ("{c}.archived_at IS NULL", "")}),
        )
    },
    nodes={"Chapter": None, "Membership": "membership_node", "AuditLogEntry": "audit_entry"},
    rules={
        "membership": Rule(models.Membership, visible_memberships),
        "membership_node": Rule(models.Membership, visible_membership_nodes),
        "active_membership": Rule(models.Membership, active_memberships),
        "audit_readable": Rule(models.Chapter, audit_readable),
        "audit_entry": Rule(models.AuditLogEntry, audit_entries),
    },
    guards={"audit_log": Guard("audit_readable", audit_denial)},
)
