"""GraphQL over HTTP: each status code, media type and the `data` entry rule."""

import httpx
import pytest

from graph.http.negotiation import GRAPHQL_RESPONSE_JSON, JSON
from tests.http.conftest import ClientFactory, settings

TYPENAME = {"query": "{ __typename }"}


@pytest.fixture
async def client(make_client: ClientFactory) -> httpx.AsyncClient:
    """The app with default settings."""
    return await make_client()


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, JSON),
        (JSON, JSON),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, {JSON};q=0.9", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0.5, {JSON}", JSON),
        ("*/*", JSON),
    ],
)
async def test_response_media_type_follows_accept(
    client: httpx.AsyncClient, accept: str | None, media_type: str
) -> None:
    headers = {"accept": accept} if accept else {}
    response = await client.post("/graphql", json=TYPENAME, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert response.json()["data"] == {"__typename": "Query"}


async def test_unacceptable_accept_is_406(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json=TYPENAME, headers={"accept": "application/xml"})
    assert response.status_code == 406
    assert "data" not in response.json()


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_other_methods_are_405_with_allow(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, "/graphql", json=TYPENAME)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


async def test_mutation_over_get_is_405_allowing_post(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "mutation { __typename }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json; charset=latin1"])
async def test_unsupported_content_type_is_415(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post(
        "/graphql", content=b'{"query": "{ __typename }"}', headers=headers
    )
    assert response.status_code == 415


async def test_body_at_the_limit_passes_and_over_it_is_413(make_client: ClientFactory) -> None:
    client = await make_client(app_settings=settings(max_body_bytes=100))
    body = b'{"query": "{ __typename }"}'
    at_limit = body[:-1] + b" " * (100 - len(body)) + b"}"
    assert len(at_limit) == 100

    passed = await client.post("/graphql", content=at_limit, headers={"content-type": JSON})
    refused = await client.post("/graphql", content=at_limit + b" ", headers={"content-type": JSON})

    assert passed.status_code == 200
    assert refused.status_code == 413


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b"[]", b'{"query": 1}', b'{"query": "{ __typename }", "variables": []}'],
)
async def test_unreadable_requests_are_400(client: httpx.AsyncClient, body: bytes) -> None:
    response = await client.post("/graphql", content=body, headers={"content-type": JSON})
    assert response.status_code == 400
    assert "data" not in response.json()


REQUEST_ERRORS = [
    {"query": "{ __typename "},  # parse error
    {"query": "{ nope }"},  # validation error
    {"query": "query ($n: Int!) { chapters(first: $n) { totalCount } }", "variables": {}},
    {"query": "query ($n: Int) { chapters(first: $n) { totalCount } }", "variables": {"n": "x"}},
    {"query": "{ chapters(first: 500) { totalCount } }"},  # page size
    {"query": "{ " + " ".join(f"a{i}: __typename" for i in range(16)) + " }"},  # limit
]


@pytest.mark.parametrize("body", REQUEST_ERRORS)
async def test_request_errors_are_400_without_data_for_graphql_response_json(
    client: httpx.AsyncClient, body: dict[str, object]
) -> None:
    response = await client.post("/graphql", json=body, headers={"accept": GRAPHQL_RESPONSE_JSON})
    assert response.status_code == 400
    assert "data" not in response.json()
    assert response.json()["errors"]


@pytest.mark.parametrize("body", REQUEST_ERRORS)
async def test_request_errors_are_200_without_data_for_legacy_json(
    client: httpx.AsyncClient, body: dict[str, object]
) -> None:
    response = await client.post("/graphql", json=body, headers={"accept": JSON})
    assert response.status_code == 200
    assert "data" not in response.json()


async def test_field_errors_keep_data_and_200(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": '{ engineers(first: 1, after: "garbage") { totalCount } }'},
        headers={"accept": GRAPHQL_RESPONSE_JSON},
    )
    assert response.status_code == 200
    body = response.json()
    assert "data" in body
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_every_response_has_a_request_id(client: httpx.AsyncClient) -> None:
    for response in (
        await client.post("/graphql", json=TYPENAME),
        await client.put("/graphql"),
        await client.get("/nowhere"),
        await client.get("/metrics"),
        await client.get("/healthz"),
    ):
        assert len(response.headers["x-request-id"]) == 32
