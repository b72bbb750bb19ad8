"""graphql-http's audit suite against the real server: every MUST and SHOULD passes."""

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import DatabaseLocation
from tests.support.npm import npm_ci
from tests.support.server import LiveServer, live_server

CONFORMANCE = Path(__file__).resolve().parent / "conformance"


@pytest.fixture(scope="module")
def server(
    database: DatabaseLocation, engine: AsyncEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app under uvicorn over the migrated test database."""
    with live_server(database.url, log_dir=tmp_path_factory.mktemp("server")) as running:
        yield running


def test_every_must_and_should_audit_passes(server: LiveServer) -> None:
    npm_ci(CONFORMANCE)
    node = shutil.which("node")
    assert node is not None, "Node.js 20+ is required for the graphql-http audits"

    completed = subprocess.run(
        [node, "audit.mjs", f"{server.url}/graphql"],
        cwd=CONFORMANCE,
        capture_output=True,
        check=True,
        timeout=120,
    )

    results = json.loads(completed.stdout)
    assert len(results) >= 40
    failed = [
        f"{result['id']} {result['name']}: {result['reason']}"
        for result in results
        if result["status"] != "ok" and result["name"].startswith(("MUST", "SHOULD"))
    ]
    assert failed == []


def test_server_logs_are_json_lines_with_the_request_id(server: LiveServer) -> None:
    response = httpx.post(
        f"{server.url}/graphql",
        json={"query": "query LogProbe { __typename }"},
        headers={"x-request-id": "log-probe-1"},
    )
    assert response.headers["x-request-id"] == "log-probe-1"

    deadline = time.monotonic() + 5  # the access line is written just after the response
    while True:
        text = server.log.read_text()
        lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        probe = [line for line in lines if line.get("request_id") == "log-probe-1"]
        if probe or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert probe
    assert probe[-1]["logger"] == "graph.access"
    assert probe[-1]["operation"] == "LogProbe"
    assert all("request_id" in line for line in lines)
