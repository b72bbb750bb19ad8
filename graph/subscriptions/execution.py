"""Each subscription event runs with its own Context: a fresh session and loaders, same viewer.

graphql-core executes every event with the operation's context; ours is the WebSocket's, shared
by every operation on the socket and alive as long as it. An event's objects must be loaded and
authorised afresh (no stale loader cache) and must not pin a pooled connection between events,
so the subscription yields a `Delivery` and the executor swaps in the delivery's context.
"""

from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLAbstractType,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    OperationType,
    Undefined,
    get_named_type,
)
from graphql.execution import Executor
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph.compiler.mapping import NODE_TYPES
from graph.compiler.object_batches import ObjectBatches
from graph.compiler.objects import CompiledObjects, Fault, identity
from graph.compiler.python_fields import OPERATION as PYTHON_OPERATION
from graph.observability import census


@dataclass(frozen=True)
class Delivery:
    """One event's root value and the context its fields resolve with."""

    value: Any
    context: Any


class EventExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Executes a `Delivery` with its own context, and completes mutation payloads', events'
    and Python fields' objects through the compiled read path (graph.compiler.objects)."""

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        """An object of a type `node(id:)` serves, read with everything the client nested
        under it by one compiled statement per field position; anything else as graphql-core
        does."""
        compiled = self._compiled_lookup(
            return_type, field_details_list, path, result, get_named_type(info.return_type)
        )
        if compiled is None:
            return super().complete_object_value(
                return_type, field_details_list, info, path, result, position_context
            )
        objects, lookup, global_id = compiled
        assert self.operation.loc is not None
        pending = self._object_batches(objects).load(
            lookup,
            global_id,
            self.variable_values.sources,
            self.context_value,
            self.operation.loc.source,
        )

        async def complete() -> Any:
            answered = await pending
            if answered is not Undefined:
                value, faults = answered
                return self._settle(value, faults, path)
            # arguments the plan could not bind: strawberry's answer, where the node type's
            # fields answered by SQL only raise (graph.types.sql_only)
            completed = super(EventExecutionContext, self).complete_object_value(
                return_type, field_details_list, info, path, result, position_context
            )
            return await completed if self.is_awaitable(completed) else completed

        return complete()

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        """graphql-core's; counted by the test-only census (graph.observability.census)."""
        if census.ENABLED and parent_type.name in NODE_TYPES:
            census.note(self._census_path(), parent_type.name, path.key)  # type: ignore[arg-type]
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _census_path(self) -> str:
        operation = self.operation
        if operation.operation is OperationType.MUTATION:
            return "payload"
        if operation.operation is OperationType.SUBSCRIPTION:
            return "event"
        if operation.name is not None and operation.name.value == PYTHON_OPERATION:
            return "python"
        return "residual" if census.RESIDUAL.get() else "fallback"

    def _settle(self, value: Any, faults: list[Fault], path: Path) -> Any:
        """The object's value; the errors below it collected at the client's paths (the one
        that nulled the object itself raised, so that its null propagates as graphql-core's)."""
        located: list[tuple[GraphQLError, Path]] = []
        for fault in faults:
            position = path
            for key in fault.below:
                position = position.add_key(key, None)
            error = fault.error
            located.append(
                (
                    GraphQLError(
                        error.message,
                        source=error.source,
                        positions=error.positions,
                        path=position.as_list(),
                        original_error=error.original_error,
                        extensions=error.extensions,
                    ),
                    position,
                )
            )
        nulling = None
        if value is None and located:
            nulling = min(located, key=lambda item: len(item[1].as_list()))
        for error, position in located:
            if nulling is None or error is not nulling[0]:
                self.collected_errors.add(error, position)
        if nulling is not None:
            raise nulling[0]
        return value

    def _object_batches(self, objects: CompiledObjects) -> ObjectBatches:
        batches: ObjectBatches | None = self.__dict__.get("_batches")
        if batches is None:
            batches = self.__dict__["_batches"] = ObjectBatches(objects)
        return batches

    def _compiled_lookup(
        self,
        return_type: GraphQLObjectType,
        field_details_list: Any,
        path: Path,
        result: Any,
        declared: GraphQLNamedType,
    ) -> Any:
        objects: CompiledObjects | None = getattr(self.context_value, "objects", None)
        if (
            objects is None
            or not objects.serves(return_type.name)
            or self.operation.loc is None
            or not self._compiles(path)
        ):
            return None
        global_id = identity(result, return_type.name)
        if global_id is None:
            return None
        # the client's selection is written for the field's declared type: an interface or
        # union (`node(id:)`'s Node) keeps its own type conditions inside it
        lookup = objects.lookup_many(
            declared.name if isinstance(declared, GraphQLAbstractType) else return_type.name,
            [details.node for details in field_details_list],
            self.operation,
            self.fragment_definitions,
            self.operation.loc.source.body,
        )
        return None if lookup is None else (objects, lookup, global_id)

    def _compiles(self, path: Path) -> bool:
        """Payloads and events; and in a Python fields' document (graph.compiler.
        python_fields), the objects below a Python field (not its parents)."""
        operation = self.operation
        if operation.name is None or operation.name.value != PYTHON_OPERATION:
            return True
        keys = path.as_list()
        return len(keys) > (3 if len(keys) > 1 and isinstance(keys[1], int) else 2)

    def build_per_event_executor(self, payload: Any) -> Executor[Any]:
        """The per-event executor, with the delivery's context when the event carries one."""
        if not isinstance(payload, Delivery):
            executor = super().build_per_event_executor(payload)
            executor.__dict__.pop("_batches", None)  # each event batches its own objects
            return executor
        executor = super().build_per_event_executor(payload.value)
        executor.__dict__.pop("_batches", None)
        executor.context_value = payload.context
        return executor
