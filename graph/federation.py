"""Apollo Federation v2: this API as a subgraph a gateway composes with others.

Every Node type is an entity with `@key(fields: "id")`, declared here once from the Node
interface (whatever implements it), and resolved through `_entities` by the very function
`node(id:)` uses — the same fetch and the same authorization on the loaded object, so an object
the viewer may not read comes back null, whichever way it is asked for. Types every Relay-style
subgraph repeats (`PageInfo`, `Query.node`, `Query.nodes`) are `@shareable`.
"""

import re
from typing import Any, Literal

from graphql import GraphQLSchema
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.types.base import get_object_definition

from graph.context import Info
from graph.errors import BadUserInput
from graph.ids import decode_id
from graph.resolvers.node import resolve_node
from graph.types.node import Node

FEDERATION_VERSION: Literal["2.3"] = "2.3"

DESCRIPTIONS: dict[str, str] = {
    "_Any": "Federation: an entity representation a gateway sends (`__typename` and `id`).",
    "_Entity": "Federation: every type a gateway can fetch by key (every Node type).",
    "_Service": "Federation: this subgraph's description for a gateway.",
    "_Service.sdl": "This subgraph's schema, with its federation directives.",
    "Query._service": "Federation: this subgraph's schema, for a gateway composing it.",
    "Query._entities": "Federation: objects by their keys, in order; null for each object "
    "that does not exist or the viewer may not see (the same rules as `node(id:)`).",
    "Query._entities(representations)": "Entity representations: `__typename` and `id`.",
    "_FieldSet": "Federation: the fields of a key (here always `id`).",
    "link__Import": "Federation: a name imported from a linked specification.",
    "link__Purpose": "Federation: why a specification is linked.",
    "link__Purpose.SECURITY": "The specification restricts who may see what.",
    "link__Purpose.EXECUTION": "The specification changes how operations run.",
}
"""Descriptions for what the federation specification adds (every field described)."""


def entity_classes() -> list[type]:
    """Every strawberry type implementing Node (the types imported so far), by name."""
    found: dict[str, type] = {}
    stack = list(Node.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        definition = get_object_definition(cls)
        if definition is not None and not definition.is_interface:
            found[definition.name] = cls
    return [found[name] for name in sorted(found)]


def declare_entities() -> None:
    """Give every Node type its `@key(fields: "id")` (once; idempotent)."""
    for cls in entity_classes():
        definition = get_object_definition(cls, strict=True)
        if not any(isinstance(directive, Key) for directive in definition.directives or ()):
            definition.directives = [*(definition.directives or ()), Key(fields=FieldSet("id"))]


async def resolve_entities(info: Info, representations: list[Any]) -> list[Any]:
    """`_entities`: each representation through `node(id:)`'s fetch and checks, in order.

    A representation naming another type than its ID's, or an object the viewer may not see,
    resolves to null; a malformed one is an error at its index (BAD_USER_INPUT).
    """
    results: list[Any] = []
    for representation in representations:
        if not isinstance(representation, dict):
            results.append(BadUserInput("An entity representation must be an object."))
            continue
        type_name, global_id = representation.get("__typename"), representation.get("id")
        if not isinstance(global_id, str) or not isinstance(type_name, str):
            results.append(BadUserInput("An entity representation needs `__typename` and `id`."))
            continue
        try:
            if decode_id(global_id).type_name != type_name:
                results.append(None)
                continue
            results.append(resolve_node(global_id))
        except BadUserInput as error:
            results.append(error)
    return results


def describe(schema: GraphQLSchema) -> None:
    """Describe the types and fields the federation specification adds."""
    for path, description in DESCRIPTIONS.items():
        type_name, _, rest = path.partition(".")
        named = schema.type_map.get(type_name)
        if named is None:
            continue
        if not rest:
            named.description = description
            continue
        field_name, _, argument = rest.partition("(")
        value = getattr(named, "values", {}).get(field_name)
        if value is not None:
            value.description = description
            continue
        field = getattr(named, "fields", {}).get(field_name)
        if field is None:
            continue
        if argument:
            field.args[argument.rstrip(")")].description = description
        else:
            field.description = description


_APPLIED = re.compile(r' @(?:key|shareable)(?:\([^)]*\))?')
_SCHEMA_LINK = re.compile(r'^schema @link\(.*?\n}\n\n', re.DOTALL | re.MULTILINE)


def public_sdl(subgraph_sdl: str) -> str:
    """The schema for clients (Relay, Apollo codegen, graphql-inspector): the subgraph SDL
    without the federation directives applied to it, which plain GraphQL tools do not know
    (`@link`, `@key`, `@shareable`); the `_service`/`_entities` fields stay, as served."""
    return _APPLIED.sub("", _SCHEMA_LINK.sub("", subgraph_sdl, count=1))
