"""`eventUpdated`: what happens to one chapter event, lossless like `forumThreadUpdated`.

Published (a `live_events` row, graph.subscriptions.events) when the event is edited, moved,
its capacity changes, it is cancelled, or one of its registrations changes (RSVP, giving up a
place, promotion from the waitlist, check-in). Every item is loaded and authorised afresh for
the subscriber with the read rule of `node(id:)` (EventScope's SQL predicate): a members-only
event reaches only those who may see it, and the subscription ends when they no longer may.
"""

import enum
from collections.abc import AsyncIterator
from typing import Annotated

import strawberry

from graph.context import Context, Info
from graph.errors import BadUserInput, NotFound
from graph.ids import decode_id_of
from graph.resolvers.event import event_node, registration_node
from graph.resolvers.forum_subscriptions import event_context
from graph.resolvers.notification_subscriptions import AFTER, RESUME, subscribe
from graph.subscriptions import events as live
from graph.subscriptions.broker import Subscription
from graph.subscriptions.execution import Delivery
from graph.types.event import Event, EventRegistration

EVENT_UPDATED = (
    "What happens to a chapter event: edits, a move (time or place), a capacity change, its "
    "cancellation, and changes of its registrations (an RSVP, a place given up, a promotion "
    "from the waitlist, a check-in), each read as you may read it. Refused with NOT_FOUND when "
    "the event does not exist or you may not see it (members-only events: the chapter's "
    "members); ends with NOT_FOUND when you lose access." + RESUME
)


@strawberry.enum(description="What happened to a chapter event.")
class EventChange(enum.Enum):
    """Kinds of event update."""

    UPDATED = strawberry.enum_value(
        live.EVENT_UPDATED, description="Its details (title, description, speakers, co-host) "
        "were edited."
    )  # fmt: skip
    MOVED = strawberry.enum_value(
        live.EVENT_MOVED, description="Its time or place changed."
    )  # fmt: skip
    CAPACITY_CHANGED = strawberry.enum_value(
        live.EVENT_CAPACITY_CHANGED, description="Its number of places changed."
    )  # fmt: skip
    CANCELLED = strawberry.enum_value(live.EVENT_CANCELLED, description="It was cancelled.")
    REGISTERED = strawberry.enum_value(
        live.EVENT_REGISTERED, description="Someone took a place or joined the waitlist."
    )  # fmt: skip
    REGISTRATION_CANCELLED = strawberry.enum_value(
        live.EVENT_REGISTRATION_CANCELLED,
        description="Someone gave up their place or waitlist spot.",
    )
    PROMOTED = strawberry.enum_value(
        live.EVENT_PROMOTED, description="Someone on the waitlist was given a place."
    )  # fmt: skip
    CHECKED_IN = strawberry.enum_value(
        live.EVENT_CHECKED_IN, description="An attendee was checked in at the door."
    )  # fmt: skip


@strawberry.type(description="One update of a chapter event.")
class EventUpdate:
    """An event update and where it sits in the event's stream."""

    cursor: str = strawberry.field(description="Pass it as `after` to resume after this item.")
    change: EventChange = strawberry.field(description="What happened.")
    event: Event = strawberry.field(description="The event, as it is now.")
    registration: EventRegistration | None = strawberry.field(
        description="The registration concerned, as it is now; null when the event itself "
        "changed or you may not see that registration (others' unlisted RSVPs are the "
        "organisers' business)."
    )


def event_gone() -> NotFound:
    """The event does not exist or the viewer may not see it (indistinguishable)."""
    return NotFound("No such event.", argument="id")


async def event_updated(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description="The event to follow.")],
    after: AFTER = None,
) -> AsyncIterator[EventUpdate]:
    """Authorise and register now (errors come back before any event); then stream updates."""
    context = info.context
    try:
        key = decode_id_of(str(id), "Event")
    except BadUserInput as error:
        raise BadUserInput(error.message, argument="id") from None
    if after is not None:
        live.decode_cursor(after)
    start = await event_context(context)
    try:
        if await event_node(start, key) is None:
            raise event_gone()
    finally:
        await start.database.close()
    subscription = await subscribe(context, live.event_topic(key), after)
    return _updates(context, subscription, key)  # type: ignore[return-value]


async def _updates(
    context: Context, subscription: Subscription, event_id: int
) -> AsyncIterator[Delivery]:
    """Each change's event and registration, loaded and checked with a fresh context."""
    try:
        while True:
            published = await subscription.next()
            if published.change not in live.EVENT_CHANGES:
                continue
            current = await event_context(context)
            try:
                event = await event_node(current, event_id)
                if not isinstance(event, Event):
                    raise event_gone()
                registration = None
                registration_id = published.ids.get("registration")
                if registration_id is not None:
                    found = await registration_node(current, registration_id)
                    if isinstance(found, EventRegistration):
                        registration = found
                item = EventUpdate(
                    cursor=published.cursor,
                    change=EventChange(published.change),
                    event=event,
                    registration=registration,
                )
                yield Delivery(item, current)
            finally:
                await current.database.close()
    finally:
        subscription.close()
