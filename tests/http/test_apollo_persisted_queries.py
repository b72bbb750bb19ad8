"""Apollo Client's own persisted-query link (from npm) against the live server: miss, then hits."""

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import DatabaseLocation
from graph.extensions.trusted_documents import document_hash
from tests.support.node import node, npm_ci
from tests.support.server import LiveServer, live_server

APOLLO = Path(__file__).resolve().parent / "apollo"


@pytest.fixture(scope="module")
def server(
    database: DatabaseLocation, engine: AsyncEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app under uvicorn over the migrated test database."""
    with live_server(database.url, log_dir=tmp_path_factory.mktemp("server")) as running:
        yield running


def run_apollo(server: LiveServer, method: str, query: str) -> dict[str, Any]:
    """What Apollo's link sent and received for three runs of `query` (see persisted.mjs)."""
    npm_ci(APOLLO)
    completed = node(
        "persisted.mjs", f"{server.url}/graphql", method, query, cwd=APOLLO, timeout=120
    )
    output: dict[str, Any] = json.loads(completed.stdout)
    return output


def sent_extensions(exchange: dict[str, Any]) -> dict[str, Any]:
    """The `extensions` of a request, from its JSON body or its GET parameters."""
    if exchange["method"] == "GET":
        parameters = parse_qs(urlsplit(exchange["url"]).query)
        extensions: dict[str, Any] = json.loads(parameters["extensions"][0])
        return extensions
    body: dict[str, Any] = exchange["request"]
    return dict(body["extensions"])


def sent_query(exchange: dict[str, Any]) -> str | None:
    """The `query` a request carried, if any."""
    query: str | None
    if exchange["method"] == "GET":
        query = parse_qs(urlsplit(exchange["url"]).query).get("query", [None])[0]
    else:
        query = exchange["request"].get("query")
    return query


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_apollo_link_misses_once_then_hits(server: LiveServer, method: str) -> None:
    # Given a query this server has never seen
    name = f"Chapters_{uuid.uuid4().hex}"
    query = f"query {name} {{ chapters(first: 2) {{ nodes {{ slug name }} }} }}"

    # When Apollo Client runs it twice, then a second client runs it once
    output = run_apollo(server, method, query)
    exchanges = output["exchanges"]

    # Then the first request is the hash alone, answered PERSISTED_QUERY_NOT_FOUND
    miss, registration, *hits = exchanges
    assert sent_query(miss) is None
    assert miss["method"] == method
    digest = sent_extensions(miss)["persistedQuery"]["sha256Hash"]
    assert miss["response"]["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert miss["response"]["errors"][0]["message"] == "PersistedQueryNotFound"
    # the link retried with the query and the same hash, which registered it
    assert registration["method"] == "POST"
    assert sent_query(registration) is not None
    assert document_hash(sent_query(registration) or "") == digest
    assert sent_extensions(registration)["persistedQuery"]["sha256Hash"] == digest
    assert "errors" not in registration["response"]
    # and every later run, on either client, sends the hash alone and gets the data
    assert len(hits) == 2
    for hit in hits:
        assert hit["method"] == method
        assert sent_query(hit) is None
        assert sent_extensions(hit)["persistedQuery"]["sha256Hash"] == digest
        assert hit["status"] == 200
        assert hit["response"]["data"] == registration["response"]["data"]
    results = output["results"]
    assert len(results) == 3
    assert all(result == results[0] for result in results)
    assert len(results[0]["chapters"]["nodes"]) == 2
