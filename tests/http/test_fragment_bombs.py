"""Fragment chains that double at each level are refused in milliseconds, on every path.

`fragment F{i} on Query { ...F{i-1} ...F{i-1} }` expands to 2^n selections: measuring it by
expanding would freeze the worker. Depth, cost, aliases and directives are measured once per
fragment, so the document is refused for its expanded size as fast as any other.
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, parse
from graphql.execution.values import VariableValues

from graph.compiler.settings import CompilerSettings
from graph.extensions.cost import requested_cost
from graph.extensions.limits import Limits, measure
from graph.schema import schema

ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]


def doubling_chain(levels: int) -> str:
    """The attack: each fragment spreads the previous one twice; the query spreads the last."""
    fragments = ["fragment F0 on Query { __typename chapters(first: 100) { totalCount } }"]
    fragments += [
        f"fragment F{level} on Query {{ ...F{level - 1} ...F{level - 1} }}"
        for level in range(1, levels + 1)
    ]
    return f"query Q{levels} {{ ...F{levels} }}\n" + "\n".join(fragments)


@pytest.mark.parametrize("levels", [20, 40])
def test_measuring_a_doubling_chain_is_linear(levels: int) -> None:
    # Given a chain that expands to 2^levels selections
    document = parse(doubling_chain(levels))
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))

    # When admission measures its shape and its cost
    started = time.process_time()
    shape = measure(document, operation)
    cost = requested_cost(schema._schema, document, operation, VariableValues({}, {}))
    spent = time.process_time() - started

    # Then it takes well under 50 ms of CPU, and the numbers are the true expanded ones
    assert spent < 0.05, f"{spent * 1000:.1f} ms"
    assert shape.expanded == 3 * 2**levels  # __typename, chapters, totalCount per copy
    assert shape.spreads == 2 * levels + 1
    assert cost == 2**levels  # one Chapter connection object per copy


@pytest.mark.parametrize("levels", [20, 40])
async def test_a_doubling_chain_is_refused_at_once_over_http(
    make_client: ClientFactory, levels: int
) -> None:
    client = await make_client(compiler=CompilerSettings(tune_gc=False))
    # Warm the caches of everything that is not the attack (first parse, schema, pools)
    assert (await client.post("/graphql", json={"query": "{ __typename }"})).status_code == 200

    # When an anonymous client sends the chain
    started = time.process_time()
    response = await client.post("/graphql", json={"query": doubling_chain(levels)})
    spent = time.process_time() - started

    # Then it is refused as too complex, naming the limit, in milliseconds of CPU
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["limit"] in {"fragmentSpreads", "expandedSelections"}
    assert response.json().get("data") is None
    assert spent < 0.25, f"{spent * 1000:.1f} ms"


def test_reasonable_fragment_use_stays_within_the_limits() -> None:
    # A Relay-style page: a fragment spread under each of 100 edges is one spread, not 100
    document = parse(
        "query { engineers(first: 100) { edges { node { ...Card } } } }"
        " fragment Card on Engineer { handle name headline skills { level skill { name } } }"
    )
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    shape = measure(document, operation)
    limits = Limits()
    assert shape.spreads == 1
    assert shape.expanded == 10
    assert shape.expanded <= limits.max_expanded_selections


async def test_a_doubling_chain_is_refused_at_once_over_websocket(ws_url: str) -> None:
    from websockets.asyncio.client import connect

    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        started = time.monotonic()
        await socket.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": doubling_chain(20)}})
        )
        answer: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
        elapsed = time.monotonic() - started

    assert answer["type"] in {"error", "next"}
    errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert elapsed < 2


@pytest.fixture
async def ws_url(sessionmaker: Any, registry: Any) -> AsyncIterator[str]:
    """The app under uvicorn on a free port, sharing the test's transaction."""
    from asgi_lifespan import LifespanManager

    from graph.app import create_app
    from tests.http.test_websocket import SETTINGS
    from tests.support.in_loop import served

    application = create_app(SETTINGS, sessionmaker=sessionmaker, registry=registry)
    async with LifespanManager(application), served(application) as address:
        yield f"ws://{address}/graphql"
