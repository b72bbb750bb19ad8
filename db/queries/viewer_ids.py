"""Id lists derived from the viewer, bound as one array parameter named for what they mean.

A visibility rule reads sets of ids that differ from viewer to viewer (the chapters where a
role grants a scope). Written with `any_of`, such a set is one array parameter: a loader binds
its value as usual, and the compiled read path renders a marker naming it (`marker`), which
its renderer turns into a statement parameter — so viewers who differ only in WHICH chapters
they hold roles in share one statement text, rendered and prepared once.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, any_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter

MARKERS = "viewer_id_markers"
"""The compile keyword under which ViewerArray renders as its marker instead of a value."""
MARKER = re.compile(r"__viewer_ids\[([^\]]+)\]__")
"""A rendered ViewerArray: its name in brackets."""
POSTGRES_TYPE = "int[]"
"""The parameter's type (every id column is an integer)."""


class ViewerIds(tuple[int, ...]):
    """A tuple of ids taken from the viewer, with the `name` that recomputes it for any viewer
    (graph.services.viewer_ids.resolve): `scope:<scope>`, `sharing:<field>`, or several
    names joined by `|` (their union)."""

    name: str

    def __new__(cls, name: str, ids: Iterable[int]) -> "ViewerIds":
        """The ids, sorted, named `name`."""
        made = super().__new__(cls, sorted(set(ids)))
        made.name = name
        return made

    def __repr__(self) -> str:
        return f"ViewerIds({self.name!r}, {tuple(self)!r})"


def union(*lists: Sequence[int]) -> tuple[int, ...]:
    """The ids of every list, sorted; named (a ViewerIds) when every list is."""
    ids = {item for ids in lists for item in ids}
    if lists and all(isinstance(ids, ViewerIds) for ids in lists):
        names = sorted({part for ids in lists for part in ids.name.split("|")})  # type: ignore[attr-defined]
        return ViewerIds("|".join(names), ids)
    return tuple(sorted(ids))


class ViewerArray(BindParameter[Any]):
    """A ViewerIds as one array bind parameter (a marker for the compiled read path)."""

    inherit_cache = True

    def __init__(self, ids: ViewerIds) -> None:
        super().__init__(None, list(ids), type_=ARRAY(Integer()), unique=True)
        self.viewer_ids = ids.name


@compiles(ViewerArray)
def _render(element: ViewerArray, compiler: SQLCompiler, **kw: Any) -> str:
    if kw.get(MARKERS):
        return marker(element.viewer_ids)
    rendered: str = compiler.visit_bindparam(element, **kw)  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it untyped
    return rendered


def marker(name: str) -> str:
    """The text standing for the named id list in a rendered rule."""
    return f"__viewer_ids[{name}]__"


def any_of(column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """SQL: `column` is one of `ids` — one array parameter when they are the viewer's
    (ViewerIds), whatever their number (none included), else an IN list."""
    if isinstance(ids, ViewerIds):
        return column == any_(ViewerArray(ids))  # type: ignore[no-any-return]
    return column.in_(ids)  # type: ignore[no-any-return]
