"""`_entities` answers like `node(id:)`: same objects, same authorization, for every viewer."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from graph.schema import schema
from tests import forum_world
from tests.conftest import GraphQLClient

ENTITIES = """
query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on ForumThread { id title }
    ... on Engineer { id handle }
  }
}
"""
NODE = "query ($id: ID!) { node(id: $id) { __typename ... on ForumThread { id title } } }"
SERVICE = "{ _service { sdl } }"


@pytest.mark.parametrize(
    ("viewer", "thread", "visible"),
    [
        ("anonymous", "global", True),
        ("anonymous", "gulf", False),  # members-only category
        ("member", "gulf", True),
        ("outsider", "gulf", False),
        ("member", "gulf-hidden", False),  # hidden thread: moderators only
        ("moderator", "gulf-hidden", True),
    ],
)
async def test_an_entity_is_visible_exactly_when_node_shows_it(
    session: AsyncSession,
    registry: ChapterRegistry,
    graphql: GraphQLClient,
    viewer: str,
    thread: str,
    visible: bool,
) -> None:
    world = await forum_world.build(session, registry)
    thread_id = world.id("ForumThread", thread)
    as_viewer = world.viewers[viewer]

    # When a gateway asks for the thread by key, and a client by node(id:)
    entities = await graphql.data(
        ENTITIES,
        {"representations": [{"__typename": "ForumThread", "id": thread_id}]},
        as_viewer,
    )
    node = await graphql.data(NODE, {"id": thread_id}, as_viewer)

    # Then both answer alike: the thread, or null
    expected = (
        {"__typename": "ForumThread", "id": thread_id, "title": world.threads[thread].title}
        if visible
        else None
    )
    assert entities["_entities"] == [expected]
    assert node["node"] == expected


async def test_representations_resolve_in_order_and_a_wrong_type_is_null(
    session: AsyncSession, registry: ChapterRegistry, graphql: GraphQLClient
) -> None:
    world = await forum_world.build(session, registry)
    engineer = world.engineers["member"]
    representations = [
        {"__typename": "Engineer", "id": encode_id("Engineer", engineer.id)},
        {"__typename": "Engineer", "id": world.id("ForumThread", "global")},  # not an Engineer
        {"__typename": "ForumThread", "id": world.id("ForumThread", "global")},
    ]
    data = await graphql.data(ENTITIES, {"representations": representations})
    assert [item and item["__typename"] for item in data["_entities"]] == [
        "Engineer",
        None,
        "ForumThread",
    ]
    assert data["_entities"][0]["handle"] == engineer.handle


async def test_a_malformed_representation_is_an_error_at_its_index(
    graphql: GraphQLClient,
) -> None:
    result = await graphql.execute(
        ENTITIES, {"representations": [{"__typename": "Engineer", "id": "garbage!!"}]}
    )
    assert result.data == {"_entities": [None]}
    assert result.errors is not None
    assert result.errors[0].path == ["_entities", 0]
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"


async def test_the_service_sdl_is_the_subgraph_schema(graphql: GraphQLClient) -> None:
    data = await graphql.data(SERVICE)
    sdl = data["_service"]["sdl"]
    assert sdl == schema.as_str()
    assert '@link(url: "https://specs.apollo.dev/federation/v2.3"' in sdl
    assert 'type Engineer implements Node @key(fields: "id"' in sdl
    assert "type PageInfo @shareable" in sdl
