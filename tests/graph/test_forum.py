"""Forum reads: categories, a thread page, paging, search, votes, bad input, statement counts."""

from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import StatementCounter
from db.models import Engineer, ForumCategory, ForumThread
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import factories, viewers
from tests.conftest import GraphQLClient

FORUM_THREAD_PAGE = """
query ($id: ID!, $first: Int!) {
  node(id: $id) {
    ... on ForumThread {
      id title body tags createdAt author { handle name }
      posts(first: $first) {
        totalCount
        edges { cursor node { id body createdAt score author { handle name headline } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""
CATEGORY_PAGE = """
query ($slug: String!, $first: Int, $after: String, $last: Int, $before: String,
       $order: ForumThreadOrder! = LAST_POSTED_AT) {
  forumCategory(slug: $slug) {
    id slug name kind membersOnly sector { slug } chapter { slug }
    threads(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
      totalCount
      edges { cursor node { title pinned locked lastPostedAt author { handle } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""
THREAD_DETAILS = """
query ($id: ID!) {
  node(id: $id) {
    ... on ForumThread {
      acceptedAnswer { body isAcceptedAnswer }
      category { slug }
      posts(first: 5) { nodes { body score isAcceptedAnswer viewerVote editedAt } }
    }
  }
}
"""
THREAD_SEARCH = """
query ($filter: ForumThreadFilter) {
  forumThreads(first: 10, filter: $filter) { totalCount nodes { title tags } }
}
"""
CATEGORIES = """
query ($kind: ForumCategoryKind) {
  forumCategories(first: 10, kind: $kind) { totalCount nodes { slug kind } }
}
"""
NODES_OF_FORUM = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on ForumCategory { slug }
    ... on ForumThread { title }
    ... on ForumPost { body }
  }
}
"""


async def _forum(session: AsyncSession, replies: int = 3) -> dict[str, Any]:
    author = await factories.engineer(session, handle="forum-starter", headline="Grid engineer")
    helper = await factories.engineer(session, handle="forum-helper")
    category = await factories.forum_category(
        session, slug="forum-careers", name="Careers", position=1
    )
    other = await factories.forum_category(session, slug="forum-research", position=2)
    thread = await factories.forum_thread(
        session,
        category,
        author,
        title="Keeping PEC registration active abroad",
        body="Which CPD activities count?",
        tags=["pec-registration", "cpd"],
    )
    posts = [
        await factories.forum_post(session, thread, helper if n % 2 else author, body=f"r{n}")
        for n in range(replies)
    ]
    return {
        "author": author,
        "helper": helper,
        "category": category,
        "other": other,
        "thread": thread,
        "posts": posts,
    }


async def test_a_thread_page_lists_replies_oldest_first_with_authors(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # Given a thread with three replies
    forum = await _forum(session)
    # When anyone reads its first two replies
    data = await graphql.data(
        FORUM_THREAD_PAGE, {"id": encode_id("ForumThread", forum["thread"].id), "first": 2}
    )
    # Then they come oldest first, with a total and a cursor to continue
    thread = data["node"]
    assert thread["title"] == "Keeping PEC registration active abroad"
    assert thread["tags"] == ["pec-registration", "cpd"]
    assert thread["author"] == {"handle": "forum-starter", "name": forum["author"].name}
    posts = thread["posts"]
    assert posts["totalCount"] == 3
    assert [edge["node"]["body"] for edge in posts["edges"]] == ["r0", "r1"]
    assert posts["edges"][0]["node"]["author"]["headline"] == "Grid engineer"
    assert posts["pageInfo"]["hasNextPage"] is True


async def test_category_threads_put_pinned_first_and_page_both_ways(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    forum = await _forum(session, replies=0)
    for number in range(4):
        await factories.forum_thread(
            session, forum["category"], forum["helper"], title=f"Extra {number}"
        )
    await factories.forum_thread(
        session, forum["category"], forum["helper"], title="Read first", pinned=True
    )
    titles: list[str] = []
    after = None
    while True:
        data = await graphql.data(
            CATEGORY_PAGE, {"slug": "forum-careers", "first": 2, "after": after}
        )
        threads = data["forumCategory"]["threads"]
        titles += [edge["node"]["title"] for edge in threads["edges"]]
        if not threads["pageInfo"]["hasNextPage"]:
            break
        after = threads["pageInfo"]["endCursor"]
    assert titles[0] == "Read first"
    assert titles[1:] == [
        "Extra 3",
        "Extra 2",
        "Extra 1",
        "Extra 0",
        "Keeping PEC registration active abroad",
    ]
    backward = await graphql.data(CATEGORY_PAGE, {"slug": "forum-careers", "last": 2})
    assert [edge["node"]["title"] for edge in backward["forumCategory"]["threads"]["edges"]] == [
        "Extra 0",
        "Keeping PEC registration active abroad",
    ]
    assert backward["forumCategory"]["threads"]["totalCount"] == 6


async def test_a_reply_moves_its_thread_up_by_last_activity(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    forum = await _forum(session, replies=0)
    later = await factories.forum_thread(
        session, forum["category"], forum["helper"], title="Newer thread"
    )
    assert later.id > forum["thread"].id
    await factories.forum_post(session, forum["thread"], forum["helper"])
    by_activity = await graphql.data(CATEGORY_PAGE, {"slug": "forum-careers", "first": 5})
    by_creation = await graphql.data(
        CATEGORY_PAGE, {"slug": "forum-careers", "first": 5, "order": "CREATED_AT"}
    )
    first_by_activity = by_activity["forumCategory"]["threads"]["edges"][0]["node"]["title"]
    first_by_creation = by_creation["forumCategory"]["threads"]["edges"][0]["node"]["title"]
    assert first_by_activity == "Keeping PEC registration active abroad"
    assert first_by_creation == "Newer thread"


async def test_votes_scores_and_the_accepted_answer(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    forum = await _forum(session)
    voter = await factories.engineer(session)
    await factories.forum_vote(session, forum["posts"][1], voter, 1)
    await factories.forum_vote(session, forum["posts"][1], forum["author"], 1)
    await factories.forum_vote(session, forum["posts"][2], voter, -1)
    await session.execute(
        update(ForumThread)
        .where(ForumThread.id == forum["thread"].id)
        .values(accepted_post_id=forum["posts"][1].id)
    )
    viewer = await viewers.engineer(session, registry, voter)
    data = await graphql.data(
        THREAD_DETAILS, {"id": encode_id("ForumThread", forum["thread"].id)}, viewer
    )
    thread = data["node"]
    assert thread["acceptedAnswer"] == {"body": "r1", "isAcceptedAnswer": True}
    assert thread["category"] == {"slug": "forum-careers"}
    assert [
        (p["score"], p["isAcceptedAnswer"], p["viewerVote"]) for p in thread["posts"]["nodes"]
    ] == [
        (0, False, 0),
        (2, True, 1),
        (-1, False, -1),
    ]
    anonymous = await graphql.data(
        THREAD_DETAILS, {"id": encode_id("ForumThread", forum["thread"].id)}
    )
    assert [post["viewerVote"] for post in anonymous["node"]["posts"]["nodes"]] == [0, 0, 0]


async def test_full_text_search_and_tags_find_threads(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    forum = await _forum(session, replies=0)
    await factories.forum_thread(
        session,
        forum["other"],
        forum["helper"],
        title="Battery storage tenders",
        body="Who has bid on grid-scale storage in Sindh?",
        tags=["storage"],
    )
    found = await graphql.data(THREAD_SEARCH, {"filter": {"search": "registration"}})
    assert found["forumThreads"]["nodes"] == [
        {"title": "Keeping PEC registration active abroad", "tags": ["pec-registration", "cpd"]}
    ]
    by_body = await graphql.data(THREAD_SEARCH, {"filter": {"search": "Sindh storage"}})
    assert [node["title"] for node in by_body["forumThreads"]["nodes"]] == [
        "Battery storage tenders"
    ]
    by_tags = await graphql.data(THREAD_SEARCH, {"filter": {"tags": ["cpd", "pec-registration"]}})
    assert by_tags["forumThreads"]["totalCount"] == 1
    in_category = await graphql.data(
        THREAD_SEARCH, {"filter": {"category": "forum-research", "search": "storage"}}
    )
    assert in_category["forumThreads"]["totalCount"] == 1
    nowhere = await graphql.data(THREAD_SEARCH, {"filter": {"category": "no-such-category"}})
    assert nowhere["forumThreads"]["totalCount"] == 0


async def test_categories_list_by_position_and_kind(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    await _forum(session, replies=0)
    sector = await factories.sector(session, slug="forum-sector")
    await factories.forum_category(
        session, slug="forum-water", kind="SECTOR", sector_id=sector.id, position=3
    )
    data = await graphql.data(CATEGORIES, None)
    slugs = [node["slug"] for node in data["forumCategories"]["nodes"]]
    assert slugs == ["forum-careers", "forum-research", "forum-water"]
    sectors = await graphql.data(CATEGORIES, {"kind": "SECTOR"})
    assert sectors["forumCategories"]["nodes"] == [{"slug": "forum-water", "kind": "SECTOR"}]
    category = await graphql.data(CATEGORY_PAGE, {"slug": "forum-water", "first": 1})
    assert category["forumCategory"]["sector"] == {"slug": "forum-sector"}
    assert category["forumCategory"]["chapter"] is None


async def test_forum_objects_come_back_through_nodes(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    forum = await _forum(session, replies=1)
    ids = [
        encode_id("ForumCategory", forum["category"].id),
        encode_id("ForumThread", forum["thread"].id),
        encode_id("ForumPost", forum["posts"][0].id),
        encode_id("ForumPost", 2_000_000_000),
    ]
    data = await graphql.data(NODES_OF_FORUM, {"ids": ids})
    assert data["nodes"] == [
        {"__typename": "ForumCategory", "slug": "forum-careers"},
        {"__typename": "ForumThread", "title": "Keeping PEC registration active abroad"},
        {"__typename": "ForumPost", "body": "r0"},
        None,
    ]


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"filter": {"tags": ["a", "b", "c", "d", "e", "f"]}}, "tags"),
        ({"filter": {"tags": ["Not A Tag"]}}, "tags"),
        ({"filter": {"search": "x" * 201}}, "search"),
    ],
)
async def test_bad_thread_filters_are_rejected(
    graphql: GraphQLClient, session: AsyncSession, variables: dict[str, Any], argument: str
) -> None:
    result = await graphql.execute(THREAD_SEARCH, variables)
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert result.errors[0].extensions["argument"] == argument


async def test_a_cursor_of_another_list_is_rejected(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    forum = await _forum(session, replies=2)
    page = await graphql.data(
        FORUM_THREAD_PAGE, {"id": encode_id("ForumThread", forum["thread"].id), "first": 1}
    )
    cursor = page["node"]["posts"]["pageInfo"]["endCursor"]
    result = await graphql.execute(
        CATEGORY_PAGE, {"slug": "forum-careers", "first": 1, "after": cursor}
    )
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"


async def _long_thread(session: AsyncSession, replies: int) -> ForumThread:
    category = await factories.forum_category(session, slug=f"forum-long-{replies}")
    people = [
        Engineer(handle=f"long-{replies}-{n}", name=f"Long {n}", country_code="AE", city="Dubai")
        for n in range(replies)
    ]
    session.add_all(people)
    await session.flush()
    thread = await factories.forum_thread(session, category, people[0])
    for person in people:
        await factories.forum_post(session, thread, person)
    return thread


@pytest.mark.parametrize("replies", [10, 50])
async def test_a_thread_page_costs_the_same_statements_for_10_or_50_replies(
    graphql: GraphQLClient, session: AsyncSession, statements: StatementCounter, replies: int
) -> None:
    thread = await _long_thread(session, replies)
    statements.reset()
    data = await graphql.data(
        FORUM_THREAD_PAGE, {"id": encode_id("ForumThread", thread.id), "first": replies}
    )
    assert len(data["node"]["posts"]["edges"]) == replies
    # the thread, its category's read rule, author, reply page and authors: all one statement
    assert statements.count == 1  # one compiled statement builds the whole page


async def test_categories_are_checked_rows_not_trusted_input(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    gulf = await factories.chapter(session, "gulf-uae")
    hidden = ForumCategory(
        slug="forum-secret", name="Secret", kind="CHAPTER", chapter_id=gulf.id, members_only=True
    )
    session.add(hidden)
    await session.flush()
    data = await graphql.data(CATEGORY_PAGE, {"slug": "forum-secret", "first": 1})
    assert data == {"forumCategory": None}


@pytest.mark.parametrize(
    "document",
    [
        '{ forumCategory(slug: "forum-careers") { threads { totalCount } } }',
        '{ forumCategory(slug: "forum-careers") { threads(first: 101) { totalCount } } }',
        "{ forumThreads(last: 0) { totalCount } }",
        "{ forumCategories(first: 5) { nodes { threads(first: 1) { nodes { "
        "posts(first: 1000) { totalCount } } } } } }",
        '{ chapter(slug: "gulf-uae") { forumCategories { totalCount } } }',
    ],
)
async def test_forum_connections_need_a_page_size_of_1_to_100(
    graphql: GraphQLClient, session: AsyncSession, document: str
) -> None:
    await _forum(session, replies=1)
    result = await graphql.execute(document)
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert result.data is None
