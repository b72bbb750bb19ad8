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
from graph.services import visibility as rules

ALIAS_PLACEHOLDER = "__visibility_alias__"


@dataclass(frozen=True)
class Rule:
    """A predicate over rows of `model`, for a given viewer."""

    model: type[Base]
    predicate: Callable[[Viewer], ColumnElement[bool]]


def visible_memberships(viewer: Viewer) -> ColumnElement[bool]:
    """The memberships the viewer may list, as graph.services.visibility defines them.

    Written against both generations of that module: the status list of today, and the
    `membership_scope(viewer).predicate()` the authorization work introduces.
    """
    scope = getattr(rules, "membership_scope", None)
    if scope is not None:
        predicate: ColumnElement[bool] = scope(viewer).predicate()
        return predicate
    statuses = getattr(rules, "visible_membership_statuses", None)
    assert statuses is not None, "graph.services.visibility has no membership rule"
    return Membership.status.in_(statuses(viewer))


RULES: dict[str, Rule] = {"membership": Rule(Membership, visible_memberships)}


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
