"""Visibility rules as SQL predicates the plan inlines: row filters and column masks.

A rule is a SQLAlchemy expression over one model, built for the request's viewer by
graph.services.visibility — the same rules the loaders apply. The compiler adapts the
expression to the alias the plan gives that table and renders it with its values inlined, so
a statement is cached per (plan shape, viewer's rendered predicates). New rules (field
visibility levels, chapter scopes, consent grants) plug in by adding them to a declaration's
`rules` (graph/reads/) and naming them there (`Paged.visibility`, `Column.visible_if`).
"""

from collections.abc import Hashable
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    Select,
    Table,
    literal_column,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.util import ClauseAdapter

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
    """The viewer as the rendered SQL text depends on it: its key without the engineer's id,
    which the statement takes as a parameter (ENGINEER_MARKER) — so engineers with the same
    scopes and chapter roles share one statement, prepared once by PostgreSQL."""
    key = viewer_key(viewer)
    return (viewer.engineer_id is not None, *key[1:])


ENGINEER_MARKER = "__viewer_engineer_id__"
"""Where a rule's SQL reads the viewer's engineer id; the renderer binds it as a parameter."""
_SENTINELS = (9_000_000_000_000_000_001, 9_000_000_000_000_000_003)
"""Stand-in engineer ids: a rule rendered with each, the sentinel replaced by the marker, must
give the same text — proof that it uses the id only as a value (else it is rendered per viewer)."""

MAX_TEMPLATES = 4096
_TEMPLATES: dict[tuple[str, ViewerKey, int], str | None] = {}
_LITERAL_TEMPLATES: dict[tuple[str, ViewerKey, int], str] = {}


def render(
    rule_name: str, viewer: Viewer, alias: str, registry: ChapterRegistry = NO_CHAPTERS
) -> str:
    """The rule's predicate as SQL over `alias`: its values inlined, except the viewer's
    engineer id, written as ENGINEER_MARKER where the rule allows it."""
    key = (rule_name, viewer_shape(viewer), id(registry))
    if key in _TEMPLATES:
        template = _TEMPLATES[key]
    else:
        template = _remember(_TEMPLATES, key, _shared_template(rule_name, viewer, registry))
    if template is None:  # the rule does more with the id than compare it: render per viewer
        full = (rule_name, viewer_key(viewer), id(registry))
        template = _LITERAL_TEMPLATES.get(full)
        if template is None:
            template = _remember(_LITERAL_TEMPLATES, full, _template(rule_name, viewer, registry))
    return template.replace(ALIAS_PLACEHOLDER, alias)


def renders_per_viewer(rule_name: str, viewer: Viewer, registry: ChapterRegistry) -> bool:
    """Whether `render` inlines this viewer's engineer id for the rule (after rendering it)."""
    key = (rule_name, viewer_shape(viewer), id(registry))
    return viewer.engineer_id is not None and _TEMPLATES.get(key, "") is None


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(cache) >= MAX_TEMPLATES:
        cache.pop(next(iter(cache)))
    cache[key] = value
    return value


def _shared_template(rule_name: str, viewer: Viewer, registry: ChapterRegistry) -> str | None:
    """The template with ENGINEER_MARKER for the id, or None when the rule needs the real id."""
    if viewer.engineer_id is None:
        return _template(rule_name, viewer, registry)
    texts = {
        _template(rule_name, replace(viewer, engineer_id=sentinel), registry).replace(
            str(sentinel), ENGINEER_MARKER
        )
        for sentinel in _SENTINELS
    }
    return texts.pop() if len(texts) == 1 else None


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
    compiled = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
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
