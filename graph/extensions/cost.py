"""The calculated cost of an operation, in GitHub's style: connection sizes multiply.

Computed in time linear in the document: each fragment is costed once per page size it is
spread under and multiplied by its uses, never re-walked.

Every object the operation can return costs one point. A connection's page size (its
`first` or `last`, read from literals or variables) multiplies everything selected below
its `edges`/`nodes`; `nodes(ids:)` multiplies by the number of IDs. The requested cost is
the worst case, computed before execution; the actual cost counts the objects returned.
"""

import re
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_composite_type,
)
from graphql.execution.values import VariableValues, get_argument_values

from graph.pagination import MAX_PAGE_SIZE

PAGE_SIZE_ARGUMENTS = ("first", "last")
ID_LIST_ARGUMENTS = ("ids",)


def _is_list(type_: GraphQLOutputType) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


class _CostWalker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: VariableValues,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.unit_costs: dict[tuple[str, int | None], int] = {}
        """A fragment's cost per parent object, by the page size it is spread under."""

    def fragment_cost(self, name: str, page_size: int | None, visiting: frozenset[str]) -> int:
        """The cost of one spread of fragment `name` under one parent object, computed once.

        Cost is linear in the multiplier (every object below a parent counts once per parent),
        so a fragment's cost for `multiplier` parents is that many times its cost for one; a
        fragment spread 2^n times through a chain is walked n times, not 2^n.
        """
        key = (name, page_size)
        known = self.unit_costs.get(key)
        if known is not None:
            return known
        fragment = self.fragments.get(name)
        if fragment is None or name in visiting:
            return 0
        target = self.schema.get_type(fragment.type_condition.name.value)
        if target is None or not is_composite_type(target):
            return 0
        cost = self.unit_costs[key] = self.selection_cost(
            target, fragment.selection_set, 1, page_size, visiting | {name}
        )
        return cost

    def selection_cost(
        self,
        parent: GraphQLCompositeType,
        selection_set: SelectionSetNode | None,
        multiplier: int,
        page_size: int | None,
        visiting: frozenset[str],
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(parent, selection, multiplier, page_size, visiting)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                if target is not None and is_composite_type(target):
                    total += self.selection_cost(
                        target,
                        selection.selection_set,
                        multiplier,
                        page_size,
                        visiting,
                    )
            elif isinstance(selection, FragmentSpreadNode):
                unit = self.fragment_cost(selection.name.value, page_size, visiting)
                total += multiplier * unit
        return total

    def field_cost(
        self,
        parent: GraphQLCompositeType,
        node: FieldNode,
        multiplier: int,
        page_size: int | None,
        visiting: frozenset[str],
    ) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return 0
        field = parent.fields.get(name)
        if field is None:
            return 0
        named = get_named_type(field.type)
        if not is_composite_type(named):
            return 0
        is_connection = all(argument in field.args for argument in PAGE_SIZE_ARGUMENTS)
        sized_by_ids = any(argument in field.args for argument in ID_LIST_ARGUMENTS)
        # Coercing arguments is the costly part: only for fields whose size depends on them.
        arguments = (
            get_argument_values(field, node, self.variables)
            if is_connection or sized_by_ids
            else {}
        )
        count = 1
        if _is_list(field.type):
            count = self._list_size(arguments, page_size)
        inner_page = self._page_size(arguments) if is_connection else None
        objects = multiplier * count
        return objects + self.selection_cost(
            named,
            node.selection_set,
            objects,
            inner_page,
            visiting,
        )

    @staticmethod
    def _page_size(arguments: dict[str, Any]) -> int:
        for argument in PAGE_SIZE_ARGUMENTS:
            value = arguments.get(argument)
            if isinstance(value, int) and value > 0:
                return min(value, MAX_PAGE_SIZE)
        return MAX_PAGE_SIZE

    @staticmethod
    def _list_size(arguments: dict[str, Any], page_size: int | None) -> int:
        for argument in ID_LIST_ARGUMENTS:
            value = arguments.get(argument)
            if isinstance(value, list):
                return max(len(value), 1)
        return page_size if page_size is not None else 1


def requested_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: VariableValues,
) -> int:
    """The most objects `operation` can return with these variables; at least 1."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 1
    walker = _CostWalker(schema, fragments, variables)
    return max(1, walker.selection_cost(root, operation.selection_set, 1, None, frozenset()))


def actual_cost(data: Any) -> int:
    """The objects a result returned (its JSON objects below the root); at least 1."""
    count = 0
    stack: list[Any] = list(data.values()) if isinstance(data, dict) else []
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            count += 1
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return max(1, count)


def actual_cost_of_json(text: bytes) -> int:
    """`actual_cost` of the result whose JSON text this is, without parsing it when possible.

    Outside strings, `{` opens an object and (unless the object is empty) is followed by the
    quote of its first key, a GraphQL name. Inside a string a quote is escaped, so there `{"`
    can only be a string ending in `{` — and then a comma, `}`, `]` or a space follows. So
    the objects are the `{"` pairs followed by a name's first character. An empty object
    (`{}`: all of its fields skipped) is not counted that way; text containing `{}` anywhere
    is parsed instead.
    """
    if b"{}" in text:
        data = orjson.loads(text)
        return actual_cost(data) if data else 0
    return max(1, len(OBJECT_START.findall(text)) - 1)  # the root object is not counted


OBJECT_START = re.compile(rb'\{"[_A-Za-z]')
"""`{` then the opening quote of a key (a GraphQL name): never a string's `{` then its end."""
