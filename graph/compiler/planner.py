"""Turn a validated query operation into a plan over the read mapping, or refuse (NotPlannable)."""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_list_type,
    is_non_null_type,
)
from graphql.language import DirectiveNode, NamedTypeNode

from graph.compiler.mapping import (
    LISTS,
    LOOKUPS,
    NODE_TYPES,
    OBJECTS,
    ROOT_CONNECTIONS,
    TYPES,
    Column,
    Embedded,
    Link,
    Paged,
    Python,
    ToMany,
    ToOne,
)
from graph.compiler.plan import (
    Arguments,
    ConnectionPart,
    ConnectionPlan,
    EdgesPlan,
    EmbeddedPlan,
    FieldPlan,
    ListPlan,
    LookupPlan,
    NodePlan,
    NodesPlan,
    NotPlannable,
    ObjectPlan,
    OperationPlan,
    PageInfoPlan,
    PythonPlan,
    RelatedPlan,
    RootPlan,
    ScalarPlan,
    SingletonPlan,
    TotalCountPlan,
    TypenamePlan,
)

PlanT = TypeVar("PlanT", ConnectionPlan, LookupPlan, NodePlan)


def steps(graphql_type: GraphQLOutputType) -> tuple[bool, ...]:
    """Whether each response step a field of this type adds is non-null: one for the value,
    one more per list level (its items)."""
    found: list[bool] = []
    current: Any = graphql_type
    while True:
        non_null = is_non_null_type(current)
        found.append(non_null)
        if non_null:
            current = current.of_type
        if not is_list_type(current):
            return tuple(found)
        current = current.of_type


def null_depth(chain: Sequence[bool]) -> int:
    """Steps up from the last position that a null travels: graphql-core's propagation stops
    at the nearest nullable position (the whole `data` when every one above is non-null)."""
    depth = 0
    for non_null in reversed(chain):
        if not non_null:
            break
        depth += 1
    return depth


PAGE_INFO_FIELDS = {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"}


def directive_variables(
    operation: OperationDefinitionNode, fragments: Sequence[FragmentDefinitionNode]
) -> tuple[str, ...]:
    """Names of the variables @include/@skip read: plans are cached per their values."""
    names: list[str] = []

    def walk(selection_set: SelectionSetNode | None) -> None:
        if selection_set is None:
            return
        for selection in selection_set.selections:
            for directive in selection.directives or ():
                for argument in directive.arguments or ():
                    if isinstance(argument.value, VariableNode):
                        names.append(argument.value.name.value)
            if isinstance(selection, FieldNode | InlineFragmentNode):
                walk(selection.selection_set)

    walk(operation.selection_set)
    for fragment in fragments:
        walk(fragment.selection_set)
    return tuple(dict.fromkeys(names))


class Planner:
    """Plans one operation for one set of @include/@skip variable values."""

    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.fragments = fragments
        self.variables = variables
        self.slots = 0
        self.chain: list[bool] = []
        """Non-null flags of the response steps from `data` down to where the walk is."""
        self.owners: dict[int, ConnectionPlan | LookupPlan | NodePlan] = {}
        self.python: list[PythonPlan] = []

    def plan(self, *, partial: bool = False) -> OperationPlan:
        """The operation's plan; NotPlannable if any part needs a Python resolver.

        With `partial`, root fields that cannot compile are set aside as `residual` (cut out
        of the source by graph.compiler.residual).
        """
        if self.operation.operation is not OperationType.QUERY:
            raise NotPlannable("only queries are compiled")
        query_type = self.schema.query_type
        assert query_type is not None
        roots: list[RootPlan] = []
        residual: list[FieldNode] = []
        collected = self._collect(query_type, [self.operation.selection_set])
        for key, nodes in collected.items():
            mark = self.slots
            python = len(self.python)
            try:
                self.chain = []
                roots.append(self._root(query_type, key, nodes))
            except NotPlannable:
                if not partial:
                    raise
                for slot in range(mark, self.slots):
                    self.owners.pop(slot, None)
                self.slots = mark
                del self.python[python:]
                residual.extend(nodes)
        if not roots:
            raise NotPlannable("nothing to compile")
        return OperationPlan(
            tuple(roots),
            tuple(self.owners[slot] for slot in range(self.slots)),
            tuple(collected),
            tuple(residual),
            tuple(self.python),
        )

    # -- selection sets -------------------------------------------------------------------------

    def _collect(
        self, runtime_type: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        fields: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()

        def visit(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if not self._included(selection.directives or ()):
                    continue
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    fields.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    if self._matches(selection.type_condition, runtime_type):
                        visit(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name in visited:
                        continue
                    visited.add(name)
                    fragment = self.fragments[name]
                    if self._matches(fragment.type_condition, runtime_type):
                        visit(fragment.selection_set)

        for selection_set in selection_sets:
            visit(selection_set)
        return fields

    def _included(self, directives: Sequence[DirectiveNode]) -> bool:
        for directive in directives:
            name = directive.name.value
            if name not in ("include", "skip"):
                raise NotPlannable(f"directive @{name}")
            condition = self._condition(directive)
            if (name == "include") != condition:
                return False
        return True

    def _condition(self, directive: DirectiveNode) -> bool:
        for argument in directive.arguments or ():
            if argument.name.value != "if":
                continue
            value = argument.value
            if isinstance(value, BooleanValueNode):
                return value.value
            if isinstance(value, VariableNode):
                return bool(self.variables.get(value.name.value))
        raise NotPlannable("directive without a boolean `if`")

    def _matches(self, condition: NamedTypeNode | None, runtime_type: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        conditional = self.schema.get_type(condition.name.value)
        if conditional is runtime_type:
            return True
        return is_abstract_type(conditional) and self.schema.is_sub_type(conditional, runtime_type)

    @staticmethod
    def _subsets(nodes: Sequence[FieldNode]) -> list[SelectionSetNode]:
        return [node.selection_set for node in nodes if node.selection_set is not None]

    def _arguments(self, definition: GraphQLField, node: FieldNode) -> Arguments:
        self.slots += 1
        return Arguments(definition, node, self.slots - 1)

    def _own(self, owner: PlanT) -> PlanT:
        self.owners[owner.arguments.slot] = owner
        return owner

    # -- roots ----------------------------------------------------------------------------------

    def _root(self, query_type: GraphQLObjectType, key: str, nodes: list[FieldNode]) -> RootPlan:
        name = nodes[0].name.value
        if name == "__typename":
            return TypenamePlan(key, query_type.name)
        definition = query_type.fields.get(name)
        if definition is None:
            raise NotPlannable(f"root field {name} is not declared")
        subsets = self._subsets(nodes)
        own = steps(definition.type)
        if name not in ROOT_CONNECTIONS:
            self.chain = list(own)
        if name in LOOKUPS:
            lookup = LOOKUPS[name]
            target = self._object_type(lookup.type_name)
            return self._own(
                LookupPlan(
                    key,
                    name,
                    self._object(target, subsets),
                    self._arguments(definition, nodes[0]),
                    lookup,
                )
            )
        if name in ROOT_CONNECTIONS:
            connection = ROOT_CONNECTIONS[name]
            model = TYPES[connection.type_name].model
            assert model is not None
            paged = Paged(
                Link(connection.type_name, "TRUE"),
                connection.ordering,
                model,
                visibility=connection.visibility,
                filters=connection.filters,
            )
            connection_type = get_named_type(definition.type)
            assert isinstance(connection_type, GraphQLObjectType)
            return self._connection(key, paged, connection_type, nodes, definition, root=name)
        if name in OBJECTS:
            target = self._object_type(OBJECTS[name].type_name)
            built = self._object(target, subsets)
            if all(isinstance(field, PythonPlan | TypenamePlan) for field in built.fields):
                # nothing for SQL to read: a statement would only hand the Python fields on
                raise NotPlannable(f"root field {name} selects only Python fields")
            return SingletonPlan(key, built)
        if name in LISTS:
            listed = LISTS[name]
            target = self._object_type(listed.type_name)
            return ListPlan(key, self._object(target, subsets), listed.order)
        if name in ("node", "nodes", "_entities"):
            objects = {
                type_name: self._object(self._object_type(type_name), subsets)
                for type_name in NODE_TYPES
            }
            arguments = self._arguments(definition, nodes[0])
            return self._own(
                NodePlan(
                    key,
                    objects,
                    arguments,
                    name != "node",
                    null_depth(own[:1]),
                    null_depth(own),
                )
            )
        raise NotPlannable(f"root field {name} has a Python resolver")

    def _object_type(self, name: str) -> GraphQLObjectType:
        found = self.schema.get_type(name)
        assert isinstance(found, GraphQLObjectType), name
        return found

    # -- objects --------------------------------------------------------------------------------

    def _object(
        self, object_type: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode]
    ) -> ObjectPlan:
        mapping = TYPES.get(object_type.name)
        if mapping is None:
            raise NotPlannable(f"type {object_type.name} is not mapped")
        plan = ObjectPlan(object_type.name, mapping)
        collected = self._collect(object_type, selection_sets)
        for key, nodes in collected.items():
            plan.fields.append(self._field(object_type, key, nodes))
        return plan

    def _field(self, object_type: GraphQLObjectType, key: str, nodes: list[FieldNode]) -> FieldPlan:
        name = nodes[0].name.value
        if name == "__typename":
            return TypenamePlan(key, object_type.name)
        mapping = TYPES[object_type.name].fields.get(name)
        definition = object_type.fields.get(name)
        if mapping is None or definition is None:
            raise NotPlannable(f"{object_type.name}.{name} is not declared (a Python field)")
        subsets = self._subsets(nodes)
        if isinstance(mapping, Python):
            return self._python(object_type, key, nodes, definition)
        if isinstance(mapping, Column):
            return ScalarPlan(key, mapping.sql, mapping.visible_if)
        if isinstance(mapping, Embedded):
            target = self._object_type(mapping.type_name)
            with self._within(definition.type):
                embedded = self._object(target, subsets)
            return EmbeddedPlan(key, embedded, mapping.visible_if)
        if isinstance(mapping, ToOne | ToMany):
            target = self._object_type(mapping.link.type_name)
            many = isinstance(mapping, ToMany)
            visible_if = mapping.visible_if if isinstance(mapping, ToMany) else None
            with self._within(definition.type):
                related = self._object(target, subsets)
            return RelatedPlan(key, name, mapping.link, related, many, visible_if)
        connection_type = get_named_type(definition.type)
        assert isinstance(connection_type, GraphQLObjectType)
        return self._connection(key, mapping, connection_type, nodes, definition)

    def _python(
        self,
        object_type: GraphQLObjectType,
        key: str,
        nodes: list[FieldNode],
        definition: GraphQLField,
    ) -> PythonPlan:
        """A Python field, reached again through `nodes(ids:)` or its root object field."""
        name = object_type.name
        roots = (field for field, root in OBJECTS.items() if root.type_name == name)
        root_field = next(roots, None)
        if root_field is None and (name not in NODE_TYPES or "id" not in TYPES[name].fields):
            raise NotPlannable(f"{name} is reached by neither nodes(ids:) nor a root object")
        if any(node.loc is None for node in nodes):
            raise NotPlannable("a Python field without its place in the source")
        depth = null_depth([*self.chain, *steps(definition.type)[:1]])
        plan = PythonPlan(key, len(self.python), name, tuple(nodes), depth, root_field)
        self.python.append(plan)
        return plan

    def _connection(
        self,
        key: str,
        paged: Paged,
        connection_type: GraphQLObjectType,
        nodes: list[FieldNode],
        definition: GraphQLField,
        root: str | None = None,
    ) -> ConnectionPlan:
        node_type = self._object_type(paged.link.type_name)
        parts: list[ConnectionPart] = []
        depth = null_depth([*self.chain, *steps(definition.type)])
        with self._within(definition.type):
            self._parts(connection_type, node_type, nodes, parts)
        arguments = self._arguments(definition, nodes[0])
        return self._own(
            ConnectionPlan(key, paged, tuple(parts), arguments, root, depth)
        )

    def _parts(
        self,
        connection_type: GraphQLObjectType,
        node_type: GraphQLObjectType,
        nodes: list[FieldNode],
        parts: list[ConnectionPart],
    ) -> None:
        for part_key, part_nodes in self._collect(connection_type, self._subsets(nodes)).items():
            name = part_nodes[0].name.value
            subsets = self._subsets(part_nodes)
            if name == "__typename":
                parts.append(TypenamePlan(part_key, connection_type.name))
            elif name == "totalCount":
                parts.append(TotalCountPlan(part_key))
            elif name == "nodes":
                with self._within(connection_type.fields[name].type):
                    parts.append(NodesPlan(part_key, self._object(node_type, subsets)))
            elif name == "pageInfo":
                page_info = self._object_type("PageInfo")
                selected = tuple(
                    (info_key, info_nodes[0].name.value)
                    for info_key, info_nodes in self._collect(page_info, subsets).items()
                )
                parts.append(PageInfoPlan(part_key, selected))
            elif name == "edges":
                with self._within(connection_type.fields[name].type):
                    parts.append(self._edges(part_key, connection_type, node_type, subsets))
            else:
                raise NotPlannable(f"{connection_type.name}.{name}")

    @contextmanager
    def _within(self, graphql_type: GraphQLOutputType) -> Iterator[None]:
        """Walk below a field of this type (its response steps pushed on the chain)."""
        added = steps(graphql_type)
        self.chain.extend(added)
        try:
            yield
        finally:
            del self.chain[-len(added) :]

    def _edges(
        self,
        key: str,
        connection_type: GraphQLObjectType,
        node_type: GraphQLObjectType,
        subsets: Sequence[SelectionSetNode],
    ) -> EdgesPlan:
        edge_type = get_named_type(connection_type.fields["edges"].type)
        assert isinstance(edge_type, GraphQLObjectType)
        fields: list[tuple[str, str, ObjectPlan | None]] = []
        for edge_key, edge_nodes in self._collect(edge_type, subsets).items():
            name = edge_nodes[0].name.value
            if name == "node":
                with self._within(edge_type.fields[name].type):
                    node = self._object(node_type, self._subsets(edge_nodes))
                fields.append((edge_key, name, node))
            elif name in ("cursor", "__typename"):
                fields.append((edge_key, name, None))
            else:
                raise NotPlannable(f"{edge_type.name}.{name}")
        return EdgesPlan(key, tuple(fields), edge_type.name)
