"""A test-only census of strawberry's field resolvers on node types, by the path that ran them.

Set `BRAINGAIN_RESOLVER_CENSUS` to a file name and every field strawberry resolves on an
object of a `node(id:)` type is counted by path — `payload` (a mutation's), `event` (a
subscription's), `python` (a Python fields' document, graph.compiler.python_fields),
`residual` (the strawberry half of a mixed operation) or `fallback` (a query strawberry ran
whole: introspection, `stats`, `_service`, or a test calling strawberry directly) — and the
counts are written there as JSON when the process exits. Unset, nothing is counted.
"""

import atexit
import json
import os
from collections import Counter
from contextvars import ContextVar

TARGET = os.environ.get("BRAINGAIN_RESOLVER_CENSUS") or None
ENABLED = TARGET is not None
RESIDUAL: ContextVar[bool] = ContextVar("braingain_residual", default=False)
"""Set while a mixed operation's residual runs (graph.compiler.reads)."""
COUNTS: Counter[tuple[str, str]] = Counter()


def note(path: str, type_name: str, field_name: str) -> None:
    """Count one field strawberry resolved on a node type."""
    COUNTS[(path, f"{type_name}.{field_name}")] += 1


def _write() -> None:
    assert TARGET is not None
    found: dict[str, dict[str, int]] = {}
    for (path, field), count in sorted(COUNTS.items()):
        found.setdefault(path, {})[field] = count
    with open(TARGET, "w", encoding="utf-8") as output:
        json.dump(found, output, indent=1, sort_keys=True)


if ENABLED:
    atexit.register(_write)
