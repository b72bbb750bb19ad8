"""Information disclosure: no suggestions, introspection and IDE only where allowed."""

import httpx
import pytest

from db.enums import GlobalRole
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.http.policy import may_introspect
from tests.http.conftest import ClientFactory, settings

INTROSPECTION = {"query": "{ __schema { queryType { name } } }"}


@pytest.fixture
async def client(make_client: ClientFactory) -> httpx.AsyncClient:
    """Development settings."""
    return await make_client()


@pytest.fixture
async def production(make_client: ClientFactory) -> httpx.AsyncClient:
    """Production settings (anonymous viewer)."""
    return await make_client(app_settings=settings(environment="production"))


@pytest.mark.parametrize(
    ("body", "hint"),
    [
        ({"query": "{ chapterz(first: 1) { totalCount } }"}, "chapters"),
        ({"query": "{ chapters(frist: 1) { totalCount } }"}, "first"),
        ({"query": "{ chapters(first: 1) { totalCont } }"}, "totalCount"),
        (
            {"query": "{ engineers(first: 1, orderBy: {field: HANDEL}) { totalCount } }"},
            "HANDLE",
        ),
        (
            {
                "query": "query ($o: EngineerOrder) "
                "{ engineers(first: 1, orderBy: $o) { totalCount } }",
                "variables": {"o": {"field": "HANDEL"}},
            },
            "HANDLE",
        ),
        (
            {
                "query": "query ($f: EngineerFilter) "
                "{ engineers(first: 1, filter: $f) { totalCount } }",
                "variables": {"f": {"countrys": ["PK"]}},
            },
            "countries",
        ),
        ({"query": "query ($firstt: Int) { chapters(first: $first) { totalCount } }"}, None),
    ],
)
async def test_errors_make_no_suggestions(
    client: httpx.AsyncClient, body: dict[str, object], hint: str | None
) -> None:
    response = await client.post("/graphql", json=body)
    errors = response.json()["errors"]
    text = " ".join(error["message"] for error in errors)
    assert "Did you mean" not in text
    if hint is not None:
        assert hint not in text


async def test_introspection_is_open_in_development(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json=INTROSPECTION)
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_introspection_is_closed_in_production(production: httpx.AsyncClient) -> None:
    response = await production.post(
        "/graphql", json=INTROSPECTION, headers={"accept": "application/graphql-response+json"}
    )
    assert response.status_code == 403
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    typename = await production.post("/graphql", json={"query": "{ __typename }"})
    assert typename.json()["data"] == {"__typename": "Query"}


async def test_ide_is_served_in_development_with_a_csp(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "/graphiql/graphiql.min.js" in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "cdn" not in response.text.lower()
    asset = await client.get("/graphiql/graphiql.min.js")
    assert asset.status_code == 200


async def test_ide_is_closed_in_production(production: httpx.AsyncClient) -> None:
    response = await production.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 403


def test_council_admins_may_introspect_in_production() -> None:
    live = settings(environment="production")
    admin = Viewer(engineer_id=1, global_role=GlobalRole.COUNCIL_ADMIN, scopes=frozenset(Scope))
    member = Viewer(engineer_id=2, global_role=GlobalRole.MEMBER, scopes=frozenset(Scope))
    assert may_introspect(admin, live)
    assert not may_introspect(member, live)
    assert may_introspect(Viewer(), settings(environment="development"))
