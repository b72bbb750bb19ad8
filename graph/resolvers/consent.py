"""Mutations on consent grants: give and revoke."""

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.enums import ProfileField
from graph.auth.permissions import require_engineer, require_scope, requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.resolvers.mutation import Answers, decode, run
from graph.services import consent as service
from graph.services.consent import ConsentErrorCode
from graph.services.problems import Rejected
from graph.types.consent import ConsentGrant


@strawberry.type(description="Why a consent mutation was refused.")
class ConsentUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: ConsentErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


@strawberry.input(description="Consent for an institution to read named profile fields.")
class ConsentGrantInput:
    """What to grant, to whom, why and until when."""

    institution: strawberry.ID = strawberry.field(description="ID of the institution.")
    fields: list[ProfileField] = strawberry.field(description="Profile fields it may read.")
    purpose: str = strawberry.field(description="What for, in 1–500 characters.")
    expires_at: datetime = strawberry.field(
        description="When the grant lapses: in the future, at most two years ahead."
    )


@strawberry.input(description="A consent grant to revoke.")
class ConsentRevokeInput:
    """A grant."""

    consent_grant: strawberry.ID = strawberry.field(description="ID of the consent grant.")


@strawberry.type(description="Result of a consent mutation.")
class ConsentGrantPayload:
    """The grant, or why nothing changed."""

    consent_grant: ConsentGrant | None = strawberry.field(
        description="The grant after the change; null when refused."
    )
    user_errors: list[ConsentUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


ANSWERS = Answers(ConsentUserError, ConsentErrorCode, under=())


def _payload(result: models.ConsentGrant | Rejected) -> ConsentGrantPayload:
    return ANSWERS.payload(ConsentGrantPayload, result, consent_grant=ConsentGrant.from_model)


GRANT = (
    "Let an institution read named fields of the signed-in engineer's profile, for a purpose, "
    "until a date; its reads are logged in `viewer.accessLog`." + requires(Scope.CONSENT_MANAGE)
)
REVOKE = "Revoke a consent grant; it stops applying from the next request." + requires(
    Scope.CONSENT_MANAGE
)


async def consent_grant(
    info: Info,
    input: Annotated[ConsentGrantInput, strawberry.argument(description="The grant.")],
) -> ConsentGrantPayload:
    """consentGrant."""
    engineer_id = require_engineer(info.context.viewer)
    require_scope(info.context.viewer, Scope.CONSENT_MANAGE)

    async def work(session: AsyncSession) -> models.ConsentGrant:
        institution_id = decode(
            input.institution, "Institution", ConsentErrorCode.NOT_FOUND, "input", "institution"
        )
        return await service.grant(
            session, engineer_id, institution_id, input.fields, input.purpose, input.expires_at
        )

    return _payload(await run(info, work))


async def consent_revoke(
    info: Info,
    input: Annotated[ConsentRevokeInput, strawberry.argument(description="The grant.")],
) -> ConsentGrantPayload:
    """consentRevoke."""
    engineer_id = require_engineer(info.context.viewer)
    require_scope(info.context.viewer, Scope.CONSENT_MANAGE)

    async def work(session: AsyncSession) -> models.ConsentGrant:
        key = decode(
            input.consent_grant, "ConsentGrant", ConsentErrorCode.NOT_FOUND, "input", "consentGrant"
        )
        return await service.revoke(session, engineer_id, key)

    return _payload(await run(info, work))
