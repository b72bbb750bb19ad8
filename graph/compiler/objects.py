"""Objects strawberry returns, completed by the compiled read path (mutation payloads, events).

A mutation runs its service through strawberry (graph.resolvers.mutation.run: one
transaction for the operation, a savepoint per root field). Its payload names the object it
changed — a `ForumPost`, a `Membership` — and the client nests whatever it likes under it. That
selection is a read like any other, so it is answered like one: the executor
(graph.subscriptions.execution) hands every object of a type `node(id:)` serves, reached
outside a list, to `CompiledObjects.complete`, which reads it with one compiled statement —

    query BraingainObject($braingainObjectId: ID!, <the variables the selection uses>) {
      node(id: $braingainObjectId) { ... on ForumPost <the client's selection> }
    }
    <the fragments it spreads>

planned and rendered by the same declarations as any query (cached per document and field),
run on the request's own connection inside the mutation's transaction, before the commit:
the client reads its own write, under the same visibility rules as `node(id:)`. A selection
the declarations cannot answer whole (a Python-only field below it) or arguments that do not
bind leave the object to strawberry's resolvers, as before. Subscription events complete the
same way, in the event's own session.
"""

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, Undefined

from db.driver import driver
from graph.compiler import consent
from graph.compiler.mapping import NODE_TYPES
from graph.compiler.operation import CompiledQueries, PreparedOperation
from graph.compiler.residual import references
from graph.errors import BadUserInput
from graph.ids import decode_id

if TYPE_CHECKING:
    from graph.context import Context

ID_VARIABLE = "braingainObjectId"
MAX_LOOKUPS = 2000
"""Synthetic lookup documents kept (one per client document and field position)."""


@dataclass(frozen=True)
class Lookup:
    """The synthetic `node(id:)` document for one field position of one client document."""

    prepared: PreparedOperation
    variables: tuple[str, ...]
    """The client's variables the selection reads (passed through as sent)."""


class CompiledObjects:
    """Completes single objects of node types through the compiled read path."""

    def __init__(self, queries: CompiledQueries) -> None:
        self.queries = queries
        self._lookups: OrderedDict[tuple[Any, ...], Lookup | None] = OrderedDict()
        self.completed = 0
        """Objects answered by SQL so far in this process (tests and metrics read it)."""

    def serves(self, type_name: str) -> bool:
        """Whether objects of this type can be read by `node(id:)` on the compiled path."""
        return type_name in NODE_TYPES

    def lookup(
        self,
        type_name: str,
        nodes: Sequence[FieldNode],
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        source: str,
    ) -> Lookup | None:
        """The prepared lookup for this field position (None: strawberry completes it)."""
        spans = tuple(_span(node) for node in nodes)
        key = (source, type_name, spans)
        try:
            found = self._lookups[key]
        except KeyError:
            found = self._prepare(type_name, nodes, operation, fragments, source)
            self._lookups[key] = found
            if len(self._lookups) > MAX_LOOKUPS:
                self._lookups.popitem(last=False)
        return found

    def _prepare(
        self,
        type_name: str,
        nodes: Sequence[FieldNode],
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        source: str,
    ) -> Lookup | None:
        selections = [node.selection_set for node in nodes]
        if not source or any(item is None or item.loc is None for item in selections):
            return None
        variables, used = references(selections, fragments)  # type: ignore[arg-type]
        if ID_VARIABLE in variables:
            return None
        definitions = [
            definition
            for definition in operation.variable_definitions or ()
            if definition.variable.name.value in variables
        ]
        declared = "".join(f", {_text(source, definition)}" for definition in definitions)
        inline = " ".join(
            f"... on {type_name} {_text(source, selection)}"
            for selection in selections
            if selection is not None
        )
        spread = "\n".join(_text(source, fragments[name]) for name in sorted(used))
        document = (
            f"query BraingainObject(${ID_VARIABLE}: ID!{declared}) "
            f"{{ node(id: ${ID_VARIABLE}) {{ {inline} }} }}\n{spread}"
        )
        prepared = self.queries.prepare(document, None)
        if prepared is None:
            return None
        return Lookup(prepared, tuple(sorted(variables)))

    async def complete(
        self, lookup: Lookup, global_id: str, sources: Mapping[str, Any], context: "Context"
    ) -> Any:
        """The object's JSON as the client selected it, or `Undefined` for strawberry."""
        viewer = context.viewer
        variables: dict[str, Any] = {ID_VARIABLE: global_id}
        for name in lookup.variables:
            source = sources.get(name)
            value = getattr(source, "value", Undefined)
            if value is not Undefined:
                variables[name] = value
        statement = lookup.prepared.bind(variables, viewer)
        if statement is None or statement.residual is not None or statement.python is not None:
            return Undefined
        async with context.database.session() as session:
            text = await statement.run(await driver(session, begin=False))
        if statement.consent:
            data, reads = consent.split(statement, text)
            for read, fields in reads.items():  # logged with strawberry's reads, at its end
                context.consent_reads.setdefault(read, set()).update(fields)
        else:
            data = orjson.loads(text)
        self.completed += 1
        context.compiled_objects += 1
        return data["node"]


def identity(result: Any, type_name: str) -> str | None:
    """The global ID of an object a resolver returned, when it is one of `type_name`."""
    value = getattr(result, "id", None)
    if not isinstance(value, str):
        return None
    try:
        decoded = decode_id(value)
    except BadUserInput:
        return None
    return value if decoded[0] == type_name else None


def _span(node: FieldNode) -> tuple[int, int]:
    return (node.loc.start, node.loc.end) if node.loc is not None else (-1, id(node))


def _text(source: str, node: Any) -> str:
    return source[node.loc.start : node.loc.end]
