"""Trusted documents: run registered operations by SHA-256; restricted clients run nothing else."""

from pathlib import Path

import orjson
import pytest

from graph.auth.viewer import Viewer
from graph.extensions.trusted_documents import TrustedDocuments, document_hash
from graph.http.policy import requires_trusted_documents
from graph.http.settings import HardeningSettings
from tests.http.conftest import ClientFactory

CHAPTERS = "query Chapters { chapters(first: 2) { nodes { slug } } }"
DIGEST = document_hash(CHAPTERS)


@pytest.fixture
def registry_dir(tmp_path: Path) -> Path:
    """A registry with one operation, in GraphQL Codegen's persisted-documents format."""
    (tmp_path / "portal.json").write_bytes(orjson.dumps({f"sha256:{DIGEST}": CHAPTERS}))
    return tmp_path


async def test_a_registered_document_runs_by_id(
    make_client: ClientFactory, registry_dir: Path
) -> None:
    client = await make_client(HardeningSettings(trusted_documents=registry_dir))
    by_id = await client.post("/graphql", json={"documentId": f"sha256:{DIGEST}"})
    by_get = await client.get("/graphql", params={"documentId": f"sha256:{DIGEST}"})
    apollo = await client.post(
        "/graphql",
        json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": DIGEST}}},
    )
    for response in (by_id, by_get, apollo):
        assert response.status_code == 200
        assert len(response.json()["data"]["chapters"]["nodes"]) == 2


async def test_an_unknown_document_id_is_a_clear_400(
    make_client: ClientFactory, registry_dir: Path
) -> None:
    client = await make_client(HardeningSettings(trusted_documents=registry_dir))
    response = await client.post("/graphql", json={"documentId": "sha256:" + "0" * 64})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "Unknown document" in error["message"]


async def test_restricted_clients_cannot_send_unregistered_text(
    make_client: ClientFactory, registry_dir: Path
) -> None:
    client = await make_client(
        HardeningSettings(trusted_documents=registry_dir, trusted_only_clients=frozenset({"*"}))
    )
    refused = await client.post("/graphql", json={"query": "{ chapters(first: 9) { totalCount } }"})
    registered_text = await client.post("/graphql", json={"query": CHAPTERS})
    by_id = await client.post("/graphql", json={"documentId": f"sha256:{DIGEST}"})

    assert refused.status_code == 403
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "registered operations only" in error["message"]
    assert registered_text.status_code == 200
    assert by_id.status_code == 200


def test_restriction_applies_to_the_listed_clients_only() -> None:
    partners = frozenset({"uni-lahore"})
    assert requires_trusted_documents(Viewer(client_id="uni-lahore"), partners)
    assert not requires_trusted_documents(Viewer(client_id="portal-web"), partners)
    assert not requires_trusted_documents(Viewer(), partners)
    assert requires_trusted_documents(Viewer(), frozenset({"*"}))


def test_registry_rejects_an_id_that_is_not_the_hash(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_bytes(orjson.dumps({"sha256:" + "1" * 64: CHAPTERS}))
    with pytest.raises(ValueError, match="not the SHA-256"):
        TrustedDocuments.load(tmp_path)


def test_registry_loads_apollo_manifests(tmp_path: Path) -> None:
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{"id": DIGEST, "name": "Chapters", "type": "query", "body": CHAPTERS}],
    }
    (tmp_path / "apollo.json").write_bytes(orjson.dumps(manifest))
    registry = TrustedDocuments.load(tmp_path)
    assert registry.get(DIGEST) == CHAPTERS
    assert len(registry) == 1
