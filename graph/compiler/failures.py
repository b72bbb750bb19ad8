"""Errors on the compiled path: marks the statement writes, turned into GraphQL errors after it.

A field that cannot be answered — arguments its resolver refuses (graph.compiler.binding:
a malformed cursor or ID, an invalid filter) or a guard that denies the row (a moderation
queue the viewer does not moderate: graph.compiler.declaration.Guard) — is rendered as a
mark under a key no response key can take: `{"@error-<nonce>": [id, depth]}`. `id` names
the error (its message and extensions, and the field node that locates it), `depth` how
many steps up the response its null travels (graphql-core's propagation to the nearest
nullable position, fixed by the plan: graph.compiler.planner.null_depth).

`resolve` walks the response in order, replaces each mark by null, records one error per
mark — at the mark's path, located at its field — and nulls each mark's target; as in
graphql-core, when several errors null the same position only the first is reported (the
position's completion stops at the first). The errors read exactly as strawberry's: message,
locations, path, extensions (code and details), in the order strawberry raises them —
response order, except that a check strawberry makes only after loading something (the
moderation queue loads its category first: Guard.awaits) reports after the immediate ones.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, GraphQLError

from graph.compiler import sqltext
from graph.errors import GraphError

NONCE = secrets.token_hex(4)
"""Per process, so that no stored JSON could ever pass for a mark."""
MARK_KEY = f"@error-{NONCE}"

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Failure:
    """What one mark stands for: the error as the resolver raises it, and the field's node."""

    error: GraphError
    node: FieldNode
    awaits: int = 0
    """Loader rounds strawberry's resolver awaits before it raises: graphql-core reports
    errors as they happen, so one raised later comes after those raised at once."""


def mark(identity_sql: str, depth: int) -> str:
    """The SQL of a mark: `identity_sql` evaluates to the error's id (text)."""
    return (
        f"json_build_object({sqltext.quote_literal(MARK_KEY)},"
        f" json_build_array({identity_sql}, {depth}))"
    )


def resolve(data: Any, failures: Mapping[str, Failure]) -> tuple[Any, list[GraphQLError]]:
    """`data` with every mark replaced and its null propagated; the errors, in order."""
    found: list[tuple[Path, str, int]] = []

    def walk(value: Any, path: Path) -> Any:
        if isinstance(value, dict):
            marked = value.get(MARK_KEY)
            if marked is not None and len(value) == 1:
                identity, depth = marked
                found.append((path, identity, depth))
                return None
            for key, item in value.items():
                if isinstance(item, dict | list):
                    value[key] = walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict | list):
                    value[index] = walk(item, (*path, index))
        return value

    data = walk(data, ())
    found.sort(key=lambda mark: failures[mark[1]].awaits)  # stable: response order within
    errors: list[GraphQLError] = []
    targets: set[Path] = set()
    for path, identity, depth in found:
        target = path[: len(path) - depth]
        if target in targets:
            continue
        targets.add(target)
        failure = failures[identity]
        errors.append(
            GraphQLError(
                failure.error.message,
                nodes=[failure.node],
                path=list(path),
                extensions=dict(failure.error.extensions),
            )
        )
    for target in sorted(targets, key=len):
        if not target:
            return None, errors
        _null(data, target)
    return data, errors


def _null(data: Any, target: Path) -> None:
    """Set the value at `target` to null (nothing when an ancestor is null already)."""
    parent = data
    for step in target[:-1]:
        parent = parent[step]
        if parent is None:
            return
    parent[target[-1]] = None
