"""Over HTTP, a mutation past strawberry's executor is admitted, billed and refused as before."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graph.app import create_app
from graph.auth.authentication import engineer_subject
from graph.auth.roles import MEMBER_SCOPES
from graph.auth.routes import AuthState
from graph.auth.tokens import issue_access_token
from graph.compiler.settings import CompilerSettings
from graph.extensions.budget import MemoryBudgetStore
from graph.http.settings import BudgetSettings, HardeningSettings
from graph.ids import encode_id
from graph.services.oauth_client import CLI_CLIENT_ID
from tests import factories

PATH = "x-graphql-execution"
VOTE = """
mutation Vote($post: ID!) {
  forumPostVote(input: {post: $post, value: 1}) {
    post { score viewerVote thread { title posts(first: 10) { totalCount } } }
    userErrors { field code }
  }
}
"""
TOO_DEEP = """
mutation Vote($post: ID!) {
  forumPostVote(input: {post: $post, value: 1}) {
    post { thread { posts(first: 1) { nodes { thread { posts(first: 1) { nodes { thread {
      posts(first: 1) { nodes { thread { posts(first: 1) { nodes { body } } } } } } } } } } } } }
  }
}
"""


@asynccontextmanager
async def _member(
    sessionmaker: async_sessionmaker[AsyncSession], mutations: bool, engineer_id: int
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """The app (mutation executor on or off) with a small budget, and a member's token."""
    compiler = CompilerSettings(enabled=True, report_path=True, tune_gc=False, mutations=mutations)
    hardening = HardeningSettings(budget=BudgetSettings(capacity=40, restore_rate=0.1))
    app = create_app(
        sessionmaker=sessionmaker,
        compiler=compiler,
        hardening=hardening,
        budget_store=MemoryBudgetStore(),
    )
    async with LifespanManager(app) as manager:
        state: AuthState = app.state.auth
        token, _ = issue_access_token(
            state.keys.signing_key(),
            issuer=state.settings.issuer,
            audience=state.settings.audience,
            subject=engineer_subject(engineer_id),
            client_id=CLI_CLIENT_ID,
            scopes=MEMBER_SCOPES,
            lifetime_seconds=300,
        )
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client, token


async def test_a_mutation_is_charged_throttled_and_refused_as_strawberry_does(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # Given a reply by someone else, and an engineer with a small budget who may vote on it
    voter = await factories.engineer(session, handle="budget-voter")
    author = await factories.engineer(session, handle="budget-author")
    category = await factories.forum_category(session)
    thread = await factories.forum_thread(session, category, author, title="Budget thread")
    post = await factories.forum_post(session, thread, author, body="vote me")
    await session.flush()
    variables = {"post": encode_id("ForumPost", post.id)}
    answers: dict[bool, list[httpx.Response]] = {}
    for mutations in (True, False):
        async with _member(sessionmaker, mutations, voter.id) as (client, token):
            # When the engineer votes three times, then sends a document over the limits
            headers = {"Authorization": f"Bearer {token}"}
            sent = []
            for document in (VOTE, VOTE, VOTE, TOO_DEEP):
                body = {"query": document, "variables": variables}
                sent.append(await client.post("/graphql", json=body, headers=headers))
            answers[mutations] = sent
    # Then the executor answered, charged and refused exactly as strawberry did
    fast, slow = answers[True], answers[False]
    assert fast[0].headers[PATH] == "mutation"
    for executed, plain in zip(fast, slow, strict=True):
        assert executed.status_code == plain.status_code
        body = executed.json()
        body.get("extensions", {}).pop("execution", None)
        assert {key: value for key, value in body.items() if value != {}} == plain.json()
        for header in ("x-ratelimit-remaining", "retry-after"):
            assert executed.headers.get(header) == plain.headers.get(header)
    remaining = [int(response.headers["x-ratelimit-remaining"]) for response in fast[:3]]
    assert remaining[0] > remaining[1] > remaining[2]
    assert fast[0].json()["data"]["forumPostVote"]["post"]["viewerVote"] == 1
    refused = fast[3].json()
    assert "data" not in refused
    assert refused["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
