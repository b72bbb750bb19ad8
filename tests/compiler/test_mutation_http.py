"""Over HTTP, a mutation past strawberry's executor is admitted, billed and refused as before."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graph.http.settings import BudgetSettings, HardeningSettings
from graph.ids import encode_id
from tests import factories
from tests.compiler.served import signed_in

PATH = "x-graphql-execution"
SMALL_BUDGET = HardeningSettings(budget=BudgetSettings(capacity=40, restore_rate=0.1))
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
        async with signed_in(
            sessionmaker, voter.id, mutations=mutations, hardening=SMALL_BUDGET
        ) as (client, token):
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
