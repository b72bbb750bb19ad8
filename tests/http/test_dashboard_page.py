"""The dashboard page in a real headless Chromium (tests/support/chromium.py): every asset from
our server under its CSP, the charts drawn with the committed figures as the API reports them,
and a write committed while the page is open shown without a reload (dashboardUpdated over a
WebSocket). The vendored libraries are the locked npm build."""

import asyncio
import filecmp
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.engine import DatabaseLocation
from db.models import (
    EngagementSession,
    Engineer,
    LedgerEntry,
    Opportunity,
    OpportunitySector,
    Sector,
)
from graph.http.dashboard import ASSETS
from tests import contribution_world as world
from tests import factories
from tests.http.test_subscriptions import TIMEOUT
from tests.support.chromium import Chromium, Page
from tests.support.node import npm_ci
from tests.support.server import ROOT, LiveServer, live_server

TOOLS = ROOT / "tools" / "dashboard"
CSP_RECORDER = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', "
    "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)
FIGURES = """
{
  stats {
    funnel { stage count }
    hoursByMonth { month hours }
    byCountry { countryCode engineers { count } }
    supplyDemand(groupBy: REGION) { sectorName region supply { count } demand }
  }
}
"""
OPTION = "window.dashboard.charts.{chart}.getOption()"


@dataclass
class World:
    """Committed rows the page must show: a sector, three gulf members in New Zealand's
    time zone offering mentorship in it, two open mentorships, an engagement with
    countersigned work in one month."""

    sector: Sector
    people: list[Engineer]
    poster: Engineer


@pytest.fixture(scope="module")
def server(
    database: DatabaseLocation, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app under uvicorn, with a minimum cell size of 1 so that a few rows show."""
    directory = tmp_path_factory.mktemp("dashboard")
    config = directory / "stats.toml"
    config.write_text("minimum_cell_size = 1\nmonths = 240\n")
    env = {"BRAINGAIN_STATS_CONFIG": str(config)}
    with live_server(database.url, env=env, log_dir=directory) as running:
        yield running


@pytest.fixture
async def world_rows(engine: AsyncEngine) -> AsyncIterator[World]:
    tag = uuid.uuid4().hex[:8]
    async with AsyncSession(engine, expire_on_commit=False) as session:
        sector = await factories.sector(session, slug=f"dash-{tag}", name=f"Dashboard {tag}")
        gulf = await factories.chapter(session, "gulf-uae")
        people = []
        for number in range(3):
            person = await factories.engineer(
                session, handle=f"dash-{tag}-{number}", country_code="NZ", city="Auckland"
            )
            await factories.join_sector(session, person, sector)
            await factories.membership(session, person, gulf)
            people.append(person)
        poster = await factories.engineer(session, handle=f"dash-{tag}-poster", offers=[])
        for _ in range(2):
            row = await world.opportunity(session, poster)
            await world.add(session, OpportunitySector(opportunity_id=row.id, sector_id=sector.id))
        engagement = await world.engagement(session, people[0], poster)
        held = date(2026, 8, 14)
        logged = await world.add(
            session,
            EngagementSession(
                engagement_id=engagement.id,
                held_on=held,
                minutes=150,
                attendee_ids=[people[0].id],
                logged_by_id=people[0].id,
            ),
        )
        await world.add(
            session,
            LedgerEntry(
                engineer_id=people[0].id,
                engagement_id=engagement.id,
                session_id=logged.id,
                kind="MENTORSHIP",
                minutes=150,
                cpd_points=Decimal("2.50"),
                occurred_on=held,
            ),
        )
        await session.commit()
    try:
        yield World(sector, people, poster)
    finally:
        async with AsyncSession(engine) as session:
            await session.execute(delete(Opportunity).where(Opportunity.poster_id == poster.id))
            ids = [person.id for person in people] + [poster.id]
            await session.execute(delete(Engineer).where(Engineer.id.in_(ids)))
            await session.execute(delete(Sector).where(Sector.id == sector.id))
            await session.commit()


async def open_dashboard(page: Page, server: LiveServer, path: str) -> None:
    """Load the page with network events and CSP violations recorded; wait for its figures."""
    await page.send("Network.enable")
    await page.send("Page.enable")
    await page.send("Page.addScriptToEvaluateOnNewDocument", source=CSP_RECORDER)
    await page.send("Page.navigate", url=f"{server.url}{path}")
    await page.wait_for("window.dashboard && window.dashboard.renders > 0", TIMEOUT)


def heat_cell(option: dict[str, Any], sector: str, column: str) -> str:
    """The label ("offering/open") the heat map draws for one sector and column."""
    rows, columns = option["yAxis"][0]["data"], option["xAxis"][0]["data"]
    for point in option["series"][0]["data"]:
        x, y, _ = point["value"]
        if rows[y] == sector and columns[x] == column:
            return f"{point['supply'] if point['supply'] is not None else '—'}/{point['demand']}"
    raise AssertionError(f"no cell for {sector} in {column}")


async def test_the_dashboard_draws_the_figures_and_follows_a_write_live(
    server: LiveServer, world_rows: World, engine: AsyncEngine
) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=TIMEOUT) as client:
        answer = (await client.post("/graphql", json={"query": FIGURES})).json()["data"]["stats"]
    chromium = Chromium()
    try:
        page = await chromium.open_page()
        await open_dashboard(page, server, "/dashboard")
        # (a marker that a reload would wipe)
        await page.evaluate("window.__sameDocument = true")

        # Then the charts show the figures the API reports
        funnel = await page.evaluate(f"JSON.stringify({OPTION.format(chart='funnel')})")
        drawn = {item["name"]: item["value"] for item in json.loads(funnel)["series"][0]["data"]}
        assert drawn == {stage["stage"]: stage["count"] for stage in answer["funnel"]}
        hours = json.loads(await page.evaluate(f"JSON.stringify({OPTION.format(chart='hours')})"))
        months = dict(zip(hours["xAxis"][0]["data"], hours["series"][0]["data"], strict=True))
        assert months == {month["month"]: month["hours"] for month in answer["hoursByMonth"]}
        assert months["2026-08"] >= 2.5
        heat = json.loads(
            await page.evaluate(f"JSON.stringify({OPTION.format(chart='supplyDemand')})")
        )
        assert heat_cell(heat, world_rows.sector.name, "Middle East") == "3/2"
        countries = await page.evaluate(
            "[...document.querySelectorAll('#countries tbody tr')]"
            ".map(row => [...row.cells].map(cell => cell.textContent))"
        )
        nz = next(row for row in answer["byCountry"] if row["countryCode"] == "NZ")
        assert ["NZ", str(nz["engineers"]["count"])] in [row[:2] for row in countries]
        drawn_canvases = await page.evaluate(
            "['supply-demand', 'funnel', 'hours'].every(id => "
            "document.querySelector('#' + id + ' canvas') && "
            "document.querySelector('#' + id + ' canvas').width > 0)"
        )
        assert drawn_canvases is True

        # When a new opportunity in the sector is committed while the page is open
        await page.wait_for("window.dashboard.live === true", TIMEOUT)
        async with AsyncSession(engine, expire_on_commit=False) as session:
            row = await world.opportunity(
                session, world_rows.poster, deadline=datetime.now(UTC) + timedelta(days=9)
            )
            await world.add(
                session, OpportunitySector(opportunity_id=row.id, sector_id=world_rows.sector.id)
            )
            await session.commit()

        # Then the heat map shows it without a reload
        sector = json.dumps(world_rows.sector.name)
        await page.wait_for(
            f"(() => {{ const o = {OPTION.format(chart='supplyDemand')};"
            " const rows = o.yAxis[0].data, columns = o.xAxis[0].data;"
            " return o.series[0].data.some(p => rows[p.value[1]] === "
            f"{sector} && columns[p.value[0]] === 'Middle East' && p.demand === 3); }})()",
            TIMEOUT,
        )
        assert await page.evaluate("window.__sameDocument === true") is True
        assert await page.evaluate("window.dashboard.updates") >= 1
        violations = await page.evaluate("window.__csp")
        errors = await page.evaluate("window.dashboard.errors")
        await page.close()
    finally:
        chromium.close()

    assert violations == []
    assert errors == []
    requested = [
        event["params"]["request"]["url"]
        for event in page.events
        if event["method"] == "Network.requestWillBeSent"
    ]
    assert any(url.endswith("/dashboard-assets/echarts.min.js") for url in requested)
    assert [url for url in requested if not url.startswith((server.url, "data:"))] == []
    sockets = [
        event["params"]["url"]
        for event in page.events
        if event["method"] == "Network.webSocketCreated"
    ]
    assert sockets == [server.url.replace("http://", "ws://") + "/graphql"]


async def test_a_chapter_dashboard_shows_its_own_figures(
    server: LiveServer, world_rows: World
) -> None:
    chromium = Chromium()
    try:
        page = await chromium.open_page()
        await open_dashboard(page, server, "/dashboard/gulf-uae")
        scope = await page.evaluate("window.dashboard.stats.chapterSlug")
        # This module's rows were written just now: a snapshot the server made moments before
        # may be served (figures are current within seconds), and the page follows the next
        # one live. Wait for the figures, as a person looking at the page would.
        for _ in range(40):
            heat = json.loads(
                await page.evaluate(f"JSON.stringify({OPTION.format(chart='supplyDemand')})")
            )
            if heat["yAxis"][0]["data"] and world_rows.sector.name in heat["yAxis"][0]["data"]:
                break
            await asyncio.sleep(0.25)
        cards = await page.evaluate("document.querySelectorAll('#scorecards tbody tr').length")
        title = await page.evaluate("document.querySelector('h1').textContent")
        violations = await page.evaluate("window.__csp")
        await page.close()
    finally:
        chromium.close()
    assert scope == "gulf-uae"
    assert heat["xAxis"][0]["data"] == ["Gulf Chapter — United Arab Emirates"]
    assert heat_cell(heat, world_rows.sector.name, heat["xAxis"][0]["data"][0]) == "3/2"
    assert cards == 1
    assert "Gulf" in title
    assert violations == []


async def test_pages_and_assets_are_served_under_the_policy(server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=TIMEOUT) as client:
        portal = await client.get("/dashboard")
        chapter = await client.get("/dashboard/uk-ireland")
        unknown = await client.get("/dashboard/atlantis")
        script = await client.get("/dashboard-assets/dashboard.js")
    assert portal.status_code == chapter.status_code == 200
    policy = portal.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'none'" in policy
    assert "unsafe-eval" not in policy
    assert 'data-chapter="uk-ireland"' in chapter.text
    assert unknown.status_code == 404
    assert script.status_code == 200
    assert "<script>" not in portal.text  # no inline script


def test_vendored_assets_are_the_locked_npm_build() -> None:
    npm_ci(TOOLS)
    from tools.dashboard.vendor import ASSETS as VENDORED

    for source, name in VENDORED:
        assert filecmp.cmp(TOOLS / "node_modules" / source, ASSETS / name, shallow=False), name
    assert Path(ASSETS / "dashboard.js").is_file()
