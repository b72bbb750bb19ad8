"""Subscription fields for the forum: new replies in a thread, loaded as each subscriber reads."""

from collections.abc import AsyncIterator
from typing import Annotated

import strawberry

from db import models
from graph.auth.tokens import InvalidToken
from graph.context import Context, Info
from graph.errors import BadUserInput, GraphError, NotFound, Unauthenticated
from graph.extensions.access_log import write_consent_reads
from graph.ids import decode_id_of
from graph.resolvers.forum import readable_thread
from graph.subscriptions.broker import Subscription
from graph.subscriptions.events import POST_ADDED as REPLY_ADDED
from graph.subscriptions.events import forum_thread_topic
from graph.subscriptions.execution import Delivery
from graph.types.forum import ForumPost

POST_ADDED = (
    "Each new reply to a forum thread, as you would read it: hidden (minimised) replies arrive "
    "with a null `body` unless you moderate the category. Refused with NOT_FOUND when the thread "
    "does not exist or you may not read it (members-only chapter categories, hidden threads), "
    "exactly as reading it. Every event is served as whom your token stands for at that moment: "
    "when you lose access while subscribed the subscription ends with NOT_FOUND, and when the "
    "token expires or is revoked, with UNAUTHENTICATED. Over WebSocket only "
    "(graphql-transport-ws); a subscriber that falls more than 100 replies behind is ended with "
    "THROTTLED."
)


class SubscriptionsUnavailable(GraphError):
    """This server does not run an event broker (subscriptions need the WebSocket server)."""


def thread_gone() -> NotFound:
    """The thread does not exist or the viewer may not read it (indistinguishable)."""
    return NotFound("No such forum thread.", argument="threadId")


async def forum_post_added(
    info: Info,
    thread_id: Annotated[
        strawberry.ID, strawberry.argument(description="The ID of the thread to follow.")
    ],
) -> AsyncIterator[ForumPost]:
    """Authorise and register now (errors come back before any event); then stream replies."""
    context = info.context
    try:
        key = decode_id_of(str(thread_id), "ForumThread")
    except BadUserInput as error:
        raise BadUserInput(error.message, argument="threadId") from None
    start = await event_context(context)
    try:
        if await readable_thread(start, key) is None:
            raise thread_gone()
    finally:
        await start.database.close()
    if context.events is None:
        raise SubscriptionsUnavailable("Subscriptions are not served here.")
    subscription = await context.events.subscribe(forum_thread_topic(key))
    # Each event is a Delivery (the post and its own context), unwrapped by the executor.
    return _replies(context, subscription, key)  # type: ignore[return-value]


async def _replies(
    context: Context, subscription: Subscription, thread_id: int
) -> AsyncIterator[Delivery]:
    """Each event's reply, loaded and checked with a fresh context for the subscriber."""
    try:
        while True:
            event = await subscription.next()
            post_id = event.ids.get("post")
            if post_id is None or event.change not in ("", REPLY_ADDED):
                continue
            current = await event_context(context)
            try:
                post = await _visible_reply(current, thread_id, post_id)
                if post is not None:
                    yield Delivery(ForumPost.from_model(post), current)
                    await write_consent_reads(current)
            finally:
                await current.database.close()
    finally:
        subscription.close()


async def event_context(context: Context) -> Context:
    """A fresh context for the subscriber; UNAUTHENTICATED once their token expired or was
    revoked (the subscription ends: reconnect with a fresh token)."""
    try:
        return await context.for_event()
    except InvalidToken as error:
        raise Unauthenticated(
            f"Invalid access token: {error}. Reconnect with a fresh token."
        ) from None


async def _visible_reply(context: Context, thread_id: int, post_id: int) -> models.ForumPost | None:
    """The reply if it still belongs to a thread the viewer may read; NOT_FOUND when the
    thread is no longer readable (access lost ends the subscription); None when it is gone."""
    if await readable_thread(context, thread_id) is None:
        raise thread_gone()
    post = await context.loaders.forum_post_by_id.load(post_id)
    if post is None or post.thread_id != thread_id:
        return None
    return post
