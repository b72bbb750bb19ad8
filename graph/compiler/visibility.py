"""Visibility rules as SQL predicates the plan inlines: row filters and column masks.

A rule is a SQLAlchemy expression over one model, built for the request's viewer by
graph.services.visibility — the same rules the loaders apply. The compiler adapts the
expression to the alias the plan gives that table and renders it with its constants inlined
and the viewer's values as markers the renderer binds as statement parameters: the engineer,
institution and client ids (found by rendering the rule for two stand-in viewers) and the id
lists a rule names (db.queries.viewer_ids: the chapters where a role grants a scope). So a
rendered rule — and the statement holding it — depends on the viewer's shape only
(`viewer_shape`: which ids it has, its scopes, global role and kinds of chapter role), not on
which engineer it is or which chapters it holds roles in. A rule that still inlines a value is
rendered per viewer (correct, only slower). New rules (field visibility levels, chapter
scopes, consent grants) plug in by adding them to a declaration's `rules` (graph/reads/) and
naming them there (`Paged.visibility`, `Column.visible_if`).
"""

from collections.abc import Hashable
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from sqlalchemy import (
    Select,
    Table,
    literal_column,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.util import ClauseAdapter

from db.queries.viewer_ids import MARKERS
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler.declaration import Rule
from graph.compiler.mapping import RULES

ALIAS_PLACEHOLDER = "__visibility_alias__"


NO_CHAPTERS = ChapterRegistry()
"""The registry when none is given: no chapter shares profile fields with its members."""

__all__ = ["RULES", "Rule"]


ViewerKey = tuple[Hashable, ...]
"""What of a Viewer the rules read, hashable (its chapter roles are a mapping proxy)."""


def viewer_key(viewer: Viewer) -> ViewerKey:
    """The viewer as the rules see it: two viewers with equal keys get the same predicates."""
    return (
        viewer.engineer_id,
        viewer.client_id,
        viewer.institution_id,
        viewer.scopes,
        viewer.global_role,
        tuple(sorted(viewer.chapter_roles.items())),
    )


def viewer_shape(viewer: Viewer) -> ViewerKey:
    """The viewer as the rendered SQL text depends on it: whether it has an engineer, a client
    and an institution (their ids are parameters), its scopes, its global role and the kinds
    of chapter role it holds (role name and the scopes it grants) — not which chapters: those
    are id-list parameters (db.queries.viewer_ids). Viewers of one shape share a statement,
    prepared once by PostgreSQL."""
    return (
        viewer.engineer_id is not None,
        viewer.client_id is not None,
        viewer.institution_id is not None,
        viewer.scopes,
        viewer.global_role,
        frozenset((role.role, role.scopes) for role in viewer.chapter_roles.values()),
    )


ENGINEER_MARKER = "__viewer_engineer_id__"
"""Where a rule's SQL reads the viewer's engineer id; the renderer binds it as a parameter."""
INSTITUTION_MARKER = "__viewer_institution_id__"
"""Where a rule's SQL reads the viewer's institution id (a parameter too)."""
CLIENT_MARKER = "__viewer_client_id__"
"""Where a rule's SQL reads the viewer's client id (a parameter too)."""
_ENGINEERS = (9_000_000_000_000_000_001, 9_000_000_000_000_000_003)
_INSTITUTIONS = (9_000_000_000_000_000_005, 9_000_000_000_000_000_007)
_CLIENTS = ("__viewer_client_sentinel_1__", "__viewer_client_sentinel_2__")
_CHAPTERS = (8_000_000_000_000_000_000, 8_000_000_000_000_100_000)
"""Stand-in values: a rule rendered for two stand-in viewers (each with its own ids and
chapter ids), the stand-in ids replaced by markers, must give the same text — proof that it
reads those values only as values (else it is rendered per viewer)."""

MAX_TEMPLATES = 4096
_TEMPLATES: dict[tuple[str, ViewerKey, int], str | None] = {}
_LITERAL_TEMPLATES: dict[tuple[str, ViewerKey, int], str] = {}


def render(
    rule_name: str, viewer: Viewer, alias: str, registry: ChapterRegistry = NO_CHAPTERS
) -> str:
    """The rule's predicate as SQL over `alias`: its constants inlined, the viewer's values as
    markers (ENGINEER_MARKER, INSTITUTION_MARKER, CLIENT_MARKER, db.queries.viewer_ids.marker)
    where the rule allows it."""
    key = (rule_name, viewer_shape(viewer), id(registry))
    if key in _TEMPLATES:
        template = _TEMPLATES[key]
    else:
        template = _remember(_TEMPLATES, key, _shared_template(rule_name, viewer, registry))
    if template is None:  # the rule does more with a value than compare it: render per viewer
        full = (rule_name, viewer_key(viewer), id(registry))
        template = _LITERAL_TEMPLATES.get(full)
        if template is None:
            template = _remember(_LITERAL_TEMPLATES, full, _template(rule_name, viewer, registry))
    return template.replace(ALIAS_PLACEHOLDER, alias)


def renders_per_viewer(rule_name: str, viewer: Viewer, registry: ChapterRegistry) -> bool:
    """Whether `render` inlines this viewer's values for the rule (after rendering it)."""
    key = (rule_name, viewer_shape(viewer), id(registry))
    return _TEMPLATES.get(key, "") is None


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(cache) >= MAX_TEMPLATES:
        cache.pop(next(iter(cache)))
    cache[key] = value
    return value


def _shared_template(rule_name: str, viewer: Viewer, registry: ChapterRegistry) -> str | None:
    """The template with markers for the viewer's values, or None when the rule needs them."""
    if not _has_values(viewer):
        return _template(rule_name, viewer, registry)
    texts = {
        _marked(_template(rule_name, _stand_in(viewer, index), registry), index)
        for index in range(2)
    }
    return texts.pop() if len(texts) == 1 else None


def _has_values(viewer: Viewer) -> bool:
    return (
        viewer.engineer_id is not None
        or viewer.institution_id is not None
        or viewer.client_id is not None
        or bool(viewer.chapter_roles)
    )


def _stand_in(viewer: Viewer, index: int) -> Viewer:
    """The viewer with stand-in ids of its own (the same shape)."""
    roles = sorted(viewer.chapter_roles.values(), key=lambda role: role.chapter_id)
    chapters = {
        _CHAPTERS[index] + number: replace(role, chapter_id=_CHAPTERS[index] + number)
        for number, role in enumerate(roles)
    }
    return replace(
        viewer,
        engineer_id=None if viewer.engineer_id is None else _ENGINEERS[index],
        institution_id=None if viewer.institution_id is None else _INSTITUTIONS[index],
        client_id=None if viewer.client_id is None else _CLIENTS[index],
        chapter_roles=MappingProxyType(chapters),
    )


def _marked(text: str, index: int) -> str:
    """A stand-in viewer's rendering with its ids replaced by their markers."""
    return (
        text.replace(str(_ENGINEERS[index]), ENGINEER_MARKER)
        .replace(str(_INSTITUTIONS[index]), INSTITUTION_MARKER)
        .replace(f"'{_CLIENTS[index]}'", CLIENT_MARKER)
    )


def _template(rule_name: str, viewer: Viewer, registry: ChapterRegistry) -> str:
    rule = RULES[rule_name]
    table = rule.model.__table__
    assert isinstance(table, Table)
    aliased = table.alias(ALIAS_PLACEHOLDER)
    adapted = ClauseAdapter(aliased).traverse(rule.predicate(viewer, registry))
    # Rendered inside a SELECT over the alias so that subqueries (EXISTS over memberships)
    # correlate to it: a predicate as its WHERE clause, a value as its one column.
    statement: Select[Any] = (
        select(adapted.label(VALUE_LABEL)).select_from(aliased)
        if rule.value
        else select(literal_column("1")).select_from(aliased).where(adapted)
    )
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it untyped
    options = {"literal_binds": True, MARKERS: True}
    compiled = str(statement.compile(dialect=dialect, compile_kwargs=options))
    if rule.value:
        head, separator, tail = compiled.rpartition(f" AS {VALUE_LABEL} \nFROM ")
        assert separator, compiled
        assert tail == f"{table.name} AS {ALIAS_PLACEHOLDER}", compiled
        return f"({head.removeprefix('SELECT ')})"
    head, separator, where = compiled.partition("\nWHERE ")
    assert separator, compiled
    assert head.endswith(f"AS {ALIAS_PLACEHOLDER} "), compiled
    return f"({where})"


VALUE_LABEL = "__visibility_value__"


def clear_cache() -> None:
    """Forget rendered predicates (after RULES change, e.g. in tests)."""
    _TEMPLATES.clear()
    _LITERAL_TEMPLATES.clear()
