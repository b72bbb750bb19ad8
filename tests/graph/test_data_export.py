"""Data export: everything the portal holds about me as one JSON document, built at once for
a small account and by the export worker for a large one; one at a time; mine alone."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.enums import DataExportStatus
from db.models import DataExport
from graph.auth.scopes import Scope
from graph.auth.viewer import ANONYMOUS
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from graph.services import data_export
from tests import data_rights_world, viewers
from tests.conftest import GraphQLClient
from tests.data_rights_world import DataRightsWorld

EXPORT_REQUEST = """
mutation {
  dataExportRequest {
    dataExport { id status requestedAt readyAt expiresAt byteSize }
    downloadPath
    userErrors { field code message }
  }
}
"""
EXPORT_DELETE = """
mutation ($id: ID!) {
  dataExportDelete(input: {dataExport: $id}) { deletedDataExportId userErrors { field code } }
}
"""
DATA_EXPORT_NODE = """
query ($id: ID!) {
  node(id: $id) { __typename ... on DataExport { id status readyAt expiresAt byteSize } }
}
"""
DATA_EXPORT_NODES = """
query ($ids: [ID!]!) { nodes(ids: $ids) { ... on DataExport { id status } } }
"""


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> DataRightsWorld:
    """The subject with a full history (tests/data_rights_world.py)."""
    return await data_rights_world.build(session, registry)


@pytest.fixture
def background(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every account counts as large: exports wait for the worker."""
    monkeypatch.setenv("BRAINGAIN_EXPORT_INLINE_ROWS", "0")


async def _request(graphql: GraphQLClient, world: DataRightsWorld, who: str) -> Any:
    data = await graphql.data(EXPORT_REQUEST, None, world.viewers[who])
    return data["dataExportRequest"]


async def _document(session: AsyncSession, path: str) -> dict[str, Any]:
    found = await data_export.find_download(session, path.removeprefix("/exports/"))
    assert found is not None
    assert found.document is not None
    document: dict[str, Any] = json.loads(found.document)
    return document


async def _count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(DataExport)) or 0)


async def test_a_small_account_is_exported_at_once_with_everything_held_about_it(
    graphql: GraphQLClient, session: AsyncSession, world: DataRightsWorld
) -> None:
    # When the subject asks for an export
    payload = await _request(graphql, world, "subject")

    # Then it is ready at once, with a download link that expires in a week
    assert payload["userErrors"] == []
    export = payload["dataExport"]
    assert export["status"] == "READY"
    assert export["byteSize"] > 1000
    ready = datetime.fromisoformat(export["readyAt"])
    assert datetime.fromisoformat(export["expiresAt"]) - ready == timedelta(days=7)
    assert payload["downloadPath"].startswith("/exports/bgx_")

    # And the document holds every part of their history, and no secret
    document = await _document(session, payload["downloadPath"])
    assert document["format"] == "braingain-data-export/1"
    assert document["profile"]["name"] == data_rights_world.NAME
    assert document["profile"]["email"] == data_rights_world.EMAIL
    assert document["account"]["email"] == data_rights_world.EMAIL
    assert "password_hash" not in document["account"]
    assert len(document["skills"]) == 1
    assert len(document["sectors"]) == 1
    assert len(document["positions"]) == 1
    assert len(document["affiliations"]) == 1
    assert [m["chapter_id"] for m in document["memberships"]] != []
    assert {e["id"] for e in document["engagements"]} == {world.completed.id, world.active.id}
    assert len(document["engagementSessions"]) == 1
    assert len(document["ledger"]) == 1
    assert document["ledger"][0]["minutes"] == 90
    assert [p["id"] for p in document["forumPosts"]] == [world.reply.id]
    assert [t["id"] for t in document["forumThreads"]] == [world.subject_thread.id]
    assert len(document["feedback"]) == 2  # given and received
    assert len(document["applications"]) == 1
    assert len(document["consentGrants"]) == 1
    assert len(document["accessLog"]) == 1
    assert len(document["notifications"]) == 1
    assert document["eventRegistrations"] == []
    assert len(document["signInSessions"]) == 1
    assert "token_hash" not in document["signInSessions"][0]
    assert document["calendarFeed"] is not None
    assert [e["status"] for e in document["dataExports"]] == ["PENDING"]  # as it was built
    assert "search_vector" not in document["profile"]
    assert "token_hash" not in json.dumps(document)


async def test_a_large_account_is_exported_by_the_worker(
    graphql: GraphQLClient,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    world: DataRightsWorld,
    background: None,
) -> None:
    # Given an export requested for a large account: pending, its link not yet usable
    payload = await _request(graphql, world, "subject")
    assert payload["dataExport"]["status"] == "PENDING"
    assert payload["dataExport"]["readyAt"] is None
    found = await data_export.find_download(session, payload["downloadPath"][9:])
    assert found is not None
    assert found.status is DataExportStatus.PENDING
    assert found.document is None

    # When the export worker runs
    worker = data_export.ExportWorker(sessionmaker, data_export.ExportSettings(), "test-worker")
    assert await worker.run_once() is True
    assert await worker.run_once() is False  # nothing else queued

    # Then the subject reads it as READY through node, and the link gives the document
    node = await graphql.data(
        DATA_EXPORT_NODE, {"id": payload["dataExport"]["id"]}, world.viewers["subject"]
    )
    assert node["node"]["status"] == "READY"
    assert node["node"]["byteSize"] > 1000
    document = await _document(session, payload["downloadPath"])
    assert document["profile"]["handle"] == data_rights_world.HANDLE


async def test_a_second_export_while_one_is_under_way_is_refused_and_changes_nothing(
    graphql: GraphQLClient, session: AsyncSession, world: DataRightsWorld, background: None
) -> None:
    first = await _request(graphql, world, "subject")
    assert first["userErrors"] == []
    second = await _request(graphql, world, "subject")
    assert second["dataExport"] is None
    assert second["downloadPath"] is None
    assert [error["code"] for error in second["userErrors"]] == ["EXPORT_UNDER_WAY"]
    assert await _count(session) == 1
    # someone else's export is not in the way of another person's
    other = await _request(graphql, world, "counterpart")
    assert other["userErrors"] == []


async def test_a_ready_export_does_not_block_a_new_one(
    graphql: GraphQLClient, session: AsyncSession, world: DataRightsWorld
) -> None:
    first = await _request(graphql, world, "subject")
    second = await _request(graphql, world, "subject")
    assert first["dataExport"]["status"] == second["dataExport"]["status"] == "READY"
    assert first["downloadPath"] != second["downloadPath"]
    assert await _count(session) == 2


async def test_the_worker_expires_old_exports_and_drops_their_documents(
    graphql: GraphQLClient,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    world: DataRightsWorld,
) -> None:
    payload = await _request(graphql, world, "subject")
    await session.execute(
        update(DataExport).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    found = await data_export.find_download(session, payload["downloadPath"][9:])
    assert found is not None
    assert found.expired

    worker = data_export.ExportWorker(sessionmaker, data_export.ExportSettings())
    assert await worker.expire() == 1
    row = await session.scalar(select(DataExport.status))
    assert row == DataExportStatus.EXPIRED
    assert await session.scalar(select(DataExport.document)) is None


async def test_only_the_requester_reads_an_export_through_node_and_nodes(
    graphql: GraphQLClient, session: AsyncSession, world: DataRightsWorld
) -> None:
    export_id = (await _request(graphql, world, "subject"))["dataExport"]["id"]
    institution = viewers.client(1)

    # allowed: the requester
    mine = await graphql.data(DATA_EXPORT_NODE, {"id": export_id}, world.viewers["subject"])
    assert mine["node"]["__typename"] == "DataExport"
    listed = await graphql.data(DATA_EXPORT_NODES, {"ids": [export_id]}, world.viewers["subject"])
    assert listed["nodes"] == [{"id": export_id, "status": "READY"}]

    # denied: anybody else, signed in or not, engineer or institution
    for viewer in (world.viewers["counterpart"], ANONYMOUS, institution):
        theirs = await graphql.data(DATA_EXPORT_NODE, {"id": export_id}, viewer)
        assert theirs["node"] is None
        many = await graphql.data(DATA_EXPORT_NODES, {"ids": [export_id]}, viewer)
        assert many["nodes"] == [None]


async def test_requesting_an_export_needs_a_signed_in_engineer_with_profiles_write(
    graphql: GraphQLClient,
    session: AsyncSession,
    registry: ChapterRegistry,
    world: DataRightsWorld,
) -> None:
    anonymous = await graphql.execute(EXPORT_REQUEST, None, ANONYMOUS)
    assert anonymous.errors[0].extensions["code"] == "UNAUTHENTICATED"
    institution = await graphql.execute(EXPORT_REQUEST, None, viewers.client(1))
    assert institution.errors[0].extensions["code"] == "FORBIDDEN"
    reader = await viewers.engineer(
        session, registry, world.subject, frozenset({Scope.PROFILES_READ})
    )
    narrow = await graphql.execute(EXPORT_REQUEST, None, reader)
    assert narrow.errors[0].extensions["code"] == "INSUFFICIENT_SCOPE"
    assert await _count(session) == 0

    allowed = await graphql.data(EXPORT_REQUEST, None, world.viewers["subject"])
    assert allowed["dataExportRequest"]["userErrors"] == []
    assert await _count(session) == 1


async def test_deleting_an_export_takes_mine_only_and_refuses_malformed_ids(
    graphql: GraphQLClient, session: AsyncSession, world: DataRightsWorld
) -> None:
    export_id = (await _request(graphql, world, "subject"))["dataExport"]["id"]

    for bad in ("not-an-id", encode_id("Engineer", world.subject.id), encode_id("DataExport", 0)):
        refused = await graphql.data(EXPORT_DELETE, {"id": bad}, world.viewers["subject"])
        errors = refused["dataExportDelete"]["userErrors"]
        assert errors == [{"field": ["input", "dataExport"], "code": "NOT_FOUND"}], bad
    # denied: another engineer cannot delete it (and cannot tell it exists)
    denied = await graphql.data(EXPORT_DELETE, {"id": export_id}, world.viewers["counterpart"])
    assert denied["dataExportDelete"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert await _count(session) == 1

    # allowed: the requester
    allowed = await graphql.data(EXPORT_DELETE, {"id": export_id}, world.viewers["subject"])
    assert allowed["dataExportDelete"] == {"deletedDataExportId": export_id, "userErrors": []}
    assert await _count(session) == 0
