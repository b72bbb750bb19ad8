"""Over HTTP: reads are answered by the compiled path as in process; strawberry gets only what
is not a read of the declarations (invalid documents, introspection, federation's SDL)."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graph.http.settings import BudgetSettings, HardeningSettings
from graph.ids import encode_id
from tests import factories
from tests.compiler.served import served, signed_in
from tests.compiler.test_equality import (
    EVERYTHING_ON_ENGINEER,
    FRAGMENTS_AND_ALIASES,
    MIXED,
    VIEWER_EVERYTHING,
)
from tests.conftest import GraphQLClient

PATH = "x-graphql-execution"


@pytest.fixture
async def compiled(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[httpx.AsyncClient]:
    """The app, reporting which path answered."""
    async with served(sessionmaker) as client:
        yield client


async def test_compiled_response_over_http_equals_the_in_process_answer(
    session: AsyncSession, compiled: httpx.AsyncClient, graphql: GraphQLClient
) -> None:
    engineer = await factories.engineer(session, handle="http-cmp", name='Zoë "Q" Khan')
    await factories.membership(session, engineer, await factories.chapter(session, "gulf-uae"))
    await session.flush()
    bodies: list[dict[str, Any]] = [
        {"query": EVERYTHING_ON_ENGINEER, "variables": {"handle": "http-cmp"}},
        {
            "query": FRAGMENTS_AND_ALIASES,
            "variables": {"first": 3, "withSkills": True},
            "operationName": "Search",
        },
        {"query": VIEWER_EVERYTHING},
    ]
    for body in bodies:
        fast = await compiled.post("/graphql", json=body)
        expected = await graphql.data(body["query"], body.get("variables"))
        assert fast.headers[PATH] == "compiled"
        assert fast.status_code == 200
        assert list(fast.json()) == ["data", "extensions"]
        assert fast.json()["data"] == expected
        assert str(fast.json()["data"]) == str(expected)  # same key order
    assert fast.json()["data"] == {
        "viewer": {
            "__typename": "Viewer",
            "isAuthenticated": False,
            "scopes": [],
            "clientId": None,
            "engineer": None,
            "institution": None,
        }
    }


async def test_mixed_operation_merges_both_halves_in_field_order(
    session: AsyncSession, compiled: httpx.AsyncClient
) -> None:
    await factories.engineer(session, handle="http-mixed", name="Mixed Engineer")
    await session.flush()
    body = {"query": MIXED, "variables": {"handle": "http-mixed", "first": 3}}

    fast = await compiled.post("/graphql", json=body)

    assert fast.headers[PATH] == "mixed"
    assert fast.json()["extensions"]["execution"] == "mixed"
    cost = fast.json()["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 1 + 1 + 3 + 1
    assert list(fast.json()["data"]) == ["viewer", "engineer", "sectors", "again"]
    data = fast.json()["data"]
    assert data["viewer"] == {"isAuthenticated": False, "engineer": None}
    assert data["engineer"] == {
        "handle": "http-mixed",
        "name": "Mixed Engineer",
        "chapters": {"totalCount": 0},
    }
    assert data["again"] == {"__typename": "_Service"}
    assert isinstance(data["sectors"], list)


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{ _service { __typename } }"},
        {"query": "{ engineers(first: 5) { nope } }"},
        {"query": "{ __schema { queryType { name } } }"},
    ],
)
async def test_what_is_not_a_read_of_the_declarations_runs_through_strawberry(
    compiled: httpx.AsyncClient, body: dict[str, str]
) -> None:
    fast = await compiled.post("/graphql", json=body)
    assert fast.headers[PATH] == "strawberry"
    if "nope" in body["query"]:
        assert fast.status_code == 200
        (error,) = fast.json()["errors"]
        assert error["message"] == "Cannot query field 'nope' on type 'EngineerConnection'."
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    else:
        assert fast.status_code == 200
        assert "errors" not in fast.json()


REFUSED = [
    {"query": "{ engineers(first: 500) { totalCount } }"},
    {"query": "query ($n: Int) { engineers(last: $n) { totalCount } }", "variables": {"n": 0}},
    {"query": '{ engineers(first: 1, after: "junk") { totalCount } }'},
    {
        "query": '{ chapters(first: 2) { nodes { slug members(first: 1, after: "junk") {'
        " totalCount } } } sectors { slug } }"
    },
    {"query": '{ node(id: "garbage!!") { id } sectors { slug } }'},
    {"query": '{ nodes(ids: ["garbage!!", "RW5naW5lZXI6MjAwMDAwMDAwMA", "?"]) { id } }'},
    {"query": '{ engineers(first: 1, filter: {chapter: "garbage"}) { totalCount } }'},
    {"query": '{ a: engineers(first: 1, filter: {countries: ["uae"]}) { totalCount } }'},
    {"query": '{ forumThreads(first: 1, filter: {tags: ["Not A Tag"]}) { totalCount } }'},
    {"query": "{ viewer { isAuthenticated accessLog(first: 2) { totalCount } } sectors { slug } }"},
    {"query": '{ chapter(slug: "gulf-uae") { slug auditLog(first: 2) { totalCount } } }'},
    {
        "query": "{ forumCategories(first: 3) { nodes { slug reports(first: 1) { totalCount } } }"
        " chapters(first: 2) { nodes { auditLog(first: 1) { totalCount } } } }"
    },
]


@pytest.mark.parametrize("body", REFUSED)
async def test_refusals_are_answered_by_the_compiled_path(
    session: AsyncSession, compiled: httpx.AsyncClient, body: Any
) -> None:
    await factories.chapter(session, "gulf-uae")
    await session.flush()
    category = await factories.forum_category(session)
    await factories.forum_category(session, slug=f"{category.slug}-2")
    await session.flush()
    # When a request with a bad page size, cursor, ID or filter, or one a permission check
    # refuses (the viewer's access log, an audit log, a moderation queue), runs on each path
    fast = await compiled.post("/graphql", json=body)
    # Then the compiled path answered it (no strawberry execution): each error with its
    # message, locations, path and code; the same body when asked again
    assert fast.headers[PATH] == "compiled"
    assert fast.status_code == 200
    for error in fast.json()["errors"]:
        assert error["message"]
        assert error["locations"]
        assert "path" in error or "data" not in fast.json()
    again = await compiled.post("/graphql", json=body)
    assert _steady(_without_path(again.json())) == _steady(_without_path(fast.json()))
    codes = {error["extensions"]["code"] for error in fast.json()["errors"]}
    assert codes <= {"BAD_USER_INPUT", "FORBIDDEN", "UNAUTHENTICATED"}


def _steady(body: dict[str, Any]) -> dict[str, Any]:
    """The body without the budget's refill since the charge (it depends on timing) and the
    budget's remaining points (a second request pays again), its errors in path order."""
    throttle = body.get("extensions", {}).get("cost", {}).get("throttleStatus")
    if throttle is not None:
        throttle.pop("currentlyAvailable")
        throttle.pop("remaining", None)
    if "errors" in body:
        body["errors"] = sorted(body["errors"], key=lambda error: repr(error.get("path")))
    return body


def _without_path(body: dict[str, Any]) -> dict[str, Any]:
    """The body without the `execution` report (present only when the path is reported)."""
    extensions = {k: v for k, v in body.get("extensions", {}).items() if k != "execution"}
    return (
        {**body, "extensions": extensions}
        if extensions
        else {k: v for k, v in body.items() if k != "extensions"}
    )


async def test_a_bad_token_is_refused_before_any_path_runs(
    compiled: httpx.AsyncClient,
) -> None:
    response = await compiled.post(
        "/graphql",
        json={"query": "{ sectors { slug } }"},
        headers={"Authorization": "Bearer whatever"},
    )
    assert response.status_code == 401
    assert PATH not in response.headers


async def test_limits_cost_and_budget_apply_to_compiled_operations(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # Given a small budget (30 points, slow refill)
    hardening = HardeningSettings(budget=BudgetSettings(capacity=30, restore_rate=0.1))
    page = {"query": "{ chapters(first: 20) { nodes { slug } } }"}  # 21 points
    too_deep = {
        "query": "{ engineers(first: 1) { nodes { memberships(first: 1) { nodes {"
        " chapter { members(first: 1) { nodes { engineer { memberships(first: 1) {"
        " nodes { chapter { members(first: 1) { nodes { role } } } } } } } } } } } } } }"
    }
    async with served(sessionmaker, hardening=hardening) as client:
        # When a page is read twice, then a document too deep
        first = await client.post("/graphql", json=page)
        second = await client.post("/graphql", json=page)
        deep = await client.post("/graphql", json=too_deep)
    # Then the compiled path charged the first, throttled the second and refused the third
    assert first.headers[PATH] == "compiled"
    assert first.status_code == 200
    assert first.json()["extensions"]["cost"]["requestedQueryCost"] == 21
    assert int(first.headers["x-ratelimit-remaining"]) < 30  # charged, the unused part refunded
    assert second.status_code == 429
    assert int(second.headers["retry-after"]) > 0
    assert second.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert deep.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_get_requests_still_work(compiled: httpx.AsyncClient) -> None:
    response = await compiled.get(
        "/graphql", params={"query": "{ chapters(first: 1) { totalCount } }"}
    )
    assert response.status_code == 200
    assert response.json()["data"]["chapters"]["totalCount"] >= 8


SELF = '{ engineer(handle: "http-self") { handle city pecRegistrationNumber skills { years } } }'


async def test_a_signed_in_engineer_is_answered_compiled_with_their_own_masks(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # Given an engineer who hides their city and registration number from everyone else
    engineer = await factories.engineer(
        session,
        handle="http-self",
        pec_registration_number="PEC-77",
        field_visibility={"city": "PRIVATE", "pec_registration_number": "PRIVATE"},
    )
    await session.flush()
    async with signed_in(sessionmaker, engineer.id) as (client, token):
        # When they and an anonymous visitor read the profile
        own = await client.post(
            "/graphql",
            json={"query": SELF},
            headers={"Authorization": f"Bearer {token}"},
        )
        anonymous = await client.post("/graphql", json={"query": SELF})
    # Then both are compiled, and only the engineer sees what they hid
    assert own.headers[PATH] == anonymous.headers[PATH] == "compiled"
    assert own.json()["data"]["engineer"]["city"] == "Dubai"
    assert own.json()["data"]["engineer"]["pecRegistrationNumber"] == "PEC-77"
    assert anonymous.json()["data"]["engineer"]["city"] is None
    assert anonymous.json()["data"]["engineer"]["pecRegistrationNumber"] is None


async def test_the_cached_cost_follows_page_sizes_and_id_lists(
    session: AsyncSession, compiled: httpx.AsyncClient
) -> None:
    # Given one document whose cost depends on a page-size variable and on an ID list
    engineer = await factories.engineer(session, handle="cost-cache")
    await session.flush()
    document = (
        "query C($first: Int!, $ids: [ID!]!) { engineers(first: $first) { nodes { handle } }"
        " nodes(ids: $ids) { id } }"
    )
    costs = []
    for first, ids in ((2, 1), (7, 1), (2, 3), (2, 1)):
        variables = {"first": first, "ids": [encode_id("Engineer", engineer.id)] * ids}
        body = {"query": document, "variables": variables}
        # When it runs with each set of values
        fast = await compiled.post("/graphql", json=body)
        assert fast.headers[PATH] == "compiled"
        costs.append(fast.json()["extensions"]["cost"]["requestedQueryCost"])
    # Then each requested cost follows its values, not the first one cached
    assert costs == [1 + 2 + 1, 1 + 7 + 1, 1 + 2 + 3, 1 + 2 + 1]


VOTES = """
query ($id: ID!) {
  node(id: $id) { ... on ForumThread { posts(first: 5) { nodes { body score viewerVote } } } }
}
"""


async def test_the_viewers_own_vote_is_answered_compiled_for_each_kind_of_viewer(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # Given a reply the engineer voted down and one they did not vote on
    voter = await factories.engineer(session, handle="http-voter")
    author = await factories.engineer(session, handle="http-author")
    category = await factories.forum_category(session)
    thread = await factories.forum_thread(session, category, author)
    voted = await factories.forum_post(session, thread, author, body="voted")
    await factories.forum_post(session, thread, author, body="not voted")
    await factories.forum_vote(session, voted, voter, -1)
    await session.flush()
    variables = {"id": encode_id("ForumThread", thread.id)}
    async with signed_in(sessionmaker, voter.id) as (client, token):
        # When the voter and an anonymous visitor read the replies with their own votes
        body = {"query": VOTES, "variables": variables}
        own = await client.post(
            "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        anonymous = await client.post("/graphql", json=body)
    # Then both are answered by the compiled path, each seeing only their own vote
    assert own.headers[PATH] == anonymous.headers[PATH] == "compiled"
    votes = [post["viewerVote"] for post in own.json()["data"]["node"]["posts"]["nodes"]]
    assert sorted(votes) == [-1, 0]
    nobody = [post["viewerVote"] for post in anonymous.json()["data"]["node"]["posts"]["nodes"]]
    assert nobody == [0, 0]


VOTE = """
mutation Vote($post: ID!) {
  forumPostVote(input: {post: $post, value: 1}) {
    post { score viewerVote author { handle } thread { title posts(first: 5) { totalCount } } }
    userErrors { field code }
  }
}
"""


async def test_a_mutation_payload_is_read_compiled_over_http_and_equals_strawberrys(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # Given a reply by someone else, and an engineer who may vote on it
    voter = await factories.engineer(session, handle="http-payload-voter")
    author = await factories.engineer(session, handle="http-payload-author")
    category = await factories.forum_category(session)
    thread = await factories.forum_thread(session, category, author, title="Payload thread")
    post = await factories.forum_post(session, thread, author, body="vote me")
    await session.flush()
    answers: dict[bool, httpx.Response] = {}
    for enabled in (True, False):  # the mutation executor, then strawberry's executor
        async with signed_in(sessionmaker, voter.id, mutations=enabled) as (client, token):
            # When the engineer votes (the same vote twice: the second changes nothing)
            answers[enabled] = await client.post(
                "/graphql",
                json={"query": VOTE, "variables": {"post": encode_id("ForumPost", post.id)}},
                headers={"Authorization": f"Bearer {token}"},
            )
    # Then the mutation ran past strawberry's executor, its payload read by SQL, shows the
    # engineer's own vote, and equals strawberry's
    fast, slow = answers[True], answers[False]
    assert fast.headers[PATH] == "mutation"
    assert slow.headers[PATH] == "strawberry+compiled"  # its payload objects read by SQL
    payload = fast.json()["data"]["forumPostVote"]
    assert payload["post"]["viewerVote"] == 1
    assert payload["post"]["thread"] == {"title": "Payload thread", "posts": {"totalCount": 1}}
    assert fast.json()["data"] == slow.json()["data"]
