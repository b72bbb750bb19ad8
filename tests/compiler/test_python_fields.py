"""Python fields below compiled objects: the rest of the operation is one statement, and the
field is resolved by strawberry for the rows that reach it, with strawberry's errors."""

from typing import Any

from db.engine import StatementCounter
from graph.auth.viewer import ANONYMOUS
from graph.compiler.python_fields import PYTHON_KEY
from tests.compiler.conftest import BothPaths, World
from tests.compiler.test_viewers import viewer
from tests.graph.test_contributions import SUMMARY

SUMMARIES = """
query ($first: Int!) {
  engineers(first: $first) {
    totalCount
    nodes {
      handle
      ...Summary
      again: contributionSummary { total { hours } }
    }
  }
}
fragment Summary on Engineer {
  contributionSummary { total { hours engagements } badges { slug } byKind { kind } }
}
"""

CHAPTER_SUMMARIES = """
query ($first: Int!) {
  chapters(first: $first) {
    nodes {
      slug
      engagementSummary { contributors byStatus { status count } }
    }
  }
}
"""

PREFERENCES_AND_MORE = """
query {
  viewer {
    isAuthenticated
    notificationPreferences { kind channel isDefault }
  }
  sectors { slug }
}
"""


async def test_a_python_field_on_one_row_reads_as_strawberry(both: BothPaths, world: World) -> None:
    # Given an engineer's contribution summary (badges from the CPD file: Python)
    handle = world.handles[1]
    # When it is read on both paths, Then the answers are identical
    answer = await both.compare_response(SUMMARY, {"handle": handle})
    assert answer["data"]["engineer"]["contributionSummary"]["total"] is not None


async def test_python_fields_in_a_list_and_a_fragment_cost_the_same_for_any_page(
    both: BothPaths, world: World
) -> None:
    # Given a page of engineers, each with its summary twice (a fragment and an alias)
    counts = []
    for first in (2, 6):
        counter = StatementCounter(both.session.bind.engine)  # type: ignore[union-attr,arg-type]
        try:
            # When both paths answer it
            answer = await both.compare_response(SUMMARIES, {"first": first})
        finally:
            counter.close()
        nodes = answer["data"]["engineers"]["nodes"]
        assert len(nodes) == first
        assert all(node["contributionSummary"]["total"] is not None for node in nodes)
        assert PYTHON_KEY not in str(answer)
        statement = both.compiled.statement(SUMMARIES, None, {"first": first}, ANONYMOUS)
        assert statement is not None
        assert statement.python is not None
        counts.append(both.last_statement_count)
    # Then the compiled path's statements do not grow with the page (one statement, then
    # the Python field for every parent at once)
    assert counts[0] == counts[1]


async def test_a_python_field_that_refuses_errs_per_row_as_strawberry(
    both: BothPaths, world: World
) -> None:
    # Given chapters whose engagement summary only their coordinators may read
    for name in ("anonymous", "fellow", "coordinator", "council-admin"):
        # When a list of chapters asks for it, Then every refusal reads as strawberry's
        # (message, code, path into the list, location in the client's text)
        answer = await both.compare_response(CHAPTER_SUMMARIES, {"first": 5}, viewer(name, world))
        nodes: list[dict[str, Any]] = answer["data"]["chapters"]["nodes"]
        refused = [node for node in nodes if node["engagementSummary"] is None]
        if name == "council-admin":
            assert not refused
        else:
            assert refused
            assert len(answer["errors"]) == len(refused)
            first = answer["errors"][0]
            assert first["locations"] == [{"line": 6, "column": 7}]
            assert first["path"][:2] == ["chapters", "nodes"]


async def test_a_coordinator_aggregate_for_many_chapters_costs_the_same_as_for_one(
    both: BothPaths, world: World
) -> None:
    # Given a council admin, who may read every chapter's engagement summary
    admin = viewer("council-admin", world)
    counts = []
    for first in (1, 4):
        # When a page of chapters asks for it
        answer = await both.compare_response(CHAPTER_SUMMARIES, {"first": first}, admin)
        assert len(answer["data"]["chapters"]["nodes"]) == first
        counts.append(both.last_statement_count)
    # Then the statements do not grow with the page (the summaries are one batched statement)
    assert counts[0] == counts[1]


async def test_a_non_null_python_field_nulls_up_to_the_nearest_nullable_place(
    both: BothPaths, world: World
) -> None:
    # Given the viewer's notification preferences (a non-null list): signed in, they read
    # beside the compiled fields
    signed_in = await both.compare_response(PREFERENCES_AND_MORE, None, viewer("self", world))
    assert signed_in["data"]["viewer"]["notificationPreferences"]
    assert signed_in["data"]["sectors"]
    # When asked anonymously (last: strawberry's null cancels the sibling's statement)
    answer = await both.compare_response(PREFERENCES_AND_MORE)
    # Then the error (UNAUTHENTICATED) nulls the whole response (`viewer` is non-null too), as
    # strawberry's does
    assert answer["data"] is None
    assert answer["errors"][0]["path"] == ["viewer", "notificationPreferences"]
