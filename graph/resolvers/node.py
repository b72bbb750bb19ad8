"""`node(id:)` and `nodes(ids:)`: any object by its global ID, read by SQL.

strawberry runs these root fields only where the compiled read path does not: the Python
fields' documents of graph.compiler.python_fields, and `_entities` beyond what `nodes(ids:)`
takes. The resolver returns a reference — an instance of the ID's type carrying only its ID,
and for a type with Python fields (`PYTHON_PARENTS`) the key those fields read — and the
executor hands it to graph.compiler.objects (graph.subscriptions.execution), which reads it
with the client's selection under the type's node rule: null when it does not exist or is not
visible, exactly as the compiled `node(id:)` answers. In a Python fields' document the field
runs on the reference itself: its IDs are those of rows the compiled statement returned, so
the node rule has passed already.
"""

from typing import Annotated

import strawberry
from strawberry.types.base import StrawberryObjectDefinition

from graph.compiler.mapping import NODE_TYPES
from graph.errors import BadUserInput
from graph.ids import decode_id
from graph.types.node import Node

MAX_NODES = 100

PYTHON_PARENTS: dict[str, str] = {"Engineer": "pk", "Chapter": "pk", "Opportunity": "key"}
"""The node types with Python fields (declaration.Python), and the attribute holding the row's
key that those fields read."""


def reference(type_name: str, global_id: str, key: int | None = None) -> Node:
    """An object of `type_name` that carries only its ID (the compiled path reads the rest),
    and its row's `key` where its Python fields read it."""
    from graph.schema import schema  # the schema imports the resolvers

    definition = schema.get_type_by_name(type_name)
    assert isinstance(definition, StrawberryObjectDefinition), type_name
    found: Node = object.__new__(definition.origin)
    found.id = strawberry.ID(global_id)
    attribute = PYTHON_PARENTS.get(type_name)
    if attribute is not None and key is not None:
        setattr(found, attribute, key)
    return found


def resolve_node(global_id: str) -> Node:
    """A reference to the object behind a global ID (the compiled path reads it);
    BadUserInput when it is not a global object ID."""
    decoded = decode_id(global_id)
    if decoded.type_name not in NODE_TYPES:
        raise BadUserInput(f"Malformed ID {global_id!r}: not a global object ID.")
    return reference(decoded.type_name, global_id, decoded.key)


def node(
    id: Annotated[strawberry.ID, strawberry.argument(description="A global object ID.")],
) -> Node | None:
    """Any object by global ID; null when it does not exist."""
    return resolve_node(id)


def nodes(
    ids: Annotated[
        list[strawberry.ID],
        strawberry.argument(description=f"Global object IDs, at most {MAX_NODES}."),
    ],
) -> list[Node | None]:
    """Objects by global IDs, in the same order; null for each that does not exist."""
    if len(ids) > MAX_NODES:
        raise BadUserInput(f"`ids` takes at most {MAX_NODES} IDs, got {len(ids)}.", argument="ids")

    def one(global_id: str) -> Node | BaseException:
        try:
            return resolve_node(global_id)
        except BadUserInput as error:
            return error

    # An exception in the list becomes an error located at that index, with the item null.
    return [one(global_id) for global_id in ids]  # type: ignore[misc]
