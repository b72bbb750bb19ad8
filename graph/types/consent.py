"""Consent grants, the access log and the audit log."""

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from db import models
from db.enums import ProfileField
from graph.ids import encode_id
from graph.types.engineer import Engineer
from graph.types.institution import Institution
from graph.types.node import Node
from graph.types.sql_only import unserved


@strawberry.type(
    description="An engineer's permission for an institution to read named profile fields, "
    "for a purpose, until a date. Visible only to the engineer who gave it."
)
class ConsentGrant(Node):
    """A consent grant."""

    pk: strawberry.Private[int]
    engineer_pk: strawberry.Private[int]
    institution_pk: strawberry.Private[int]
    fields: list[ProfileField] = strawberry.field(description="Profile fields the grant covers.")
    purpose: str = strawberry.field(description="What the institution may use them for.")
    expires_at: datetime = strawberry.field(description="When the grant lapses.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked, if it was.")
    created_at: datetime = strawberry.field(description="When it was given.")

    @classmethod
    def from_model(cls, row: models.ConsentGrant) -> "ConsentGrant":
        """Build from a consent_grants row."""
        return cls(
            id=strawberry.ID(encode_id("ConsentGrant", row.id)),
            pk=row.id,
            engineer_pk=row.engineer_id,
            institution_pk=row.institution_id,
            fields=[ProfileField(value) for value in row.fields],
            purpose=row.purpose,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            created_at=row.created_at,
        )

    @strawberry.field(description="True while the grant is neither revoked nor expired.")
    def is_live(self) -> bool:
        """Compiled: graph/reads/consent.py."""
        raise unserved()

    @strawberry.field(description="The institution the grant is given to.")
    def institution(self) -> Institution:
        """Compiled: graph/reads/consent.py."""
        raise unserved()


@strawberry.type(
    description="An institution read consent-gated fields of the engineer's profile. Visible "
    "only to that engineer (with `consent:manage`), as in `viewer.accessLog`."
)
class AccessLogEntry(Node):
    """One logged read."""

    pk: strawberry.Private[int]
    engineer_pk: strawberry.Private[int]
    institution_pk: strawberry.Private[int]
    grant_pk: strawberry.Private[int]
    client_id: str | None = strawberry.field(description="The OAuth client that read, if any.")
    fields: list[ProfileField] = strawberry.field(description="Fields read under consent.")
    request_id: str = strawberry.field(description="Request id of the read, for support.")
    accessed_at: datetime = strawberry.field(description="When the read happened.")

    @classmethod
    def from_model(cls, row: models.AccessLogEntry) -> "AccessLogEntry":
        """Build from an access_log row."""
        return cls(
            id=strawberry.ID(encode_id("AccessLogEntry", row.id)),
            pk=row.id,
            engineer_pk=row.engineer_id,
            institution_pk=row.institution_id,
            grant_pk=row.consent_grant_id,
            client_id=row.client_id,
            fields=[ProfileField(value) for value in row.fields],
            request_id=row.request_id,
            accessed_at=row.accessed_at,
        )

    @strawberry.field(description="The institution that read.")
    def institution(self) -> Institution:
        """Compiled: graph/reads/consent.py."""
        raise unserved()

    @strawberry.field(description="The grant the read relied on.")
    def consent_grant(self) -> ConsentGrant:
        """Compiled: graph/reads/consent.py."""
        raise unserved()


@strawberry.type(
    description="A privileged mutation: who did what to which object, before/after. Visible "
    "to whoever may read its chapter's `auditLog` (`audit:read` there; council admins)."
)
class AuditLogEntry(Node):
    """One audit row."""

    pk: strawberry.Private[int]
    chapter_pk: strawberry.Private[int | None]
    actor_engineer_pk: strawberry.Private[int | None]
    action: str = strawberry.field(description="What was done (`membership.approve`, ...).")
    target_type: str = strawberry.field(description="Type of the object acted on.")
    target_id: strawberry.ID = strawberry.field(description="Global ID of the object acted on.")
    actor_client_id: str | None = strawberry.field(description="OAuth client that acted, if any.")
    before: JSON | None = strawberry.field(description="The object's audited state before.")
    after: JSON | None = strawberry.field(description="The object's audited state after.")
    request_id: str = strawberry.field(description="Request id of the mutation.")
    created_at: datetime = strawberry.field(description="When it happened.")

    @classmethod
    def from_model(cls, row: models.AuditLogEntry) -> "AuditLogEntry":
        """Build from an audit_log row."""
        before: Any = row.before
        after: Any = row.after
        return cls(
            id=strawberry.ID(encode_id("AuditLogEntry", row.id)),
            pk=row.id,
            chapter_pk=row.chapter_id,
            actor_engineer_pk=row.actor_engineer_id,
            action=row.action,
            target_type=row.target_type,
            target_id=strawberry.ID(encode_id(row.target_type, row.target_id)),
            actor_client_id=row.actor_client_id,
            before=before,
            after=after,
            request_id=row.request_id,
            created_at=row.created_at,
        )

    @strawberry.field(description="The engineer who acted, if an engineer did.")
    def actor(self) -> Engineer | None:
        """Compiled: graph/reads/consent.py."""
        raise unserved()
