"""Forum mutations: allowed and denied per viewer, every bad input refused without a change."""

from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditLogEntry, Chapter, ForumPost, ForumReport, ForumThread, ForumVote
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import forum_world
from tests.conftest import GraphQLClient
from tests.forum_world import ForumWorld

THREAD_CREATE = """
mutation ($category: ID!, $title: String!, $body: String!, $tags: [String!]) {
  forumThreadCreate(input: {category: $category, title: $title, body: $body, tags: $tags}) {
    thread { title body tags author { handle } category { slug } posts(first: 1) { totalCount } }
    userErrors { field code message }
  }
}
"""
POST_CREATE = """
mutation ($thread: ID!, $body: String!) {
  forumPostCreate(input: {thread: $thread, body: $body}) {
    post { body author { handle } thread { posts(first: 1) { totalCount } } }
    userErrors { field code }
  }
}
"""
POST_EDIT = """
mutation ($post: ID!, $body: String!) {
  forumPostEdit(input: {post: $post, body: $body}) {
    post { body editedAt } userErrors { field code }
  }
}
"""
POST_VOTE = """
mutation ($post: ID!, $value: Int!) {
  forumPostVote(input: {post: $post, value: $value}) {
    post { score viewerVote } userErrors { field code }
  }
}
"""
ACCEPT = """
mutation ($thread: ID!, $post: ID) {
  forumThreadAcceptAnswer(input: {thread: $thread, post: $post}) {
    thread { acceptedAnswer { body isAcceptedAnswer } } userErrors { field code }
  }
}
"""
REPORT = """
mutation ($target: ID!, $reason: String!) {
  forumReport(input: {target: $target, reason: $reason}) {
    report { id status reason postId threadId } userErrors { field code }
  }
}
"""
MODERATE = """
mutation ($target: ID!, $action: ModerationAction!) {
  forumModerate(input: {target: $target, action: $action}) {
    thread { hidden locked pinned } post { hidden body } userErrors { field code }
  }
}
"""
RESOLVE = """
mutation ($report: ID!, $status: ForumReportStatus!) {
  forumReportResolve(input: {report: $report, status: $status}) {
    report { status resolvedAt } userErrors { field code }
  }
}
"""


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> ForumWorld:
    """The forum of tests/forum_world.py."""
    return await forum_world.build(session, registry)


async def _payload(
    graphql: GraphQLClient, document: str, variables: dict[str, Any], world: ForumWorld, who: str
) -> Any:
    data = await graphql.data(document, variables, world.viewers[who])
    return next(iter(data.values()))


async def _error_code(
    graphql: GraphQLClient, document: str, variables: dict[str, Any], world: ForumWorld, who: str
) -> str:
    result = await graphql.execute(document, variables, world.viewers[who])
    assert result.errors is not None
    return str(result.errors[0].extensions["code"])


async def _rows(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _thread_input(world: ForumWorld, category: str = "gulf", **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "category": world.id("ForumCategory", category),
        "title": "  Net metering in Dubai  ",
        "body": "How long did DEWA take to approve your rooftop system?",
        "tags": ["solar", "net-metering", "solar"],
    }
    values.update(overrides)
    return values


# forumThreadCreate


@pytest.mark.parametrize(("who", "category"), [("member", "gulf"), ("outsider", "global")])
async def test_writers_start_threads(
    graphql: GraphQLClient, world: ForumWorld, who: str, category: str
) -> None:
    payload = await _payload(graphql, THREAD_CREATE, _thread_input(world, category), world, who)
    assert payload["userErrors"] == []
    assert payload["thread"]["title"] == "Net metering in Dubai"
    assert payload["thread"]["tags"] == ["solar", "net-metering"]
    assert payload["thread"]["author"] == {"handle": world.engineers[who].handle}
    assert payload["thread"]["posts"]["totalCount"] == 0


@pytest.mark.parametrize(
    ("who", "category", "code"),
    [
        ("anonymous", "global", "UNAUTHENTICATED"),
        ("member_without_scope", "global", "INSUFFICIENT_SCOPE"),
        ("outsider", "uk", "FORBIDDEN"),
        ("moderator", "uk", "FORBIDDEN"),
    ],
)
async def test_non_writers_are_refused_at_the_top_level(
    graphql: GraphQLClient,
    session: AsyncSession,
    world: ForumWorld,
    who: str,
    category: str,
    code: str,
) -> None:
    before = await _rows(session, ForumThread)
    variables = _thread_input(world, category)
    assert await _error_code(graphql, THREAD_CREATE, variables, world, who) == code
    assert await _rows(session, ForumThread) == before


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"category": "not-an-id!"}, "category", "NOT_FOUND"),
        ({"category": encode_id("Chapter", 1)}, "category", "NOT_FOUND"),
        ({"category": encode_id("ForumCategory", 2_000_000_000)}, "category", "NOT_FOUND"),
        ({"title": " ab "}, "title", "INVALID_TITLE"),
        ({"title": "x" * 201}, "title", "INVALID_TITLE"),
        ({"body": "   "}, "body", "INVALID_BODY"),
        ({"body": "x" * 20_001}, "body", "INVALID_BODY"),
        ({"tags": ["a", "b", "c", "d", "e", "f"]}, "tags", "INVALID_TAGS"),
        ({"tags": ["Not A Tag"]}, "tags", "INVALID_TAGS"),
        ({"tags": ["x" * 33]}, "tags", "INVALID_TAGS"),
    ],
)
async def test_bad_thread_input_is_refused_without_a_change(
    graphql: GraphQLClient,
    session: AsyncSession,
    world: ForumWorld,
    overrides: dict[str, Any],
    field: str,
    code: str,
) -> None:
    before = await _rows(session, ForumThread)
    variables = {**_thread_input(world), **overrides}
    payload = await _payload(graphql, THREAD_CREATE, variables, world, "member")
    assert payload["thread"] is None
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == [
        (["input", field], code)
    ]
    assert await _rows(session, ForumThread) == before


async def test_members_only_categories_are_not_found_for_outsiders(
    graphql: GraphQLClient, session: AsyncSession, world: ForumWorld
) -> None:
    payload = await _payload(graphql, THREAD_CREATE, _thread_input(world), world, "outsider")
    assert payload["userErrors"][0]["code"] == "NOT_FOUND"


async def test_a_chapter_without_forum_takes_no_threads(
    graphql: GraphQLClient, session: AsyncSession, world: ForumWorld
) -> None:
    gulf_id = world.categories["gulf"].chapter_id
    await session.execute(update(Chapter).where(Chapter.id == gulf_id).values(features={}))
    payload = await _payload(graphql, THREAD_CREATE, _thread_input(world), world, "member")
    assert payload["userErrors"][0]["code"] == "FORUM_DISABLED"


# forumPostCreate


async def test_members_reply_and_the_thread_counts_it(
    graphql: GraphQLClient, world: ForumWorld
) -> None:
    variables = {"thread": world.id("ForumThread", "gulf"), "body": "Took us six weeks."}
    payload = await _payload(graphql, POST_CREATE, variables, world, "moderator")
    assert payload["userErrors"] == []
    assert payload["post"]["body"] == "Took us six weeks."
    assert payload["post"]["thread"]["posts"]["totalCount"] == 4


@pytest.mark.parametrize(("who", "code"), [("member", "LOCKED"), ("moderator", None)])
async def test_locked_threads_take_replies_from_moderators_only(
    graphql: GraphQLClient, session: AsyncSession, world: ForumWorld, who: str, code: str | None
) -> None:
    await session.execute(
        update(ForumThread).where(ForumThread.id == world.threads["gulf"].id).values(locked=True)
    )
    before = await _rows(session, ForumPost)
    variables = {"thread": world.id("ForumThread", "gulf"), "body": "One more thing."}
    payload = await _payload(graphql, POST_CREATE, variables, world, who)
    codes = [error["code"] for error in payload["userErrors"]]
    assert codes == ([code] if code else [])
    assert await _rows(session, ForumPost) == before + (0 if code else 1)


POST_CREATE_ERRORS = """
mutation ($thread: ID!, $body: String!) {
  forumPostCreate(input: {thread: $thread, body: $body}) {
    post { body } userErrors { field code message }
  }
}
"""


@pytest.mark.parametrize(
    ("who", "thread", "allowed"),
    [
        ("outsider", "gulf", False),
        ("member", "gulf", True),
        ("member", "gulf-hidden", False),
        ("moderator", "gulf-hidden", True),
        ("uk_moderator", "gulf-hidden", False),
        ("admin", "gulf-hidden", True),
        ("outsider", "uk-hidden", False),
        ("uk_moderator", "uk-hidden", True),
    ],
)
async def test_replies_go_only_to_threads_the_viewer_may_read(
    graphql: GraphQLClient,
    session: AsyncSession,
    world: ForumWorld,
    who: str,
    thread: str,
    allowed: bool,
) -> None:
    before = await _rows(session, ForumPost)
    variables = {"thread": world.id("ForumThread", thread), "body": "Same here."}
    payload = await _payload(graphql, POST_CREATE_ERRORS, variables, world, who)
    if allowed:
        assert payload == {"post": {"body": "Same here."}, "userErrors": []}
    else:
        assert payload == {
            "post": None,
            "userErrors": [
                {"field": ["input", "thread"], "code": "NOT_FOUND", "message": "No such thread."}
            ],
        }
    assert await _rows(session, ForumPost) == before + (1 if allowed else 0)


@pytest.mark.parametrize(
    ("thread", "body", "code"),
    [
        ("gulf-hidden", "Hello", "NOT_FOUND"),
        ("gulf", "", "INVALID_BODY"),
        ("gulf", "x" * 20_001, "INVALID_BODY"),
    ],
)
async def test_bad_replies_are_refused_without_a_change(
    graphql: GraphQLClient,
    session: AsyncSession,
    world: ForumWorld,
    thread: str,
    body: str,
    code: str,
) -> None:
    before = await _rows(session, ForumPost)
    variables = {"thread": world.id("ForumThread", thread), "body": body}
    payload = await _payload(graphql, POST_CREATE, variables, world, "member")
    assert [error["code"] for error in payload["userErrors"]] == [code]
    assert await _rows(session, ForumPost) == before


# forumPostEdit


async def test_authors_edit_their_replies_and_nobody_else_can(
    graphql: GraphQLClient, session: AsyncSession, world: ForumWorld
) -> None:
    variables = {"post": world.id("ForumPost", "gulf-0"), "body": "Corrected figures."}
    denied = await _payload(graphql, POST_EDIT, variables, world, "moderator")
    assert [error["code"] for error in denied["userErrors"]] == ["NOT_AUTHOR"]
    allowed = await _payload(graphql, POST_EDIT, variables, world, "member")
    assert allowed["userErrors"] == []
    assert allowed["post"]["body"] == "Corrected figures."
    assert allowed["post"]["editedAt"] is not None
    await session.execute(
        update(ForumThread).where(ForumThread.id == world.threads["gulf"].id).values(locked=True)
    )
    locked = await _payload(graphql, POST_EDIT, variables, world, "member")
    assert [error["code"] for error in locked["userErrors"]] == ["LOCKED"]


# forumPostVote


async def test_votes_change_the_score_and_can_be_taken_back(
    graphql: GraphQLClient, session: AsyncSession, world: ForumWorld
) -> None:
    post = world.id("ForumPost", "gulf-0")
    scores = []
    for value in (1, 1, -1, 0):
        payload = await _payload(
            graphql, POST_VOTE, {"post": post, "value": value}, world, "author"
        )
        assert payload["userErrors"] == []
        scores.append((payload["post"]["score"], payload["post"]["viewerVote"]))
    assert scores == [(1, 1), (1, 1), (-1, -1), (0, 0)]
    assert await _rows(session, ForumVote) == 0


@pytest.mark.parametrize(
    ("who", "post", "value", "code"),
    [
        ("member", "gulf-0", 1, "OWN_POST"),
        ("author", "gulf-0", 2, "INVALID_VOTE"),
        ("author", "gulf-0", -5, "INVALID_VOTE"),
        ("outsider", "gulf-0", 1, "NOT_FOUND"),
    ],
)
async def test_bad_votes_are_refused_without_a_change(
    graphql: GraphQLClient,
    session: AsyncSession,
    world: ForumWorld,
    who: str,
    post: str,
    value: int,
    code: str,
) -> None:
    variables = {"post": world.id("ForumPost", post), "value": value}
    payload = await _payload(graphql, POST_VOTE, variables, world, who)
    assert [error["code"] for error in payload["userErrors"]] == [code]
    assert await _rows(session, ForumVote) == 0


async def test_outsiders_cannot_vote_in_a_chapters_public_category(
    graphql: GraphQLClient, world: ForumWorld
) -> None:
    variables = {"post": world.id("ForumPost", "uk-0"), "value": 1}
    assert await _error_code(graphql, POST_VOTE, variables, world, "outsider") == "FORBIDDEN"


# forumThreadAcceptAnswer


async def test_the_threads_author_accepts_an_answer_and_can_clear_it(
    graphql: GraphQLClient, world: ForumWorld
) -> None:
    thread = world.id("ForumThread", "gulf")
    accepted = await _payload(
        graphql,
        ACCEPT,
        {"thread": thread, "post": world.id("ForumPost", "gulf-2")},
        world,
        "author",
    )
    assert accepted["thread"]["acceptedAnswer"] == {
        "body": "gulf reply 2",
        "isAcceptedAnswer": True,
    }
    cleared = await _payload(graphql, ACCEPT, {"thread": thread, "post": None}, world, "author")
    assert cleared["thread"]["acceptedAnswer"] is None


@pytest.mark.parametrize(
    ("who", "post", "code"),
    [
        ("member", "gulf-2", "NOT_AUTHOR"),
        ("author", "global-0", "NOT_IN_THREAD"),
        ("author", "gulf-1", "NOT_IN_THREAD"),
    ],
)
async def test_bad_acceptances_are_refused_without_a_change(
    graphql: GraphQLClient,
    session: AsyncSession,
    world: ForumWorld,
    who: str,
    post: str,
    code: str,
) -> None:
    variables = {"thread": world.id("ForumThread", "gulf"), "post": world.id("ForumPost", post)}
    payload = await _payload(graphql, ACCEPT, variables, world, who)
    assert [error["code"] for error in payload["userErrors"]] == [code]
    thread = await session.get(ForumThread, world.threads["gulf"].id)
    assert thread is not None
    await session.refresh(thread)
    assert thread.accepted_post_id is None


# forumReport


async def test_reports_are_filed_once_while_open(
    graphql: GraphQLClient, session: AsyncSession, world: ForumWorld
) -> None:
    variables = {"target": world.id("ForumPost", "global-0"), "reason": "Advertising."}
    filed = await _payload(graphql, REPORT, variables, world, "outsider")
    assert filed["userErrors"] == []
    assert filed["report"]["status"] == "OPEN"
    assert filed["report"]["postId"] == world.id("ForumPost", "global-0")
    again = await _payload(graphql, REPORT, variables, world, "outsider")
    assert [error["code"] for error in again["userErrors"]] == ["ALREADY_REPORTED"]
    assert await _rows(session, ForumReport) == 1


@pytest.mark.parametrize(
    ("target", "reason", "code"),
    [
        ("chapter", "Spam", "NOT_FOUND"),
        ("garbage", "Spam", "NOT_FOUND"),
        ("gulf-thread", "Spam", "NOT_FOUND"),
        ("global-thread", "", "INVALID_REASON"),
        ("global-thread", "x" * 501, "INVALID_REASON"),
    ],
)
async def test_bad_reports_are_refused_without_a_change(
    graphql: GraphQLClient,
    session: AsyncSession,
    world: ForumWorld,
    target: str,
    reason: str,
    code: str,
) -> None:
    targets = {
        "chapter": encode_id("Chapter", 1),
        "garbage": "%%%",
        "gulf-thread": world.id("ForumThread", "gulf"),
        "global-thread": world.id("ForumThread", "global"),
    }
    payload = await _payload(
        graphql, REPORT, {"target": targets[target], "reason": reason}, world, "outsider"
    )
    assert [error["code"] for error in payload["userErrors"]] == [code]
    assert await _rows(session, ForumReport) == 0


# forumModerate


@pytest.mark.parametrize(
    ("who", "target"), [("moderator", "gulf"), ("admin", "gulf"), ("admin", "global")]
)
async def test_moderators_hide_and_lock_in_their_categories_audited(
    graphql: GraphQLClient, session: AsyncSession, world: ForumWorld, who: str, target: str
) -> None:
    hidden = await _payload(
        graphql,
        MODERATE,
        {"target": world.id("ForumPost", f"{target}-0"), "action": "HIDE"},
        world,
        who,
    )
    assert hidden == {
        "thread": None,
        "post": {"hidden": True, "body": f"{target} reply 0"},
        "userErrors": [],
    }
    locked = await _payload(
        graphql, MODERATE, {"target": world.id("ForumThread", target), "action": "LOCK"}, world, who
    )
    assert locked["thread"] == {"hidden": False, "locked": True, "pinned": False}
    entries = (await session.scalars(select(AuditLogEntry).order_by(AuditLogEntry.id))).all()
    assert [(entry.action, entry.target_type, entry.before, entry.after) for entry in entries] == [
        ("forum.hide", "ForumPost", {"hidden": False}, {"hidden": True}),
        (
            "forum.lock",
            "ForumThread",
            {"hidden": False, "locked": False, "pinned": False},
            {"hidden": False, "locked": True, "pinned": False},
        ),
    ]
    assert entries[0].actor_engineer_id == world.engineers[who].id


@pytest.mark.parametrize(
    ("who", "target", "code"),
    [
        ("member", "gulf", "FORBIDDEN"),
        ("member_without_scope", "global", "INSUFFICIENT_SCOPE"),
        ("moderator", "global", "FORBIDDEN"),
        ("uk_moderator", "global", "FORBIDDEN"),
        ("anonymous", "global", "UNAUTHENTICATED"),
    ],
)
async def test_non_moderators_are_refused_without_a_change(
    graphql: GraphQLClient,
    session: AsyncSession,
    world: ForumWorld,
    who: str,
    target: str,
    code: str,
) -> None:
    variables = {"target": world.id("ForumThread", target), "action": "PIN"}
    assert await _error_code(graphql, MODERATE, variables, world, who) == code
    assert await _rows(session, AuditLogEntry) == 0
    thread = await session.get(ForumThread, world.threads[target].id)
    assert thread is not None
    await session.refresh(thread)
    assert thread.pinned is False


async def test_another_chapters_moderator_cannot_even_find_members_only_content(
    graphql: GraphQLClient, world: ForumWorld
) -> None:
    variables = {"target": world.id("ForumThread", "gulf"), "action": "PIN"}
    payload = await _payload(graphql, MODERATE, variables, world, "uk_moderator")
    assert [error["code"] for error in payload["userErrors"]] == ["NOT_FOUND"]


@pytest.mark.parametrize(
    ("target", "action", "code"),
    [
        ("post:gulf-0", "LOCK", "INVALID_ACTION"),
        ("post:gulf-0", "PIN", "INVALID_ACTION"),
        ("post:gulf-1", "HIDE", "UNCHANGED"),
        ("thread:gulf", "UNLOCK", "UNCHANGED"),
        ("thread:gulf-hidden", "HIDE", "UNCHANGED"),
    ],
)
async def test_invalid_transitions_are_refused_without_a_change(
    graphql: GraphQLClient,
    session: AsyncSession,
    world: ForumWorld,
    target: str,
    action: str,
    code: str,
) -> None:
    kind, name = target.split(":")
    global_id = world.id("ForumPost" if kind == "post" else "ForumThread", name)
    payload = await _payload(
        graphql, MODERATE, {"target": global_id, "action": action}, world, "moderator"
    )
    assert [error["code"] for error in payload["userErrors"]] == [code]
    assert await _rows(session, AuditLogEntry) == 0


# forumReportResolve


async def test_moderators_settle_reports_once_audited(
    graphql: GraphQLClient, session: AsyncSession, world: ForumWorld
) -> None:
    filed = await _payload(
        graphql,
        REPORT,
        {"target": world.id("ForumPost", "gulf-2"), "reason": "Rude."},
        world,
        "author",
    )
    report = filed["report"]["id"]
    denied = await _error_code(
        graphql, RESOLVE, {"report": report, "status": "RESOLVED"}, world, "member"
    )
    assert denied == "FORBIDDEN"
    reopen = await _payload(
        graphql, RESOLVE, {"report": report, "status": "OPEN"}, world, "moderator"
    )
    assert [error["code"] for error in reopen["userErrors"]] == ["INVALID_ACTION"]
    settled = await _payload(
        graphql, RESOLVE, {"report": report, "status": "DISMISSED"}, world, "moderator"
    )
    assert settled["userErrors"] == []
    assert settled["report"]["status"] == "DISMISSED"
    assert settled["report"]["resolvedAt"] is not None
    again = await _payload(
        graphql, RESOLVE, {"report": report, "status": "RESOLVED"}, world, "admin"
    )
    assert [error["code"] for error in again["userErrors"]] == ["NOT_OPEN"]
    actions = (await session.scalars(select(AuditLogEntry.action))).all()
    assert actions == ["forum.report.dismissed"]
    missing = await _payload(
        graphql,
        RESOLVE,
        {"report": encode_id("ForumReport", 2_000_000_000), "status": "RESOLVED"},
        world,
        "moderator",
    )
    assert [error["code"] for error in missing["userErrors"]] == ["NOT_FOUND"]


REPORT_NODE = """
query ($id: ID!) { node(id: $id) { ... on ForumReport { status reason } } }
"""


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("author", True),
        ("moderator", True),
        ("admin", True),
        ("member", False),
        ("anonymous", False),
    ],
)
async def test_reports_are_visible_to_their_reporter_and_moderators(
    graphql: GraphQLClient, world: ForumWorld, who: str, visible: bool
) -> None:
    filed = await _payload(
        graphql,
        REPORT,
        {"target": world.id("ForumPost", "gulf-2"), "reason": "Rude."},
        world,
        "author",
    )
    data = await graphql.data(REPORT_NODE, {"id": filed["report"]["id"]}, world.viewers[who])
    assert data["node"] == ({"status": "OPEN", "reason": "Rude."} if visible else None)


MODERATION_QUEUE = """
query ($slug: String!, $statuses: [ForumReportStatus!]) {
  forumCategory(slug: $slug) {
    reports(first: 10, statuses: $statuses) {
      totalCount nodes { reason status threadId postId reporter { handle } }
    }
  }
}
"""


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("moderator", None),
        ("admin", None),
        ("member", "FORBIDDEN"),
        ("member_without_scope", None),
        ("uk_moderator", None),
    ],
)
async def test_the_moderation_queue_is_for_the_categorys_moderators(
    graphql: GraphQLClient, world: ForumWorld, who: str, code: str | None
) -> None:
    for target in (world.id("ForumPost", "gulf-2"), world.id("ForumThread", "gulf")):
        await _payload(graphql, REPORT, {"target": target, "reason": "Rude."}, world, "author")
    await _payload(
        graphql,
        REPORT,
        {"target": world.id("ForumPost", "global-0"), "reason": "Spam."},
        world,
        "author",
    )
    result = await graphql.execute(
        MODERATION_QUEUE, {"slug": "forum-gulf", "statuses": ["OPEN"]}, world.viewers[who]
    )
    if who in ("member_without_scope", "uk_moderator"):
        # they cannot read the members-only category at all
        assert result.errors is None
        assert result.data == {"forumCategory": None}
        return
    if code is not None:
        assert result.errors is not None
        assert result.errors[0].extensions["code"] == code
        return
    assert result.errors is None
    queue = result.data["forumCategory"]["reports"]
    assert queue["totalCount"] == 2
    assert [(node["postId"] is not None, node["reporter"]) for node in queue["nodes"]] == [
        (True, {"handle": "forum-author"}),
        (False, {"handle": "forum-author"}),
    ]
