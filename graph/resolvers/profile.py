"""Mutations on the signed-in engineer's own profile and its field visibility."""

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.enums import FieldVisibility, ProfileField
from graph.auth.permissions import require_engineer, require_scope, requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.resolvers.mutation import Answers, run
from graph.services import profile as service
from graph.services.problems import Rejected
from graph.services.profile import ProfileErrorCode
from graph.types.engineer import Engineer


@strawberry.type(description="Why a profile mutation was refused.")
class ProfileUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: ProfileErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


@strawberry.input(description="Profile fields to change; omitted fields stay as they are.")
class EngineerUpdateProfileInput:
    """Changes to the signed-in engineer's profile."""

    name: str | None = strawberry.field(default=None, description="Full name, 1–120 characters.")
    headline: str | None = strawberry.field(
        default=None, description="One-line summary, at most 200 characters."
    )
    bio: str | None = strawberry.field(default=None, description="At most 4,000 characters.")
    photo_url: str | None = strawberry.field(
        default=None, description="An https:// URL; empty string removes the photo."
    )
    city: str | None = strawberry.field(default=None, description="City of residence.")
    timezone: str | None = strawberry.field(default=None, description="IANA time zone.")
    languages: list[str] | None = strawberry.field(
        default=None, description="ISO 639-1 codes, at most 20."
    )
    phone: str | None = strawberry.field(
        default=None, description="International format (+92 300 1234567); empty removes it."
    )


@strawberry.input(description="The visibility of one profile field.")
class ProfileFieldVisibilityInput:
    """A field and who may see it."""

    field: ProfileField = strawberry.field(description="The profile field.")
    visibility: FieldVisibility = strawberry.field(description="Who may see it.")


@strawberry.input(description="Visibility settings to change; fields not named keep theirs.")
class EngineerUpdateVisibilityInput:
    """New visibility settings."""

    settings: list[ProfileFieldVisibilityInput] = strawberry.field(
        description="One entry per field to change."
    )


@strawberry.type(description="Result of a change to the signed-in engineer's profile.")
class EngineerPayload:
    """The engineer after the change, or why nothing changed."""

    engineer: Engineer | None = strawberry.field(
        description="The engineer after the change; null when refused."
    )
    user_errors: list[ProfileUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


ANSWERS = Answers(ProfileUserError, ProfileErrorCode, under=())


def _payload(result: models.Engineer | Rejected) -> EngineerPayload:
    return ANSWERS.payload(EngineerPayload, result, engineer=Engineer.from_model)


UPDATE_PROFILE = "Change the signed-in engineer's profile." + requires(Scope.PROFILES_WRITE)
UPDATE_VISIBILITY = (
    "Choose who may see each maskable profile field of the signed-in engineer."
    + requires(Scope.PROFILES_WRITE)
)


async def engineer_update_profile(
    info: Info,
    input: Annotated[EngineerUpdateProfileInput, strawberry.argument(description="Changes.")],
) -> EngineerPayload:
    """engineerUpdateProfile."""
    engineer_id = require_engineer(info.context.viewer)
    require_scope(info.context.viewer, Scope.PROFILES_WRITE)
    changes = service.ProfileChanges(
        name=input.name,
        headline=input.headline,
        bio=input.bio,
        photo_url=input.photo_url,
        city=input.city,
        timezone=input.timezone,
        languages=tuple(input.languages) if input.languages is not None else None,
        phone=input.phone,
    )

    async def work(session: AsyncSession) -> models.Engineer:
        return await service.update_profile(session, engineer_id, changes)

    return _payload(await run(info, work))


async def engineer_update_visibility(
    info: Info,
    input: Annotated[EngineerUpdateVisibilityInput, strawberry.argument(description="Settings.")],
) -> EngineerPayload:
    """engineerUpdateVisibility."""
    engineer_id = require_engineer(info.context.viewer)
    require_scope(info.context.viewer, Scope.PROFILES_WRITE)
    duplicate = service.duplicate_fields([setting.field for setting in input.settings])
    if duplicate is not None:
        return _payload(duplicate)
    settings = {setting.field: setting.visibility for setting in input.settings}

    async def work(session: AsyncSession) -> models.Engineer:
        return await service.update_visibility(session, engineer_id, settings)

    return _payload(await run(info, work))
