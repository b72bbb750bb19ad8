"""A document with several operations must name the one to run (GraphQL spec, GetOperation)."""

import json
from collections.abc import Awaitable, Callable

import httpx

from graph.compiler.settings import CompilerSettings
from tests.http.test_fragment_bombs import ws_url  # noqa: F401  (the live-server fixture)

ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]
TWO_OPERATIONS = "query A { __typename } query B { chapters(first: 1) { totalCount } }"
MESSAGE = "Must provide operation name if query contains multiple operations."


async def test_two_operations_without_a_name_are_a_request_error(
    make_client: ClientFactory,
) -> None:
    client = await make_client(compiler=CompilerSettings(tune_gc=False))

    # When a client sends two operations and names neither, by POST and by GET
    posted = await client.post("/graphql", json={"query": TWO_OPERATIONS})
    got = await client.get("/graphql", params={"query": TWO_OPERATIONS})

    # Then nothing runs: a request error, not the first operation's data
    for response in (posted, got):
        assert response.status_code == 400
        body = response.json()
        assert "data" not in body
        assert body["errors"] == [{"message": MESSAGE, "extensions": {"code": "BAD_USER_INPUT"}}]


async def test_naming_one_of_them_runs_that_one(make_client: ClientFactory) -> None:
    client = await make_client(compiler=CompilerSettings(tune_gc=False))
    response = await client.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "B"})
    assert response.status_code == 200
    assert set(response.json()["data"]) == {"chapters"}


async def test_two_operations_without_a_name_are_refused_over_websocket(ws_url: str) -> None:  # noqa: F811
    from websockets.asyncio.client import connect

    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": TWO_OPERATIONS}})
        )
        answer = json.loads(await socket.recv())

    errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
    assert errors[0]["message"] == MESSAGE
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
