"""Global IDs: node, nodes, malformed and unknown IDs."""

import base64

from sqlalchemy.ext.asyncio import AsyncSession

from graph.ids import decode_id, encode_id
from tests import factories
from tests.conftest import GraphQLClient

NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Engineer { handle }
    ... on Chapter { slug }
    ... on Institution { slug }
    ... on Membership { role chapter { slug } engineer { handle } }
  }
}
"""
NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"


async def test_node_fetches_each_type_by_its_id(
    session: AsyncSession, graphql: GraphQLClient
) -> None:
    engineer = await factories.engineer(session, handle="node-eng")
    gulf = await factories.chapter(session, "gulf-uae")
    university = await factories.institution(session, slug="node-uni")
    membership = await factories.membership(session, engineer, gulf, role="moderator")

    cases: dict[str, dict[str, object]] = {
        encode_id("Engineer", engineer.id): {"__typename": "Engineer", "handle": "node-eng"},
        encode_id("Chapter", gulf.id): {"__typename": "Chapter", "slug": "gulf-uae"},
        encode_id("Institution", university.id): {"__typename": "Institution", "slug": "node-uni"},
        encode_id("Membership", membership.id): {
            "__typename": "Membership",
            "role": "moderator",
            "chapter": {"slug": "gulf-uae"},
            "engineer": {"handle": "node-eng"},
        },
    }
    for global_id, expected in cases.items():
        data = await graphql.data(NODE, {"id": global_id})
        assert data["node"] == {"id": global_id, **expected}


async def test_ids_are_opaque_and_round_trip() -> None:
    global_id = encode_id("Engineer", 42)
    assert "Engineer" not in global_id
    assert decode_id(global_id) == ("Engineer", 42)


async def test_unknown_id_is_null_without_error(graphql: GraphQLClient) -> None:
    result = await graphql.execute(NODE, {"id": encode_id("Engineer", 2_000_000_000)})
    assert result.errors is None
    assert result.data == {"node": None}


async def test_malformed_ids_give_bad_user_input_and_null(graphql: GraphQLClient) -> None:
    malformed = [
        "garbage!!",
        base64.urlsafe_b64encode(b"Engineer:abc").decode(),
        base64.urlsafe_b64encode(b"Spaceship:1").decode(),
        base64.urlsafe_b64encode(b"Engineer:-4").decode(),
        base64.urlsafe_b64encode(b"Engineer:99999999999").decode(),
        "",
    ]
    for value in malformed:
        result = await graphql.execute(NODE, {"id": value})
        assert result.data == {"node": None}, value
        assert result.errors is not None, value
        assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
        assert "Malformed ID" in result.errors[0].message


async def test_nodes_keeps_order_and_nulls_missing_and_malformed(
    session: AsyncSession, graphql: GraphQLClient
) -> None:
    engineer = await factories.engineer(session)
    gulf = await factories.chapter(session, "gulf-uae")
    ids = [
        encode_id("Chapter", gulf.id),
        "bad-id",
        encode_id("Engineer", engineer.id),
        encode_id("Engineer", 2_000_000_000),
    ]

    result = await graphql.execute(NODES, {"ids": ids})

    assert result.data == {
        "nodes": [
            {"__typename": "Chapter", "id": ids[0]},
            None,
            {"__typename": "Engineer", "id": ids[2]},
            None,
        ]
    }
    assert result.errors is not None
    assert len(result.errors) == 1
    assert result.errors[0].path == ["nodes", 1]
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"


async def test_nodes_rejects_more_than_one_hundred_ids(graphql: GraphQLClient) -> None:
    result = await graphql.execute(
        NODES, {"ids": [encode_id("Engineer", n) for n in range(1, 102)]}
    )
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
