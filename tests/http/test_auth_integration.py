"""Budgets and trusted documents follow the bearer token's subject (real OAuth tokens)."""

from pathlib import Path

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from graph.extensions.trusted_documents import document_hash
from graph.http.settings import BudgetSettings, HardeningSettings
from graph.services import oauth_client
from tests import factories
from tests.http.conftest import ClientFactory

REGISTERED = "query Chapters { chapters(first: 2) { nodes { slug } } }"
TINY = {"query": "{ __typename }"}


async def _client_token(
    client: httpx.AsyncClient, session: AsyncSession, slug: str
) -> tuple[str, str]:
    await factories.institution(session, slug=slug)
    row, secret = await oauth_client.create_institution_client(session, slug, "profiles:read")
    await session.flush()
    response = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(row.client_id, secret)
    )
    assert response.status_code == 200, response.text
    return row.client_id, response.json()["access_token"]


async def test_each_token_subject_has_its_own_bucket(
    make_client: ClientFactory, session: AsyncSession
) -> None:
    client = await make_client(
        HardeningSettings(budget=BudgetSettings(capacity=50, restore_rate=0.001))
    )
    _, token = await _client_token(client, session, "nust")
    bearer = {"Authorization": f"Bearer {token}"}

    anonymous = [await client.post("/graphql", json=TINY) for _ in range(3)]
    authenticated = await client.post("/graphql", json=TINY, headers=bearer)

    assert [r.headers["x-ratelimit-remaining"] for r in anonymous] == ["49", "48", "47"]
    assert authenticated.headers["x-ratelimit-remaining"] == "49"


async def test_a_partner_client_may_run_registered_operations_only(
    make_client: ClientFactory, session: AsyncSession, tmp_path: Path
) -> None:
    digest = document_hash(REGISTERED)
    (tmp_path / "partners.json").write_bytes(orjson.dumps({f"sha256:{digest}": REGISTERED}))
    first = await make_client()
    client_id, token = await _client_token(first, session, "uet")
    client = await make_client(
        HardeningSettings(trusted_documents=tmp_path, trusted_only_clients=frozenset({client_id}))
    )
    bearer = {"Authorization": f"Bearer {token}"}

    refused = await client.post("/graphql", json=TINY, headers=bearer)
    registered = await client.post(
        "/graphql", json={"documentId": f"sha256:{digest}"}, headers=bearer
    )
    anonymous = await client.post("/graphql", json=TINY)

    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert registered.status_code == 200
    assert len(registered.json()["data"]["chapters"]["nodes"]) == 2
    assert anonymous.status_code == 200
