"""The registry of read declarations: every domain's types, root fields, nodes and rules.

Collected from graph.reads (one declaration module per domain); nothing here names a domain.
The shapes themselves are in graph.compiler.declaration (re-exported for the compiler).
"""

from dataclasses import replace

from graph.compiler.declaration import (
    Column,
    Embedded,
    FieldMapping,
    Filters,
    Guard,
    Link,
    Paged,
    Python,
    RootConnection,
    RootList,
    RootLookup,
    RootObject,
    Rule,
    ToMany,
    ToOne,
    TypeMapping,
)
from graph.reads import DECLARATIONS

__all__ = [
    "Column",
    "Embedded",
    "FieldMapping",
    "Filters",
    "Link",
    "Paged",
    "Python",
    "ToMany",
    "ToOne",
    "TypeMapping",
]

def _types() -> dict[str, TypeMapping]:
    """Every declared type, with the fields other domains add to it (`extends`)."""
    found = {
        mapping.name: mapping for declaration in DECLARATIONS for mapping in declaration.types
    }
    for declaration in DECLARATIONS:
        for type_name, added in declaration.extends.items():
            base = found[type_name]
            found[type_name] = replace(base, fields={**base.fields, **added})
    return found


TYPES: dict[str, TypeMapping] = _types()
"""Every declared GraphQL object type by name."""

LOOKUPS: dict[str, RootLookup] = {
    name: lookup for declaration in DECLARATIONS for name, lookup in declaration.lookups.items()
}
"""Root fields finding one row by a unique key."""

LISTS: dict[str, RootList] = {
    name: listed for declaration in DECLARATIONS for name, listed in declaration.lists.items()
}
"""Root fields listing a small table."""

OBJECTS: dict[str, RootObject] = {
    name: root for declaration in DECLARATIONS for name, root in declaration.objects.items()
}
"""Root fields built from the request (the viewer)."""

ROOT_CONNECTIONS: dict[str, RootConnection] = {
    name: connection
    for declaration in DECLARATIONS
    for name, connection in declaration.connections.items()
}
"""Root Relay connections."""

NODE_VISIBILITY: dict[str, str | None] = {
    type_name: rule for declaration in DECLARATIONS for type_name, rule in declaration.nodes.items()
}
"""Types `node(id:)` and `nodes(ids:)` can return (as graph.resolvers.node.NODE_TYPES), each
with the row rule `node`/`nodes` and root lookups apply (or None)."""

NODE_TYPES: tuple[str, ...] = tuple(NODE_VISIBILITY)

RULES: dict[str, Rule] = {
    name: rule for declaration in DECLARATIONS for name, rule in declaration.rules.items()
}
"""Every visibility rule a declaration names (`Paged.visibility`, `Column.visible_if`, node
rules), as SQL predicates built per viewer."""

GUARDS: dict[str, Guard] = {
    name: guard for declaration in DECLARATIONS for name, guard in declaration.guards.items()
}
"""Permission checks on parent rows (`Paged.guard`), by name."""

assert len(TYPES) == sum(len(declaration.types) for declaration in DECLARATIONS)
