"""Per request: evaluate each planned field's arguments into a statement shape and its values.

Arguments strawberry's resolver would refuse (a malformed cursor or ID, an invalid filter)
bind to the shape REFUSED with the error the resolver raises: the statement renders an error
mark at that field (graph.compiler.failures), so the compiled answer carries the same error,
at the same paths, with the same nulls. What the plan cannot answer at all (more `_entities`
representations than `nodes(ids:)` takes) raises Fallback, and strawberry runs the operation.
"""

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from graphql import Undefined, VariableNode
from graphql.execution.values import VariableValues, get_argument_values

from db.queries.pagination import Ordering
from graph.compiler.mapping import NODE_TYPES
from graph.compiler.plan import Arguments, ConnectionPlan, LookupPlan, NodePlan
from graph.errors import BadUserInput, GraphError
from graph.ids import GlobalId, decode_id
from graph.pagination import decode_cursor, validate_page_size

MAX_NODES = 100


class Fallback(Exception):
    """This request must run through strawberry (it reports an error the plan does not)."""


@dataclass(frozen=True)
class Refused:
    """The shape of a field whose arguments the resolver refuses: rendered as an error mark."""


REFUSED = Refused()
ERROR = "error"
"""The value key of a refused field's error (a GraphError)."""
ITEM_ERRORS = "item_errors"
"""For `nodes(ids:)`: the error of each refused ID, by its index."""


@dataclass(frozen=True)
class Bound:
    """One field's arguments: what selects the SQL text (`shape`) and the values it binds."""

    shape: Hashable
    values: dict[str, Any]


@dataclass(frozen=True)
class PageShape:
    """The SQL-relevant facts of a connection's arguments.

    The page size is part of the shape (inlined as a constant), not a parameter: with
    `LIMIT $n` PostgreSQL's generic plan assumes a large limit and picks sequential scans.
    """

    ordering: Ordering
    size: int
    backward: bool
    has_key: bool
    conditions: tuple[str, ...] = ()
    singles: tuple[str, ...] = ()
    """Conditions whose list value holds one item, bound as that item (render.py writes
    `ARRAY[$n]`): the generic plan then estimates it as an equality, not as a list of
    unknown length (which picks sequential scans and hash joins over whole tables)."""


def bind(plan: Any, arguments: Arguments, variables: VariableValues) -> Bound:
    """Bind the arguments of one planned field."""
    values = _plain_variables(arguments, variables)
    if values is None:
        values = get_argument_values(arguments.definition, arguments.node, variables)
    try:
        if isinstance(plan, ConnectionPlan):
            return _connection(plan, values)
        if isinstance(plan, LookupPlan):
            return Bound(None, {"key": values[next(iter(values))]})
        if isinstance(plan, NodePlan):
            if "representations" in values:
                return _entities(values["representations"])
            return _nodes(values["ids"]) if plan.many else _node(values["id"])
    except GraphError as error:
        return Bound(REFUSED, {ERROR: error})
    raise AssertionError(f"no binder for {type(plan).__name__}")


def _plain_variables(arguments: Arguments, variables: VariableValues) -> dict[str, Any] | None:
    """Arguments that are all bare variables, read straight from the coerced variables.

    Validation already checked that each variable's type fits its argument, and coercion gave
    the value, so this is what get_argument_values returns, minus the walk. Anything else
    (literals, nested input objects, defaults other than scalars) returns None.
    """
    provided: dict[str, str] = {}
    for node in arguments.node.arguments or ():
        if not isinstance(node.value, VariableNode):
            return None
        provided[node.name.value] = node.value.name.value
    coerced = variables.coerced
    values: dict[str, Any] = {}
    for name, definition in arguments.definition.args.items():
        variable = provided.get(name)
        if variable is not None and variable in coerced:
            values[name] = coerced[variable]
        elif definition.default_value is None or isinstance(definition.default_value, bool):
            values[name] = definition.default_value
        elif definition.default_value is not Undefined:
            return None
    return values


def _decoded(global_id: str) -> GlobalId:
    """The ID decoded as strawberry's node resolver decodes it (its errors, its words)."""
    decoded = decode_id(global_id)
    if decoded.type_name not in NODE_TYPES:  # no type of that name
        raise BadUserInput(f"Malformed ID {global_id!r}: not a global object ID.")
    return decoded


def _node(global_id: str) -> Bound:
    decoded = _decoded(global_id)
    return Bound(decoded.type_name, {"key": decoded.key})


def _nodes(global_ids: list[str]) -> Bound:
    if len(global_ids) > MAX_NODES:
        raise BadUserInput(
            f"`ids` takes at most {MAX_NODES} IDs, got {len(global_ids)}.", argument="ids"
        )
    types: list[str] = []
    keys: list[int] = []
    refused: dict[int, GraphError] = {}
    for index, global_id in enumerate(global_ids):
        try:
            decoded = _decoded(global_id)
        except GraphError as error:
            refused[index] = error
            types.append(REFUSED_TYPE)
            keys.append(0)
        else:
            types.append(decoded.type_name)
            keys.append(decoded.key)
    shape = REFUSED_ITEMS if refused else None
    return Bound(shape, {"types": types, "keys": keys, ITEM_ERRORS: refused})


def _entities(representations: list[Any]) -> Bound:
    """`_entities` as graph.federation.resolve_entities reads it: each representation a
    `nodes(ids:)` item; one naming another type than its ID's is null, a malformed one is
    refused at its index with that resolver's words."""
    if len(representations) > MAX_NODES:
        raise Fallback("more representations than nodes(ids:) takes")
    types: list[str] = []
    keys: list[int] = []
    refused: dict[int, GraphError] = {}
    for index, representation in enumerate(representations):
        try:
            if not isinstance(representation, dict):
                raise BadUserInput("An entity representation must be an object.")
            type_name, global_id = representation.get("__typename"), representation.get("id")
            if not isinstance(global_id, str) or not isinstance(type_name, str):
                raise BadUserInput("An entity representation needs `__typename` and `id`.")
            if decode_id(global_id).type_name != type_name:
                types.append(NULL_TYPE)
                keys.append(0)
                continue
            decoded = _decoded(global_id)
        except GraphError as error:
            refused[index] = error
            types.append(REFUSED_TYPE)
            keys.append(0)
        else:
            types.append(decoded.type_name)
            keys.append(decoded.key)
    shape = REFUSED_ITEMS if refused else None
    return Bound(shape, {"types": types, "keys": keys, ITEM_ERRORS: refused})


NULL_TYPE = "@null"
"""The type `_entities` binds for a representation that reads as null (no CASE branch)."""
REFUSED_TYPE = "@refused"
"""The type `nodes(ids:)` binds for an ID its resolver refuses (an error mark in its place)."""
REFUSED_ITEMS = "refused-items"
"""The shape of `nodes(ids:)` when some ID is refused (its statement renders their marks)."""


def _connection(plan: ConnectionPlan, arguments: dict[str, Any]) -> Bound:
    first, last = arguments.get("first"), arguments.get("last")
    after, before = arguments.get("after"), arguments.get("before")
    size, backward = validate_page_size(first, last, after, before)
    ordering = plan.paged.ordering
    conditions: tuple[str, ...] = ()
    singles: tuple[str, ...] = ()
    values: dict[str, Any] = {}
    filters = plan.paged.filters
    if filters is not None:
        filtered = filters.bind(arguments)
        ordering = filtered.ordering or ordering
        conditions = filtered.conditions
        values.update(filtered.values)
        singles = tuple(
            name
            for name in conditions
            if filters.conditions[name][1].endswith("[]") and _one_item(values.get(name))
        )
        values.update({name: values[name][0] for name in singles})
    cursor = before if backward else after
    if cursor is not None:
        key = decode_cursor(cursor, ordering, plan.paged.model)
        values.update({f"key{index}": value for index, value in enumerate(key)})
    shape = PageShape(ordering, size, backward, cursor is not None, conditions, singles)
    return Bound(shape, values)


def _one_item(value: Any) -> bool:
    return isinstance(value, list | tuple) and len(value) == 1
