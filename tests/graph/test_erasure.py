"""Account erasure: after it, nothing personal about the engineer is readable through any
path (node, nodes, search, handle, chapter members, forum, engagements, the export, the
database's rows), while the people they worked with keep their records and the ledger its
totals, attributed to "a former member"."""

import json
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base
from db.models import (
    Account,
    AuditLogEntry,
    CalendarFeed,
    ConsentGrant,
    DataExport,
    Engagement,
    Engineer,
    LedgerEntry,
    Membership,
    RefreshToken,
)
from graph.auth.authentication import InvalidToken, engineer_viewer
from graph.auth.scopes import Scope
from graph.auth.viewer import ANONYMOUS
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from graph.services import data_export
from graph.services.erasure import FORMER_MEMBER
from tests import data_rights_world, factories, viewers
from tests.conftest import GraphQLClient
from tests.data_rights_world import EMAIL, HANDLE, NAME, PHONE, DataRightsWorld

ERASE = """
mutation ($confirmation: String!) {
  accountErase(input: {confirmation: $confirmation}) { erased userErrors { field code message } }
}
"""
EXPORT = "mutation { dataExportRequest { downloadPath userErrors { code } } }"
ERASED_ENGINEER = """
query ($id: ID!, $handle: String!) {
  node(id: $id) {
    ... on Engineer {
      id handle name headline bio photoUrl email phone city timezone languages
      disciplines offers countryCode isOverseas
      skills { level } positions { title } affiliations { role } sectors { name }
      memberships(first: 10) { totalCount }
      contributions(first: 10) { totalCount nodes { minutes counterpart { name } } }
    }
  }
  nodes(ids: [$id]) { ... on Engineer { handle name } }
  engineer(handle: $handle) { id name }
}
"""
ERASED_SEARCH = """
query ($search: String!) {
  engineers(first: 50, filter: {search: $search}) { totalCount nodes { handle name } }
  everyone: engineers(first: 100) { nodes { handle name headline bio } }
}
"""
ERASED_MEMBERS = """
query {
  chapter(slug: "gulf-uae") {
    members(first: 100) { nodes { engineer { handle name } } }
  }
}
"""
ERASED_THREAD = """
query ($thread: ID!, $own: ID!) {
  thread: node(id: $thread) {
    ... on ForumThread {
      title body author { name }
      posts(first: 20) { nodes { body author { handle name } } }
    }
  }
  own: node(id: $own) { ... on ForumThread { title body author { handle name } } }
}
"""
ERASED_ENGAGEMENT = """
query ($completed: ID!, $active: ID!) {
  completed: node(id: $completed) {
    ... on Engagement {
      status
      contributor { handle name }
      seeker { handle }
      sessions { minutes notes attendees { name } }
      feedback { rating comment author { name } subject { name } }
    }
  }
  active: node(id: $active) { ... on Engagement { status contributor { name } } }
}
"""
COUNTERPART_LEDGER = """
query ($id: ID!) {
  node(id: $id) {
    ... on Engineer {
      contributions(first: 50) { totalCount nodes { minutes counterpart { handle } } }
    }
  }
}
"""

PERSONAL = ("zarmeen", "qadri", "haroon", EMAIL, PHONE.removeprefix("+"), HANDLE)
"""Pieces of the subject's identity that must not survive anywhere."""


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> DataRightsWorld:
    """The subject with a full history (tests/data_rights_world.py)."""
    return await data_rights_world.build(session, registry)


def _clean(answer: Any) -> None:
    """Fail when anything personal appears in a GraphQL answer."""
    dumped = json.dumps(answer).lower()
    for piece in PERSONAL:
        assert piece.lower() not in dumped, (piece, answer)


async def _erase(graphql: GraphQLClient, world: DataRightsWorld) -> None:
    data = await graphql.data(ERASE, {"confirmation": HANDLE}, world.viewers["subject"])
    assert data["accountErase"] == {"erased": True, "userErrors": []}


async def _rows_mentioning(session: AsyncSession, piece: str) -> dict[str, int]:
    """Rows of every table whose text (every column) contains `piece`."""
    found: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        count = await session.scalar(
            text(f"SELECT count(*) FROM {table.name} t WHERE t::text ILIKE :pattern"),
            {"pattern": f"%{piece}%"},
        )
        if count:
            found[table.name] = int(count)
    return found


async def test_nothing_personal_remains_in_any_table_after_erasure(
    graphql: GraphQLClient, session: AsyncSession, world: DataRightsWorld
) -> None:
    # Given the subject's identity is spread over many tables (including the export)
    exported = await graphql.data(EXPORT, None, world.viewers["subject"])
    path = exported["dataExportRequest"]["downloadPath"]
    before = await _rows_mentioning(session, "zarmeen")
    assert {"engineers", "accounts", "forum_posts", "notifications", "data_exports"} <= set(before)

    # When they erase their account
    await _erase(graphql, world)

    # Then no row of any table holds their name, handle, email or phone
    for piece in PERSONAL:
        assert await _rows_mentioning(session, piece) == {}, piece
    # and the export they took is gone with its link
    assert await data_export.find_download(session, path.removeprefix("/exports/")) is None


async def test_the_erased_profile_reads_as_a_former_member_everywhere(
    graphql: GraphQLClient, session: AsyncSession, world: DataRightsWorld
) -> None:
    subject_id = encode_id("Engineer", world.subject.id)
    await _erase(graphql, world)

    for viewer in (ANONYMOUS, world.viewers["counterpart"], world.viewers["bystander"]):
        profile = await graphql.data(ERASED_ENGINEER, {"id": subject_id, "handle": HANDLE}, viewer)
        _clean(profile)
        node = profile["node"]
        assert node["name"] == FORMER_MEMBER
        assert node["handle"].startswith("former-")
        assert node["headline"] == node["bio"] == ""
        assert node["photoUrl"] is None
        assert node["email"] is None
        assert node["phone"] is None
        assert node["skills"] in ([], None)
        assert node["positions"] in ([], None)
        assert node["memberships"]["totalCount"] == 0
        # their recognised work stays on the ledger, naming the counterpart only
        assert node["contributions"]["totalCount"] == 1
        assert profile["nodes"] == [{"handle": node["handle"], "name": FORMER_MEMBER}]
        assert profile["engineer"] is None  # the old handle leads nowhere

        found = await graphql.data(ERASED_SEARCH, {"search": "Zarmeen"}, viewer)
        _clean(found)
        assert found["engineers"]["totalCount"] == 0

        members = await graphql.data(ERASED_MEMBERS, None, viewer)
        _clean(members)
        names = [edge["engineer"]["name"] for edge in members["chapter"]["members"]["nodes"]]
        assert FORMER_MEMBER not in names  # memberships are deleted, not anonymised


async def test_forum_posts_stay_in_their_threads_with_the_body_removed(
    graphql: GraphQLClient, session: AsyncSession, world: DataRightsWorld
) -> None:
    ids = {
        "thread": encode_id("ForumThread", world.thread.id),
        "own": encode_id("ForumThread", world.subject_thread.id),
    }
    await _erase(graphql, world)

    forum = await graphql.data(ERASED_THREAD, ids, world.viewers["bystander"])
    _clean(forum)
    replies = forum["thread"]["posts"]["nodes"]
    assert len(replies) == 1  # the thread keeps its shape for the people who answered
    assert replies[0]["author"]["name"] == FORMER_MEMBER
    assert "erased their account" in replies[0]["body"]
    assert forum["own"]["author"]["name"] == FORMER_MEMBER
    assert "erased their account" in forum["own"]["body"]


async def test_counterparts_keep_their_side_of_engagements_and_the_ledger_its_totals(
    graphql: GraphQLClient, session: AsyncSession, world: DataRightsWorld
) -> None:
    counterpart = world.viewers["counterpart"]
    ids = {
        "completed": encode_id("Engagement", world.completed.id),
        "active": encode_id("Engagement", world.active.id),
    }
    ledger_before = await session.scalar(select(func.sum(LedgerEntry.minutes)))
    summary = {"id": encode_id("Engineer", world.subject.id)}
    before = await graphql.data(COUNTERPART_LEDGER, summary, counterpart)

    await _erase(graphql, world)

    seen = await graphql.data(ERASED_ENGAGEMENT, ids, counterpart)
    _clean(seen)
    completed = seen["completed"]
    assert completed["status"] == "COMPLETED"
    assert completed["contributor"]["name"] == FORMER_MEMBER
    assert completed["seeker"]["handle"] == world.counterpart.handle
    assert [held["minutes"] for held in completed["sessions"]] == [90]
    ratings = {(entry["author"]["name"], entry["rating"]) for entry in completed["feedback"]}
    assert (FORMER_MEMBER, 5) in ratings  # what the counterpart wrote stays, about a former member
    assert "Generous with time." in [entry["comment"] for entry in completed["feedback"]]
    # the live engagement could not go on without them
    assert seen["active"] == {"status": "CANCELLED", "contributor": {"name": FORMER_MEMBER}}

    assert await session.scalar(select(func.sum(LedgerEntry.minutes))) == ledger_before
    after = await graphql.data(COUNTERPART_LEDGER, summary, counterpart)
    assert after == before
    assert await session.scalar(select(func.count()).select_from(Engagement)) == 2


async def test_erasure_revokes_tokens_grants_and_feeds_and_is_audited_without_personal_data(
    graphql: GraphQLClient,
    session: AsyncSession,
    registry: ChapterRegistry,
    world: DataRightsWorld,
) -> None:
    await _erase(graphql, world)

    subject_id = world.subject.id
    for model in (ConsentGrant, CalendarFeed, Membership, Account, DataExport):
        column = model.engineer_id
        count = await session.scalar(select(func.count()).where(column == subject_id))
        assert count == 0, model
    live = await session.scalar(
        select(func.count()).where(
            RefreshToken.engineer_id == subject_id, RefreshToken.revoked_at.is_(None)
        )
    )
    assert live == 0
    # any access token of theirs stops: the viewer can no longer be loaded
    with pytest.raises(InvalidToken):
        await engineer_viewer(session, subject_id, registry, frozenset(Scope))

    audit = (
        await session.scalars(select(AuditLogEntry).where(AuditLogEntry.action == "account.erase"))
    ).one()
    assert (audit.target_type, audit.target_id) == ("Engineer", subject_id)
    assert audit.before is None
    assert audit.after == {"erased": True}
    erased = await session.get(Engineer, subject_id, populate_existing=True)
    assert erased is not None
    assert erased.erased_at is not None


async def test_a_wrong_confirmation_changes_nothing(
    graphql: GraphQLClient, session: AsyncSession, world: DataRightsWorld
) -> None:
    for wrong in ("", "yes", "someone-else", "x" * 10_000):
        data = await graphql.data(ERASE, {"confirmation": wrong}, world.viewers["subject"])
        assert data["accountErase"]["erased"] is False
        errors = data["accountErase"]["userErrors"]
        assert [(e["field"], e["code"]) for e in errors] == [
            (["input", "confirmation"], "CONFIRMATION_MISMATCH")
        ]
    row = await session.get(Engineer, world.subject.id, populate_existing=True)
    assert row is not None
    assert row.name == NAME
    assert row.erased_at is None
    # the handle with an @ and in capitals still confirms
    data = await graphql.data(
        ERASE, {"confirmation": f"@{HANDLE.upper()}"}, world.viewers["subject"]
    )
    assert data["accountErase"]["erased"] is True


async def test_a_sole_coordinator_hands_the_role_on_before_erasing(
    graphql: GraphQLClient,
    session: AsyncSession,
    registry: ChapterRegistry,
    world: DataRightsWorld,
) -> None:
    europe = await factories.chapter(session, "germany-central-europe")
    await factories.membership(session, world.subject, europe, role="coordinator")
    subject = await viewers.engineer(session, registry, world.subject)

    refused = await graphql.data(ERASE, {"confirmation": HANDLE}, subject)
    errors = refused["accountErase"]["userErrors"]
    assert [e["code"] for e in errors] == ["SOLE_COORDINATOR"]
    assert "germany-central-europe" in errors[0]["message"]
    row = await session.get(Engineer, world.subject.id, populate_existing=True)
    assert row is not None
    assert row.erased_at is None

    # once another member coordinates too, the subject may go
    await factories.membership(session, world.bystander, europe, role="coordinator")
    allowed = await graphql.data(ERASE, {"confirmation": HANDLE}, subject)
    assert allowed["accountErase"] == {"erased": True, "userErrors": []}


async def test_erasing_needs_the_engineer_themself_with_profiles_write(
    graphql: GraphQLClient,
    session: AsyncSession,
    registry: ChapterRegistry,
    world: DataRightsWorld,
) -> None:
    variables = {"confirmation": HANDLE}
    anonymous = await graphql.execute(ERASE, variables, ANONYMOUS)
    assert anonymous.errors[0].extensions["code"] == "UNAUTHENTICATED"
    institution = await graphql.execute(ERASE, variables, viewers.client(1))
    assert institution.errors[0].extensions["code"] == "FORBIDDEN"
    reader = await viewers.engineer(
        session, registry, world.subject, frozenset({Scope.PROFILES_READ})
    )
    narrow = await graphql.execute(ERASE, variables, reader)
    assert narrow.errors[0].extensions["code"] == "INSUFFICIENT_SCOPE"
    # another engineer typing the subject's handle erases nobody
    other = await graphql.data(ERASE, variables, world.viewers["counterpart"])
    assert other["accountErase"]["userErrors"][0]["code"] == "CONFIRMATION_MISMATCH"
    row = await session.get(Engineer, world.subject.id, populate_existing=True)
    assert row is not None
    assert row.erased_at is None

    await _erase(graphql, world)
    # a token issued before erasure (its viewer already loaded) finds nothing left to erase
    again = await graphql.data(ERASE, variables, world.viewers["subject"])
    assert again["accountErase"]["userErrors"][0]["code"] == "ALREADY_ERASED"
