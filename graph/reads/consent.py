"""Consent reads: an engineer's grants and access log (theirs alone), as the viewer's own."""

from sqlalchemy import ColumnElement, false

from db import models
from db.models import AccessLogEntry, ConsentGrant
from graph.auth.permissions import require_own_engineer
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import sqltext
from graph.compiler.declaration import (
    Column,
    Declaration,
    Guard,
    Link,
    Rule,
    ToOne,
    TypeMapping,
    columns,
    global_id,
)
from graph.errors import GraphError

FIELDS = Column(
    "array_to_json(ARRAY(SELECT upper({t}_f.value)"
    " FROM unnest({t}.fields) WITH ORDINALITY {t}_f(value, n) ORDER BY {t}_f.n))"
)
"""A row's profile fields as the ProfileField enum's names, in stored order."""


def own_denial(viewer: Viewer) -> GraphError | None:
    """The error viewer.consentGrants and viewer.accessLog raise (None: the viewer's own)."""
    try:
        require_own_engineer(viewer, Scope.CONSENT_MANAGE)
    except GraphError as error:
        return error
    return None


def _own(model: type[ConsentGrant] | type[AccessLogEntry]) -> Rule:
    def own(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
        """Rows of the viewer's own, with consent:manage (graph.resolvers.node's check)."""
        if own_denial(viewer) is not None:
            return false()
        return model.engineer_id == viewer.engineer_id

    return Rule(model, own)


DECLARATION = Declaration(
    types=(
        TypeMapping(
            "ConsentGrant",
            "consent_grants",
            {
                "id": global_id("ConsentGrant"),
                "fields": FIELDS,
                **columns(purpose="purpose"),
                "expiresAt": Column(sqltext.timestamp("{t}.expires_at")),
                "revokedAt": Column(sqltext.timestamp("{t}.revoked_at")),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "isLive": Column("({t}.revoked_at IS NULL AND {t}.expires_at > clock_timestamp())"),
                "institution": ToOne(Link("Institution", "{c}.id = {p}.institution_id")),
            },
            models.ConsentGrant,
        ),
        TypeMapping(
            "AccessLogEntry",
            "access_log",
            {
                "id": global_id("AccessLogEntry"),
                "fields": FIELDS,
                **columns(clientId="client_id", requestId="request_id"),
                "accessedAt": Column(sqltext.timestamp("{t}.accessed_at")),
                "institution": ToOne(Link("Institution", "{c}.id = {p}.institution_id")),
                "consentGrant": ToOne(Link("ConsentGrant", "{c}.id = {p}.consent_grant_id")),
            },
            models.AccessLogEntry,
        ),
    ),
    nodes={"ConsentGrant": "own_grant", "AccessLogEntry": "own_access"},
    rules={"own_grant": _own(ConsentGrant), "own_access": _own(AccessLogEntry)},
    guards={"own": Guard(None, own_denial)},
)
"""`node(id:)` shows a grant or an access-log entry to its engineer only (with
`consent:manage`), as viewer.consentGrants and viewer.accessLog list them."""
