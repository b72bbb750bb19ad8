"""Mutations run past strawberry's executor (graph/compiler/mutations.py) answer as strawberry does.

Each case runs twice from the same state — once through the mutation executor, once through
strawberry (the payload's objects read by the compiled path in both, as the app does) — each
in a savepoint rolled back after it, and the two answers must be equal: data, userErrors,
top-level errors with their messages, codes, paths and locations, nulls, and the cost.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import Undefined
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.models import Chapter, ForumPost, Membership
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import mutations as executor
from graph.compiler.objects import CompiledObjects
from graph.extensions import transaction
from graph.ids import decode_id, encode_id
from tests import forum_world
from tests.conftest import GraphQLClient
from tests.forum_world import ForumWorld

POST_CREATE = """
mutation Reply($input: ForumPostCreateInput!) {
  forumPostCreate(input: $input) {
    post {
      id body createdAt
      author { handle name }
      thread { title posts(first: 1) { totalCount } }
    }
    userErrors { field code message }
  }
}
"""
POST_CREATE_SHAPES = """
mutation Shapes($thread: ID!, $body: String!, $withPost: Boolean!, $skipErrors: Boolean!) {
  reply: forumPostCreate(input: {thread: $thread, body: $body}) {
    __typename
    kind: __typename
    made: post @include(if: $withPost) { ...Post author { handle } }
    ... on ForumPostPayload { problems: userErrors { __typename field code } }
    ...Errors @skip(if: $skipErrors)
  }
}
fragment Post on ForumPost { body viewerVote }
fragment Errors on ForumPostPayload { userErrors { message } }
"""
POST_CREATE_INVALID = """
mutation ($thread: ID!) {
  forumPostCreate(input: {thread: $thread, body: "x"}) { post { nope } userErrors { code } }
}
"""
JOIN = """
mutation Join($input: ChapterMembershipInput!) {
  chapterJoin(input: $input) {
    membership { id status role chapter { slug name } engineer { handle } }
    userErrors { field code message }
  }
}
"""
LEAVE = """
mutation ($chapter: ID!) {
  chapterLeave(input: {chapter: $chapter}) {
    chapter { slug } removedMembershipId userErrors { field code message }
  }
}
"""
VOTE = """
mutation ($post: ID!, $value: Int!) {
  forumPostVote(input: {post: $post, value: $value}) {
    post { score viewerVote } userErrors { field code message }
  }
}
"""
EDIT = """
mutation ($post: ID!, $body: String!) {
  forumPostEdit(input: {post: $post, body: $body}) {
    post { body } userErrors { field code message }
  }
}
"""
THREAD_CREATE = """
mutation ($category: ID!, $title: String!) {
  forumThreadCreate(input: {category: $category, title: $title, body: "Any numbers?"}) {
    thread { title author { handle } posts(first: 1) { totalCount } } userErrors { field code }
  }
}
"""
MODERATE = """
mutation ($target: ID!, $action: ModerationAction!) {
  forumModerate(input: {target: $target, action: $action}) {
    thread { hidden locked } post { hidden body } userErrors { field code }
  }
}
"""
REPORT = """
mutation ($target: ID!, $reason: String!) {
  forumReport(input: {target: $target, reason: $reason}) {
    report { status reason } userErrors { field code message }
  }
}
"""


@dataclass(frozen=True)
class Case:
    """A document, its variables (from the world) and who sends it."""

    document: str
    variables: Callable[[ForumWorld, dict[str, str]], dict[str, Any]]
    viewer: str
    executed: bool = True
    """Whether the mutation executor answers it (False: strawberry's, e.g. invalid)."""


def _reply(thread: str, body: str = "Two months, with a site visit.") -> Any:
    return lambda world, chapters: {"input": {"thread": thread_id(world, thread), "body": body}}


def thread_id(world: ForumWorld, name: str) -> str:
    """A thread's global ID, or the text itself when it names no thread (malformed IDs)."""
    return world.id("ForumThread", name) if name in world.threads else name


def _join(chapter: str) -> Any:
    return lambda world, chapters: {"input": {"chapter": chapters.get(chapter, chapter)}}


UNKNOWN_THREAD = encode_id("ForumThread", 987654)
UNKNOWN_CHAPTER = encode_id("Chapter", 987654)
CASES: dict[str, Case] = {
    "reply": Case(POST_CREATE, _reply("gulf"), "member"),
    "reply blank body": Case(POST_CREATE, _reply("gulf", "   "), "member"),
    "reply to a hidden thread": Case(POST_CREATE, _reply("gulf-hidden"), "member"),
    "reply to a members-only thread": Case(POST_CREATE, _reply("gulf"), "outsider"),
    "reply malformed id": Case(POST_CREATE, _reply("not-an-id"), "member"),
    "reply unknown thread": Case(POST_CREATE, _reply(UNKNOWN_THREAD), "member"),
    "reply wrong kind of id": Case(
        POST_CREATE,
        lambda world, chapters: {"input": {"thread": world.id("ForumPost", "gulf-0"), "body": "x"}},
        "member",
    ),
    "reply anonymous": Case(POST_CREATE, _reply("gulf"), "anonymous"),
    "reply without the scope": Case(POST_CREATE, _reply("gulf"), "member_without_scope"),
    "reply variable error": Case(
        POST_CREATE,
        lambda world, chapters: {"input": {"thread": world.id("ForumThread", "gulf")}},
        "member",
        executed=False,
    ),
    "reply validation error": Case(
        POST_CREATE_INVALID,
        lambda world, chapters: {"thread": world.id("ForumThread", "gulf")},
        "member",
        executed=False,
    ),
    "reply aliases fragments typename": Case(
        POST_CREATE_SHAPES,
        lambda world, chapters: {
            "thread": world.id("ForumThread", "global"),
            "body": "Same here.",
            "withPost": True,
            "skipErrors": False,
        },
        "outsider",
    ),
    "reply directives off": Case(
        POST_CREATE_SHAPES,
        lambda world, chapters: {
            "thread": world.id("ForumThread", "global"),
            "body": "Same here.",
            "withPost": False,
            "skipErrors": True,
        },
        "outsider",
    ),
    "reply refused with shapes": Case(
        POST_CREATE_SHAPES,
        lambda world, chapters: {
            "thread": world.id("ForumThread", "global"),
            "body": " ",
            "withPost": True,
            "skipErrors": False,
        },
        "outsider",
    ),
    "join open chapter": Case(JOIN, _join("north-america-east"), "outsider"),
    "join approval chapter": Case(JOIN, _join("uk-ireland"), "outsider"),
    "join invitation-only chapter": Case(JOIN, _join("east-asia"), "outsider"),
    "join again": Case(JOIN, _join("gulf-uae"), "member"),
    "join malformed id": Case(JOIN, _join("Q2hhcHRlcjp4"), "outsider"),
    "join unknown chapter": Case(JOIN, _join(UNKNOWN_CHAPTER), "outsider"),
    "join anonymous": Case(JOIN, _join("gulf-uae"), "anonymous"),
    "join without the scope": Case(JOIN, _join("north-america-east"), "member_without_scope"),
    "leave": Case(LEAVE, lambda world, chapters: {"chapter": chapters["gulf-uae"]}, "member"),
    "leave not a member": Case(
        LEAVE, lambda world, chapters: {"chapter": chapters["gulf-uae"]}, "outsider"
    ),
    "vote": Case(
        VOTE,
        lambda world, chapters: {"post": world.id("ForumPost", "global-0"), "value": 1},
        "outsider",
    ),
    "vote own post": Case(
        VOTE,
        lambda world, chapters: {"post": world.id("ForumPost", "global-0"), "value": 1},
        "member",
    ),
    "vote invalid value": Case(
        VOTE,
        lambda world, chapters: {"post": world.id("ForumPost", "global-0"), "value": 5},
        "outsider",
    ),
    "edit": Case(
        EDIT,
        lambda world, chapters: {"post": world.id("ForumPost", "global-0"), "body": "Edited."},
        "member",
    ),
    "edit not the author": Case(
        EDIT,
        lambda world, chapters: {"post": world.id("ForumPost", "global-0"), "body": "Mine."},
        "outsider",
    ),
    "thread create": Case(
        THREAD_CREATE,
        lambda world, chapters: {
            "category": world.id("ForumCategory", "global"),
            "title": "Net metering in Dubai",
        },
        "outsider",
    ),
    "thread create blank title": Case(
        THREAD_CREATE,
        lambda world, chapters: {"category": world.id("ForumCategory", "global"), "title": ""},
        "outsider",
    ),
    "moderate": Case(
        MODERATE,
        lambda world, chapters: {"target": world.id("ForumPost", "gulf-2"), "action": "HIDE"},
        "moderator",
    ),
    "moderate not a moderator": Case(
        MODERATE,
        lambda world, chapters: {"target": world.id("ForumPost", "gulf-2"), "action": "HIDE"},
        "member",
    ),
    "report": Case(
        REPORT,
        lambda world, chapters: {
            "target": world.id("ForumPost", "global-0"),
            "reason": "Off topic and rude.",
        },
        "outsider",
    ),
}


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> ForumWorld:
    """The forum of tests/forum_world.py."""
    return await forum_world.build(session, registry)


@pytest.fixture
async def chapters(session: AsyncSession) -> dict[str, str]:
    """Every chapter's global ID by slug."""
    rows = await session.execute(select(Chapter.slug, Chapter.id))
    return {slug: encode_id("Chapter", key) for slug, key in rows}


def _steady(value: Any, key: str = "") -> Any:
    """The answer with what differs between two runs by design made equal: new rows' IDs
    (sequences advance under a rollback too) keep their type, timestamps their presence."""
    if isinstance(value, dict):
        return {name: _steady(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_steady(item, key) for item in value]
    if isinstance(value, str) and (key == "id" or key.endswith("Id")):
        try:
            return decode_id(value)[0]
        except Exception:
            return value
    if isinstance(value, str) and key.endswith("At"):
        return "<time>"
    return value


async def _answer(
    graphql: GraphQLClient,
    connection: AsyncConnection,
    document: str,
    variables: dict[str, Any],
    viewer: Viewer,
    *,
    mutations: bool,
) -> tuple[dict[str, Any], int]:
    """The answer as JSON (rolled back after), and how many operations the executor ran."""
    await graphql.session.flush()
    graphql.mutations_enabled = mutations
    before = graphql.mutations.answered
    savepoint = await connection.begin_nested()
    try:
        result = await graphql.execute(document, variables, viewer)
    finally:
        await savepoint.rollback()
    answer: dict[str, Any] = {"data": result.data}
    if result.errors:
        answer["errors"] = [error.formatted for error in result.errors]
    if result.extensions:
        answer["extensions"] = result.extensions
    return _steady(answer), graphql.mutations.answered - before


@pytest.mark.parametrize("name", list(CASES))
async def test_the_mutation_executor_answers_as_strawberry_does(
    graphql: GraphQLClient,
    connection: AsyncConnection,
    world: ForumWorld,
    chapters: dict[str, str],
    name: str,
) -> None:
    # Given a case of the forum world
    case = CASES[name]
    variables = case.variables(world, chapters)
    viewer = world.viewers[case.viewer]
    # When it runs through the mutation executor and through strawberry, from the same state
    fast, executed = await _answer(
        graphql, connection, case.document, variables, viewer, mutations=True
    )
    slow, _ = await _answer(graphql, connection, case.document, variables, viewer, mutations=False)
    # Then the answers are equal, and the executor ran what it plans
    assert fast == slow
    assert executed == (1 if case.executed else 0)


async def test_every_error_kind_is_among_the_cases(
    graphql: GraphQLClient, connection: AsyncConnection, world: ForumWorld, chapters: dict[str, str]
) -> None:
    # Given the cases' answers through the executor
    codes: set[str] = set()
    for case in CASES.values():
        answer, _ = await _answer(
            graphql,
            connection,
            case.document,
            case.variables(world, chapters),
            world.viewers[case.viewer],
            mutations=True,
        )
        for error in answer.get("errors", ()):
            codes.add(error["extensions"]["code"])
        for payload in (answer["data"] or {}).values():
            for problem in payload.get("userErrors", ()) if payload else ():
                codes.add(problem.get("code", ""))
    # Then userErrors and top-level errors of each kind were compared
    assert {"UNAUTHENTICATED", "FORBIDDEN", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"} <= codes
    assert {"INVALID_BODY", "NOT_FOUND", "INVITE_ONLY", "ALREADY_MEMBER", "OWN_POST"} <= codes
    assert {"NOT_MEMBER", "INVALID_VOTE", "NOT_AUTHOR", "INVALID_TITLE"} <= codes


async def _posts(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(ForumPost)) or 0)


async def test_the_payload_sees_its_own_write(
    graphql: GraphQLClient, world: ForumWorld, session: AsyncSession
) -> None:
    # Given the number of replies in a thread
    before = await _posts(session)
    # When a member replies through the executor
    graphql.mutations_enabled = True
    data = await graphql.data(POST_CREATE, _reply("global")(world, {}), world.viewers["member"])
    # Then the payload counts the new reply, and it is stored
    post = data["forumPostCreate"]["post"]
    assert post["body"] == "Two months, with a site visit."
    replies = await session.scalar(
        select(func.count())
        .select_from(ForumPost)
        .where(ForumPost.thread_id == world.threads["global"].id)
    )
    assert post["thread"]["posts"]["totalCount"] == replies
    assert await _posts(session) == before + 1
    assert graphql.mutations.answered == 1


async def test_a_refused_mutation_changes_nothing(
    graphql: GraphQLClient, world: ForumWorld, session: AsyncSession, chapters: dict[str, str]
) -> None:
    # Given the memberships as they are
    count = select(func.count()).select_from(Membership)
    before = await session.scalar(count)
    # When an engineer without the scope joins, and an outsider joins an invitation-only chapter
    graphql.mutations_enabled = True
    denied = await graphql.execute(
        JOIN, _join("north-america-east")(world, chapters), world.viewers["member_without_scope"]
    )
    refused = await graphql.data(
        JOIN, _join("east-asia")(world, chapters), world.viewers["outsider"]
    )
    # Then neither changed anything
    assert denied.data is None
    assert denied.errors
    assert refused["chapterJoin"]["userErrors"][0]["code"] == "INVITE_ONLY"
    assert await session.scalar(count) == before


async def test_a_failed_commit_changes_nothing_and_says_so(
    graphql: GraphQLClient,
    world: ForumWorld,
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a commit that fails (rolled back, as a failed COMMIT leaves it)
    async def failing(context: Any) -> Exception:
        async with context.database.session() as request_session:
            await request_session.rollback()
        return RuntimeError("could not serialize access")

    monkeypatch.setattr(executor, "commit_operation", failing)
    monkeypatch.setattr(transaction, "commit_operation", failing)
    before = await _posts(session)
    # When a member replies, through the executor and through strawberry
    answers = []
    for enabled in (True, False):
        graphql.mutations_enabled = enabled
        result = await graphql.execute(
            POST_CREATE, _reply("global")(world, {}), world.viewers["member"]
        )
        answers.append((result.data, [error.formatted for error in result.errors or ()]))
    # Then both answer that nothing was saved, and nothing was
    assert answers[0] == answers[1]
    data, errors = answers[0]
    assert data is None
    assert errors[0]["message"] == transaction.COMMIT_FAILED
    assert errors[0]["extensions"]["code"] == "INTERNAL"
    assert await _posts(session) == before


async def test_a_payload_the_compiled_read_declines_is_rerun_by_strawberry_once(
    graphql: GraphQLClient,
    world: ForumWorld,
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a compiled read that declines the reply (as it does for what it cannot bind)
    async def declined(self: CompiledObjects, *args: Any) -> Any:
        return Undefined

    monkeypatch.setattr(CompiledObjects, "complete", declined)
    before = await _posts(session)
    # When a member replies through the executor
    graphql.mutations_enabled = True
    data = await graphql.data(POST_CREATE, _reply("global")(world, {}), world.viewers["member"])
    # Then the executor's write was rolled back and strawberry's stands: one reply, answered
    assert data["forumPostCreate"]["post"]["body"] == "Two months, with a site visit."
    assert await _posts(session) == before + 1
    assert graphql.mutations.answered == 0
