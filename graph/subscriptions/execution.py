"""Each subscription event runs with its own Context: a fresh session and loaders, same viewer.

graphql-core executes every event with the operation's context; ours is the WebSocket's, shared
by every operation on the socket and alive as long as it. An event's objects must be loaded and
authorised afresh (no stale loader cache) and must not pin a pooled connection between events,
so the subscription yields a `Delivery` and the executor swaps in the delivery's context.
"""

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, OperationType, Undefined
from graphql.execution import Executor
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph.compiler.objects import CompiledObjects, identity

COMPILED_OPERATIONS = (OperationType.MUTATION, OperationType.SUBSCRIPTION)
"""Where strawberry's objects are completed by SQL: payloads and events (a query strawberry
runs is one the compiled path declined; its objects stay with the resolvers and loaders)."""


@dataclass(frozen=True)
class Delivery:
    """One event's root value and the context its fields resolve with."""

    value: Any
    context: Any


class EventExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Executes a `Delivery` with its own context, and completes mutation payloads' and
    events' objects through the compiled read path (graph.compiler.objects)."""

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        """A single object of a type `node(id:)` serves, read by one compiled statement (with
        everything the client nested under it); anything else as graphql-core does."""
        compiled = self._compiled_lookup(return_type, field_details_list, path, result)
        if compiled is None:
            return super().complete_object_value(
                return_type, field_details_list, info, path, result, position_context
            )
        objects, lookup, global_id = compiled

        async def complete() -> Any:
            value = await objects.complete(
                lookup, global_id, self.variable_values.sources, self.context_value
            )
            if value is not Undefined:
                return value
            completed = super(EventExecutionContext, self).complete_object_value(
                return_type, field_details_list, info, path, result, position_context
            )
            return await completed if self.is_awaitable(completed) else completed

        return complete()

    def _compiled_lookup(
        self, return_type: GraphQLObjectType, field_details_list: Any, path: Path, result: Any
    ) -> Any:
        objects: CompiledObjects | None = getattr(self.context_value, "objects", None)
        if (
            objects is None
            or self.operation.operation not in COMPILED_OPERATIONS
            or not objects.serves(return_type.name)
            or any(isinstance(key, int) for key in path.as_list())
            or self.operation.loc is None
        ):
            return None
        global_id = identity(result, return_type.name)
        if global_id is None:
            return None
        lookup = objects.lookup(
            return_type.name,
            [details.node for details in field_details_list],
            self.operation,
            self.fragment_definitions,
            self.operation.loc.source.body,
        )
        return None if lookup is None else (objects, lookup, global_id)

    def build_per_event_executor(self, payload: Any) -> Executor[Any]:
        """The per-event executor, with the delivery's context when the event carries one."""
        if not isinstance(payload, Delivery):
            return super().build_per_event_executor(payload)
        executor = super().build_per_event_executor(payload.value)
        executor.context_value = payload.context
        return executor
