"""CORS as a browser enforces it: headless Chromium runs a page on one origin calling the API."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import DatabaseLocation
from tests.support.chromium import Chromium
from tests.support.server import LiveServer, free_port, live_server

PAGE = b"<!doctype html><title>portal</title><p>A browser app.</p>"
CALL = """
fetch(%(url)r, {
  method: 'POST',
  headers: {'Content-Type': 'application/json', %(authorization)s},
  body: JSON.stringify({query: '{ chapters(first: 1) { totalCount } }'}),
}).then(
  async (response) => ({status: response.status, body: await response.json(),
                        requestId: response.headers.get('x-request-id')}),
  (error) => ({failed: String(error)}),
)
"""


class _Page(BaseHTTPRequestHandler):
    """Serves the browser app's page at every path."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def page_port() -> Iterator[int]:
    """A web server for the browser app's page, on a port of its own (so another origin)."""
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield port
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def server(
    database: DatabaseLocation,
    engine: AsyncEngine,
    page_port: int,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """The API allowing the page's origin as `localhost` (not as `127.0.0.1`)."""
    with live_server(
        database.url,
        env={"BRAINGAIN_CORS_ORIGINS": f"http://localhost:{page_port}"},
        log_dir=tmp_path_factory.mktemp("server"),
    ) as running:
        yield running


async def call_from(origin: str, server: LiveServer, authorization: str = "") -> Any:
    """What the page at `origin` gets from a cross-origin POST to /graphql (a preflighted
    request: JSON content type, perhaps a bearer token)."""
    chromium = Chromium()
    try:
        page = await chromium.open_page()
        await page.send("Page.enable")
        await page.send("Page.navigate", url=f"{origin}/")
        await page.wait_for("document.title === 'portal'")
        header = f"'Authorization': {authorization!r}" if authorization else ""
        result = await page.evaluate(
            CALL % {"url": f"{server.url}/graphql", "authorization": header}
        )
        await page.close()
    finally:
        chromium.close()
    return result


async def test_the_listed_origin_reads_the_answer(server: LiveServer, page_port: int) -> None:
    result = await call_from(f"http://localhost:{page_port}", server)

    assert result["status"] == 200
    assert result["body"]["data"]["chapters"]["totalCount"] >= 0
    assert result["requestId"]  # an exposed header


async def test_the_listed_origin_reads_a_rejected_token(server: LiveServer, page_port: int) -> None:
    result = await call_from(f"http://localhost:{page_port}", server, "Bearer forged")

    assert result["status"] == 401
    assert result["body"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_another_origin_is_blocked_by_the_browser(server: LiveServer, page_port: int) -> None:
    result = await call_from(f"http://127.0.0.1:{page_port}", server)

    assert "Failed to fetch" in result["failed"]
