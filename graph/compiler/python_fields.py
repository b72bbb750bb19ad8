"""Python fields below compiled objects, resolved by strawberry for the rows that reach them.

A few fields are not SQL (declaration.Python: figures from configuration files, the matching
statement's ranked lists, preferences merged with defaults). They no longer send their whole
root field to strawberry: the statement answers everything else and writes, in each Python
field's place, a marker under a key no response key can take — `{"@python-<nonce>": [index,
parent ID]}`. After it runs, `PythonFields.complete` collects the markers (only the rows that
reached them: masked, refused or hidden rows have none) and resolves the fields in one
strawberry execution per 100 parents of a field (`nodes(ids:)`'s limit) of a small document
made of the client's own text:

    query BraingainPython($braingainPython0: [ID!]!, <the client's variables it uses>) {
      p0: nodes(ids: $braingainPython0) { ... on Engineer { <the client's field, verbatim> } }
      p1: viewer { <the client's field, verbatim> }
    }
    <the client's fragments it spreads>

Each value goes back into its marker's place. Errors keep strawberry's message and extensions;
their paths are rewritten to the client's (the marker's path, then the rest below the field)
and their locations point at the client's text (every copied span keeps its offset mapping).
A non-null Python field that fails nulls the nearest nullable position above it in the client's
response, as graphql-core propagates (PythonPlan.depth). Objects of node types below a Python
field (a match's engineer) are not left to strawberry's resolvers: the executor reads them
through graph.compiler.objects, one statement per field position.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    Source,
)
from strawberry.types import ExecutionResult

from graph.compiler import sqltext
from graph.compiler.failures import NONCE
from graph.compiler.plan import PythonPlan
from graph.compiler.residual import references

PYTHON_KEY = f"@python-{NONCE}"
CHUNK = 100
"""Parents per `nodes(ids:)` (graph.resolvers.node.MAX_NODES)."""
VARIABLE = "braingainPython"
OPERATION = "BraingainPython"
"""The documents' operation name (the executor compiles the objects below their fields)."""

Path = tuple[str | int, ...]
Execute = Callable[[str, dict[str, Any]], Awaitable[ExecutionResult]]
"""Runs a document through strawberry with the request's context and the given variables."""


def marker(index: int, parent_id_sql: str) -> str:
    """The SQL of a Python field's marker: its plan's index and the parent's global ID."""
    return (
        f"json_build_object({sqltext.quote_literal(PYTHON_KEY)},"
        f" json_build_array({index}, {parent_id_sql}))"
    )


@dataclass(frozen=True)
class Span:
    """Text copied from the client's document: where it starts in each, and its length."""

    synthetic: int
    client: int
    length: int


@dataclass(frozen=True)
class Document:
    """The synthetic document resolving some of an operation's Python fields."""

    text: str
    spans: tuple[Span, ...]
    source: Source = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", Source(self.text))

    def client_position(self, position: int) -> int | None:
        """Where a position of this document was in the client's text (None: not copied)."""
        for span in self.spans:
            if span.synthetic <= position < span.synthetic + span.length:
                return span.client + position - span.synthetic
        return None


class PythonFields:
    """The Python fields of one plan and the documents that resolve them (built once)."""

    def __init__(
        self,
        plans: Sequence[PythonPlan],
        source: str,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
    ) -> None:
        self.plans = tuple(plans)
        self.client = Source(source)
        self.source = source
        self.operation = operation
        self.fragments = fragments
        self._documents: dict[tuple[int, ...], Document] = {}

    def document(self, indexes: tuple[int, ...]) -> Document:
        """The document resolving the Python fields `indexes` (cached)."""
        found = self._documents.get(indexes)
        if found is None:
            found = self._documents[indexes] = self._build(indexes)
        return found

    def _build(self, indexes: tuple[int, ...]) -> Document:
        plans = [self.plans[index] for index in indexes]
        nodes: list[FieldNode] = [node for plan in plans for node in plan.nodes]
        variables, used = references(nodes, self.fragments)
        spans: list[Span] = []
        text = ""

        def copy(node: Any) -> None:
            nonlocal text
            start, end = node.loc.start, node.loc.end
            spans.append(Span(len(text), start, end - start))
            text += self.source[start:end]

        definitions: list[Any] = [
            definition
            for definition in self.operation.variable_definitions or ()
            if definition.variable.name.value in variables
        ]
        own = [f"${VARIABLE}{plan.index}: [ID!]!" for plan in plans if plan.root_field is None]
        text = f"query {OPERATION}"
        if own or definitions:
            text += "(" + ", ".join(own)
            for position, definition in enumerate(definitions):
                text += ", " if own or position else ""
                copy(definition)
            text += ")"
        text += " {\n"
        for plan in plans:
            if plan.root_field is None:
                text += (
                    f"p{plan.index}: nodes(ids: ${VARIABLE}{plan.index})"
                    f" {{ ... on {plan.type_name} {{ "
                )
                closing = " } }\n"
            else:
                text += f"p{plan.index}: {plan.root_field} {{ "
                closing = " }\n"
            for node in plan.nodes:
                copy(node)
                text += " "
            text += closing
        text += "}\n"
        for name in sorted(used):
            copy(self.fragments[name])
            text += "\n"
        return Document(text, tuple(spans))

    async def complete(
        self, data: Any, variables: Mapping[str, Any] | None, execute: Execute
    ) -> tuple[Any, list[GraphQLError]]:
        """`data` with every Python field resolved; their errors, in response order."""
        found: dict[int, list[tuple[Path, Any]]] = {}

        def walk(value: Any, path: Path) -> None:
            if isinstance(value, dict):
                marked = value.get(PYTHON_KEY)
                if marked is not None and len(value) == 1:
                    found.setdefault(marked[0], []).append((path, marked[1]))
                    return
                for key, item in value.items():
                    if isinstance(item, dict | list):
                        walk(item, (*path, key))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict | list):
                        walk(item, (*path, index))

        walk(data, ())
        if not found:
            return data, []
        sent = dict(variables or {})
        errors: list[GraphQLError] = []
        targets: list[Path] = []
        rounds = max(-(-len(markers) // CHUNK) for markers in found.values())
        for round_ in range(rounds):
            batch = {
                index: markers[round_ * CHUNK : (round_ + 1) * CHUNK]
                for index, markers in sorted(found.items())
                if markers[round_ * CHUNK : (round_ + 1) * CHUNK]
            }
            indexes = tuple(batch)
            document = self.document(indexes)
            values = {**sent}
            for index in indexes:
                if self.plans[index].root_field is None:
                    values[f"{VARIABLE}{index}"] = [parent for _, parent in batch[index]]
            result = await execute(document.text, values)
            for error in result.errors or ():
                errors.append(self._error(error, document, batch))
            answered = result.data or {}
            for index, markers in batch.items():
                plan = self.plans[index]
                value = answered.get(f"p{index}")
                for position, (path, _) in enumerate(markers):
                    item = value[position] if plan.root_field is None and value else value
                    if item is None:
                        targets.append(path[: max(len(path) - plan.depth, 0)])
                    else:
                        data = _put(data, path, item[plan.key])
        for target in sorted(targets, key=len):
            if not target:
                return None, errors
            data = _put(data, target, None, missing_ok=True)
        return data, errors

    def _error(
        self,
        error: GraphQLError,
        document: Document,
        batch: Mapping[int, Sequence[tuple[Path, Any]]],
    ) -> GraphQLError:
        """The error as the client's operation would carry it: its path and locations."""
        path = list(error.path or ())
        if not path or not isinstance(path[0], str) or not path[0].startswith("p"):
            raise RuntimeError(f"unexpected error resolving Python fields: {error.message}")
        index = int(path[0][1:])
        plan = self.plans[index]
        if plan.root_field is None:
            marker_path, rest = batch[index][int(path[1])][0], path[3:]
        else:
            marker_path, rest = batch[index][0][0], path[2:]
        positions = []
        for position in error.positions or ():  # the nodes' starts, or given positions
            mapped = document.client_position(position)
            positions.append(mapped if mapped is not None else _start(plan.nodes[0]))
        return GraphQLError(
            error.message,
            source=self.client if positions else None,
            positions=positions or None,
            path=[*marker_path, *rest],
            original_error=error.original_error,
            extensions=error.extensions,
        )


def _start(node: FieldNode) -> int:
    assert node.loc is not None
    return node.loc.start


def _put(data: Any, path: Path, value: Any, *, missing_ok: bool = False) -> Any:
    """Set `value` at `path` in `data` (nothing when an ancestor is null already)."""
    if not path:
        return value
    parent = data
    for step in path[:-1]:
        parent = parent[step]
        if parent is None:
            if missing_ok:
                return data
            raise KeyError(path)
    parent[path[-1]] = value
    return data
