"""Notification reads: the signed-in engineer's own notifications, and nobody else's."""

from typing import Any

from sqlalchemy import ColumnElement

from db import models
from db.models import Notification
from db.queries.notification import NEWEST_FIRST
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import sqltext
from graph.compiler.declaration import (
    Column,
    Declaration,
    Filtered,
    Filters,
    Link,
    Paged,
    Rule,
    ToOne,
    TypeMapping,
    columns,
    global_id,
)
from graph.services import notification as service
from graph.types.notification import SUBJECTS


def own_notifications(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The viewer's own notifications (none for anonymous requests and clients)."""
    return service.own_notifications(viewer)


UNREAD_CONDITIONS: dict[str, tuple[str, str]] = {
    "unread": ("{c}.read_at IS NULL", ""),
    "read": ("{c}.read_at IS NOT NULL", ""),
}
"""`filter.unread` true or false (db.queries.notification.notifications_where)."""


def bind_notifications(arguments: dict[str, Any]) -> Filtered:
    """`viewer.notifications(filter: {unread})`."""
    unread = (arguments.get("filter") or {}).get("unread")
    if unread is None:
        return Filtered()
    return Filtered(None, ("unread",) if unread else ("read",), {})


def _summary() -> Column:
    """The writer's `summary`, else the kind's line (graph.services.notification.SUMMARIES)."""
    whens = " ".join(
        f"WHEN {sqltext.quote_literal(kind.value)} THEN {sqltext.quote_literal(line)}"
        for kind, line in service.SUMMARIES.items()
    )
    return Column(f"COALESCE(NULLIF({{t}}.payload->>'summary', ''), CASE {{t}}.kind {whens} END)")


def _subject() -> Column:
    """The global ID of the most specific row the notification is about."""
    ids = ", ".join(
        sqltext.global_id(type_name, f"{{t}}.{column}") for column, type_name in SUBJECTS
    )
    return Column(f"COALESCE({ids})")


NOTIFICATIONS = Paged(
    Link("Notification", "TRUE"),
    NEWEST_FIRST,
    models.Notification,
    visibility="notification",
    filters=Filters(bind_notifications, UNREAD_CONDITIONS),
)
"""`viewer.notifications`: the rule keeps the viewer's own rows (a SQL predicate)."""

UNREAD_COUNT = Column(
    "(SELECT count(*) FROM notifications n_u WHERE n_u.recipient_id = {viewer[engineer_id]}"
    " AND n_u.read_at IS NULL)::int"
)
"""`viewer.unreadNotificationCount`: 0 without an engineer (the id is NULL)."""

DECLARATION = Declaration(
    types=(
        TypeMapping(
            "Notification",
            "notifications",
            {
                "id": global_id("Notification"),
                **columns(kind="kind"),
                "summary": _summary(),
                "excerpt": Column("{t}.payload->>'excerpt'"),
                "subjectId": _subject(),
                "read": Column("({t}.read_at IS NOT NULL)"),
                "readAt": Column(sqltext.timestamp("{t}.read_at")),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "actor": ToOne(Link("Engineer", "{c}.id = {p}.actor_id")),
            },
            models.Notification,
        ),
    ),
    nodes={"Notification": "notification"},
    rules={"notification": Rule(Notification, own_notifications)},
)
