"""Subscriptions that lose nothing: `notificationReceived` and `forumThreadUpdated`.

Both read the live-event log (graph.subscriptions.events): each item carries a `cursor`, and a
subscriber that reconnects passes its last cursor as `after` to receive what it missed, in
order, before anything new. Every item is loaded and authorised afresh for the subscriber.
"""

import enum
from collections.abc import AsyncIterator
from typing import Annotated

import strawberry

from graph.auth.permissions import require_engineer
from graph.context import Context, Info
from graph.errors import BadUserInput
from graph.extensions.access_log import write_consent_reads
from graph.ids import decode_id_of
from graph.resolvers.forum import readable_thread
from graph.resolvers.forum_subscriptions import (
    SubscriptionsUnavailable,
    event_context,
    thread_gone,
)
from graph.subscriptions.broker import Subscription
from graph.subscriptions.events import (
    MODERATED,
    POST_ADDED,
    POST_EDITED,
    decode_cursor,
    forum_thread_topic,
    notification_topic,
)
from graph.subscriptions.execution import Delivery
from graph.types.forum import ForumPost, ForumThread
from graph.types.notification import Notification

RESUME = (
    " Each item carries a `cursor`; after a disconnect, subscribe again with `after` set to the "
    "last cursor you received to get what you missed, in order, then what is new (at most 100 "
    "missed items; more ends the subscription with THROTTLED: read the list instead). Items "
    "committed while the server's own database connection was down are replayed, never lost "
    "and never repeated. Over WebSocket only (graphql-transport-ws)."
)
NOTIFICATION_RECEIVED = (
    "Each new notification of yours, as `viewer.notifications` lists it (the kinds you chose "
    "NONE for are never written). Signed-in engineers only." + RESUME
)
THREAD_UPDATED = (
    "What happens in a forum thread: new replies, edited replies, and moderation of the thread "
    "or its replies (hide, lock, pin and their undoing), each read as you may read it. Refused "
    "with NOT_FOUND when the thread does not exist or you may not read it; ends with NOT_FOUND "
    "when you lose access." + RESUME
)
AFTER = Annotated[
    str | None,
    strawberry.argument(description="Resume after this cursor (the last item you received)."),
]


@strawberry.enum(description="What happened in a forum thread.")
class ForumThreadChange(enum.Enum):
    """Kinds of thread update."""

    POST_ADDED = strawberry.enum_value(POST_ADDED, description="A reply was added.")
    POST_EDITED = strawberry.enum_value(POST_EDITED, description="A reply was edited.")
    MODERATED = strawberry.enum_value(
        MODERATED, description="The thread or one of its replies was hidden, locked or pinned "
        "(or that was undone)."
    )  # fmt: skip


@strawberry.type(description="One update of a forum thread.")
class ForumThreadUpdate:
    """A thread update and where it sits in the thread's stream."""

    cursor: str = strawberry.field(description="Pass it as `after` to resume after this item.")
    change: ForumThreadChange = strawberry.field(description="What happened.")
    thread: ForumThread = strawberry.field(description="The thread, as it is now.")
    post: ForumPost | None = strawberry.field(
        description="The reply concerned, as it is now; null when the thread itself changed."
    )


@strawberry.type(description="A notification, pushed as it is written.")
class NotificationReceived:
    """A notification and where it sits in your stream."""

    cursor: str = strawberry.field(description="Pass it as `after` to resume after this item.")
    notification: Notification = strawberry.field(description="The new notification.")


async def subscribe(context: Context, topic: str, after: str | None) -> Subscription:
    if context.events is None:
        raise SubscriptionsUnavailable("Subscriptions are not served here.")
    return await context.events.subscribe(topic, after=decode_cursor(after) if after else None)


async def notification_received(
    info: Info, after: AFTER = None
) -> AsyncIterator[NotificationReceived]:
    """Register now (errors come back before any event); then stream notifications."""
    context = info.context
    engineer_id = require_engineer(context.viewer)
    subscription = await subscribe(context, notification_topic(engineer_id), after)
    return _notifications(context, subscription)  # type: ignore[return-value]


async def _notifications(context: Context, subscription: Subscription) -> AsyncIterator[Delivery]:
    """Each event's notification, loaded with the subscriber's own rule (their rows only)."""
    try:
        while True:
            event = await subscription.next()
            notification_id = event.ids.get("notification")
            if notification_id is None:
                continue
            current = await event_context(context)
            try:
                row = await current.loaders.notification_by_id.load(notification_id)
                if row is not None:
                    item = NotificationReceived(
                        cursor=event.cursor, notification=Notification.from_model(row)
                    )
                    yield Delivery(item, current)
            finally:
                await current.database.close()
    finally:
        subscription.close()


async def forum_thread_updated(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description="The thread to follow.")],
    after: AFTER = None,
) -> AsyncIterator[ForumThreadUpdate]:
    """Authorise and register now (errors come back before any event); then stream updates."""
    context = info.context
    try:
        key = decode_id_of(str(id), "ForumThread")
    except BadUserInput as error:
        raise BadUserInput(error.message, argument="id") from None
    if after is not None:
        decode_cursor(after)
    start = await event_context(context)
    try:
        if await readable_thread(start, key) is None:
            raise thread_gone()
    finally:
        await start.database.close()
    subscription = await subscribe(context, forum_thread_topic(key), after)
    return _updates(context, subscription, key)  # type: ignore[return-value]


async def _updates(
    context: Context, subscription: Subscription, thread_id: int
) -> AsyncIterator[Delivery]:
    """Each event's thread and reply, loaded and checked with a fresh context."""
    try:
        while True:
            event = await subscription.next()
            if event.change not in (POST_ADDED, POST_EDITED, MODERATED):
                continue
            current = await event_context(context)
            try:
                thread = await readable_thread(current, thread_id)
                if thread is None:
                    raise thread_gone()
                post = None
                post_id = event.ids.get("post")
                if post_id is not None:
                    row = await current.loaders.forum_post_by_id.load(post_id)
                    if row is None or row.thread_id != thread_id:
                        continue
                    post = ForumPost.from_model(row)
                item = ForumThreadUpdate(
                    cursor=event.cursor,
                    change=ForumThreadChange(event.change),
                    thread=ForumThread.from_model(thread),
                    post=post,
                )
                yield Delivery(item, current)
                await write_consent_reads(current)
            finally:
                await current.database.close()
    finally:
        subscription.close()
