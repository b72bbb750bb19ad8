"""A mixed operation whose compiled half carries errors is answered by both halves, each once,
with the errors strawberry gives (no replay of the whole operation through strawberry)."""

import pytest

from tests.compiler.conftest import BothPaths, World
from tests.compiler.test_viewers import viewer

REFUSED_CURSOR = """
query ($handle: String!) {
  __schema { queryType { name } }
  engineer(handle: $handle) { handle chapters(first: 1, after: "W10") { totalCount } }
  sectors { slug }
}
"""

GUARDED = """
query ($handle: String!) {
  __type(name: "Engineer") { name }
  engineer(handle: $handle) { handle contributionSummary { total { hours } } }
  viewer { consentGrants(first: 2) { totalCount } }
}
"""


async def test_a_refused_argument_beside_introspection(both: BothPaths, world: World) -> None:
    # Given an operation with a malformed cursor (compiled: an error mark) and introspection
    # (strawberry's), When it runs, Then data and errors read as strawberry's
    answer = await both.compare_response(REFUSED_CURSOR, {"handle": "cmp-1"})
    assert answer["data"]["engineer"] is None
    assert answer["data"]["__schema"] == {"queryType": {"name": "Query"}}
    assert answer["data"]["sectors"]
    assert [error["path"] for error in answer["errors"]] == [["engineer", "chapters"]]


@pytest.mark.parametrize("name", ["self", "council-admin", "anonymous"])
async def test_a_guard_a_python_field_and_introspection(
    both: BothPaths, world: World, name: str
) -> None:
    # Given the viewer's consent records (a guard), a Python field and introspection
    # When anyone asks, Then the answer is strawberry's, refusals included
    answer = await both.compare_response(GUARDED, {"handle": "cmp-1"}, viewer(name, world))
    if answer["data"] is None:  # the guard refused: `viewer` is non-null
        assert answer["errors"][0]["path"] == ["viewer", "consentGrants"]
    else:
        assert answer["data"]["__type"] == {"name": "Engineer"}
        assert answer["data"]["engineer"]["contributionSummary"] is not None
