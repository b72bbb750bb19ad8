"""Authorization inside the plan: row predicates and column masks, denied and allowed."""

from collections.abc import Iterator

import pytest
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Engineer, Membership
from graph.auth.scopes import Scope
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import visibility
from graph.compiler.mapping import TYPES, Column
from graph.compiler.operation import CompiledQueries
from graph.schema import schema
from tests import factories
from tests.compiler.conftest import BothPaths
from tests.conftest import GraphQLClient

MEMBERS = """
query ($handle: String!) {
  chapter(slug: "gulf-uae") { members(first: 10) { totalCount nodes { status } } }
  engineer(handle: $handle) {
    memberships(first: 10) { totalCount nodes { status } }
    chapters(first: 10) { totalCount nodes { slug } }
    pecRegistrationNumber
  }
}
"""
COORDINATOR = Viewer(engineer_id=1, scopes=frozenset({Scope.MEMBERS_READ}))


@pytest.fixture(autouse=True)
def fresh_rules() -> Iterator[None]:
    """Rendered predicates are cached per viewer: forget them around each test."""
    visibility.clear_cache()
    yield
    visibility.clear_cache()


async def _member_in_every_status(session: AsyncSession) -> Engineer:
    gulf = await factories.chapter(session, "gulf-uae")
    for slug in ("uk-ireland", "saudi-arabia"):
        await factories.chapter(session, slug)
    engineer = await factories.engineer(session, handle="vis-1", pec_registration_number="PEC-9")
    await factories.membership(session, engineer, gulf)
    await factories.membership(
        session, engineer, await factories.chapter(session, "uk-ireland"), status="PENDING"
    )
    await factories.membership(
        session, engineer, await factories.chapter(session, "saudi-arabia"), status="SUSPENDED"
    )
    for status in ("PENDING", "SUSPENDED"):
        await factories.membership(session, await factories.engineer(session), gulf, status=status)
    return engineer


@pytest.fixture
def both(graphql: GraphQLClient, session: AsyncSession) -> BothPaths:
    """Plans of their own: these tests change declarations and rules, which the shared plans
    of the other tests must not see (nor these tests the plans made before the change)."""
    return BothPaths(graphql, session, CompiledQueries(schema._schema, registry=graphql.registry))


async def test_anonymous_sees_only_active_memberships_in_every_connection(
    session: AsyncSession, both: BothPaths
) -> None:
    await _member_in_every_status(session)

    data = await both.compare(MEMBERS, {"handle": "vis-1"})

    engineer = data["engineer"]
    assert engineer["memberships"] == {"totalCount": 1, "nodes": [{"status": "ACTIVE"}]}
    assert engineer["chapters"] == {"totalCount": 1, "nodes": [{"slug": "gulf-uae"}]}
    assert {node["status"] for node in data["chapter"]["members"]["nodes"]} == {"ACTIVE"}


async def test_a_viewer_dependent_rule_compiles_into_the_statement(
    session: AsyncSession, both: BothPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a rule letting coordinators (members:read) see every membership status
    def statuses(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
        if Scope.MEMBERS_READ in viewer.scopes:
            return Membership.status.in_(("ACTIVE", "PENDING", "SUSPENDED"))
        return Membership.status == "ACTIVE"

    monkeypatch.setitem(visibility.RULES, "membership", visibility.Rule(Membership, statuses))
    await _member_in_every_status(session)

    # When an anonymous viewer and a coordinator run the same document
    denied = await both.compiled_data(MEMBERS, {"handle": "vis-1"}, ANONYMOUS)
    allowed = await both.compiled_data(MEMBERS, {"handle": "vis-1"}, COORDINATOR)

    # Then each gets the rows the rule allows, from separately rendered statements
    assert denied is not None
    assert allowed is not None
    assert denied["engineer"]["memberships"]["totalCount"] == 1
    assert allowed["engineer"]["memberships"]["totalCount"] == 3
    assert allowed["engineer"]["chapters"]["totalCount"] == 1  # chapters: active ones only
    allowed_statuses = {node["status"] for node in allowed["chapter"]["members"]["nodes"]}
    assert allowed_statuses == {"ACTIVE", "PENDING", "SUSPENDED"}
    assert both.last_statement_count == 1


async def test_a_column_mask_nulls_the_field_unless_the_rule_holds(
    session: AsyncSession, both: BothPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the registration number visible to its owner only
    monkeypatch.setitem(
        visibility.RULES,
        "self",
        visibility.Rule(Engineer, lambda viewer, _: Engineer.id == (viewer.engineer_id or 0)),
    )
    monkeypatch.setitem(
        TYPES["Engineer"].fields,
        "pecRegistrationNumber",
        Column("{t}.pec_registration_number", visible_if="self"),
    )
    engineer = await _member_in_every_status(session)

    denied = await both.compiled_data(MEMBERS, {"handle": "vis-1"}, ANONYMOUS)
    allowed = await both.compiled_data(
        MEMBERS, {"handle": "vis-1"}, Viewer(engineer_id=engineer.id)
    )

    assert denied is not None
    assert allowed is not None
    assert denied["engineer"]["pecRegistrationNumber"] is None
    assert allowed["engineer"]["pecRegistrationNumber"] == "PEC-9"


def test_the_viewer_id_is_a_parameter_unless_a_rule_computes_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A rule comparing a column with the viewer's id renders once, with a marker for the id
    shared = visibility.render(
        "field:email", Viewer(engineer_id=7, scopes=frozenset({Scope.PROFILES_READ})), "e"
    )
    assert visibility.ENGINEER_MARKER in shared
    assert " 7" not in shared

    # A rule that does arithmetic on the id cannot share its text: it is rendered per viewer
    def neighbour(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
        return Engineer.id == (viewer.engineer_id or 0) + 1

    monkeypatch.setitem(visibility.RULES, "neighbour", visibility.Rule(Engineer, neighbour))
    texts = [
        visibility.render("neighbour", Viewer(engineer_id=key, scopes=frozenset()), "e")
        for key in (41, 99)
    ]
    assert texts == ["(e.id = 42)", "(e.id = 100)"]
    assert visibility.renders_per_viewer(
        "neighbour", Viewer(engineer_id=41), visibility.NO_CHAPTERS
    )
