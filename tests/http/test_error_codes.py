"""Every expected error carries a code, parse and validation included; invalid documents fuzzed."""

import json
from collections.abc import Awaitable, Callable

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.compiler.settings import CompilerSettings
from graph.errors import ErrorCode
from graph.http.settings import BudgetSettings, HardeningSettings
from tests.http.test_fragment_bombs import ws_url  # noqa: F401  (the live-server fixture)

ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]
DOCUMENTED = {code.value for code in ErrorCode}
VALID = "query ($first: Int!) { chapters(first: $first) { totalCount nodes { slug name } } }"

CASES = [
    pytest.param(
        {"query": "{ chapters(first: 1 { totalCount } }"}, "GRAPHQL_PARSE_FAILED", id="parse"
    ),
    pytest.param({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED", id="unknown-field"),
    pytest.param(
        {"query": '{ chapters(first: "x") { totalCount } }'},
        "GRAPHQL_VALIDATION_FAILED",
        id="literal-of-wrong-type",
    ),
    pytest.param(
        {"query": VALID, "variables": {"first": "x"}}, "BAD_USER_INPUT", id="variable-of-wrong-type"
    ),
    pytest.param({"query": VALID, "variables": {}}, "BAD_USER_INPUT", id="missing-variable"),
    pytest.param(
        {"query": "{ chapters(first: 500) { totalCount } }"}, "BAD_USER_INPUT", id="page-too-big"
    ),
]


@pytest.mark.parametrize(("body", "code"), CASES)
async def test_each_request_error_names_its_code(
    make_client: ClientFactory, body: dict[str, object], code: str
) -> None:
    client = await make_client(compiler=CompilerSettings(tune_gc=False))
    response = await client.post("/graphql", json=body)
    errors = response.json()["errors"]
    assert [error["extensions"]["code"] for error in errors] == [code] * len(errors)


async def test_a_string_page_size_says_it_is_not_an_int(make_client: ClientFactory) -> None:
    client = await make_client()
    response = await client.post(
        "/graphql",
        json={
            "query": "query ($n: Int) { chapters(first: $n) { totalCount } }",
            "variables": {"n": "x"},
        },
    )
    message = response.json()["errors"][0]["message"]
    assert "Int" in message
    assert "must be between 1 and 100, got x" not in message


INSERTS = ["", "{", "}", "(", ")", "$", '"', "...", "@skip", "nope", "\x00", "é", "1"]


def _mangle(document: str, position: int, insert: str, cut: int) -> str:
    position %= len(document) + 1
    return document[:position] + insert + document[position + cut :]


async def test_fuzzed_invalid_documents_get_a_documented_code_and_never_a_5xx(
    make_client: ClientFactory,
) -> None:
    client = await make_client(
        HardeningSettings(budget=BudgetSettings(capacity=10_000_000, restore_rate=1_000_000)),
        compiler=CompilerSettings(tune_gc=False),
    )
    seen: list[tuple[str, int, list[str]]] = []

    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        position=st.integers(min_value=0, max_value=len(VALID)),
        insert=st.sampled_from(
            ["", "{", "}", "(", ")", "$", '"', "...", "@skip", "nope", "\x00", "é", "1"]
        ),
        cut=st.integers(min_value=0, max_value=8),
        first=st.one_of(
            st.integers(),
            st.text(max_size=5),
            st.none(),
            st.floats(allow_nan=False, allow_infinity=False),
        ),
    )
    def examples(position: int, insert: str, cut: int, first: object) -> None:
        seen.append((_mangle(VALID, position, insert, cut), 0, [json.dumps(first)]))

    examples()
    for document, _, (first,) in seen:
        response = await client.post(
            "/graphql", json={"query": document, "variables": {"first": json.loads(first)}}
        )
        assert response.status_code < 500, (document, first, response.text)
        for error in response.json().get("errors", []):
            assert error.get("extensions", {}).get("code") in DOCUMENTED, (document, first, error)


async def test_request_errors_over_websocket_carry_their_code(ws_url: str) -> None:  # noqa: F811
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosedError

    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        # A document that does not validate: an `error` message with the code
        await socket.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "{ nope }"}})
        )
        invalid = json.loads(await socket.recv())
        # A document that does not parse: graphql-ws closes the socket with 4400 and the reason
        await socket.send(
            json.dumps({"id": "2", "type": "subscribe", "payload": {"query": "{ chapters( }"}})
        )
        with pytest.raises(ConnectionClosedError) as closed:
            await socket.recv()

    assert invalid["type"] == "error"
    assert invalid["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4400
    assert closed.value.rcvd.reason.startswith("Syntax Error")
