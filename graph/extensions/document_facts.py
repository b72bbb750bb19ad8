"""What admission reads from an operation, cached per (document text, operation name).

Both the page-size check (page_limits) and the requested cost (cost) read the paging and ID
list arguments of every field with the request's variables. Neither answer changes unless the
values of the variables those arguments mention change, so each is computed once per
(document, operation, those values) — on strawberry's path and on the compiled one alike.
Only valid page verdicts are kept; a refused request recomputes its errors (they carry nodes
and messages of their own, and refusals are not the path worth caching).
"""

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    ValueNode,
    VariableNode,
    Visitor,
    validate,
    visit,
)
from graphql.execution.values import VariableValues
from graphql.validation import NoSchemaIntrospectionCustomRule

from graph.extensions.cost import ID_LIST_ARGUMENTS, PAGE_SIZE_ARGUMENTS, requested_cost
from graph.extensions.page_limits import PAGE_ARGUMENTS, page_argument_errors

MAX_VALUES_PER_OPERATION = 256
"""Distinct variable values remembered per operation (oldest forgotten first)."""
MAX_OPERATIONS = 1000
"""Operations remembered (least recently used forgotten first)."""
COST_ARGUMENTS = (*PAGE_SIZE_ARGUMENTS, *ID_LIST_ARGUMENTS)

_MISSING = object()


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= MAX_VALUES_PER_OPERATION:
        cache.pop(next(iter(cache)))
    cache[key] = value


def _size_key(value: Any) -> Any:
    """What the cost reads from a variable: an integer page size, or the length of a list."""
    if isinstance(value, list | tuple):
        return ("length", len(value))
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def variables_in_arguments(document: DocumentNode, arguments: tuple[str, ...]) -> tuple[str, ...]:
    """Names of the variables the named arguments (anywhere in the document) mention."""
    names: set[str] = set()

    class Finder(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
            if node.name.value in arguments:
                names.update(_variables_in(node.value))

    visit(document, Finder())
    return tuple(sorted(names))


def _variables_in(node: ValueNode) -> list[str]:
    if isinstance(node, VariableNode):
        return [node.name.value]
    if isinstance(node, ListValueNode):
        return [name for item in node.values for name in _variables_in(item)]
    if isinstance(node, ObjectValueNode):
        return [name for item in node.fields for name in _variables_in(item.value)]
    return []


@dataclass
class OperationFacts:
    """One operation's page verdicts and requested costs, by the values that decide them."""

    page_variables: tuple[str, ...]
    cost_variables: tuple[str, ...]
    valid_pages: dict[tuple[Any, ...], bool] = field(default_factory=dict)
    costs: dict[tuple[Any, ...], int] = field(default_factory=dict)
    introspection: bool | None = None
    """Whether the document asks for `__schema` or `__type` (None: not yet looked)."""

    @classmethod
    def of(cls, document: DocumentNode) -> "OperationFacts":
        """Find which variables matter, once."""
        return cls(
            variables_in_arguments(document, PAGE_ARGUMENTS),
            variables_in_arguments(document, COST_ARGUMENTS),
        )

    def page_errors(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
    ) -> list[GraphQLError]:
        """page_argument_errors, skipped when these page values were seen to be valid."""
        given = variables or {}
        key: tuple[Any, ...] | None = tuple(
            given.get(name, _MISSING) for name in self.page_variables
        )
        try:
            hash(key)
        except TypeError:
            key = None
        if key is not None and key in self.valid_pages:
            return []
        errors = page_argument_errors(schema, document, given, operation_name)
        if key is not None and not errors:
            _remember(self.valid_pages, key, True)
        return errors

    def introspects(self, schema: GraphQLSchema, document: DocumentNode) -> bool:
        """Whether the document asks for `__schema` or `__type` (looked at once)."""
        if self.introspection is None:
            rule = [NoSchemaIntrospectionCustomRule]
            self.introspection = bool(validate(schema, document, rule))
        return self.introspection

    def cost(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: VariableValues,
    ) -> int:
        """requested_cost, once per value of the variables that size lists."""
        values = variables.coerced
        key = tuple(_size_key(values.get(name, _MISSING)) for name in self.cost_variables)
        cost = self.costs.get(key)
        if cost is None:
            cost = requested_cost(schema, document, operation, variables)
            _remember(self.costs, key, cost)
        return cost


class FactsCache:
    """OperationFacts by (document text, operation name), least recently used forgotten."""

    def __init__(self, size: int = MAX_OPERATIONS) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[str, str | None], OperationFacts] = OrderedDict()

    def get(
        self, query: str | None, document: DocumentNode, operation_name: str | None
    ) -> OperationFacts:
        """The facts of this operation (uncached when the text is unknown)."""
        if query is None:
            return OperationFacts.of(document)
        key = (query, operation_name)
        facts = self.entries.get(key)
        if facts is None:
            facts = self.entries[key] = OperationFacts.of(document)
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)
        else:
            self.entries.move_to_end(key)
        return facts


FACTS = FactsCache()
"""The process's cache, shared by strawberry's extensions and the compiled path."""
