"""Per request: evaluate each planned field's arguments into a statement shape and its values.

Anything strawberry would answer with an error (bad page size, malformed cursor or ID, invalid
filter) raises Fallback, so the error path stays strawberry's and reads the same.
"""

from collections.abc import Hashable
from dataclasses import dataclass, fields
from typing import Any

from graphql import Undefined, VariableNode
from graphql.execution.values import VariableValues, get_argument_values

from db.queries import engineer as engineer_queries
from db.queries import forum as forum_queries
from db.queries import institution as institution_queries
from db.queries.pagination import Ordering
from graph.compiler.mapping import NODE_TYPES, ROOT_ORDERINGS
from graph.compiler.mirrors import node_fetcher_is_current
from graph.compiler.plan import Arguments, ConnectionPlan, LookupPlan, NodePlan
from graph.errors import BadUserInput
from graph.ids import decode_id
from graph.pagination import decode_cursor, validate_page_size
from graph.services import engineer as engineer_service
from graph.services import forum as forum_service
from graph.services.engineer import COUNTRY_CODE, check_list, check_search

MAX_NODES = 100


class Fallback(Exception):
    """This request must run through strawberry (it reports an error the plan does not)."""


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


def bind(plan: Any, arguments: Arguments, variables: VariableValues) -> Bound:
    """Bind the arguments of one planned field."""
    try:
        values = _plain_variables(arguments, variables)
        if values is None:
            values = get_argument_values(arguments.definition, arguments.node, variables)
        if isinstance(plan, ConnectionPlan):
            return _connection(plan, values)
        if isinstance(plan, LookupPlan):
            return Bound(None, {"key": values[next(iter(values))]})
        if isinstance(plan, NodePlan):
            return _nodes(values["ids"]) if plan.many else _node(values["id"])
    except BadUserInput as error:
        raise Fallback(error.message) from error
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


def _node(global_id: str) -> Bound:
    decoded = decode_id(global_id)
    if decoded.type_name not in NODE_TYPES or not node_fetcher_is_current(decoded.type_name):
        raise Fallback("unknown node type")
    return Bound(decoded.type_name, {"key": decoded.key})


def _nodes(global_ids: list[str]) -> Bound:
    if len(global_ids) > MAX_NODES:
        raise Fallback("too many ids")
    decoded = [decode_id(global_id) for global_id in global_ids]
    if any(
        item.type_name not in NODE_TYPES or not node_fetcher_is_current(item.type_name)
        for item in decoded
    ):
        raise Fallback("unknown node type")
    return Bound(
        None,
        {"types": [item.type_name for item in decoded], "keys": [item.key for item in decoded]},
    )


def _connection(plan: ConnectionPlan, arguments: dict[str, Any]) -> Bound:
    first, last = arguments.get("first"), arguments.get("last")
    after, before = arguments.get("after"), arguments.get("before")
    size, backward = validate_page_size(first, last, after, before)
    ordering = plan.paged.ordering
    conditions: tuple[str, ...] = ()
    values: dict[str, Any] = {}
    if plan.root_field == "engineers":
        ordering = _engineer_ordering(arguments.get("orderBy"))
        conditions, filters = _engineer_filter(arguments.get("filter"))
        values.update(filters)
    elif plan.root_field == "institutions":
        conditions, filters = _institution_filter(arguments.get("filter"))
        values.update(filters)
    elif plan.root_field == "chapters":
        conditions = () if arguments.get("includeArchived") else ("live",)
    elif plan.root_field == "forumThreads":
        conditions, filters = _forum_thread_filter(arguments.get("filter"))
        values.update(filters)
    elif plan.root_field == "forumCategories":
        conditions, filters = _forum_category_filter(arguments)
        values.update(filters)
    elif "orderBy" in plan.paged.arguments:
        ordering = _thread_ordering(arguments)
        criteria = forum_service.thread_criteria(arguments.get("tags"), arguments.get("search"))
        values.update({"tags": list(criteria.tags)} if criteria.tags else {})
        values.update({"search": criteria.search} if criteria.search else {})
        conditions = tuple(values)
    elif "roles" in plan.paged.arguments:
        roles = sorted({_enum_value(role) for role in arguments.get("roles") or ()})
        statuses = sorted({_enum_value(status) for status in arguments.get("statuses") or ()})
        conditions = (*(("roles",) if roles else ()), *(("statuses",) if statuses else ()))
        values.update({"roles": roles} if roles else {})
        values.update({"statuses": statuses} if statuses else {})
    cursor = before if backward else after
    if cursor is not None:
        key = decode_cursor(cursor, ordering, plan.paged.model)
        values.update({f"key{index}": value for index, value in enumerate(key)})
    return Bound(PageShape(ordering, size, backward, cursor is not None, conditions), values)


def _forum_thread_filter(
    filter: dict[str, Any] | None,
) -> tuple[tuple[str, ...], dict[str, Any]]:
    """graph.resolvers.forum.forum_threads' criteria: validated tags and search, the category
    by slug (cut to 64 characters, as the resolver looks it up)."""
    given = filter or {}
    criteria = forum_service.thread_criteria(given.get("tags"), given.get("search"))
    values: dict[str, Any] = {}
    if given.get("category") is not None:
        values["category"] = str(given["category"])[:64]
    if criteria.tags:
        values["tags"] = list(criteria.tags)
    if criteria.search:
        values["search"] = criteria.search
    return tuple(values), values


def _forum_category_filter(arguments: dict[str, Any]) -> tuple[tuple[str, ...], dict[str, Any]]:
    """graph.resolvers.forum.forum_categories' filters: a kind, a chapter by slug."""
    values: dict[str, Any] = {}
    if arguments.get("kind") is not None:
        values["kind"] = _enum_value(arguments["kind"])
    if arguments.get("chapter") is not None:
        values["chapter"] = str(arguments["chapter"])[:64]
    return tuple(values), values


def _thread_ordering(arguments: dict[str, Any]) -> Ordering:
    """A category's thread order (pinned threads first)."""
    order = _enum_value(arguments.get("orderBy") or "LAST_POSTED_AT")
    return forum_queries.CATEGORY_THREAD_ORDERINGS[order]


def _engineer_ordering(order: dict[str, Any] | None) -> Ordering:
    if order is None:
        return ROOT_ORDERINGS["engineers"]["NAME_ASC"]
    field = _enum_value(order["field"])
    direction = _enum_value(order.get("direction") or "ASC")
    return ROOT_ORDERINGS["engineers"][f"{field}_{direction}"]


def _enum_value(value: Any) -> str:
    """The name of a coerced GraphQL enum value (strawberry enums coerce to Python enums)."""
    return str(getattr(value, "value", value))


def _engineer_filter(filter: dict[str, Any] | None) -> tuple[tuple[str, ...], dict[str, Any]]:
    if filter is None:
        return (), {}
    criteria = engineer_service.build_filter(
        sectors=filter.get("sectors"),
        skills=filter.get("skills"),
        disciplines=[_enum_value(value) for value in filter.get("disciplines") or ()],
        countries=filter.get("countries"),
        chapter_id=filter.get("chapter"),
        offers=[_enum_value(value) for value in filter.get("offers") or ()],
        is_overseas=filter.get("isOverseas"),
        pec_verified=filter.get("pecVerified"),
        search=filter.get("search"),
    )
    return _present(criteria)


def _institution_filter(filter: dict[str, Any] | None) -> tuple[tuple[str, ...], dict[str, Any]]:
    if filter is None:
        return (), {}
    criteria = institution_queries.InstitutionFilter(
        kinds=check_list("kinds", [_enum_value(kind) for kind in filter.get("kinds") or ()]),
        verified=filter.get("verified"),
        country_codes=check_list("countries", filter.get("countries"), COUNTRY_CODE),
        search=check_search(filter.get("search")),
    )
    conditions, values = _present(criteria)
    if criteria.search:
        values["search"] = (
            "%"
            + criteria.search.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
            + "%"
        )
    return conditions, values


def _present(
    criteria: engineer_queries.EngineerFilter | institution_queries.InstitutionFilter,
) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The criteria that are set: their names (the shape) and values (lists as lists)."""
    values: dict[str, Any] = {}
    for item in fields(criteria):
        value = getattr(criteria, item.name)
        if value is None or value == ():
            continue
        values[item.name] = list(value) if isinstance(value, tuple) else value
    return tuple(values), values
