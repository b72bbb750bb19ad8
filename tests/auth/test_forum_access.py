"""Forum reads: members-only categories and hidden content, denied and allowed per viewer."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from graph.chapters import ChapterRegistry
from tests import forum_world
from tests.conftest import GraphQLClient
from tests.forum_world import ForumWorld

CATEGORY_THREADS = """
query ($slug: String!) {
  forumCategory(slug: $slug) {
    slug membersOnly
    threads(first: 10) { totalCount nodes { title hidden } }
  }
}
"""
THREAD_PAGE = """
query ($id: ID!) {
  node(id: $id) {
    ... on ForumThread {
      title hidden
      posts(first: 10) { totalCount nodes { body hidden author { handle } } }
    }
  }
}
"""
POST_NODE = """
query ($id: ID!) { node(id: $id) { ... on ForumPost { body hidden thread { title } } } }
"""
CATEGORY_LIST = """
query ($chapter: String) {
  forumCategories(first: 20, chapter: $chapter) { totalCount nodes { slug } }
}
"""
SEARCH_ALL = """
query { forumThreads(first: 20, filter: {tags: ["solar"]}) { totalCount nodes { title } } }
"""
CHAPTER_CATEGORIES = """
query ($slug: String!) { chapter(slug: $slug) { forumCategories(first: 5) { nodes { slug } } } }
"""

MEMBERS_OF_GULF = ("member", "author", "moderator", "admin")
NOT_MEMBERS_OF_GULF = ("anonymous", "outsider", "uk_moderator", "member_without_scope")
MODERATORS_OF_GULF = ("moderator", "admin")
NOT_MODERATORS_OF_GULF = ("anonymous", "outsider", "member", "author", "uk_moderator")


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> ForumWorld:
    """The forum of tests/forum_world.py."""
    return await forum_world.build(session, registry)


@pytest.mark.parametrize("who", MEMBERS_OF_GULF)
async def test_members_only_category_is_readable_by_active_members_and_admins(
    graphql: GraphQLClient, world: ForumWorld, who: str
) -> None:
    data = await graphql.data(CATEGORY_THREADS, {"slug": "forum-gulf"}, world.viewers[who])
    titles = [node["title"] for node in data["forumCategory"]["threads"]["nodes"]]
    assert "gulf question about solar" in titles
    node = await graphql.data(
        THREAD_PAGE, {"id": world.id("ForumThread", "gulf")}, world.viewers[who]
    )
    assert node["node"]["posts"]["totalCount"] == 3


@pytest.mark.parametrize("who", NOT_MEMBERS_OF_GULF)
async def test_members_only_category_is_invisible_to_everyone_else_in_every_path(
    graphql: GraphQLClient, world: ForumWorld, who: str
) -> None:
    viewer = world.viewers[who]
    assert (await graphql.data(CATEGORY_THREADS, {"slug": "forum-gulf"}, viewer)) == {
        "forumCategory": None
    }
    for kind, name in (
        ("ForumThread", "gulf"),
        ("ForumPost", "gulf-0"),
        ("ForumCategory", "gulf"),
    ):
        assert (await graphql.data(THREAD_PAGE, {"id": world.id(kind, name)}, viewer)) == {
            "node": None
        }
    listed = await graphql.data(CATEGORY_LIST, {"chapter": "gulf-uae"}, viewer)
    assert listed["forumCategories"] == {"totalCount": 0, "nodes": []}
    searched = await graphql.data(SEARCH_ALL, None, viewer)
    titles = {node["title"] for node in searched["forumThreads"]["nodes"]}
    assert "gulf question about solar" not in titles
    assert "global question about solar" in titles
    chapter = await graphql.data(CHAPTER_CATEGORIES, {"slug": "gulf-uae"}, viewer)
    assert chapter["chapter"]["forumCategories"]["nodes"] == []


@pytest.mark.parametrize("who", MODERATORS_OF_GULF)
async def test_moderators_see_hidden_threads_and_hidden_bodies_of_their_chapter(
    graphql: GraphQLClient, world: ForumWorld, who: str
) -> None:
    viewer = world.viewers[who]
    data = await graphql.data(CATEGORY_THREADS, {"slug": "forum-gulf"}, viewer)
    threads = data["forumCategory"]["threads"]
    assert threads["totalCount"] == 2
    assert {"title": "gulf hidden thread", "hidden": True} in threads["nodes"]
    page = await graphql.data(THREAD_PAGE, {"id": world.id("ForumThread", "gulf")}, viewer)
    assert page["node"]["posts"]["nodes"][1] == {
        "body": "gulf reply 1",
        "hidden": True,
        "author": {"handle": "forum-member"},
    }
    hidden = await graphql.data(THREAD_PAGE, {"id": world.id("ForumThread", "gulf-hidden")}, viewer)
    assert hidden["node"]["hidden"] is True


@pytest.mark.parametrize("who", ["member", "author"])
async def test_members_see_hidden_replies_minimised_and_no_hidden_threads(
    graphql: GraphQLClient, world: ForumWorld, who: str
) -> None:
    viewer = world.viewers[who]
    data = await graphql.data(CATEGORY_THREADS, {"slug": "forum-gulf"}, viewer)
    assert data["forumCategory"]["threads"]["totalCount"] == 1
    page = await graphql.data(THREAD_PAGE, {"id": world.id("ForumThread", "gulf")}, viewer)
    posts = page["node"]["posts"]["nodes"]
    assert [post["body"] for post in posts] == ["gulf reply 0", None, "gulf reply 2"]
    assert posts[1]["hidden"] is True
    assert posts[1]["author"] == {"handle": "forum-member"}
    assert (
        await graphql.data(THREAD_PAGE, {"id": world.id("ForumThread", "gulf-hidden")}, viewer)
    ) == {"node": None}
    post = await graphql.data(POST_NODE, {"id": world.id("ForumPost", "gulf-1")}, viewer)
    assert post["node"] == {
        "body": None,
        "hidden": True,
        "thread": {"title": "gulf question about solar"},
    }


@pytest.mark.parametrize("who", [*NOT_MODERATORS_OF_GULF, "moderator"])
async def test_global_hidden_content_is_for_council_admins_only(
    graphql: GraphQLClient, world: ForumWorld, who: str
) -> None:
    viewer = world.viewers[who]
    hidden = await graphql.data(
        THREAD_PAGE, {"id": world.id("ForumThread", "global-hidden")}, viewer
    )
    assert hidden == {"node": None}
    post = await graphql.data(POST_NODE, {"id": world.id("ForumPost", "global-1")}, viewer)
    assert post["node"]["body"] is None


async def test_council_admins_see_global_hidden_content(
    graphql: GraphQLClient, world: ForumWorld
) -> None:
    viewer = world.viewers["admin"]
    hidden = await graphql.data(
        THREAD_PAGE, {"id": world.id("ForumThread", "global-hidden")}, viewer
    )
    assert hidden["node"]["hidden"] is True
    post = await graphql.data(POST_NODE, {"id": world.id("ForumPost", "global-1")}, viewer)
    assert post["node"]["body"] == "global reply 1"


@pytest.mark.parametrize("who", ["uk_moderator", "admin"])
async def test_a_chapters_moderators_see_its_hidden_threads(
    graphql: GraphQLClient, world: ForumWorld, who: str
) -> None:
    data = await graphql.data(CATEGORY_THREADS, {"slug": "forum-uk"}, world.viewers[who])
    assert data["forumCategory"]["threads"]["totalCount"] == 2


@pytest.mark.parametrize("who", ["moderator", "member", "anonymous", "outsider"])
async def test_another_chapters_moderators_do_not_see_its_hidden_threads(
    graphql: GraphQLClient, world: ForumWorld, who: str
) -> None:
    data = await graphql.data(CATEGORY_THREADS, {"slug": "forum-uk"}, world.viewers[who])
    assert data["forumCategory"]["threads"]["totalCount"] == 1
    page = await graphql.data(
        THREAD_PAGE, {"id": world.id("ForumThread", "uk")}, world.viewers[who]
    )
    assert [post["body"] for post in page["node"]["posts"]["nodes"]] == [
        "uk reply 0",
        None,
        "uk reply 2",
    ]
