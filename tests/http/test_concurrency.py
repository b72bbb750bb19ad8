"""Concurrent requests through the app: each keeps its own database session and viewer.

The app keeps per-request values (request id, viewer, RequestDatabase) in the scope's
`state`. asgi-lifespan's LifespanManager hands every request the same lifespan-state dict
(uvicorn hands each a copy), so before the app copied it per request, concurrent requests
swapped sessions: one request's loaders ran on another's session while that one closed it
("another operation is in progress", "unexpected connection_lost() call").
"""

import asyncio

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import DatabaseLocation
from graph.app import create_app
from graph.compiler.settings import CompilerSettings
from graph.extensions.budget import MemoryBudgetStore
from graph.http.settings import BudgetSettings, HardeningSettings
from tests.http.conftest import settings

QUERY = """
query Chapter($slug: String!) {
  chapter(slug: $slug) {
    slug name
    members(first: 20) { totalCount nodes { role engineer { handle name headline } } }
  }
}
"""
SLUGS = ("gulf-uae", "saudi-arabia", "uk-ireland", "east-asia")
CLIENTS = 8
REQUESTS = 15


async def test_concurrent_requests_on_the_strawberry_path_are_complete_and_error_free(
    database: DatabaseLocation, engine: AsyncEngine
) -> None:
    # `engine` syncs and commits the chapters; the app gets its own pool (one per request)
    app = create_app(
        settings(database_url=database.url, environment="production", log_level="WARNING"),
        budget_store=MemoryBudgetStore(),
        hardening=HardeningSettings(budget=BudgetSettings(capacity=10**9, restore_rate=10**9)),
        compiler=CompilerSettings(tune_gc=False),
    )
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

            async def one_client(number: int) -> list[tuple[str, int, dict[str, object]]]:
                answers = []
                for request in range(REQUESTS):
                    slug = SLUGS[(number + request) % len(SLUGS)]
                    response = await client.post(
                        "/graphql", json={"query": QUERY, "variables": {"slug": slug}}
                    )
                    answers.append((slug, response.status_code, response.json()))
                return answers

            results = await asyncio.gather(*(one_client(number) for number in range(CLIENTS)))

    answers = [answer for answers in results for answer in answers]
    assert len(answers) == CLIENTS * REQUESTS
    for slug, status, body in answers:
        assert status == 200, body
        assert "errors" not in body, body
        chapter = body["data"]["chapter"]  # type: ignore[index]
        assert chapter["slug"] == slug
        assert chapter["name"]
        members = chapter["members"]
        assert len(members["nodes"]) == min(members["totalCount"], 20)
