"""The IDE works offline: every asset from our server, under CSP, in a real headless Chromium
(the npm package @sparticuz/chromium); queries over HTTP, subscriptions over a WebSocket."""

import base64
import filecmp
import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from db.engine import DatabaseLocation
from graph.auth.authentication import engineer_subject
from graph.auth.keys import KeyStore
from graph.auth.tokens import issue_access_token
from graph.http.ide import ASSETS
from graph.ids import encode_id
from graph.settings import Settings
from tests.http.test_subscriptions import POST_CREATE, SCOPES, TIMEOUT
from tests.http.test_subscriptions_workers import wait_for_subscriptions
from tests.support.chromium import Chromium, Page
from tests.support.live_forum import live_forum
from tests.support.node import npm_ci
from tests.support.server import ROOT, LiveServer, live_server

QUERY = "{ chapters(first: 2) { totalCount nodes { slug } } }"
TOOLS = ROOT / "tools" / "graphiql"
QUERY_EDITOR = "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror"
RESPONSE = (
    "(document.querySelector('.graphiql-response .CodeMirror') || "
    "{CodeMirror: {getValue: () => ''}}).CodeMirror.getValue()"
)
# The Headers tab's editor (GraphiQL renders both tool editors and hides the inactive one).
HEADERS_EDITOR = (
    "document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror')"
    ".CodeMirror"
)
CSP_RECORDER = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', "
    "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)


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
        await open_graphiql(page, server)
        await page.evaluate(f"{QUERY_EDITOR}.setValue({QUERY!r})")
        await page.evaluate("document.querySelector('.graphiql-execute-button').click()")
        response = await page.wait_for(f"{RESPONSE}.includes('totalCount') && {RESPONSE}")
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


async def open_graphiql(page: Page, server: LiveServer) -> None:
    """Load the IDE with network events and CSP violations recorded; wait for its editor."""
    await page.send("Network.enable")
    await page.send("Page.enable")
    await page.send("Page.addScriptToEvaluateOnNewDocument", source=CSP_RECORDER)
    await page.send("Page.navigate", url=f"{server.url}/graphql")
    await page.wait_for("!!document.querySelector('.graphiql-query-editor .CodeMirror')")


async def test_graphiql_runs_a_subscription_over_websocket(
    server: LiveServer, engine: AsyncEngine
) -> None:
    settings = Settings.from_environment()
    keys = KeyStore(async_sessionmaker(engine, expire_on_commit=False))
    await keys.reload()

    def token(engineer_id: int) -> str:
        issued, _ = issue_access_token(
            keys.signing_key(),
            issuer=settings.issuer,
            audience=settings.audience,
            subject=engineer_subject(engineer_id),
            client_id="test",
            scopes=SCOPES,
            lifetime_seconds=300,
        )
        return issued

    async with live_forum(engine) as forum:
        # A members-only thread: only a signed-in member may follow it, so the event arriving
        # shows that the Headers tab's token reached the WebSocket's connection_init.
        thread = encode_id("ForumThread", forum.threads["gulf"].id)
        headers = json.dumps({"Authorization": f"Bearer {token(forum.engineers['member'].id)}"})
        subscription = (
            f'subscription FollowThread {{ forumPostAdded(threadId: "{thread}") '
            "{ body author { handle } } }"
        )
        chromium = Chromium()
        try:
            page = await chromium.open_page()
            await open_graphiql(page, server)

            # Given a member who signs in through the Headers tab and starts a subscription
            await page.evaluate(
                "[...document.querySelectorAll('.graphiql-editor-tools button')]"
                ".find(b => b.textContent.trim() === 'Headers').click()"
            )
            await page.wait_for(f"!!{HEADERS_EDITOR.removesuffix('.CodeMirror')}")
            await page.evaluate(f"{HEADERS_EDITOR}.setValue({headers!r})")
            await page.evaluate(f"{QUERY_EDITOR}.setValue({subscription!r})")
            # (GraphiQL picks the WebSocket once it has parsed the editor's operation)
            await page.wait_for(
                f"({QUERY_EDITOR}.documentAST || {{definitions: [{{}}]}})"
                ".definitions[0].operation === 'subscription'"
            )
            await page.evaluate("document.querySelector('.graphiql-execute-button').click()")
            async with httpx.AsyncClient(base_url=server.url, timeout=TIMEOUT) as client:
                await wait_for_subscriptions(client, 1)

                # When an admin replies to the thread through the API
                reply = await client.post(
                    "/graphql",
                    json={
                        "query": POST_CREATE,
                        "variables": {"thread": thread, "body": "Seen live in GraphiQL."},
                    },
                    headers={"Authorization": f"Bearer {token(forum.engineers['admin'].id)}"},
                )
                assert reply.json()["data"]["forumPostCreate"]["userErrors"] == []

                # Then the reply shows up in GraphiQL's response pane
                response = await page.wait_for(
                    f"{RESPONSE}.includes('Seen live in GraphiQL.') && {RESPONSE}", TIMEOUT
                )
                # And stopping it in the IDE ends the subscription on the server
                await page.evaluate("document.querySelector('.graphiql-execute-button').click()")
                await wait_for_subscriptions(client, 0)
            violations = await page.evaluate("window.__csp")
            await page.close()
        finally:
            chromium.close()

    assert json.loads(response)["data"]["forumPostAdded"] == {
        "body": "Seen live in GraphiQL.",
        "author": {"handle": forum.engineers["admin"].handle},
    }
    sockets = [
        event["params"]["url"]
        for event in page.events
        if event["method"] == "Network.webSocketCreated"
    ]
    assert sockets == [server.url.replace("http://", "ws://") + "/graphql"]
    assert violations == []


def test_vendored_assets_are_the_locked_npm_build() -> None:
    npm_ci(TOOLS)
    from tools.graphiql.vendor import ASSETS as VENDORED

    for source, name in VENDORED:
        assert filecmp.cmp(TOOLS / "node_modules" / source, ASSETS / name, shallow=False), name
