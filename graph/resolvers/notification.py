"""Notification mutations: mark read (one or all), choose how each kind reaches you."""

from dataclasses import dataclass
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.enums import NotificationChannel, NotificationKind
from graph.auth.permissions import require_engineer
from graph.context import Info
from graph.resolvers.mutation import Answers, decode, run
from graph.services import notification as service
from graph.services.notification import NotificationErrorCode
from graph.services.problems import Rejected, reject
from graph.types.notification import Notification, NotificationPreference

MARK_READ = (
    "Mark one of your notifications read (`id`), or all of them (`all: true`). Marking a read "
    "notification again changes nothing. Signed-in engineers only; another's notification is "
    "NOT_FOUND."
)
PREFERENCES_UPDATE = (
    "Choose the channel of some kinds of notification (null resets a kind to the default); "
    "kinds not named keep theirs. Signed-in engineers only."
)


@strawberry.type(description="Why a notification mutation was refused.")
class NotificationUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: NotificationErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


ANSWERS = Answers(NotificationUserError, NotificationErrorCode, under=())


@strawberry.input(description="Which notifications to mark read: one by `id`, or `all`.")
class NotificationMarkReadInput:
    """One or all."""

    id: strawberry.ID | None = strawberry.field(
        default=None, description="The notification to mark read."
    )
    all: bool | None = strawberry.field(
        default=None, description="True to mark every unread notification of yours read."
    )


@strawberry.type(description="Result of notificationMarkRead.")
class NotificationMarkReadPayload:
    """What was marked, and what is left unread."""

    marked_count: int = strawberry.field(description="How many notifications this marked read.")
    unread_count: int = strawberry.field(description="Your unread notifications after this.")
    notification: Notification | None = strawberry.field(
        description="The notification named by `id`, as it is now; null with `all` or refused."
    )
    user_errors: list[NotificationUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.input(description="A kind of notification and how you want to hear about it.")
class NotificationPreferenceInput:
    """One kind's channel."""

    kind: NotificationKind = strawberry.field(description="The kind of notification.")
    channel: NotificationChannel | None = strawberry.field(
        default=None, description="The channel; null resets the kind to the default."
    )


@strawberry.input(description="Channels to set, at most one entry per kind.")
class NotificationPreferencesUpdateInput:
    """The changes."""

    preferences: list[NotificationPreferenceInput] = strawberry.field(
        description="The kinds to change; others keep their channel."
    )


@strawberry.type(description="Result of notificationPreferencesUpdate.")
class NotificationPreferencesPayload:
    """Every kind's channel after the change."""

    preferences: list[NotificationPreference] | None = strawberry.field(
        description="Your channel for every kind after the change; null when refused."
    )
    user_errors: list[NotificationUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@dataclass
class _Marked:
    count: int
    unread: int
    row: models.Notification | None


async def notification_mark_read(
    info: Info,
    input: Annotated[
        NotificationMarkReadInput, strawberry.argument(description="One notification, or all.")
    ],
) -> NotificationMarkReadPayload:
    """notificationMarkRead."""
    viewer = info.context.viewer
    require_engineer(viewer)

    async def work(session: AsyncSession) -> _Marked:
        if (input.id is None) == (not input.all):
            raise reject(
                NotificationErrorCode.INVALID_INPUT,
                "Give either `id` or `all: true`.",
                "input",
            )
        key = None
        if input.id is not None:
            key = decode(
                str(input.id), "Notification", NotificationErrorCode.NOT_FOUND, "input", "id"
            )
        marked, _ = await service.mark_read(session, viewer, key)
        unread = await service.unread_count(session, viewer)
        row = await session.get(models.Notification, key) if key is not None else None
        return _Marked(len(marked), unread, row)

    result = await run(info, work)
    if isinstance(result, Rejected):
        return NotificationMarkReadPayload(
            marked_count=0, unread_count=0, notification=None, user_errors=ANSWERS.errors(result)
        )
    row = result.row
    return NotificationMarkReadPayload(
        marked_count=result.count,
        unread_count=result.unread,
        notification=Notification.from_model(row) if row is not None else None,
        user_errors=[],
    )


async def notification_preferences_update(
    info: Info,
    input: Annotated[
        NotificationPreferencesUpdateInput, strawberry.argument(description="The changes.")
    ],
) -> NotificationPreferencesPayload:
    """notificationPreferencesUpdate."""
    engineer_id = require_engineer(info.context.viewer)

    async def work(session: AsyncSession) -> list[NotificationPreference]:
        choices = [(item.kind, item.channel) for item in input.preferences]
        await service.set_preferences(session, engineer_id, choices)
        chosen = await service.preferences_of(session, engineer_id)
        return [
            NotificationPreference(kind=kind, channel=channel, is_default=default)
            for kind, (channel, default) in chosen.items()
        ]

    result = await run(info, work)
    if isinstance(result, Rejected):
        return NotificationPreferencesPayload(preferences=None, user_errors=ANSWERS.errors(result))
    return NotificationPreferencesPayload(preferences=result, user_errors=[])
