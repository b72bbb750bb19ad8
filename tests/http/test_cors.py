"""CORS: browser apps on listed origins get their preflights and responses; nobody else does."""

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import DatabaseLocation
from graph.app import create_app
from graph.http.cors import CorsConfigurationError, CorsSettings, applies_to
from tests.http.conftest import ClientFactory, settings
from tests.support.server import live_server

APP = "http://localhost:3000"
OTHER = "https://evil.example"
QUERY = {"query": "{ __typename }"}


def preflight(
    origin: str, method: str = "POST", headers: str = "authorization,content-type"
) -> dict[str, str]:
    """The headers of a browser's preflight for a cross-origin request."""
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


@pytest.fixture
async def client(make_client: ClientFactory) -> httpx.AsyncClient:
    """The app allowing one browser origin."""
    return await make_client(cors=CorsSettings(origins=(APP,)))


@pytest.mark.parametrize(
    "path", ["/graphql", "/oauth/token", "/oauth/revoke", "/.well-known/jwks.json"]
)
async def test_a_listed_origins_preflight_is_allowed(client: httpx.AsyncClient, path: str) -> None:
    # When a browser app on a listed origin asks before POSTing with a bearer token
    response = await client.options(path, headers=preflight(APP))

    # Then it may, with exactly its origin echoed
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == APP
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed
    assert "content-type" in allowed
    assert response.headers["access-control-max-age"] == "600"
    assert "origin" in response.headers["vary"].lower()
    assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize(
    ("origin", "method", "headers"),
    [
        (OTHER, "POST", "content-type"),  # an origin not on the list
        (APP + ".evil.example", "POST", "content-type"),  # a prefix is not a match
        ("http://localhost:3001", "POST", "content-type"),  # nor another port
        (APP, "DELETE", "content-type"),  # a method the API does not take
        (APP, "POST", "x-not-allowed"),  # a header the API does not read
    ],
)
async def test_other_preflights_are_denied(
    client: httpx.AsyncClient, origin: str, method: str, headers: str
) -> None:
    response = await client.options("/graphql", headers=preflight(origin, method, headers))

    # A preflight that is not 2xx fails in the browser, whatever else it says
    assert response.status_code == 400
    if origin != APP:
        assert "access-control-allow-origin" not in response.headers
    elif method != "POST":
        assert method not in response.headers["access-control-allow-methods"]
    else:
        assert headers not in response.headers["access-control-allow-headers"].lower()


async def test_simple_requests_carry_the_origin_only_for_listed_origins(
    client: httpx.AsyncClient,
) -> None:
    allowed = await client.post("/graphql", json=QUERY, headers={"Origin": APP})
    denied = await client.post("/graphql", json=QUERY, headers={"Origin": OTHER})
    metadata = await client.get("/.well-known/oauth-authorization-server", headers={"Origin": APP})

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == APP
    exposed = allowed.headers["access-control-expose-headers"].lower()
    assert "x-request-id" in exposed
    assert "x-ratelimit-remaining" in exposed
    # the server still answers (CORS is the browser's check), but the browser may not read it
    assert denied.status_code == 200
    assert "access-control-allow-origin" not in denied.headers
    assert metadata.headers["access-control-allow-origin"] == APP


async def test_a_rejected_token_is_readable_by_the_browser_app(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json=QUERY, headers={"Origin": APP, "Authorization": "Bearer nonsense"}
    )

    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == APP
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_other_paths_get_no_cors(client: httpx.AsyncClient) -> None:
    response = await client.options("/healthz", headers=preflight(APP))

    assert "access-control-allow-origin" not in response.headers


async def test_no_origin_is_allowed_by_default(make_client: ClientFactory) -> None:
    client = await make_client(cors=CorsSettings())

    response = await client.options("/graphql", headers=preflight(APP))
    simple = await client.post("/graphql", json=QUERY, headers={"Origin": APP})

    assert response.status_code == 405
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in simple.headers


async def test_credentials_are_allowed_only_when_switched_on(make_client: ClientFactory) -> None:
    client = await make_client(cors=CorsSettings(origins=(APP,), allow_credentials=True))

    response = await client.options("/graphql", headers=preflight(APP))

    assert response.headers["access-control-allow-origin"] == APP
    assert response.headers["access-control-allow-credentials"] == "true"


async def test_a_wildcard_without_credentials_allows_any_origin(
    make_client: ClientFactory,
) -> None:
    client = await make_client(cors=CorsSettings(origins=("*",)))

    response = await client.options("/graphql", headers=preflight(OTHER))

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"


def test_a_wildcard_with_credentials_is_refused_at_startup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BRAINGAIN_CORS_ORIGINS", "*")
    monkeypatch.setenv("BRAINGAIN_CORS_ALLOW_CREDENTIALS", "1")

    with pytest.raises(CorsConfigurationError, match="cannot be combined"):
        create_app(settings())


@pytest.mark.parametrize(
    "origin",
    ["http://localhost:3000/", "localhost:3000", "http://localhost:3000/app", "HTTP://App.example"],
)
def test_origins_must_be_spelled_as_browsers_send_them(origin: str) -> None:
    with pytest.raises(CorsConfigurationError, match="not an origin"):
        CorsSettings(origins=(origin,))


def test_the_allow_list_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRAINGAIN_CORS_ORIGINS", f" {APP}, https://portal.example ")
    monkeypatch.delenv("BRAINGAIN_CORS_ALLOW_CREDENTIALS", raising=False)

    assert CorsSettings.from_environment() == CorsSettings(origins=(APP, "https://portal.example"))
    assert all(applies_to(path) for path in ("/graphql", "/oauth/token", "/.well-known/x"))
    assert not any(applies_to(path) for path in ("/graphql/x", "/metrics", "/healthz"))


@pytest.fixture(scope="module")
def live_url(
    database: DatabaseLocation, engine: AsyncEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The app under uvicorn, allowing APP through BRAINGAIN_CORS_ORIGINS."""
    with live_server(
        database.url,
        env={"BRAINGAIN_CORS_ORIGINS": APP},
        log_dir=tmp_path_factory.mktemp("server"),
    ) as running:
        yield running.url


def test_a_live_server_answers_preflights_from_its_configuration(live_url: str) -> None:
    allowed = httpx.options(f"{live_url}/oauth/token", headers=preflight(APP))
    denied = httpx.options(f"{live_url}/oauth/token", headers=preflight(OTHER))
    posted = httpx.post(f"{live_url}/graphql", json=QUERY, headers={"Origin": APP})

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == APP
    assert denied.status_code == 400
    assert "access-control-allow-origin" not in denied.headers
    assert posted.headers["access-control-allow-origin"] == APP
    assert posted.json() == {"data": {"__typename": "Query"}} | {
        "extensions": posted.json().get("extensions", {})
    }
