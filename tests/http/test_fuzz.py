"""Fuzzing against the real server: schemathesis's valid documents get no 5xx and no unmasked
error; hostile requests (tests/support/adversarial.py) each get the code their kind calls for, on
both read paths and over a WebSocket."""

from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import DatabaseLocation
from tests.support.adversarial import FAMILIES
from tests.support.fuzz import attack_over_http, attack_over_websocket, fuzz
from tests.support.server import LiveServer, live_server

EXAMPLES_PER_OPERATION = 15
ATTACKS_PER_FAMILY = 20
UNTHROTTLED = {"BRAINGAIN_BUDGET_CAPACITY": "10000000", "BRAINGAIN_BUDGET_RESTORE_RATE": "100000"}


@pytest.fixture(scope="module")
def server(
    database: DatabaseLocation, engine: AsyncEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app under uvicorn with a budget that never throttles the fuzzer."""
    with live_server(database.url, UNTHROTTLED, tmp_path_factory.mktemp("server")) as running:
        yield running


def test_generated_queries_get_no_5xx_and_no_unmasked_error(server: LiveServer) -> None:
    failures = fuzz(server.url, EXAMPLES_PER_OPERATION)
    assert failures == [], "\n\n".join(failures[:40])


def test_every_hostile_family_is_covered() -> None:
    assert len(FAMILIES) >= 15


def test_hostile_requests_get_their_code_and_never_a_5xx(server: LiveServer) -> None:
    failures = attack_over_http(server.url, ATTACKS_PER_FAMILY)
    assert failures == [], "\n\n".join(failures[:40])


def test_hostile_documents_over_a_websocket_get_their_code(server: LiveServer) -> None:
    failures = attack_over_websocket(
        server.url.replace("http://", "ws://") + "/graphql", ATTACKS_PER_FAMILY
    )
    assert failures == [], "\n\n".join(failures[:40])
