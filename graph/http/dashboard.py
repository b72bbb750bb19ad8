"""The public dashboard page: /dashboard (the portal) and /dashboard/{chapter slug}.

A static page under a strict Content-Security-Policy (scripts and styles from this origin
only, no inline script, no eval): graph/static/dashboard/dashboard.js reads `stats` from this
server's /graphql and follows `dashboardUpdated` over a WebSocket to the same path; Apache
ECharts draws the charts. Everything is vendored (tools/dashboard), so it works offline.
"""

import html
import re
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from db.models.taxonomy import SLUG_PATTERN

ASSETS = Path(__file__).resolve().parent.parent / "static" / "dashboard"
ASSET_PATH = "/dashboard-assets"

# ECharts styles its tooltip elements inline, hence 'unsafe-inline' for styles (as GraphiQL's
# editors need); scripts never inline.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — Brain Gain dashboard</title>
<link rel="stylesheet" href="{assets}/dashboard.css">
</head>
<body data-chapter="{chapter}">
<header>
<h1>{title}</h1>
<p id="status" class="status">Loading…</p>
</header>
<main>
<section><h2>Supply vs demand by sector and {grouping}</h2>
<p class="note">Colour: contributors offering help minus open opportunities asking for it
(every kind). Figures about fewer than <span id="minimum">5</span> people are withheld (—).</p>
<div id="supply-demand" class="chart tall"></div></section>
<section><h2>Engagement funnel</h2><div id="funnel" class="chart"></div></section>
<section><h2>Hours contributed per month</h2><div id="hours" class="chart"></div></section>
<section><h2>Time to first response</h2><dl id="response" class="figures"></dl></section>
<section><h2>Chapter scorecards</h2><table id="scorecards"><thead><tr><th>Chapter</th>
<th>Events held</th><th>Active members</th><th>Engagements</th><th>Median response (h)</th>
<th>Targets met</th></tr></thead><tbody></tbody></table></section>
<section><h2>Engineers by country</h2><table id="countries"><thead><tr><th>Country</th>
<th>Engineers</th><th>Contributors</th><th>Hours</th></tr></thead><tbody></tbody></table>
</section>
</main>
<script src="{assets}/echarts.min.js"></script>
<script src="{assets}/graphql-ws.min.js"></script>
<script src="{assets}/dashboard.js"></script>
</body>
</html>
"""

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def page(title: str, chapter: str = "") -> str:
    """The page for the portal (no chapter) or one chapter."""
    return PAGE.format(
        title=html.escape(title),
        chapter=html.escape(chapter),
        assets=ASSET_PATH,
        grouping="chapter" if chapter else "region",
    )


async def portal_dashboard(_: Request) -> Response:
    """The portal's dashboard."""
    return HTMLResponse(page("Brain Gain in figures"), headers=HEADERS)


async def chapter_dashboard(request: Request) -> Response:
    """A chapter's dashboard; 404 for a slug no chapter file declares."""
    slug = str(request.path_params["slug"])
    config = request.app.state.registry.get(slug) if re.fullmatch(SLUG_PATTERN, slug) else None
    if config is None:
        return Response("No such chapter.\n", status_code=404, media_type="text/plain")
    return HTMLResponse(page(config.name, slug), headers=HEADERS)


def dashboard_routes() -> list[BaseRoute]:
    """The pages and their assets."""
    return [
        Route("/dashboard", portal_dashboard),
        Route("/dashboard/{slug}", chapter_dashboard),
        Mount(ASSET_PATH, app=StaticFiles(directory=ASSETS)),
    ]
