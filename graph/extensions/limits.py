"""Document limits checked before execution: size, tokens, depth, aliases and directives.

Defaults follow graphql-armor's: depth 10, aliases 15, directives 50, tokens 2,000 and
15,000 characters. Size and tokens are enforced while parsing (a document over either is
never fully parsed); depth, aliases, directives, fragment spreads and expanded selections once
the document is valid.

Every measure takes time linear in the document's size: each fragment's depth and expanded
size are computed once and reused wherever it is spread (a chain of fragments that each spread
the previous one twice expands to 2^n selections, but is measured in n steps and refused for
its expanded size).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    parse,
)
from graphql.language import ListValueNode, ObjectValueNode, ValueNode
from strawberry.extensions import SchemaExtension

from graph.errors import ErrorCode

PARSE_CACHE_SIZE = 1000
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


@dataclass(frozen=True)
class Limits:
    """Per-request maxima; a document over any of them is refused with QUERY_TOO_COMPLEX."""

    max_depth: int = 10
    max_aliases: int = 15
    max_directives: int = 50
    max_tokens: int = 2_000
    max_characters: int = 15_000
    max_cost: int = 5_000
    max_fragment_spreads: int = 200
    max_expanded_selections: int = 5_000


def too_complex(message: str, **details: Any) -> GraphQLError:
    """A QUERY_TOO_COMPLEX error naming the measured value and its limit."""
    return GraphQLError(message, extensions={"code": ErrorCode.QUERY_TOO_COMPLEX.value, **details})


def limits_of(context: Any) -> Limits:
    """The limits configured for this request (the defaults outside the HTTP endpoint)."""
    admission = getattr(context, "admission", None)
    return admission.limits if admission is not None else DEFAULT_LIMITS


DEFAULT_LIMITS = Limits()


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parse(query: str, max_tokens: int) -> DocumentNode | GraphQLError:
    try:
        return parse(query, max_lexical_tokens=max_tokens, max_comments=max_tokens)
    except GraphQLError as error:
        if "more than" in error.message and (
            "tokens" in error.message or "comments" in error.message
        ):
            return too_complex(
                f"The document has more than {max_tokens} tokens, the limit.",
                limit="tokens",
                maximum=max_tokens,
            )
        return error


MULTIPLE_OPERATIONS = "Must provide operation name if query contains multiple operations."


def ambiguous_operation(document: DocumentNode, operation_name: str | None) -> GraphQLError | None:
    """The spec's request error when no operation is named and the document holds several
    (GraphQL spec, GetOperation): which one to run is not ours to guess."""
    if operation_name is not None:
        return None
    operations = sum(
        isinstance(definition, OperationDefinitionNode) for definition in document.definitions
    )
    if operations <= 1:
        return None
    return GraphQLError(MULTIPLE_OPERATIONS, extensions={"code": ErrorCode.BAD_USER_INPUT.value})


def oversized_error(query: str, limits: Limits) -> GraphQLError | None:
    """The error for a document over the character limit; None when it is within it."""
    if len(query) <= limits.max_characters:
        return None
    return too_complex(
        f"The document has {len(query)} characters; the limit is {limits.max_characters}.",
        limit="characters",
        measured=len(query),
        maximum=limits.max_characters,
    )


def parse_within_limits(query: str, max_tokens: int) -> DocumentNode | GraphQLError:
    """The document (cached by text), or the error parsing with `max_tokens` tokens gives."""
    return _parse(query, max_tokens)


def _raises_safely(context: Any) -> bool:
    """Whether an error raised while parsing reaches the client as an error (over HTTP it
    does; over a WebSocket, whose operations carry a ConnectionPolicy, strawberry drops it)."""
    admission = getattr(context, "admission", None)
    return admission is None or type(admission).__name__ != "ConnectionPolicy"


class LimitedParser(SchemaExtension):
    """Parses with a bounded token count after checking the document's size; caches by text."""

    def on_parse(self) -> Iterator[None]:
        """Refuse oversized documents before parsing; parse (cached) with the token limit."""
        context = self.execution_context
        limits = limits_of(context.context)
        query = context.query
        if query is not None and context.graphql_document is None:
            if not _raises_safely(context.context):
                # Over a WebSocket, strawberry does not catch an error raised here: let its
                # own parse (bounded by the same token limit) report the document's error.
                parsed_or_error = _parse(query, limits.max_tokens)
                if not isinstance(parsed_or_error, GraphQLError):
                    context.graphql_document = parsed_or_error
                else:
                    context.parse_options = {
                        **context.parse_options,
                        "max_tokens": limits.max_tokens,
                    }
                yield
                return
            oversized = oversized_error(query, limits)
            if oversized is not None:
                raise oversized
            parsed = _parse(query, limits.max_tokens)
            if isinstance(parsed, GraphQLError):
                raise GraphQLError(
                    parsed.message,
                    source=parsed.source,
                    positions=parsed.positions,
                    extensions=parsed.extensions or {"code": ErrorCode.GRAPHQL_PARSE_FAILED.value},
                )
            context.graphql_document = parsed
        yield


@dataclass(frozen=True)
class DocumentShape:
    """What the limits measure in one operation: nesting depth, aliases, directives, fragment
    spreads (as written) and selections (with every fragment spread expanded)."""

    depth: int
    aliases: int
    directives: int
    has_nul: bool = False
    spreads: int = 0
    expanded: int = 0


class _Counter:
    """Counts aliases, directives and spreads and spots NUL in strings, in one walk."""

    def __init__(self) -> None:
        self.aliases = 0
        self.directives = 0
        self.spreads = 0
        self.has_nul = False

    def document(self, document: DocumentNode) -> None:
        for definition in document.definitions:
            self.directives += len(getattr(definition, "directives", None) or ())
            for variable in getattr(definition, "variable_definitions", None) or ():
                self.directives += len(variable.directives or ())
                if variable.default_value is not None:
                    self.value(variable.default_value)
            selection_set = getattr(definition, "selection_set", None)
            if selection_set is not None:
                self.selections(selection_set)

    def selections(self, selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            directives = selection.directives or ()
            self.directives += len(directives)
            for directive in directives:
                for argument in directive.arguments or ():
                    self.value(argument.value)
            if isinstance(selection, FieldNode):
                if selection.alias is not None:
                    self.aliases += 1
                for argument in selection.arguments or ():
                    self.value(argument.value)
            elif isinstance(selection, FragmentSpreadNode):
                self.spreads += 1
            if isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                self.selections(selection.selection_set)

    def value(self, node: ValueNode) -> None:
        if isinstance(node, StringValueNode):
            self.has_nul = self.has_nul or "\x00" in node.value
        elif isinstance(node, ListValueNode):
            for item in node.values:
                self.value(item)
        elif isinstance(node, ObjectValueNode):
            for field in node.fields:
                self.value(field.value)


def measure(document: DocumentNode, operation: OperationDefinitionNode) -> DocumentShape:
    """Depth and expanded size of `operation` (fragments expanded, introspection ignored);
    document-wide counts of aliases, directives and spreads."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    counter = _Counter()
    counter.document(document)
    depth, expanded = _Expansion(fragments).selections(operation.selection_set)
    return DocumentShape(
        depth=depth,
        aliases=counter.aliases,
        directives=counter.directives,
        has_nul=counter.has_nul,
        spreads=counter.spreads,
        expanded=expanded,
    )


class _Expansion:
    """Depth and number of selections of selection sets with fragments expanded, each
    fragment measured once (memoised), so the walk is linear in the document's size."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.measured: dict[str, tuple[int, int]] = {}
        self.visiting: set[str] = set()

    def selections(self, selection_set: SelectionSetNode | None) -> tuple[int, int]:
        if selection_set is None:
            return 0, 0
        deepest = 0
        count = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                count += 1
                if selection.name.value in INTROSPECTION_FIELDS:
                    continue
                depth, inner = self.selections(selection.selection_set)
                deepest = max(deepest, 1 + depth)
                count += inner
            elif isinstance(selection, InlineFragmentNode):
                depth, inner = self.selections(selection.selection_set)
                deepest = max(deepest, depth)
                count += inner
            elif isinstance(selection, FragmentSpreadNode):
                depth, inner = self.fragment(selection.name.value)
                deepest = max(deepest, depth)
                count += inner
        return deepest, count

    def fragment(self, name: str) -> tuple[int, int]:
        known = self.measured.get(name)
        if known is not None:
            return known
        fragment = self.fragments.get(name)
        if fragment is None or name in self.visiting:  # unknown or cyclic: validation says so
            return 0, 0
        self.visiting.add(name)
        measured = self.measured[name] = self.selections(fragment.selection_set)
        self.visiting.discard(name)
        return measured


def shape_errors(shape: DocumentShape, limits: Limits) -> list[GraphQLError]:
    """One QUERY_TOO_COMPLEX error per limit the document exceeds."""
    checks = (
        ("depth", shape.depth, limits.max_depth, "is nested {measured} levels deep"),
        ("aliases", shape.aliases, limits.max_aliases, "uses {measured} aliases"),
        ("directives", shape.directives, limits.max_directives, "uses {measured} directives"),
        (
            "fragmentSpreads",
            shape.spreads,
            limits.max_fragment_spreads,
            "spreads fragments {measured} times",
        ),
        (
            "expandedSelections",
            shape.expanded,
            limits.max_expanded_selections,
            "selects {measured} fields once its fragments are expanded",
        ),
    )
    return [
        too_complex(
            f"The document {phrase.format(measured=measured)}; the limit is {maximum}.",
            limit=name,
            measured=measured,
            maximum=maximum,
        )
        for name, measured, maximum, phrase in checks
        if measured > maximum
    ]


def contains_nul(value: Any) -> bool:
    """True when a variable value holds a string with U+0000 (PostgreSQL text cannot)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_nul(item) for item in value)
    return False
