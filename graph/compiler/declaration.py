"""The vocabulary of a read declaration: what a domain states once about each of its types.

A domain module of graph/reads/ declares its GraphQL types (table, fields as columns, SQL
expressions, relations and keyset connections), its root fields (lookups, lists and
connections with their orderings and filters), the node types it serves and the visibility
rules those name, as SQL predicates. graph.compiler.mapping collects every declaration; the
compiler's core (planner, binding, renderer) reads only these shapes and names no domain.

Templates use `{t}` for the row's alias, and in links `{c}` for the child row and `{p}` for
the parent row; filter conditions use `{c}` for the row and `{v}` for the bound value.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from sqlalchemy import ColumnElement

from db.base import Base
from db.queries.pagination import Ordering
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import sqltext
from graph.errors import GraphError

Predicate = Callable[[Viewer, ChapterRegistry], ColumnElement[Any]]


@dataclass(frozen=True)
class Rule:
    """A predicate over rows of `model`, for a given viewer (and the chapters' configs); with
    `value`, an expression the statement reads as a value (a grant id) rather than a test."""

    model: type[Base]
    predicate: Predicate
    value: bool = False


@dataclass(frozen=True)
class Column:
    """A scalar field: a SQL expression over the row whose JSON value is the GraphQL value.

    `visible_if` names a rule (Declaration.rules) over this type's table: where it does not
    hold, the field reads null (a column mask).
    `{viewer[engineer_id]}` (and the other names of render.VIEWER_TYPES) in `sql` or a link's
    `where` is that attribute of the viewer, a statement parameter (NULL when the viewer has
    none), for fields about the viewer (ForumPost.viewerVote, Viewer).
    """

    sql: str
    visible_if: str | None = None


@dataclass(frozen=True)
class Embedded:
    """An object field built from the same row (Engineer.capacity, Chapter.features)."""

    type_name: str
    visible_if: str | None = None


@dataclass(frozen=True)
class Link:
    """Rows of `type_name` hanging off a parent row: a join predicate and a total order."""

    type_name: str
    where: str
    source: str = ""
    order: tuple[str, ...] = ()
    provides: tuple[tuple[str, str], ...] = ()
    """To-one fields of the child already joined by `source`: (field name, alias template)."""


@dataclass(frozen=True)
class ToOne:
    """A nullable-or-not single related row."""

    link: Link


@dataclass(frozen=True)
class ToMany:
    """A plain list of related rows, in the link's order; null unless `visible_if` holds."""

    link: Link
    visible_if: str | None = None


Condition = tuple[str, str]
"""A filter's SQL template over `{c}` (and `{v}`, the bound value; `{shown[field]}`, the
viewer may see that profile field) and the PostgreSQL type of its value ("" for none)."""


@dataclass(frozen=True)
class Filtered:
    """A connection's arguments, bound: the ordering they pick (None: the default), the
    conditions that apply (names of Filters.conditions) and their values."""

    ordering: Ordering | None = None
    conditions: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Filters:
    """How a connection's own arguments (filters, orderings) become SQL: `bind` validates the
    coerced arguments with the services' own checks (raising BadUserInput as they do), and
    `conditions` holds the template of each condition it may name."""

    bind: Callable[[dict[str, Any]], Filtered]
    conditions: Mapping[str, Condition] = field(default_factory=dict)


@dataclass(frozen=True)
class Guard:
    """A permission check on the parent row before a field resolves (a moderation queue, an
    audit log): where the rule `allowed` (Declaration.rules, over the parent's table) does not
    hold, the field is null with the error `denial` gives for the viewer — the one strawberry's
    check raises (None: the viewer is never denied). Without `allowed`, the viewer alone
    decides (the viewer's own access log): a viewer with a denial is denied everywhere."""

    allowed: str | None
    denial: Callable[[Viewer], GraphError | None]
    awaits: int = 0
    """Loader rounds the resolver awaits before its check (and its argument checks) raise:
    graphql-core reports errors in the order they happen."""


@dataclass(frozen=True)
class Paged:
    """A Relay connection over related rows, keyset-paged in `ordering`.

    `visibility` names a rule applied to the alias `visible_alias` (a template over `{c}`);
    `filters` binds the extra arguments the connection understands.
    """

    link: Link
    ordering: Ordering
    model: type[Base]
    visibility: str | None = None
    visible_alias: str = "{c}"
    filters: Filters | None = None
    guard: str | None = None
    """The Guard (Declaration.guards) checked on the parent row first, if any."""
    total: str | None = None
    """totalCount as a SQL expression over the parent row `{p}` (a count the database
    maintains, as the resolver reads it) when no filter argument applies; None: rows counted."""


@dataclass(frozen=True)
class Python:
    """A field SQL cannot answer, resolved in Python (strawberry's resolver) for the rows that
    reach it: the statement writes the parent's global ID in the field's place and, after it
    runs, graph.compiler.python_fields resolves the field — with everything the client nested
    under it — for those parents only, through `nodes(ids:)` (or the root object field, for
    the viewer). `reason` says why it is not SQL (the named set of Python fields)."""

    reason: str


FieldMapping = Column | Embedded | ToOne | ToMany | Paged | Python


@dataclass(frozen=True)
class TypeMapping:
    """One GraphQL object type: its table (None for embedded types) and its fields."""

    name: str
    table: str | None
    fields: dict[str, FieldMapping] = field(default_factory=dict)
    model: type[Base] | None = None


@dataclass(frozen=True)
class RootLookup:
    """A root field finding one row by its single argument, compared to `column` (the
    argument lowered first when `lowercase`: the column holds lower case)."""

    type_name: str
    column: str
    lowercase: bool = False


@dataclass(frozen=True)
class RootList:
    """A root field listing every row of a small table in `order` (columns)."""

    type_name: str
    order: tuple[str, ...]


@dataclass(frozen=True)
class RootObject:
    """A root field whose object is built from the request, not a row (`viewer`): its fields
    read the viewer's attributes as `{viewer[name]}` (render.VIEWER_TYPES)."""

    type_name: str


@dataclass(frozen=True)
class RootConnection:
    """A root Relay connection: its default ordering, row rule and argument filters."""

    type_name: str
    ordering: Ordering
    visibility: str | None = None
    filters: Filters | None = None


@dataclass(frozen=True)
class Declaration:
    """Everything one domain states about its reads."""

    types: tuple[TypeMapping, ...]
    lookups: dict[str, RootLookup] = field(default_factory=dict)
    lists: dict[str, RootList] = field(default_factory=dict)
    objects: dict[str, RootObject] = field(default_factory=dict)
    connections: dict[str, RootConnection] = field(default_factory=dict)
    nodes: dict[str, str | None] = field(default_factory=dict)
    """Types `node(id:)` serves, each with the row rule a lookup of it applies (or None)."""
    rules: dict[str, Rule] = field(default_factory=dict)
    guards: dict[str, Guard] = field(default_factory=dict)
    extends: dict[str, dict[str, FieldMapping]] = field(default_factory=dict)
    """Fields this domain adds to another domain's types (Engineer.opportunities), by type."""


def columns(**names: str) -> dict[str, FieldMapping]:
    """Fields read straight from columns of the same name's row."""
    return {graphql: Column(f"{{t}}.{column}") for graphql, column in names.items()}


def global_id(type_name: str) -> Column:
    """The `id` field: the Relay global ID of the row."""
    return Column(sqltext.global_id(type_name, "{t}.id"))


def enum_value(value: Any) -> str:
    """The name of a coerced GraphQL enum value (strawberry enums coerce to Python enums)."""
    return str(getattr(value, "value", value))


def present(criteria: Any) -> Filtered:
    """The criteria of a filter dataclass that are set: names (the shape) and values."""
    assert is_dataclass(criteria)
    values: dict[str, Any] = {}
    for item in fields(criteria):
        value = getattr(criteria, item.name)
        if value is None or value == ():
            continue
        values[item.name] = list(value) if isinstance(value, tuple) else value
    return Filtered(None, tuple(values), values)
