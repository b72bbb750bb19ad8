"""Render a plan, for one statement shape, as one SQL statement that builds the response JSON.

Objects become json_build_object(...) in selection order; lists ARRAY(...) in a total order;
connections one keyset probe (LIMIT size + 1) aggregated in display order and sliced. Parameters
are referenced by key; the statement is rendered once per shape and reused with new values.
"""

import re
from collections.abc import Hashable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from db.queries import viewer_ids
from db.queries.pagination import Ordering
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import failures, python_fields, sqltext, visibility
from graph.compiler.binding import REFUSED_ITEMS, REFUSED_TYPE, PageShape, Refused
from graph.compiler.consent import ROWS_KEY, ConsentMarkers
from graph.compiler.mapping import GUARDS, NODE_VISIBILITY, TYPES, Column
from graph.compiler.plan import (
    ConnectionPlan,
    EdgesPlan,
    EmbeddedPlan,
    ListPlan,
    LookupPlan,
    NodePlan,
    NodesPlan,
    ObjectPlan,
    OperationPlan,
    PythonPlan,
    RelatedPlan,
    ScalarPlan,
    SingletonPlan,
    TotalCountPlan,
    TypenamePlan,
)
from graph.compiler.visibility import NO_CHAPTERS

ParamKey = tuple[Any, ...]
VIEWER_ENGINEER: ParamKey = ("viewer", "engineer_id")
"""The parameter holding the viewer's engineer id (visibility.ENGINEER_MARKER)."""
VIEWER_TYPES = {
    "engineer_id": "int",
    "institution_id": "int",
    "client_id": "text",
    "is_authenticated": "bool",
    "scopes": "text[]",
}
"""The viewer's attributes a declaration may read as `{viewer[name]}`, with their types."""
VIEWER_MARKERS = (
    (visibility.ENGINEER_MARKER, "engineer_id"),
    (visibility.INSTITUTION_MARKER, "institution_id"),
    (visibility.CLIENT_MARKER, "client_id"),
)
"""The markers of a rendered rule standing for the viewer's attributes (VIEWER_TYPES)."""
VIEWER_IDS = "viewer_ids"
"""The first part of the key of a parameter holding one of the viewer's id lists by name."""


def viewer_values(viewer: Viewer) -> dict[ParamKey, Any]:
    """The statement parameters of the viewer's attributes (VIEWER_TYPES)."""
    return {
        VIEWER_ENGINEER: viewer.engineer_id,
        ("viewer", "institution_id"): viewer.institution_id,
        ("viewer", "client_id"): viewer.client_id,
        ("viewer", "is_authenticated"): viewer.is_authenticated,
        ("viewer", "scopes"): sorted(scope.value for scope in viewer.scopes),
    }


class _ViewerParameters:
    """`{viewer[name]}` in a template: that attribute of the viewer, as a parameter."""

    def __init__(self, renderer: "Renderer") -> None:
        self.renderer = renderer

    def __getitem__(self, name: str) -> str:
        return self.renderer._param(("viewer", name), VIEWER_TYPES[name])


POSTGRES_TYPES = {
    str: "text",
    int: "int",
    bool: "bool",
    datetime: "timestamptz",
    date: "date",
    float: "float8",
    Decimal: "numeric",
}
"""The parameter type of a keyset cursor's value, by the ordering column's Python type."""


class _Shown:
    """`{shown[field]}` in a condition template: the viewer may see that profile field."""

    def __init__(self, renderer: "Renderer", alias: str) -> None:
        self.renderer = renderer
        self.alias = alias

    def __getitem__(self, field: str) -> str:
        return self.renderer._visibility(f"field:{field}", self.alias)


class Statement:
    """SQL text plus the keys of its parameters, in placeholder order."""

    def __init__(
        self,
        sql: str,
        keys: Sequence[ParamKey],
        consent: bool = False,
        per_viewer: bool = False,
        marks: bool = False,
    ) -> None:
        self.sql = sql
        self.keys = tuple(keys)
        self.consent = consent
        self.marks = marks
        """Whether the JSON may carry error marks (graph.compiler.failures.resolve)."""
        """Whether the JSON carries consent markers (graph.compiler.consent)."""
        self.per_viewer = per_viewer
        """Whether the SQL holds the viewer's values inline (cached per viewer, then)."""
        self.viewer_ids = tuple(key[1] for key in self.keys if key[0] == VIEWER_IDS)
        """The viewer's id lists (db.queries.viewer_ids) the statement takes, by name."""


class Renderer:
    """Renders one plan for one tuple of per-slot shapes."""

    def __init__(
        self,
        plan: OperationPlan,
        shapes: Sequence[Hashable],
        viewer: Viewer,
        registry: ChapterRegistry = NO_CHAPTERS,
    ) -> None:
        self.plan = plan
        self.shapes = shapes
        self.viewer = viewer
        self.registry = registry
        self.keys: list[ParamKey] = []
        self.index: dict[ParamKey, int] = {}
        self.aliases = 0
        self.per_viewer = False
        """Whether the SQL holds this viewer's values inline (then it is cached per viewer)."""
        self.marks = False
        """Whether the SQL renders any error mark."""
        self.consent = ConsentMarkers.for_viewer(viewer, self._visibility)

    def render(self) -> Statement:
        """The statement: SELECT json_build_object(<root fields>) as UTF-8 bytes (bytea: the
        driver hands them over undecoded, and they go into the response as they are)."""
        pairs = []
        for root in self.plan.roots:
            pairs.append((root.key, self._root(root)))
        marked = self.consent is not None and self.consent.used
        sql = f"SELECT convert_to({_object_sql(pairs)}::text, 'UTF8')"
        return Statement(sql, self.keys, marked, self.per_viewer, self.marks)

    # -- helpers ---------------------------------------------------------------------------------

    def _param(self, key: ParamKey, postgres_type: str) -> str:
        if key not in self.index:
            self.keys.append(key)
            self.index[key] = len(self.keys)
        return f"${self.index[key]}::{postgres_type}"

    def _alias(self, hint: str) -> str:
        self.aliases += 1
        return f"{hint[0].lower()}{self.aliases}"

    def _mark(self, identity_sql: str, depth: int) -> str:
        """An error mark (graph.compiler.failures) in place of a field's value."""
        self.marks = True
        return failures.mark(identity_sql, depth)

    def _visibility(self, rule_name: str, alias: str) -> str:
        sql = visibility.render(rule_name, self.viewer, alias, self.registry)
        if visibility.renders_per_viewer(rule_name, self.viewer, self.registry):
            self.per_viewer = True  # values are inlined: this statement is this viewer's alone
        for marker, name in VIEWER_MARKERS:
            if marker in sql:
                sql = sql.replace(marker, self._param(("viewer", name), VIEWER_TYPES[name]))
        return viewer_ids.MARKER.sub(self._viewer_ids, sql)

    def _viewer_ids(self, found: "re.Match[str]") -> str:
        return self._param((VIEWER_IDS, found.group(1)), viewer_ids.POSTGRES_TYPE)

    # -- roots ---------------------------------------------------------------------------------

    def _root(self, root: Any) -> str:
        if isinstance(root, TypenamePlan):
            return sqltext.quote_literal(root.type_name)
        if isinstance(root, LookupPlan):
            table = root.object.mapping.table
            alias = self._alias(root.object.type_name)
            value = self._param((root.arguments.slot, "key"), "text")
            column = root.lookup.column
            match = f"lower({value})" if root.lookup.lowercase else value
            return (
                f"(SELECT {self._object(root.object, alias)} FROM {table} {alias}"
                f" WHERE {alias}.{column} = {match}"
                f"{self._node_rule(root.object.type_name, alias)})"
            )
        if isinstance(root, SingletonPlan):
            return f"(SELECT {self._object(root.object, self._alias(root.object.type_name))})"
        if isinstance(root, ListPlan):
            alias = self._alias(root.object.type_name)
            order = ", ".join(f"{alias}.{column}" for column in root.order)
            return (
                f"array_to_json(ARRAY(SELECT {self._object(root.object, alias)}"
                f" FROM {root.object.mapping.table} {alias} ORDER BY {order}))"
            )
        if isinstance(root, NodePlan):
            return self._node(root)
        assert isinstance(root, ConnectionPlan)
        return self._connection(root, None)

    def _node(self, root: NodePlan) -> str:
        slot = root.arguments.slot
        if isinstance(self.shapes[slot], Refused):
            return self._mark(sqltext.quote_literal(f"b{slot}"), root.depth)
        if not root.many:
            type_name = self.shapes[slot]
            assert isinstance(type_name, str)
            plan = root.objects[type_name]
            alias = self._alias(type_name)
            return (
                f"(SELECT {self._object(plan, alias)} FROM {plan.mapping.table} {alias}"
                f" WHERE {alias}.id = {self._param((slot, 'key'), 'int')}"
                f"{self._node_rule(type_name, alias)})"
            )
        item = self._alias("unnest")
        whens = []
        for type_name, plan in root.objects.items():
            alias = self._alias(type_name)
            whens.append(
                f"WHEN {sqltext.quote_literal(type_name)} THEN (SELECT {self._object(plan, alias)}"
                f" FROM {plan.mapping.table} {alias} WHERE {alias}.id = {item}.key"
                f"{self._node_rule(type_name, alias)})"
            )
        if self.shapes[slot] == REFUSED_ITEMS:
            identity = f"{sqltext.quote_literal(f'b{slot}:')} || ({item}.ord - 1)"
            whens.append(
                f"WHEN {sqltext.quote_literal(REFUSED_TYPE)}"
                f" THEN {self._mark(identity, root.item_depth)}"
            )
        types = self._param((slot, "types"), "text[]")
        keys = self._param((slot, "keys"), "int[]")
        return (
            f"array_to_json(ARRAY(SELECT CASE {item}.type {' '.join(whens)} END"
            f" FROM unnest({types}, {keys}) WITH ORDINALITY AS {item}(type, key, ord)"
            f" ORDER BY {item}.ord))"
        )

    def _node_rule(self, type_name: str, alias: str) -> str:
        rule_name = NODE_VISIBILITY.get(type_name)
        return "" if rule_name is None else f" AND {self._visibility(rule_name, alias)}"

    # -- objects -------------------------------------------------------------------------------

    def _object(
        self, plan: ObjectPlan, alias: str, provided: Mapping[str, str] | None = None
    ) -> str:
        pairs = [(field.key, self._field(field, alias, provided)) for field in plan.fields]
        marker = self.consent.object_pair(plan, alias) if self.consent is not None else None
        if marker is not None:
            pairs.append(marker)
        return _object_sql(pairs)

    def _field(self, field: Any, alias: str, provided: Mapping[str, str] | None = None) -> str:
        if isinstance(field, ScalarPlan):
            sql = field.sql.format(t=alias, viewer=_ViewerParameters(self))
            return self._masked(sql, field.visible_if, alias)
        if isinstance(field, TypenamePlan):
            return sqltext.quote_literal(field.type_name)
        if isinstance(field, EmbeddedPlan):
            return self._masked(self._object(field.object, alias), field.visible_if, alias)
        if isinstance(field, PythonPlan):
            parent_id = "NULL"
            if field.root_field is None:
                identity = TYPES[field.type_name].fields["id"]
                assert isinstance(identity, Column)
                parent_id = identity.sql.format(t=alias)
            return python_fields.marker(field.index, parent_id)
        if isinstance(field, RelatedPlan):
            if provided and field.name in provided:
                return self._object(field.object, provided[field.name])
            return self._masked(self._related(field, alias), field.visible_if, alias)
        assert isinstance(field, ConnectionPlan)
        return self._connection(field, alias)

    def _masked(self, value: str, rule_name: str | None, alias: str) -> str:
        """The value where the rule holds for the row `alias`, else null (a field mask)."""
        if rule_name is None:
            return value
        return f"CASE WHEN {self._visibility(rule_name, alias)} THEN {value} END"

    def _related(self, field: RelatedPlan, parent: str) -> str:
        link = field.link
        child = self._alias(link.type_name)
        table = TYPES[link.type_name].table
        source = link.source.format(c=child)
        where = link.where.format(c=child, p=parent, viewer=_ViewerParameters(self))
        provided = {name: template.format(c=child) for name, template in link.provides}
        body = self._object(field.object, child, provided)
        if not field.many:
            return f"(SELECT {body} FROM {table} {child} {source} WHERE {where})"
        order = ", ".join(term.format(c=child) for term in link.order)
        return (
            f"array_to_json(ARRAY(SELECT {body} FROM {table} {child} {source}"
            f" WHERE {where} ORDER BY {order}))"
        )

    # -- connections ---------------------------------------------------------------------------

    def _conditions(
        self, plan: ConnectionPlan, shape: PageShape, alias: str, parent: str | None
    ) -> list[str]:
        paged = plan.paged
        slot = plan.arguments.slot
        conditions = []
        if parent is not None:
            where = paged.link.where.format(c=alias, p=parent, viewer=_ViewerParameters(self))
            conditions.append(where)
        if paged.visibility is not None:
            conditions.append(
                self._visibility(paged.visibility, paged.visible_alias.format(c=alias))
            )
        for name in shape.conditions:
            assert paged.filters is not None
            template, postgres_type = paged.filters.conditions[name]
            if name in shape.singles:
                value = f"ARRAY[{self._param((slot, name), postgres_type.removesuffix('[]'))}]"
            else:
                value = self._param((slot, name), postgres_type) if postgres_type else ""
            shown = _Shown(self, alias)
            conditions.append(template.format(c=alias, v=value, shown=shown))
        return conditions

    def _cursor(self, ordering: Ordering, model: Any, alias: str) -> str:
        pieces = []
        for attribute, column in zip(ordering.attributes, ordering.columns(model), strict=True):
            value = f"{alias}.{attribute}"
            python_type = column.type.python_type
            if python_type is datetime:
                # An ISO timestamp needs no JSON escaping: quoted as it is (to_json(text) the same).
                pieces.append(f"'\"' || {sqltext.timestamp(value)} || '\"'")
            elif python_type is int:
                pieces.append(f"{value}::text")
            else:
                pieces.append(f"to_json({value})::text")
        raw = (
            f"{sqltext.quote_literal('[' + _json_string(ordering.name) + ',[')} || "
            + " || ',' || ".join(pieces)
            + " || ']]'"
        )
        return sqltext.base64url(raw)

    def _connection(self, plan: ConnectionPlan, parent: str | None) -> str:
        """The connection, behind its guard's check of the parent row when it has one."""
        slot = plan.arguments.slot
        guard = GUARDS[plan.paged.guard] if plan.paged.guard is not None else None
        denied = guard is not None and parent is not None and guard.denial(self.viewer) is not None
        if denied and guard is not None and guard.allowed is None:
            return self._mark(sqltext.quote_literal(f"g{slot}"), plan.depth)
        if isinstance(self.shapes[slot], Refused):
            value = self._mark(sqltext.quote_literal(f"b{slot}"), plan.depth)
        else:
            value = self._page(plan, parent)
        if not denied or guard is None or guard.allowed is None or parent is None:
            return value
        allowed = self._visibility(guard.allowed, parent)
        refusal = self._mark(sqltext.quote_literal(f"g{slot}"), plan.depth)
        return f"(CASE WHEN {allowed} THEN {value} ELSE {refusal} END)"

    def _page(self, plan: ConnectionPlan, parent: str | None) -> str:
        shape = self.shapes[plan.arguments.slot]
        assert isinstance(shape, PageShape)
        slot = plan.arguments.slot
        paged = plan.paged
        table = TYPES[paged.link.type_name].table
        ordering = shape.ordering
        alias = self._alias(paged.link.type_name)
        size = str(shape.size)

        conditions = self._conditions(plan, shape, alias, parent)
        maintained = paged.total is not None and parent is not None and not shape.conditions
        columns = [f"{alias}.{attribute}" for attribute in ordering.attributes]
        forward = ordering.descending == shape.backward
        if shape.has_key:
            bounds = [
                self._param((slot, f"key{index}"), _postgres_type(column))
                for index, column in enumerate(ordering.columns(paged.model))
            ]
            operator = ">" if forward else "<"
            conditions.append(f"({', '.join(columns)}) {operator} ({', '.join(bounds)})")
        fetch = ", ".join(f"{column} {'ASC' if forward else 'DESC'}" for column in columns)
        display = ", ".join(
            f"{column} {'DESC' if ordering.descending else 'ASC'}" for column in columns
        )
        # The aggregates read the probe in display order: paging forward the probe already
        # returns its rows so (the aggregate reads its one subquery in order, as PostgreSQL's
        # documentation of ordered aggregates shows), so they sort nothing; backward the probe
        # reads in reverse and each aggregate sorts its rows back.
        in_display = "" if not shape.backward else f" ORDER BY {display}"
        source = paged.link.source.format(c=alias)
        # The cursor, when anything shows one, is computed once per row in the probe: edges and
        # pageInfo read it from there.
        cursor_column = f", {self._cursor(ordering, paged.model, alias)} AS {CURSOR}"
        where = " AND ".join(conditions) or "TRUE"
        rows = f" FROM {table} {alias} {source} WHERE {where} ORDER BY {fetch} LIMIT {size} + 1"

        page = self._alias("q")
        low = "1" if not shape.backward else f"greatest({page}.n - {size}, 0) + 1"
        high = f"least({page}.n, {size})" if not shape.backward else f"{page}.n"
        more = f"({page}.n > {size})"
        has_key = "true" if shape.has_key else "false"
        aggregates = ["count(*) AS n"]
        pairs: list[tuple[str, str]] = []
        cursor_needed = False
        info_names: list[str] = []
        for index, part in enumerate(plan.parts):
            if isinstance(part, TypenamePlan):
                pairs.append((part.key, sqltext.quote_literal(part.type_name)))
            elif isinstance(part, TotalCountPlan) and maintained:
                assert paged.total is not None
                assert parent is not None
                pairs.append((part.key, paged.total.format(p=parent)))
            elif isinstance(part, TotalCountPlan):
                total = self._total(plan, shape, parent)
                if not shape.has_key:
                    # Without a cursor the probe holds the first size + 1 rows: when it found
                    # no more than a page, that is every row, and the count is not run.
                    total = f"(CASE WHEN {page}.n <= {size} THEN {page}.n ELSE {total} END)"
                pairs.append((part.key, total))
            elif isinstance(part, NodesPlan | EdgesPlan):
                item = (
                    self._object(part.object, alias)
                    if isinstance(part, NodesPlan)
                    else self._edge(part, alias)
                )
                cursor_needed = cursor_needed or (
                    isinstance(part, EdgesPlan)
                    and any(name == "cursor" for _, name, _ in part.fields)
                )
                aggregates.append(f"array_agg({item}{in_display}) AS a{index}")
                pairs.append(
                    (part.key, f"coalesce(array_to_json({page}.a{index}[{low}:{high}]), '[]')")
                )
            else:
                info = []
                for key, name in part.fields:
                    info_names.append(name)
                    if name == "hasNextPage":
                        info.append((key, has_key if shape.backward else more))
                    elif name == "hasPreviousPage":
                        info.append((key, has_key if not shape.backward else more))
                    elif name == "startCursor":
                        cursor_needed = True
                        info.append((key, f"{page}.cursors[{low}]"))
                    elif name == "endCursor":
                        cursor_needed = True
                        info.append((key, f"{page}.cursors[{high}]"))
                    else:
                        info.append((key, "'PageInfo'"))
                pairs.append((part.key, _object_sql(info)))
        if cursor_needed and any(name in ("startCursor", "endCursor") for name in info_names):
            aggregates.append(f"array_agg({alias}.{CURSOR}{in_display}) AS cursors")
        probe = f"SELECT {alias}.*{cursor_column if cursor_needed else ''}{rows}"
        marker = self.consent.row_marker(paged, alias) if self.consent is not None else None
        if marker is not None:
            aggregates.append(f"array_agg({marker}{in_display}) AS consent")
            pairs.append((ROWS_KEY, f"array_to_json({page}.consent[{low}:{high}])"))
        return (
            f"(SELECT {_object_sql(pairs)} FROM (SELECT {', '.join(aggregates)}"
            f" FROM ({probe}) {alias}) {page})"
        )

    def _edge(self, part: EdgesPlan, alias: str) -> str:
        pairs = []
        for key, name, node in part.fields:
            if name == "cursor":
                pairs.append((key, f"{alias}.{CURSOR}"))
            elif name == "node":
                assert node is not None
                pairs.append((key, self._object(node, alias)))
            else:
                pairs.append((key, sqltext.quote_literal(part.type_name)))
        return _object_sql(pairs)

    def _total(self, plan: ConnectionPlan, shape: PageShape, parent: str | None) -> str:
        paged = plan.paged
        alias = self._alias(paged.link.type_name)
        table = TYPES[paged.link.type_name].table
        source = paged.link.source.format(c=alias)
        where = " AND ".join(self._conditions(plan, shape, alias, parent)) or "TRUE"
        return f"(SELECT count(*) FROM {table} {alias} {source} WHERE {where})"


CURSOR = "__cursor"
"""The probe's extra column holding each row's cursor (no table has a column of that name)."""

MAX_PAIRS = 50
"""json_build_object takes at most 100 arguments; longer objects are joined as text."""


def _object_sql(pairs: Sequence[tuple[str, str]]) -> str:
    if len(pairs) > MAX_PAIRS:
        head, tail = _object_sql(pairs[:MAX_PAIRS]), _object_sql(pairs[MAX_PAIRS:])
        return f"(left({head}::text, -1) || ', ' || substr({tail}::text, 2))::json"
    return "json_build_object(" + ", ".join(f"'{key}', {value}" for key, value in pairs) + ")"


def _json_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _postgres_type(column: Any) -> str:
    return POSTGRES_TYPES.get(column.type.python_type, "text")
