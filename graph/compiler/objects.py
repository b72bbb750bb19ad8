"""Objects strawberry returns, completed by the compiled read path (mutation payloads, events).

A mutation runs its service through strawberry (graph.resolvers.mutation.run: one
transaction for the operation, a savepoint per root field). Its payload names the object it
changed — a `ForumPost`, a `Membership` — and the client nests whatever it likes under it. That
selection is a read like any other, so it is answered like one: the executor
(graph.subscriptions.execution) hands every object of a type `node(id:)` serves to
`CompiledObjects`, which reads it with one compiled statement —

    query BraingainObjects($braingainObjectIds: [ID!]!, <the variables the selection uses>) {
      nodes(ids: $braingainObjectIds) { ... on ForumPost <the client's selection> }
    }
    <the fragments it spreads>

planned and rendered by the same declarations as any query (cached per document and field),
run on the request's own connection inside the mutation's transaction, before the commit:
the client reads its own write, under the same visibility rules as `node(id:)`. Objects of one
field position (every attendee of a list, every item's author) wait one loop turn for each
other (graph.compiler.object_batches) and are read by one statement, however long the list.
Python fields below them (declaration.Python) are resolved by graph.compiler.python_fields
for the rows that reach them, as for a query; their errors and the statement's error marks
come back located in the client's text. Arguments that do not bind leave the objects to strawberry's
resolvers, as before. Subscription events complete the same way, in the event's own session.
`lookup`/`complete` read one object by `node(id:)`.
"""

from collections import OrderedDict, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import orjson
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    Source,
    Undefined,
)
from strawberry.types import ExecutionResult

from db.driver import driver
from db.lean import NeedsSession
from graph.compiler import consent, failures
from graph.compiler.mapping import NODE_TYPES
from graph.compiler.operation import BoundStatement, CompiledQueries, PreparedOperation
from graph.compiler.python_fields import Span
from graph.compiler.residual import references
from graph.errors import BadUserInput
from graph.extensions.admission import Admission, ConnectionPolicy
from graph.ids import decode_id

if TYPE_CHECKING:
    from graph.context import Context

ID_VARIABLE = "braingainObjectId"
IDS_VARIABLE = "braingainObjectIds"
CHUNK = 100
"""IDs per `nodes(ids:)` statement (graph.resolvers.node.MAX_NODES)."""
MAX_LOOKUPS = 2000
"""Synthetic lookup documents kept (one per client document and field position)."""

Path = tuple[str | int, ...]


@dataclass(frozen=True, eq=False)
class Lookup:
    """The synthetic `node(id:)` or `nodes(ids:)` document for one field position of one
    client document."""

    prepared: PreparedOperation
    variables: tuple[str, ...]
    """The client's variables the selection reads (passed through as sent)."""
    spans: tuple[Span, ...] = ()
    """Where each copied piece of the client's text sits in the synthetic document."""
    many: bool = False
    """`nodes(ids:)` (a batch of objects) rather than `node(id:)`."""

    def client_position(self, position: int) -> int | None:
        """Where a position of the synthetic document was in the client's text."""
        for span in self.spans:
            if span.synthetic <= position < span.synthetic + span.length:
                return span.client + position - span.synthetic
        return None


@dataclass(frozen=True)
class Fault:
    """An error below one object of a batch: the object's index, the path below it, and the
    error located in the client's text (its path is the executor's to prefix)."""

    item: int
    below: Path
    error: GraphQLError


@dataclass
class Answer:
    """A batch's objects as the client selected them (None: not readable or nulled by an
    error) and the errors below them."""

    values: list[Any]
    faults: list[Fault] = field(default_factory=list)


class CompiledObjects:
    """Completes objects of node types through the compiled read path."""

    def __init__(self, queries: CompiledQueries) -> None:
        self.queries = queries
        self._lookups: OrderedDict[tuple[Any, ...], Lookup | None] = OrderedDict()
        self.completed = 0
        """Objects answered by SQL so far in this process (tests and metrics read it)."""
        self.statements = 0
        """Statements run for them so far in this process (tests read it)."""

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
        """The prepared `node(id:)` lookup for this field position (None: strawberry
        completes it)."""
        return self._cached(type_name, nodes, operation, fragments, source, many=False)

    def lookup_many(
        self,
        type_name: str,
        nodes: Sequence[FieldNode],
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        source: str,
    ) -> Lookup | None:
        """The prepared `nodes(ids:)` lookup reading every object of this field position in
        one statement (None: strawberry completes them)."""
        return self._cached(type_name, nodes, operation, fragments, source, many=True)

    def _cached(
        self,
        type_name: str,
        nodes: Sequence[FieldNode],
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        source: str,
        *,
        many: bool,
    ) -> Lookup | None:
        spans = tuple(_span(node) for node in nodes)
        key = (source, type_name, spans, many)
        try:
            found = self._lookups[key]
        except KeyError:
            found = self._prepare(type_name, nodes, operation, fragments, source, many)
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
        many: bool,
    ) -> Lookup | None:
        selections = [node.selection_set for node in nodes]
        if not source or any(item is None or item.loc is None for item in selections):
            return None
        variables, used = references(selections, fragments)  # type: ignore[arg-type]
        if ID_VARIABLE in variables or IDS_VARIABLE in variables:
            return None
        definitions = [
            definition
            for definition in operation.variable_definitions or ()
            if definition.variable.name.value in variables
        ]
        spans: list[Span] = []
        if many:
            text = f"query BraingainObjects(${IDS_VARIABLE}: [ID!]!"
        else:
            text = f"query BraingainObject(${ID_VARIABLE}: ID!"

        def copy(node: Any) -> None:
            nonlocal text
            start, end = node.loc.start, node.loc.end
            spans.append(Span(len(text), start, end - start))
            text += source[start:end]

        for definition in definitions:
            text += ", "
            copy(definition)
        root = f"nodes(ids: ${IDS_VARIABLE})" if many else f"node(id: ${ID_VARIABLE})"
        text += f") {{ {root} {{ "
        for selection in selections:
            text += f"... on {type_name} "
            copy(selection)
            text += " "
        text += "} }\n"
        for name in sorted(used):
            copy(fragments[name])
            text += "\n"
        prepared = self.queries.prepare(text, None)
        if prepared is None:
            return None
        return Lookup(prepared, tuple(sorted(variables)), tuple(spans), many)

    async def complete(
        self, lookup: Lookup, global_id: str, sources: Mapping[str, Any], context: "Context"
    ) -> Any:
        """The object's JSON as the client selected it, or `Undefined` for strawberry (also
        when something below it failed: strawberry then reports it)."""
        answer = await self.answer(lookup, [global_id], sources, context)
        if answer is Undefined or answer.faults:
            return Undefined
        return answer.values[0]

    async def answer(
        self,
        lookup: Lookup,
        global_ids: Sequence[str],
        sources: Mapping[str, Any],
        context: "Context",
        client: Source | None = None,
    ) -> "Answer | Any":
        """The objects' JSON as the client selected them, in order, with the errors below
        them located in `client` (the client's document), or `Undefined` for strawberry."""
        if len(global_ids) > 1 and not lookup.many:
            raise ValueError("a node(id:) lookup reads one object")
        viewer = context.viewer
        values: list[Any] = []
        faults: list[Fault] = []
        for start in range(0, len(global_ids), CHUNK):
            chunk = list(global_ids[start : start + CHUNK])
            variables: dict[str, Any] = (
                {IDS_VARIABLE: chunk} if lookup.many else {ID_VARIABLE: chunk[0]}
            )
            for name in lookup.variables:
                value = getattr(sources.get(name), "value", Undefined)
                if value is not Undefined:
                    variables[name] = value
            statement = lookup.prepared.bind(variables, viewer)
            if statement is None or statement.residual is not None:
                return Undefined
            data, errors = await self._read(statement, variables, context)
            root = "nodes" if lookup.many else "node"
            found = data.get(root) if isinstance(data, dict) else None
            values.extend(found if lookup.many and found is not None else [found] * len(chunk))
            for error in errors:
                faults.append(_fault(error, lookup, start, client))
        self.completed += len(values)
        self.statements += -(-len(global_ids) // CHUNK)
        context.compiled_objects += len(values)
        return Answer(values, faults)

    async def _read(
        self, statement: BoundStatement, variables: dict[str, Any], context: "Context"
    ) -> tuple[Any, list[GraphQLError]]:
        """Run the statement in the request's session; its data with error marks resolved and
        Python fields completed, and their errors (in the synthetic document)."""
        if statement.python is not None and context.database.is_lean:
            # Python fields read through loaders, on SQLAlchemy's session (db.lean)
            raise NeedsSession("Python fields are read on SQLAlchemy's session")
        async with context.database.session() as session:
            text = await statement.run(await driver(session, begin=False))
        if statement.consent:
            data, reads = consent.split(statement, text)
            for read, fields in reads.items():  # logged with strawberry's reads, at its end
                context.consent_reads.setdefault(read, set()).update(fields)
        else:
            data = orjson.loads(text)
        errors: list[GraphQLError] = []
        if statement.marks:
            data, errors = failures.resolve(data, statement.failures)
        if statement.python is not None and data is not None:
            execute = _executor(self.queries.schema._strawberry_schema, context)  # type: ignore[attr-defined]
            data, more = await statement.python.complete(data, variables, execute)
            errors.extend(more)
        return data, errors


def _fault(error: GraphQLError, lookup: Lookup, start: int, client: Source | None) -> Fault:
    """An error of the synthetic document as the client's: item, path below, locations."""
    path = list(error.path or ())
    if lookup.many:
        item, below = start + int(path[1]) if len(path) > 1 else start, tuple(path[2:])
    else:
        item, below = start, tuple(path[1:])
    positions = [
        mapped
        for position in error.positions or ()
        if (mapped := lookup.client_position(position)) is not None
    ]
    located = GraphQLError(
        error.message,
        source=client if positions and client is not None else None,
        positions=positions if positions and client is not None else None,
        original_error=error.original_error,
        extensions=error.extensions,
    )
    return Fault(item, below, located)


def _executor(schema: Any, context: "Context") -> Any:
    """Runs a Python fields' document through strawberry with the request's context: not
    charged again (the operation was admitted already) and its consent reads kept for the
    operation's own log (a nested log would commit the mutation's transaction early)."""

    async def execute(source: str, variables: dict[str, Any]) -> ExecutionResult:
        admission = context.admission
        reads = context.consent_reads
        if isinstance(admission, Admission):
            context.admission = replace(admission, budget=None, bucket=None, executed=False)
        elif isinstance(admission, ConnectionPolicy):
            context.admission = replace(admission, budget_store=None)
        context.consent_reads = defaultdict(set)
        try:
            result: ExecutionResult = await schema.execute(
                source, variable_values=variables, context_value=context
            )
        finally:
            nested = context.consent_reads
            context.admission = admission
            context.consent_reads = reads
            for read, fields in nested.items():
                reads.setdefault(read, set()).update(fields)
        return result

    return execute


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
