"""schemathesis (GraphQL mode) against the real server: no 5xx, no unmasked error."""

from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import DatabaseLocation
from tests.support.fuzz import fuzz
from tests.support.server import LiveServer, live_server

EXAMPLES_PER_OPERATION = 15


@pytest.fixture(scope="module")
def server(
    database: DatabaseLocation, engine: AsyncEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app under uvicorn with a budget large enough not to throttle the fuzzer."""
    env = {"BRAINGAIN_BUDGET_CAPACITY": "10000000", "BRAINGAIN_BUDGET_RESTORE_RATE": "100000"}
    with live_server(database.url, env, tmp_path_factory.mktemp("server")) as running:
        yield running


def test_generated_queries_get_no_5xx_and_no_unmasked_error(server: LiveServer) -> None:
    failures = fuzz(server.url, EXAMPLES_PER_OPERATION)
    assert failures == [], "\n\n".join(failures[:10])
