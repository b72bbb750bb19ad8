"""Visibility rules as SQL predicates: the plan asks each rule for a predicate and its values.

A rule renders a predicate over a row alias with parameters named by the rule; the values come
from graph.services.visibility for the request's viewer, so the compiled path and strawberry's
loaders apply the same rules. New rules (field masks, chapter scopes, consent) plug in here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graph.auth.viewer import Viewer
from graph.services.visibility import visible_membership_statuses

ParamRef = Callable[[str, str], str]
"""(parameter name, PostgreSQL type) → placeholder text."""


@dataclass(frozen=True)
class Rule:
    """A row predicate (`{a}` is the row alias) and the viewer-dependent values it binds."""

    predicate: Callable[[str, ParamRef], str]
    values: Callable[[Viewer], dict[str, Any]]


RULES: dict[str, Rule] = {
    "membership": Rule(
        predicate=lambda alias, param: f"{alias}.status = ANY({param('statuses', 'text[]')})",
        values=lambda viewer: {"statuses": list(visible_membership_statuses(viewer))},
    ),
}


def viewer_values(viewer: Viewer) -> dict[tuple[str, str], Any]:
    """Every rule's values for this viewer, keyed (rule, parameter)."""
    return {
        (name, parameter): value
        for name, rule in RULES.items()
        for parameter, value in rule.values(viewer).items()
    }
