"""Viewer reads: who is asking, built from the request's credentials, and their own records."""

from db import models
from db.queries.consent import ACCESSED_NEWEST_FIRST, NEWEST_FIRST
from graph.compiler.declaration import (
    Column,
    Declaration,
    Link,
    Paged,
    Python,
    RootObject,
    ToOne,
    TypeMapping,
)
from graph.reads import event
from graph.reads.notification import NOTIFICATIONS, UNREAD_COUNT

DECLARATION = Declaration(
    types=(
        TypeMapping(
            "Viewer",
            None,
            {
                "isAuthenticated": Column("{viewer[is_authenticated]}"),
                "scopes": Column("{viewer[scopes]}"),
                "clientId": Column("{viewer[client_id]}"),
                "engineer": ToOne(Link("Engineer", "{c}.id = {viewer[engineer_id]}")),
                "institution": ToOne(Link("Institution", "{c}.id = {viewer[institution_id]}")),
                **event.VIEWER_FIELDS,
                "notifications": NOTIFICATIONS,
                "unreadNotificationCount": UNREAD_COUNT,
                "consentGrants": Paged(
                    Link("ConsentGrant", "{c}.engineer_id = {viewer[engineer_id]}"),
                    NEWEST_FIRST,
                    models.ConsentGrant,
                    guard="own",
                ),
                "accessLog": Paged(
                    Link("AccessLogEntry", "{c}.engineer_id = {viewer[engineer_id]}"),
                    ACCESSED_NEWEST_FIRST,
                    models.AccessLogEntry,
                    guard="own",
                ),
                "notificationPreferences": Python(
                    "every notification kind, the engineer's choice or the default of "
                    "graph.services.notification (a Python table)"
                ),
            },
        ),
    ),
    objects={"viewer": RootObject("Viewer")},
)
