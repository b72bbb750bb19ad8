"""Mutations on chapter memberships: join, leave, approve, reject, suspend, assign roles."""

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from graph.auth.permissions import require_engineer, require_scope, requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.resolvers.mutation import Answers, decode, run
from graph.services import membership as service
from graph.services.membership import ChapterErrorCode
from graph.services.problems import Rejected
from graph.types.chapter import Chapter, Membership


@strawberry.type(description="Why a chapter or membership mutation was refused.")
class ChapterUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: ChapterErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


ANSWERS = Answers(ChapterUserError, ChapterErrorCode, under=())


@strawberry.input(description="Which chapter to join or leave.")
class ChapterMembershipInput:
    """A chapter."""

    chapter: strawberry.ID = strawberry.field(description="ID of the chapter.")


@strawberry.input(description="Which membership to act on.")
class MembershipInput:
    """A membership."""

    membership: strawberry.ID = strawberry.field(description="ID of the membership.")


@strawberry.input(description="A role to give an active member.")
class ChapterRoleAssignInput:
    """A membership and a role."""

    membership: strawberry.ID = strawberry.field(description="ID of the membership.")
    role: str = strawberry.field(
        description="A role defined in the chapter's config file (member, moderator, ...)."
    )


@strawberry.type(description="Result of a mutation that changes one membership.")
class MembershipPayload:
    """The membership as it is now, or why nothing changed."""

    membership: Membership | None = strawberry.field(
        description="The membership after the change; null when refused."
    )
    user_errors: list[ChapterUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation that removes a membership.")
class MembershipRemovedPayload:
    """The chapter, and the id of the membership that is gone."""

    chapter: Chapter | None = strawberry.field(description="The chapter; null when refused.")
    removed_membership_id: strawberry.ID | None = strawberry.field(
        description="ID of the membership that no longer exists; null when refused."
    )
    user_errors: list[ChapterUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


def _membership_payload(result: models.Membership | Rejected) -> MembershipPayload:
    return ANSWERS.payload(MembershipPayload, result, membership=Membership.from_model)


def _removed_payload(
    result: models.Chapter | Rejected, removed: list[int]
) -> MembershipRemovedPayload:
    """Payload of a mutation that deleted a membership: its chapter and the deleted ID."""
    if isinstance(result, Rejected):
        return MembershipRemovedPayload(
            chapter=None, removed_membership_id=None, user_errors=ANSWERS.errors(result)
        )
    return MembershipRemovedPayload(
        chapter=Chapter.from_model(result),
        removed_membership_id=strawberry.ID(Membership.global_id(removed[0])),
        user_errors=[],
    )


def _membership_key(global_id: str) -> int:
    """The membership's primary key, or a NOT_FOUND user error for a bad or foreign ID."""
    return decode(global_id, "Membership", ChapterErrorCode.NOT_FOUND, "input", "membership")


JOIN = (
    "Join a chapter as the signed-in engineer: active at once where the join policy is open, "
    "pending a coordinator's approval where it is `approval`." + requires(Scope.MEMBERSHIPS_WRITE)
)
LEAVE = "Leave a chapter, or withdraw a pending request." + requires(Scope.MEMBERSHIPS_WRITE)
APPROVE = "Admit a pending member." + requires(Scope.MEMBERS_MANAGE, chapter=True)
REJECT = "Turn down a pending request (deletes it)." + requires(Scope.MEMBERS_MANAGE, chapter=True)
SUSPEND = "Suspend an active member." + requires(Scope.MEMBERS_MANAGE, chapter=True)
ASSIGN = "Give an active member a chapter role." + requires(Scope.ROLES_ASSIGN, chapter=True)


async def chapter_join(
    info: Info,
    input: Annotated[ChapterMembershipInput, strawberry.argument(description="The chapter.")],
) -> MembershipPayload:
    """chapterJoin."""
    engineer_id = require_engineer(info.context.viewer)
    require_scope(info.context.viewer, Scope.MEMBERSHIPS_WRITE)

    async def work(session: AsyncSession) -> models.Membership:
        chapter_id = decode(
            input.chapter, "Chapter", ChapterErrorCode.NOT_FOUND, "input", "chapter"
        )
        return await service.join(session, engineer_id, chapter_id)

    return _membership_payload(await run(info, work))


async def chapter_leave(
    info: Info,
    input: Annotated[ChapterMembershipInput, strawberry.argument(description="The chapter.")],
) -> MembershipRemovedPayload:
    """chapterLeave."""
    engineer_id = require_engineer(info.context.viewer)
    require_scope(info.context.viewer, Scope.MEMBERSHIPS_WRITE)
    removed: list[int] = []

    async def work(session: AsyncSession) -> models.Chapter:
        chapter_id = decode(
            input.chapter, "Chapter", ChapterErrorCode.NOT_FOUND, "input", "chapter"
        )
        chapter, membership_id = await service.leave(session, engineer_id, chapter_id)
        removed.append(membership_id)
        return chapter

    return _removed_payload(await run(info, work), removed)


def _managing(info: Info) -> None:
    """Privileged membership mutations need a signed-in engineer."""
    require_engineer(info.context.viewer)


async def membership_approve(
    info: Info,
    input: Annotated[MembershipInput, strawberry.argument(description="The pending membership.")],
) -> MembershipPayload:
    """membershipApprove."""
    _managing(info)

    async def work(session: AsyncSession) -> models.Membership:
        key = _membership_key(input.membership)
        return await service.approve(session, info.context.viewer, key, info.context.request_id)

    return _membership_payload(await run(info, work))


async def membership_reject(
    info: Info,
    input: Annotated[MembershipInput, strawberry.argument(description="The pending membership.")],
) -> MembershipRemovedPayload:
    """membershipReject."""
    _managing(info)
    removed: list[int] = []

    async def work(session: AsyncSession) -> models.Chapter:
        key = _membership_key(input.membership)
        removed.append(key)
        return await service.reject_request(
            session, info.context.viewer, key, info.context.request_id
        )

    return _removed_payload(await run(info, work), removed)


async def membership_suspend(
    info: Info,
    input: Annotated[MembershipInput, strawberry.argument(description="The active membership.")],
) -> MembershipPayload:
    """membershipSuspend."""
    _managing(info)

    async def work(session: AsyncSession) -> models.Membership:
        key = _membership_key(input.membership)
        return await service.suspend(session, info.context.viewer, key, info.context.request_id)

    return _membership_payload(await run(info, work))


async def chapter_role_assign(
    info: Info,
    input: Annotated[ChapterRoleAssignInput, strawberry.argument(description="Member and role.")],
) -> MembershipPayload:
    """chapterRoleAssign."""
    _managing(info)

    async def work(session: AsyncSession) -> models.Membership:
        key = _membership_key(input.membership)
        return await service.assign_role(
            session,
            info.context.viewer,
            info.context.registry,
            key,
            input.role,
            info.context.request_id,
        )

    return _membership_payload(await run(info, work))
