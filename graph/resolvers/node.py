"""`node(id:)` and `nodes(ids:)`: any object by its global ID, read by SQL.

strawberry runs these root fields only where the compiled read path does not (a document it
declines, the Python fields' documents of graph.compiler.python_fields). The resolver returns
a reference — an instance of the ID's type carrying only the ID — and the executor hands it
to graph.compiler.objects (graph.subscriptions.execution), which reads it with the client's
selection under the type's node rule: null when it does not exist or is not visible, exactly
as the compiled `node(id:)` answers. Types with Python fields (`PYTHON_PARENTS`) are loaded,
since graph.compiler.python_fields resolves those fields on the object itself.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from strawberry.types.base import StrawberryObjectDefinition

from graph.compiler.mapping import NODE_TYPES
from graph.context import Context, Info
from graph.errors import BadUserInput
from graph.ids import decode_id
from graph.resolvers import contribution_nodes
from graph.types.chapter import Chapter
from graph.types.engineer import Engineer
from graph.types.node import Node

MAX_NODES = 100

Fetch = Callable[[Context, int], Awaitable[Node | None]]


def _by_loader(loader_name: str, convert: Callable[[Any], Node]) -> Fetch:
    async def fetch(context: Context, key: int) -> Node | None:
        row = await getattr(context.loaders, loader_name).load(key)
        return convert(row) if row is not None else None

    return fetch


PYTHON_PARENTS: dict[str, Fetch] = {
    "Engineer": _by_loader("engineer_by_id", Engineer.from_model),
    "Chapter": _by_loader("chapter_by_id", Chapter.from_model),
    "Opportunity": contribution_nodes.opportunity_node,
}
"""The node types with Python fields (declaration.Python), loaded with the row they read."""


def reference(type_name: str, global_id: str) -> Node:
    """An object of `type_name` that carries only its ID (the compiled path reads the rest)."""
    from graph.schema import schema  # the schema imports the resolvers

    definition = schema.get_type_by_name(type_name)
    assert isinstance(definition, StrawberryObjectDefinition), type_name
    found: Node = object.__new__(definition.origin)
    found.id = strawberry.ID(global_id)
    return found


async def resolve_node(context: Context, global_id: str) -> Node | None:
    """The object behind a global ID (a reference the compiled path reads, or the loaded
    object of a type with Python fields; None when that one is not visible)."""
    decoded = decode_id(global_id)
    if decoded.type_name not in NODE_TYPES:
        raise BadUserInput(f"Malformed ID {global_id!r}: not a global object ID.")
    fetch = PYTHON_PARENTS.get(decoded.type_name)
    if fetch is not None:
        return await fetch(context, decoded.key)
    return reference(decoded.type_name, global_id)


async def node(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description="A global object ID.")],
) -> Node | None:
    """Any object by global ID; null when it does not exist."""
    return await resolve_node(info.context, id)


async def nodes(
    info: Info,
    ids: Annotated[
        list[strawberry.ID],
        strawberry.argument(description=f"Global object IDs, at most {MAX_NODES}."),
    ],
) -> list[Node | None]:
    """Objects by global IDs, in the same order; null for each that does not exist."""
    if len(ids) > MAX_NODES:
        raise BadUserInput(f"`ids` takes at most {MAX_NODES} IDs, got {len(ids)}.", argument="ids")

    async def one(global_id: str) -> Node | BaseException | None:
        try:
            return await resolve_node(info.context, global_id)
        except BadUserInput as error:
            return error

    # An exception in the list becomes an error located at that index, with the item null.
    return await asyncio.gather(*(one(global_id) for global_id in ids))  # type: ignore[return-value]
