"""The residual of a mixed operation keeps every remaining node where the client wrote it."""

from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, parse, validate

from graph.compiler.residual import residual_source
from graph.schema import schema
from tests.compiler.test_equality import MIXED


def test_residual_blanks_compiled_fields_and_what_only_they_use() -> None:
    document = parse(MIXED)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }

    residual = residual_source(MIXED, operation, fragments, {"engineer", "sectors"})

    assert len(residual) == len(MIXED)
    assert residual.count("\n") == MIXED.count("\n")
    assert "Who" not in residual
    assert "$handle" not in residual
    kept = parse(residual)
    assert validate(schema._schema, kept) == []
    original_viewer = operation.selection_set.selections[0]
    kept_operation = kept.definitions[0]
    assert isinstance(kept_operation, OperationDefinitionNode)
    kept_viewer = kept_operation.selection_set.selections[0]
    assert isinstance(original_viewer, FieldNode)
    assert isinstance(kept_viewer, FieldNode)
    assert kept_viewer.loc is not None
    assert original_viewer.loc is not None
    assert kept_viewer.loc.start == original_viewer.loc.start
    keys = [
        selection.alias.value if selection.alias else selection.name.value
        for selection in kept_operation.selection_set.selections
        if isinstance(selection, FieldNode)
    ]
    assert keys == ["viewer", "again"]
