"""The residual of a mixed operation keeps every remaining node where the client wrote it, in
root fragments too; and what used to be left to strawberry for its size is compiled."""

from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, parse, validate
from sqlalchemy.ext.asyncio import AsyncSession

from graph.compiler.residual import residual_source
from graph.schema import schema
from tests import factories
from tests.compiler.conftest import BothPaths
from tests.compiler.test_equality import MIXED
from tests.conftest import GraphQLClient


def _parts(source: str) -> tuple[OperationDefinitionNode, dict[str, FragmentDefinitionNode]]:
    """The document's operation and its fragments by name."""
    document = parse(source)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return operation, fragments


def test_residual_blanks_compiled_fields_and_what_only_they_use() -> None:
    operation, fragments = _parts(MIXED)

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


ROOT_FRAGMENTS = """
query Roots($first: Int!) {
  ...Lists
  ... on Query { again: _service { __typename } viewer { isAuthenticated } }
}
fragment Lists on Query {
  chapters(first: $first) { totalCount }
  service: _service { __typename }
}
"""


def test_root_fragments_keep_their_residual_fields_and_lose_the_compiled_ones() -> None:
    # Given root fields inside a named fragment and an inline fragment on Query
    operation, fragments = _parts(ROOT_FRAGMENTS)

    # When the compiled ones (chapters, viewer) are cut out
    residual = residual_source(ROOT_FRAGMENTS, operation, fragments, {"chapters", "viewer"})

    # Then what is left is valid, keeps every position, and holds only the residual fields
    assert len(residual) == len(ROOT_FRAGMENTS)
    assert validate(schema._schema, parse(residual)) == []
    assert "chapters" not in residual
    assert "viewer" not in residual
    assert "$first" not in residual  # its only use was compiled
    assert residual.index("service: _service") == ROOT_FRAGMENTS.index("service: _service")


def test_a_root_fragment_left_empty_goes_with_its_spreads() -> None:
    source = (
        "query { ...Only sectors { slug } }"
        " fragment Only on Query { chapters(first: 1) { totalCount } }"
    )
    operation, fragments = _parts(source)

    residual = residual_source(source, operation, fragments, {"chapters"})

    assert validate(schema._schema, parse(residual)) == []
    assert "Only" not in residual
    assert "sectors { slug }" in residual


async def test_root_fragments_beside_strawberrys_roots_are_answered_mixed(
    graphql: GraphQLClient,
) -> None:
    # When a client spreads root fragments that mix compiled roots and federation's SDL
    before = graphql.compiled_answers
    data = await graphql.data(ROOT_FRAGMENTS, {"first": 2})

    # Then the compiled path answered (mixed), in the client's field order
    assert graphql.compiled_answers == before + 1
    assert list(data) == ["chapters", "service", "again", "viewer"]
    assert data["service"] == data["again"] == {"__typename": "_Service"}
    assert data["viewer"] == {"isAuthenticated": False}
    assert isinstance(data["chapters"]["totalCount"], int)


async def test_wide_objects_long_keys_and_many_roots_are_compiled(
    both: BothPaths, session: AsyncSession
) -> None:
    # Given an engineer, and documents past json_build_object's 100 arguments: 60 aliases of
    # one field, a 70-character alias, and 60 root fields (beyond the default alias limit,
    # which deployments may raise: the statement alone is run here)
    await factories.engineer(session, handle="wide-one", name="Wide One")
    aliases = " ".join(f"f{index}: handle" for index in range(60))
    long_key = "k" * 70
    wide = f'{{ engineer(handle: "wide-one") {{ {aliases} {long_key}: name }} }}'
    roots = " ".join(f'r{index}: engineer(handle: "wide-one") {{ name }}' for index in range(60))

    # When they run
    object_answer = await both.compiled_response(wide)
    root_answer = await both.compiled_response(f"{{ {roots} }}")

    # Then both were compiled whole, every key in order
    assert object_answer is not None
    assert root_answer is not None
    engineer = object_answer["data"]["engineer"]
    assert list(engineer) == [*(f"f{index}" for index in range(60)), long_key]
    assert set(engineer.values()) == {"wide-one", "Wide One"}
    assert list(root_answer["data"]) == [f"r{index}" for index in range(60)]
    assert all(value == {"name": "Wide One"} for value in root_answer["data"].values())
