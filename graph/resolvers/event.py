"""Query fields for chapter events and announcements, and their `node(id:)` fetchers."""

from typing import Annotated

import strawberry

from graph.context import Context, Info
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.event import Event, EventFilter, EventRegistration
from graph.types.event_enums import EventOrder
from graph.types.node import Node
from graph.types.sql_only import unserved

Filter = Annotated[
    EventFilter | None,
    strawberry.argument(description="A time range and kinds to narrow the list."),
]
Order = Annotated[EventOrder, strawberry.argument(description="Soonest (default) or latest first.")]


def events(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Filter = None,
    order_by: Order = EventOrder.START_ASC,
) -> Connection[Event]:
    """Events across chapters that the viewer may see."""
    raise unserved()


async def event_node(context: Context, key: int) -> Node | None:
    """An event, if the viewer may see it (the read rule, evaluated in SQL)."""
    loaders = context.loaders.events
    row = await loaders.event_by_id.load(key)
    if row is None:
        return None
    visible = await loaders.visible_by_id.load(key)
    return Event.from_model(row) if visible and visible[0] else None


async def registration_node(context: Context, key: int) -> Node | None:
    """An RSVP, if the viewer may fetch it (the rule of EventScope.registration_node_predicate,
    evaluated in SQL)."""
    loaders = context.loaders.events
    row = await loaders.registration_by_id.load(key)
    if row is None:
        return None
    allowed = await loaders.registration_node_by_id.load(key)
    return EventRegistration.from_model(row) if allowed and allowed[0] else None

