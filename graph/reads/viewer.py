"""Viewer reads: who is asking, built from the request's credentials, and their own records."""

from graph.compiler.declaration import (
    Column,
    Declaration,
    Link,
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
            },
        ),
    ),
    objects={"viewer": RootObject("Viewer")},
)
