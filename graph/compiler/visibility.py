"""Visibility rules as SQL predicates the plan inlines: row filters and column masks.

A rule is a SQLAlchemy expression over one model, built for the request's viewer by
graph.services.visibility — the same rules the loaders apply. The compiler adapts the
expression to the alias the plan gives that table and renders it with its values inlined, so
a statement is cached per (plan shape, viewer's rendered predicates). New rules (field
visibility levels, chapter scopes, consent grants) plug in by adding an entry to RULES and
naming it in the mapping (`Paged.visibility`, `Column.visible_if`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import ColumnElement, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.util import ClauseAdapter

from db.base import Base
from db.models import Membership
from graph.auth.viewer import Viewer
from graph.services.visibility import visible_membership_statuses

ALIAS_PLACEHOLDER = "__visibility_alias__"


@dataclass(frozen=True)
class Rule:
    """A predicate over rows of `model`, for a given viewer."""

    model: type[Base]
    predicate: Callable[[Viewer], ColumnElement[bool]]


RULES: dict[str, Rule] = {
    "membership": Rule(
        Membership,
        lambda viewer: Membership.status.in_(visible_membership_statuses(viewer)),
    ),
}


def render(rule_name: str, viewer: Viewer, alias: str) -> str:
    """The rule's predicate as SQL over `alias`, its values inlined."""
    return _template(rule_name, viewer).replace(ALIAS_PLACEHOLDER, alias)


@lru_cache(maxsize=4096)
def _template(rule_name: str, viewer: Viewer) -> str:
    rule = RULES[rule_name]
    table = rule.model.__table__
    assert isinstance(table, Table)
    adapted = ClauseAdapter(table.alias(ALIAS_PLACEHOLDER)).traverse(rule.predicate(viewer))
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it untyped
    compiled = adapted.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    return f"({compiled})"


def clear_cache() -> None:
    """Forget rendered predicates (after RULES change, e.g. in tests)."""
    _template.cache_clear()
