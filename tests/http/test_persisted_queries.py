"""Automatic persisted queries (Apollo's protocol): miss, register, hit — on both paths."""

import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from graph.compiler.settings import CompilerSettings
from graph.extensions.trusted_documents import document_hash
from graph.http.settings import HardeningSettings
from tests.http.conftest import ClientFactory

CHAPTERS = "query Chapters { chapters(first: 2) { nodes { slug } } }"


def unique_query() -> str:
    """A query no earlier test (nor a previous run on a kept database) registered."""
    return f"query Probe_{uuid.uuid4().hex} {{ chapters(first: 1) {{ totalCount }} }}"


def persisted(query: str) -> dict[str, Any]:
    """Apollo's extension for `query`."""
    return {"persistedQuery": {"version": 1, "sha256Hash": document_hash(query)}}


async def test_an_unknown_hash_answers_persisted_query_not_found(
    make_client: ClientFactory,
) -> None:
    # Given a hash nobody registered
    client = await make_client()
    query = unique_query()

    # When a client sends only the hash (over POST, and over GET as useGETForHashedQueries does)
    posted = await client.post("/graphql", json={"extensions": persisted(query)})
    fetched = await client.get(
        "/graphql", params={"extensions": orjson.dumps(persisted(query)).decode()}
    )

    # Then it is told to send the query, in the words Apollo's link retries on
    for response in (posted, fetched):
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["message"] == "PersistedQueryNotFound"
        assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        assert "data" not in response.json()


async def test_a_hash_that_is_not_the_querys_is_refused_and_not_registered(
    make_client: ClientFactory,
) -> None:
    client = await make_client()
    query = unique_query()
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": document_hash(query + " ")}}

    response = await client.post("/graphql", json={"query": query, "extensions": wrong})
    retry = await client.post("/graphql", json={"extensions": wrong})

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["message"] == "provided sha does not match query"
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert retry.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize("extension", [{"version": 2, "sha256Hash": "a" * 64}, {"version": 1}])
async def test_a_malformed_persisted_query_extension_is_bad_input(
    make_client: ClientFactory, extension: dict[str, Any]
) -> None:
    client = await make_client()
    response = await client.post(
        "/graphql", json={"query": CHAPTERS, "extensions": {"persistedQuery": extension}}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_registered_hash_runs_on_every_worker(
    make_client: ClientFactory, session: AsyncSession
) -> None:
    # Given two workers (two apps, each with its own memory) over one database
    compiler = CompilerSettings(report_path=True, tune_gc=False)
    first_worker = await make_client(compiler=compiler)
    second_worker = await make_client(compiler=compiler)
    query = f"query Chapters_{uuid.uuid4().hex} {{ chapters(first: 2) {{ nodes {{ slug }} }} }}"

    # When a client registers the query on one worker
    registered = await first_worker.post(
        "/graphql", json={"query": query, "extensions": persisted(query)}
    )
    # Then the hash alone runs it on the other, over POST and GET
    by_post = await second_worker.post("/graphql", json={"extensions": persisted(query)})
    by_get = await second_worker.get(
        "/graphql", params={"extensions": orjson.dumps(persisted(query)).decode()}
    )

    for response in (registered, by_post, by_get):
        assert response.status_code == 200, response.text
        assert len(response.json()["data"]["chapters"]["nodes"]) == 2
        assert response.headers["x-graphql-execution"] == "compiled"
    assert by_post.json()["data"] == registered.json()["data"]
    stored = await session.scalar(
        text("SELECT document FROM persisted_queries WHERE sha256 = :h"),
        {"h": document_hash(query)},
    )
    assert stored == query


async def test_a_document_that_does_not_parse_is_not_registered(
    make_client: ClientFactory,
) -> None:
    client = await make_client()
    broken = "query Broken_" + uuid.uuid4().hex + " { chapters(first: 1) {"

    response = await client.post(
        "/graphql", json={"query": broken, "extensions": persisted(broken)}
    )
    retry = await client.post("/graphql", json={"extensions": persisted(broken)})

    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert retry.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_the_table_keeps_only_the_most_recently_used(
    make_client: ClientFactory, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given room for two registered documents
    monkeypatch.setenv("BRAINGAIN_APQ_CAPACITY", "2")
    monkeypatch.setenv("BRAINGAIN_APQ_MEMORY", "1")
    client = await make_client()
    oldest, middle, newest = unique_query(), unique_query(), unique_query()

    # When three are registered, the oldest used again before the third arrives
    for query in (oldest, middle):
        await client.post("/graphql", json={"query": query, "extensions": persisted(query)})
    await client.post("/graphql", json={"extensions": persisted(oldest)})
    await client.post("/graphql", json={"query": newest, "extensions": persisted(newest)})

    # Then the least recently used one is gone, and its hash is a miss again
    rows = (await session.execute(text("SELECT sha256 FROM persisted_queries"))).scalars().all()
    assert sorted(rows) == sorted([document_hash(oldest), document_hash(newest)])
    fresh = await make_client()
    evicted = await fresh.post("/graphql", json={"extensions": persisted(middle)})
    kept = await fresh.post("/graphql", json={"extensions": persisted(oldest)})
    assert evicted.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert kept.status_code == 200


async def test_clients_restricted_to_trusted_documents_cannot_use_registered_queries(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    # Given a trusted registry, an APQ registration by an open client, and a restricted client
    (tmp_path / "portal.json").write_bytes(orjson.dumps({document_hash(CHAPTERS): CHAPTERS}))
    open_client = await make_client(HardeningSettings(trusted_documents=tmp_path))
    restricted = await make_client(
        HardeningSettings(trusted_documents=tmp_path, trusted_only_clients=frozenset({"*"}))
    )
    query = unique_query()
    await open_client.post("/graphql", json={"query": query, "extensions": persisted(query)})

    # When the restricted client sends hashes
    registered = await restricted.post("/graphql", json={"extensions": persisted(query)})
    trusted = await restricted.post("/graphql", json={"extensions": persisted(CHAPTERS)})
    allowed = await open_client.post("/graphql", json={"extensions": persisted(query)})

    # Then only the trusted document runs for it; the open client runs both
    assert registered.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert trusted.status_code == 200
    assert len(trusted.json()["data"]["chapters"]["nodes"]) == 2
    assert allowed.status_code == 200


async def test_with_registration_off_a_miss_says_not_supported(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRAINGAIN_APQ_CAPACITY", "0")
    client = await make_client()
    query = unique_query()

    sent = await client.post("/graphql", json={"query": query, "extensions": persisted(query)})
    miss = await client.post("/graphql", json={"extensions": persisted(query)})

    assert sent.status_code == 200
    error = miss.json()["errors"][0]
    assert error["message"] == "PersistedQueryNotSupported"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"
