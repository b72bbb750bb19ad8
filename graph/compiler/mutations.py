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
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    OperationType,
    Undefined,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    located_error,
)
from graphql.execution.collect_fields import FieldDetails, FragmentDetails, collect_subfields
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.pyutils import Path
from graphql.type.definition import GraphQLResolveInfoHelpers

from graph.compiler.objects import CompiledObjects, Lookup, identity
from graph.compiler.operation import PreparedOperation
from graph.extensions.access_log import write_consent_reads
from graph.extensions.errors import log_unexpected, mask
from graph.extensions.transaction import commit_failed, commit_operation

if TYPE_CHECKING:
    from graph.context import Context

DEFINITION = "strawberry-definition"
MAX_PLANS = 1000
"""Payload writers kept (one per document and directive values)."""


class Fallback(Exception):
    """strawberry must answer the operation (raised after the transaction was rolled back)."""


class Unplannable(Exception):
    """The document has something the plan does not cover."""


class Writer:
    """Writes one field's value from what the resolver returned."""

    async def write(self, value: Any, run: "Run") -> Any:
        """The field's JSON value."""
        raise NotImplementedError


@dataclass(frozen=True)
class Run:
    """What a writer needs of the request: its context and variables."""

    context: "Context"
    variables: VariableValues


@dataclass(frozen=True)
class Leaf(Writer):
    """A scalar or enum, serialized by its GraphQL type."""

    type: GraphQLLeafType
    non_null: bool

    async def write(self, value: Any, run: Run) -> Any:
        """The serialized value (null allowed where the type is nullable)."""
        if value is None:
            return _null(self.non_null)
        serialized = self.type.serialize(value)
        if serialized is Undefined or serialized is None:
            raise Fallback  # graphql-core reports this as an error: let it
        return serialized


@dataclass(frozen=True)
class Many(Writer):
    """A list of values (scalars or plain objects)."""

    item: Writer
    non_null: bool

    async def write(self, value: Any, run: Run) -> Any:
        """Each item in order."""
        if value is None:
            return _null(self.non_null)
        return [await self.item.write(item, run) for item in value]


@dataclass(frozen=True)
class Field:
    """One response key of a plain object: `__typename` (no attribute) or an attribute."""

    key: str
    attribute: str | None
    writer: Writer | str


@dataclass(frozen=True)
class Plain(Writer):
    """An object whose fields all read the Python object's attributes (a payload, a userError)."""

    fields: tuple[Field, ...]
    non_null: bool

    async def write(self, value: Any, run: Run) -> Any:
        """The selected fields in the client's order."""
        if value is None:
            return _null(self.non_null)
        written: dict[str, Any] = {}
        for field in self.fields:
            writer = field.writer
            if isinstance(writer, str):
                written[field.key] = writer
            else:
                assert field.attribute is not None
                written[field.key] = await writer.write(getattr(value, field.attribute), run)
        return written


@dataclass(frozen=True)
class NodeObject(Writer):
    """An object of a type `node(id:)` serves, read by one compiled statement."""

    objects: CompiledObjects
    lookup: Lookup
    type_name: str
    non_null: bool

    async def write(self, value: Any, run: Run) -> Any:
        """The object's JSON as the client selected it."""
        if value is None:
            return _null(self.non_null)
        global_id = identity(value, self.type_name)
        if global_id is None:
            raise Fallback
        data = await self.objects.complete(
            self.lookup, global_id, run.variables.sources, run.context
        )
        if data is Undefined or (data is None and self.non_null):
            raise Fallback
        return data


def _null(non_null: bool) -> None:
    if non_null:
        raise Fallback  # graphql-core's null propagation, with its error: let it answer


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
        data and the errors (masked). Raises Fallback with nothing changed."""
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
        if await commit_operation(context) is not None:
            data, errors = None, [commit_failed()]
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
            writer: Writer | None = _Planner(self.objects, prepared, root, variables).payload()
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
        await session.rollback()


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


class _Planner:
    """Builds the payload writer for one document and directive values."""

    def __init__(
        self,
        objects: CompiledObjects,
        prepared: PreparedOperation,
        root: RootField,
        variables: VariableValues,
    ) -> None:
        self.objects = objects
        self.prepared = prepared
        self.root = root
        self.variables = variables

    def payload(self) -> Writer:
        root = self.root
        return self.writer(root.field.type, [FieldDetails(root.node, None)], in_list=False)

    def writer(
        self, type_: GraphQLOutputType, details: list[FieldDetails], *, in_list: bool
    ) -> Writer:
        non_null = is_non_null_type(type_)
        inner: Any = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if is_leaf_type(inner):
            return Leaf(inner, non_null)
        if is_list_type(inner):
            assert isinstance(inner, GraphQLList)
            return Many(self.writer(inner.of_type, details, in_list=True), non_null)
        if not is_object_type(inner):
            raise Unplannable  # interfaces and unions
        if self.objects.serves(inner.name):
            return self.node_object(inner, details, non_null, in_list)
        return self.plain(inner, details, non_null, in_list)

    def node_object(
        self, type_: GraphQLObjectType, details: list[FieldDetails], non_null: bool, in_list: bool
    ) -> Writer:
        prepared = self.prepared
        if in_list or any(detail.fragment_variable_values for detail in details):
            raise Unplannable
        lookup = self.objects.lookup(
            type_.name,
            [detail.node for detail in details],
            prepared.operation,
            prepared.fragments,
            prepared.source,
        )
        if lookup is None:
            raise Unplannable
        return NodeObject(self.objects, lookup, type_.name, non_null)

    def plain(
        self, type_: GraphQLObjectType, details: list[FieldDetails], non_null: bool, in_list: bool
    ) -> Writer:
        prepared = self.prepared
        collected = collect_subfields(
            prepared.schema,
            self.root.fragments,
            self.variables,
            prepared.operation,
            type_,
            details,
            hide_suggestions=True,
        )
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            raise Unplannable
        fields: list[Field] = []
        for key, group in collected.grouped_field_set.items():
            if any(detail.fragment_variable_values for detail in group):
                raise Unplannable
            name = group[0].node.name.value
            if name == "__typename":
                fields.append(Field(key, None, type_.name))
                continue
            field = type_.fields.get(name)
            if field is None or not getattr(field.resolve, "_is_default", False):
                raise Unplannable  # introspection, or a resolver of its own
            definition = (field.extensions or {}).get(DEFINITION)
            attribute = getattr(definition, "python_name", None)
            if not isinstance(attribute, str):
                raise Unplannable
            fields.append(Field(key, attribute, self.writer(field.type, group, in_list=in_list)))
        return Plain(tuple(fields), non_null)

