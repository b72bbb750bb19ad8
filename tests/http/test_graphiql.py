"""The IDE works offline: every asset from our server, under CSP, in a real headless Chromium."""

import base64
import filecmp
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import DatabaseLocation
from graph.http.ide import ASSETS
from tests.support.chromium import Chromium
from tests.support.npm import npm_ci
from tests.support.server import ROOT, LiveServer, live_server

QUERY = "{ chapters(first: 2) { totalCount nodes { slug } } }"
TOOLS = ROOT / "tools" / "graphiql"


@pytest.fixture(scope="module")
def server(
    database: DatabaseLocation, engine: AsyncEngine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app under uvicorn in development mode (the IDE is on)."""
    with live_server(database.url, log_dir=tmp_path_factory.mktemp("server")) as running:
        yield running


async def test_graphiql_runs_a_query_with_only_local_assets(
    server: LiveServer, tmp_path: Path
) -> None:
    chromium = Chromium()
    try:
        page = await chromium.open_page()
        await page.send("Network.enable")
        await page.send("Page.enable")
        await page.send(
            "Page.addScriptToEvaluateOnNewDocument",
            source="window.__csp = []; document.addEventListener('securitypolicyviolation', "
            "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));",
        )

        await page.send("Page.navigate", url=f"{server.url}/graphql")
        await page.wait_for("!!document.querySelector('.graphiql-query-editor .CodeMirror')")
        await page.evaluate(
            "document.querySelector('.graphiql-query-editor .CodeMirror')"
            f".CodeMirror.setValue({QUERY!r})"
        )
        await page.evaluate("document.querySelector('.graphiql-execute-button').click()")
        response = await page.wait_for(
            "(document.querySelector('.graphiql-response .CodeMirror') || {CodeMirror: "
            "{getValue: () => ''}}).CodeMirror.getValue().includes('totalCount') && "
            "document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()"
        )
        screenshot = await page.send("Page.captureScreenshot", format="png")
        (tmp_path / "graphiql.png").write_bytes(base64.b64decode(screenshot["data"]))
        violations = await page.evaluate("window.__csp")
        await page.close()
    finally:
        chromium.close()

    assert '"slug"' in response
    assert '"totalCount"' in response
    requested = [
        event["params"]["request"]["url"]
        for event in page.events
        if event["method"] == "Network.requestWillBeSent"
    ]
    assert any(url.endswith("/graphiql/graphiql.min.js") for url in requested)
    foreign = [url for url in requested if not url.startswith((server.url, "data:"))]
    assert foreign == []
    assert violations == []
    if os.environ.get("BRAINGAIN_KEEP_SCREENSHOT"):
        (ROOT / "graphiql.png").write_bytes((tmp_path / "graphiql.png").read_bytes())


def test_vendored_assets_are_the_locked_npm_build() -> None:
    npm_ci(TOOLS)
    from tools.graphiql.vendor import ASSETS as VENDORED

    for source, name in VENDORED:
        assert filecmp.cmp(TOOLS / "node_modules" / source, ASSETS / name, shallow=False), name
