"""Mutations without strawberry's executor: the root field's own resolver, its payload written.

graphql-core spends most of a mutation's Python time around the work rather than in it:
wrapping the resolver, completing the payload field by field, running the schema extensions'
hooks. For a mutation document with one root field this module plans, once per document,

- the root field: its GraphQL field (whose `resolve` is strawberry's own wrapper around the
  resolver in graph/resolvers — argument conversion, `Info`, field extensions — so no resolver
  logic is restated here) and its arguments, coerced per request by graphql-core;
- a payload writer: scalars, enums and plain objects (`userErrors`) serialized from the
  payload object by their GraphQL types, `__typename`, aliases, fragments and `@skip`/
  `@include` collected by graphql-core's own field collection, and objects of node types read
  by `CompiledObjects` (graph/compiler/objects.py: one compiled statement in the transaction).

The operation then runs as graph.extensions.transaction runs it: the root field in the
operation's transaction, the payload read before the commit, the consent reads logged after
it, errors located, logged and masked as `MaskUnexpectedErrors` does. Whatever the plan does not
cover (several root fields, lists of node objects, interfaces and unions, `@defer`, a custom
resolver in the payload) is `None` before anything ran; what only shows at run time (a null
for a non-null field, an object the compiled read declines) raises `Fallback` after rolling
the transaction back, and strawberry runs the operation afresh.
"""

from collections import OrderedDict
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from inspect import isawaitable
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    OperationType,
    is_non_null_type,
    is_object_type,
    located_error,
)
from graphql.execution.collect_fields import FragmentDetails
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.pyutils import Path
from graphql.type.definition import GraphQLResolveInfoHelpers

from db.driver import rollback
from db.lean import NeedsSession
from graph.compiler.objects import CompiledObjects
from graph.compiler.operation import PreparedOperation
from graph.compiler.payload_writer import Planner, Run, Unplannable, Writer
from graph.extensions.access_log import write_consent_reads
from graph.extensions.errors import log_unexpected, mask
from graph.extensions.transaction import commit_failed, commit_operation

if TYPE_CHECKING:
    from graph.context import Context

SESSION_RUNS = 1000
"""Operations of a root field run on SQLAlchemy's session after one needed it (db.lean), before
a lean transaction is tried again."""

MAX_PLANS = 1000
"""Payload writers kept (one per document and directive values)."""


@dataclass(frozen=True)
class RootField:
    """The operation's one root field, planned once per document."""

    key: str
    node: FieldNode
    field: GraphQLField
    parent: GraphQLObjectType
    payload: GraphQLObjectType
    non_null: bool
    fragments: dict[str, FragmentDetails]


@dataclass(frozen=True)
class MutationRequest:
    """One request of a planned mutation: coerced variables and arguments, the payload writer."""

    prepared: PreparedOperation
    root: RootField
    variables: VariableValues
    arguments: dict[str, Any]
    writer: Writer


class CompiledMutations:
    """Plans and runs single-root-field mutations (graph.compiler.reads offers them)."""

    def __init__(self, objects: CompiledObjects) -> None:
        self.objects = objects
        self._roots: OrderedDict[PreparedOperation, RootField | None] = OrderedDict()
        self._writers: OrderedDict[tuple[Any, ...], Writer | None] = OrderedDict()
        self.answered = 0
        """Operations answered here so far in this process (tests read it)."""
        self.lean_answered = 0
        """Of those, answered in a lean transaction (tests read it)."""
        self.needs_session: dict[str, int] = {}
        """Root fields whose work needed SQLAlchemy's session (db.lean), and how many more of
        their operations run on one before a lean transaction is tried again."""

    def request(
        self, prepared: PreparedOperation, variables: Mapping[str, Any] | None
    ) -> MutationRequest | None:
        """The request planned, or None: strawberry runs it (and reports what is wrong)."""
        root = self._root(prepared)
        if root is None:
            return None
        coerced = get_variable_values(
            prepared.schema,
            prepared.operation.variable_definitions or (),
            dict(variables or {}),
            hide_suggestions=True,
        )
        if not isinstance(coerced, VariableValues):
            return None
        try:
            arguments = get_argument_values(root.field, root.node, coerced, hide_suggestions=True)
        except GraphQLError:
            return None
        writer = self._writer(prepared, root, coerced)
        if writer is None:
            return None
        return MutationRequest(prepared, root, coerced, arguments, writer)

    async def execute(
        self, request: MutationRequest, context: "Context"
    ) -> tuple[dict[str, Any] | None, list[GraphQLError]]:
        """Run the root field in the operation's transaction, write its payload, commit; the
        data and the errors (masked). Raises Fallback with nothing changed.

        The transaction is a lean one (db.lean) unless this root field is known to need
        SQLAlchemy's session; when it turns out to (NeedsSession, nothing committed), it is
        rolled back and the field runs again on an ordinary session, as its next
        SESSION_RUNS operations will (a branch that needs the session may be a rare one)."""
        name = request.root.node.name.value
        waiting = self.needs_session.get(name)
        if waiting:
            self.needs_session[name] = waiting - 1
            return await self._execute(request, context)
        if not context.database.go_lean():
            return await self._execute(request, context)
        try:
            answer = await self._execute(request, context)
        except NeedsSession:
            await context.database.leave_lean()
            self.needs_session[name] = SESSION_RUNS
            return await self._execute(request, context)
        self.needs_session.pop(name, None)
        self.lean_answered += 1
        return answer

    async def _execute(
        self, request: MutationRequest, context: "Context"
    ) -> tuple[dict[str, Any] | None, list[GraphQLError]]:
        root = request.root
        path = Path(None, root.key, root.parent.name)
        errors: list[GraphQLError] = []
        data: dict[str, Any] | None
        context.in_operation_transaction = True
        try:
            try:
                value = root.field.resolve(  # type: ignore[misc]
                    None, self._info(request, path, context), **request.arguments
                )
                if isawaitable(value):
                    value = await value
            except NeedsSession:
                raise
            except Exception as error:
                errors.append(located_error(error, [root.node], path.as_list()))
                data = None if root.non_null else {root.key: None}
            else:
                run = Run(context, request.variables)
                data = {root.key: await request.writer.write(value, run)}
        except BaseException:
            await _roll_back(context)
            raise
        finally:
            context.in_operation_transaction = False
        try:
            if await commit_operation(context) is not None:
                data, errors = None, [commit_failed()]
        except NeedsSession:
            await _roll_back(context)
            raise
        if context.database.is_lean:
            await context.database.leave_lean()  # done: what follows runs on a session
        await write_consent_reads(context)
        self.answered += 1
        if not errors:
            return data, errors
        log_unexpected(errors, context.request_id)
        return data, [mask(error, context.request_id) for error in errors]

    def _info(self, request: MutationRequest, path: Path, context: "Context") -> Any:
        root = request.root
        prepared = request.prepared
        return GraphQLResolveInfo(
            root.node.name.value,
            [root.node],
            root.field.type,
            root.parent,
            path,
            prepared.schema,
            dict(prepared.fragments),
            None,
            prepared.operation,
            request.variables,
            context,
            isawaitable,  # type: ignore[arg-type]
            None,
            HELPERS,
        )

    def _root(self, prepared: PreparedOperation) -> RootField | None:
        try:
            return self._roots[prepared]
        except KeyError:
            pass
        try:
            root: RootField | None = _plan_root(prepared)
        except Unplannable:
            root = None
        self._roots[prepared] = root
        if len(self._roots) > MAX_PLANS:
            self._roots.popitem(last=False)
        return root

    def _writer(
        self, prepared: PreparedOperation, root: RootField, variables: VariableValues
    ) -> Writer | None:
        directives = tuple(variables.coerced.get(name) for name in prepared.directive_names)
        key = (prepared, directives)
        try:
            return self._writers[key]
        except KeyError:
            pass
        try:
            writer: Writer | None = Planner(
                self.objects, prepared, root.fragments, variables
            ).payload(root.field.type, root.node)
        except Unplannable:
            writer = None
        self._writers[key] = writer
        if len(self._writers) > MAX_PLANS:
            self._writers.popitem(last=False)
        return writer


async def _gather(values: Sequence[Awaitable[Any]]) -> list[Any]:
    return [await value for value in values]


HELPERS = GraphQLResolveInfoHelpers(gather=_gather, track=lambda _values: None)
"""What a resolver's `info.async_helpers` offers here (ours use neither)."""


async def _roll_back(context: "Context") -> None:
    async with context.database.session() as session:
        await rollback(session)


def _plan_root(prepared: PreparedOperation) -> RootField:
    operation = prepared.operation
    if operation.operation is not OperationType.MUTATION:
        raise Unplannable
    selections = operation.selection_set.selections
    if len(selections) != 1 or not isinstance(selections[0], FieldNode):
        raise Unplannable
    node = selections[0]
    if node.directives or operation.directives:
        raise Unplannable
    parent = prepared.schema.mutation_type
    if parent is None:
        raise Unplannable
    field = parent.fields.get(node.name.value)
    if field is None or field.resolve is None:
        raise Unplannable
    non_null = is_non_null_type(field.type)
    payload = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if not is_object_type(payload):
        raise Unplannable
    fragments = {
        name: FragmentDetails(definition) for name, definition in prepared.fragments.items()
    }
    key = node.alias.value if node.alias else node.name.value
    return RootField(key, node, field, parent, payload, non_null, fragments)
