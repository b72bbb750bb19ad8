"""Payload writers of the mutation executor: a payload's JSON from the object a resolver returned.

graph.compiler.mutations plans one writer per document and directive values: scalars and enums
serialized by their GraphQL types, plain objects (a payload, its `userErrors`) field by field
from attributes — fields collected by graphql-core (aliases, fragments, `@skip`/`@include`) —
and objects of node types read by one compiled statement (graph.compiler.objects). What a
writer meets at run time that only graphql-core's completion reports (a null for a non-null
field) raises `Fallback`; what the planner cannot cover raises `Unplannable`.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetails, FragmentDetails, collect_subfields
from graphql.execution.values import VariableValues

from graph.compiler.objects import CompiledObjects, Lookup, identity
from graph.compiler.operation import PreparedOperation

if TYPE_CHECKING:
    from graph.context import Context

DEFINITION = "strawberry-definition"


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


class Planner:
    """Builds the payload writer for one document and directive values."""

    def __init__(
        self,
        objects: CompiledObjects,
        prepared: PreparedOperation,
        fragments: dict[str, FragmentDetails],
        variables: VariableValues,
    ) -> None:
        self.objects = objects
        self.prepared = prepared
        self.fragments = fragments
        self.variables = variables

    def payload(self, type_: GraphQLOutputType, node: FieldNode) -> Writer:
        """The writer of a root field's value."""
        return self.writer(type_, [FieldDetails(node, None)], in_list=False)

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
            self.fragments,
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
