"""Each subscription event runs with its own Context: a fresh session and loaders, same viewer.

graphql-core executes every event with the operation's context; ours is the WebSocket's, shared
by every operation on the socket and alive as long as it. An event's objects must be loaded and
authorised afresh (no stale loader cache) and must not pin a pooled connection between events,
so the subscription yields a `Delivery` and the executor swaps in the delivery's context.
"""

from dataclasses import dataclass
from typing import Any

from graphql.execution import Executor
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


@dataclass(frozen=True)
class Delivery:
    """One event's root value and the context its fields resolve with."""

    value: Any
    context: Any


class EventExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Executes a `Delivery` with its own context (anything else as graphql-core does)."""

    def build_per_event_executor(self, payload: Any) -> Executor[Any]:
        """The per-event executor, with the delivery's context when the event carries one."""
        if not isinstance(payload, Delivery):
            return super().build_per_event_executor(payload)
        executor = super().build_per_event_executor(payload.value)
        executor.context_value = payload.context
        return executor
