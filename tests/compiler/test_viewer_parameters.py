"""Viewers who differ only in which chapters they hold roles in share one statement text.

The chapters a role grants a scope in (and those sharing a profile field with members) are
one array parameter each (db.queries.viewer_ids), so the statement is rendered and prepared
once per shape of viewer, and each viewer still gets its own answer.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import MembershipStatus
from db.models import Engineer, Membership
from graph.auth.authentication import engineer_viewer
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import visibility
from graph.compiler.operation import CompiledQueries
from graph.schema import schema
from tests import factories
from tests.compiler.conftest import BothPaths
from tests.conftest import GraphQLClient

PENDING = """
query Pending($a: String!, $b: String!) {
  a: chapter(slug: $a) {
    members(first: 10, statuses: [PENDING]) { totalCount nodes { engineer { handle email } } }
  }
  b: chapter(slug: $b) {
    members(first: 10, statuses: [PENDING]) { totalCount nodes { engineer { handle email } } }
  }
}
"""
CHAPTERS = {"a": "gulf-uae", "b": "uk-ireland"}
"""gulf-uae shows `email` to fellow members (its member_visible_fields); uk-ireland does not."""

MEMBERS = """
query Members($slug: String!) {
  chapter(slug: $slug) { members(first: 10) { nodes { engineer { handle email } } } }
}
"""


@pytest.fixture(autouse=True)
def fresh_rules() -> Iterator[None]:
    """Rendered rules are cached per viewer shape: forget them around each test."""
    visibility.clear_cache()
    yield
    visibility.clear_cache()


@pytest.fixture
def both(graphql: GraphQLClient, session: AsyncSession) -> BothPaths:
    """Plans of their own, so the statements counted are this test's."""
    return BothPaths(graphql, session, CompiledQueries(schema._schema, registry=graphql.registry))


async def _engineer_in(
    session: AsyncSession, slug: str, handle: str, **membership: Any
) -> Engineer:
    engineer = await factories.engineer(
        session, handle=handle, email=f"{handle}@example.com", field_visibility={"email": "CHAPTER"}
    )
    await factories.membership(
        session, engineer, await factories.chapter(session, slug), **membership
    )
    return engineer


async def _viewer(session: AsyncSession, registry: ChapterRegistry, engineer: Engineer) -> Viewer:
    """The engineer's Viewer as sign-in builds it: roles from the chapters' configs."""
    await session.flush()
    return await engineer_viewer(session, engineer.id, registry, frozenset(Scope))


async def _coordinators_with_applicants(
    session: AsyncSession, registry: ChapterRegistry
) -> tuple[Viewer, Viewer]:
    """A coordinator and a pending applicant in each of CHAPTERS: the coordinators' Viewers."""
    coordinator_a = await _engineer_in(session, CHAPTERS["a"], "coord-a", role="coordinator")
    coordinator_b = await _engineer_in(session, CHAPTERS["b"], "coord-b", role="coordinator")
    await _engineer_in(session, CHAPTERS["a"], "pending-a", status=MembershipStatus.PENDING)
    await _engineer_in(session, CHAPTERS["b"], "pending-b", status=MembershipStatus.PENDING)
    return (
        await _viewer(session, registry, coordinator_a),
        await _viewer(session, registry, coordinator_b),
    )


def _emails(data: Any) -> dict[str, str | None]:
    nodes = data["chapter"]["members"]["nodes"]
    return {node["engineer"]["handle"]: node["engineer"]["email"] for node in nodes}


def _statements(both: BothPaths, document: str) -> int:
    """Statements the plan of `document` holds (one per argument shape and viewer shape)."""
    prepared = both.compiled.prepare(document, None)
    assert prepared is not None
    return sum(len(planned.statements) for planned in prepared.plans.values() if planned)


def _texts(both: BothPaths, document: str, variables: dict[str, Any], *viewers: Viewer) -> set[str]:
    texts = set()
    for viewer in viewers:
        bound = both.compiled.statement(document, None, variables, viewer)
        assert bound is not None
        texts.add(bound.sql)
    return texts


async def test_coordinators_of_two_chapters_share_one_statement_and_see_their_own_pending(
    session: AsyncSession, both: BothPaths, graphql: GraphQLClient
) -> None:
    # Given a coordinator and a pending applicant in each of two chapters
    viewer_a, viewer_b = await _coordinators_with_applicants(session, graphql.registry)

    # When each coordinator lists both chapters' pending members
    seen_a = await both.compare(PENDING, CHAPTERS, viewer_a)
    seen_b = await both.compare(PENDING, CHAPTERS, viewer_b)

    # Then each sees their own chapter's applicant (and, as coordinator, the email the
    # applicant shows to the chapter), and nothing of the other chapter
    applicant_a = {"handle": "pending-a", "email": "pending-a@example.com"}
    applicant_b = {"handle": "pending-b", "email": "pending-b@example.com"}
    none: dict[str, Any] = {"totalCount": 0, "nodes": []}
    assert seen_a["a"]["members"] == {"totalCount": 1, "nodes": [{"engineer": applicant_a}]}
    assert seen_a["b"]["members"] == none
    assert seen_b["a"]["members"] == none
    assert seen_b["b"]["members"] == {"totalCount": 1, "nodes": [{"engineer": applicant_b}]}
    # from one statement text, rendered once and prepared once
    assert len(_texts(both, PENDING, CHAPTERS, viewer_a, viewer_b)) == 1
    assert _statements(both, PENDING) == 1


async def test_members_of_two_chapters_share_one_statement_and_each_chapters_sharing(
    session: AsyncSession, both: BothPaths, graphql: GraphQLClient
) -> None:
    # Given a member and a fellow member in gulf-uae (which shows email to members) and in
    # uk-ireland (which does not), each fellow showing their email to the chapter
    member_a = await _engineer_in(session, CHAPTERS["a"], "member-a")
    member_b = await _engineer_in(session, CHAPTERS["b"], "member-b")
    await _engineer_in(session, CHAPTERS["a"], "fellow-a")
    await _engineer_in(session, CHAPTERS["b"], "fellow-b")
    viewer_a = await _viewer(session, graphql.registry, member_a)
    viewer_b = await _viewer(session, graphql.registry, member_b)

    # When each member lists their own chapter
    seen_a = await both.compare(MEMBERS, {"slug": CHAPTERS["a"]}, viewer_a)
    seen_b = await both.compare(MEMBERS, {"slug": CHAPTERS["b"]}, viewer_b)

    # Then the gulf-uae member reads the fellow's email, the uk-ireland member does not
    emails_a, emails_b = _emails(seen_a), _emails(seen_b)
    assert emails_a["fellow-a"] == "fellow-a@example.com"
    assert emails_b["fellow-b"] is None
    # and both statements are one text
    texts = _texts(both, MEMBERS, {"slug": CHAPTERS["a"]}, viewer_a, viewer_b)
    assert len(texts) == 1
    assert _statements(both, MEMBERS) == 1


async def test_a_rule_inlining_chapter_ids_gets_a_statement_per_viewer(
    session: AsyncSession,
    both: BothPaths,
    graphql: GraphQLClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a rule that writes the coordinator's chapter ids into the SQL as plain values
    def inlined(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
        managing = tuple(viewer.chapters_with_scope(Scope.MEMBERS_READ))
        if not managing:
            return Membership.status == "ACTIVE"
        return Membership.chapter_id.in_(managing)

    monkeypatch.setitem(visibility.RULES, "membership", visibility.Rule(Membership, inlined))
    viewer_a, viewer_b = await _coordinators_with_applicants(session, graphql.registry)

    # When each coordinator lists both chapters' pending members
    seen_a = await both.compiled_data(PENDING, CHAPTERS, viewer_a)
    seen_b = await both.compiled_data(PENDING, CHAPTERS, viewer_b)

    # Then each still reads only their own chapter: the rule is rendered per viewer
    assert seen_a is not None
    assert seen_b is not None
    assert (seen_a["a"]["members"]["totalCount"], seen_a["b"]["members"]["totalCount"]) == (1, 0)
    assert (seen_b["a"]["members"]["totalCount"], seen_b["b"]["members"]["totalCount"]) == (0, 1)
    assert len(_texts(both, PENDING, CHAPTERS, viewer_a, viewer_b)) == 2


ENGINEERS = """
query { engineers(first: 5) { nodes { handle email phone } } }
"""


def test_clients_of_two_institutions_share_one_statement_with_their_own_ids(
    both: BothPaths,
) -> None:
    # Given the clients of two institutions, each reading profiles under its own consent grants
    scopes = frozenset({Scope.PROFILES_READ})
    first = Viewer(client_id="uni-one", institution_id=101, scopes=scopes)
    second = Viewer(client_id="uni-two", institution_id=202, scopes=scopes)

    # When each binds the same read
    bound = [both.compiled.statement(ENGINEERS, None, None, viewer) for viewer in (first, second)]

    # Then the text is one, and each statement carries its own institution as a parameter
    assert bound[0] is not None
    assert bound[1] is not None
    assert bound[0].sql == bound[1].sql
    assert "101" not in bound[0].sql
    assert 101 in bound[0].params
    assert 202 in bound[1].params
    assert _statements(both, ENGINEERS) == 1
