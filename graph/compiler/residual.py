"""The residual of a mixed operation: its source with the compiled root fields blanked out.

Blanking (spaces, newlines kept) instead of printing a new document keeps every line and
column where it was, so errors strawberry reports on the residual point at the client's text.
Variables and fragments only the compiled fields used are blanked too (an unused one would
fail validation); variables the client sent for them are simply ignored.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    visit,
)


def residual_source(
    source: str,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    compiled_keys: Iterable[str],
    document: DocumentNode | None = None,
) -> str:
    """`source` keeping only the root fields whose response key is not in `compiled_keys`.

    Root fields may sit in inline fragments and fragment spreads on the root type: the
    compiled ones are blanked where they are, and a fragment left with nothing (with its
    spreads) goes too. Other operations of the document are blanked (the residual runs the
    client's operation by name)."""
    compiled = set(compiled_keys)
    blank: list[tuple[int, int]] = []
    kept: list[Node] = []
    """The residual's root fields, and the directives of the fragments holding them."""
    holds: dict[str, bool] = {}
    """Root fragments by name: whether any residual root field stays in them."""

    def keep(selection_set: SelectionSetNode) -> bool:
        found = False
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                stays = key not in compiled
            elif isinstance(selection, InlineFragmentNode):
                stays = keep(selection.selection_set)
            else:
                assert isinstance(selection, FragmentSpreadNode)
                name = selection.name.value
                if name not in holds:
                    holds[name] = False  # validation forbids cycles; this only stops one
                    holds[name] = keep(fragments[name].selection_set)
                stays = holds[name]
            if stays:  # a field whole; a fragment's directives (its fields count on their own)
                kept.extend(
                    [selection] if isinstance(selection, FieldNode) else selection.directives or ()
                )
                found = True
            else:
                blank.append(_span(selection))
        return found

    keep(operation.selection_set)
    variables, used_fragments = references(kept, fragments)
    used_fragments.update(name for name, stays in holds.items() if stays)
    for name, fragment in fragments.items():
        if name not in used_fragments:
            blank.append(_span(fragment))
    for definition in document.definitions if document is not None else ():
        if isinstance(definition, OperationDefinitionNode) and definition is not operation:
            blank.append(_span(definition))
    definitions = operation.variable_definitions or ()
    unused = [item for item in definitions if item.variable.name.value not in variables]
    if definitions and len(unused) == len(definitions):
        opening = source.rfind("(", 0, _span(definitions[0])[0])
        closing = source.find(")", _span(definitions[-1])[1])
        blank.append((opening, closing + 1))
    else:
        blank.extend(_span(item) for item in unused)
    characters = list(source)
    for start, end in blank:
        for index in range(start, end):
            if characters[index] not in "\r\n":
                characters[index] = " "
    return "".join(characters)


def _span(node: Node) -> tuple[int, int]:
    assert node.loc is not None
    return node.loc.start, node.loc.end


def references(
    nodes: Sequence[Node], fragments: Mapping[str, FragmentDefinitionNode]
) -> tuple[set[str], set[str]]:
    """Variables and fragments `nodes` use, following fragment spreads transitively."""
    variables: set[str] = set()
    used: set[str] = set()
    pending = list(nodes)

    class Finder(Visitor):
        def enter_variable(self, node: VariableNode, *_: Any) -> None:
            variables.add(node.name.value)

        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
            name = node.name.value
            if name not in used and name in fragments:
                used.add(name)
                pending.append(fragments[name])

    while pending:
        visit(pending.pop(), Finder())
    return variables, used
