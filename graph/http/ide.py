"""GraphiQL served entirely from this server: vendored assets under a strict CSP."""

from pathlib import Path

from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

ASSETS = Path(__file__).resolve().parent.parent / "static" / "graphiql"
ASSET_PATH = "/graphiql"

# Scripts and styles only from this origin; no inline script, no eval. GraphiQL's editors
# set inline style attributes and inject <style> elements, hence 'unsafe-inline' for styles.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
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
<title>Brain Gain Graph — GraphiQL</title>
<link rel="stylesheet" href="{assets}/graphiql.min.css">
<link rel="stylesheet" href="{assets}/page.css">
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="{assets}/react.production.min.js"></script>
<script src="{assets}/react-dom.production.min.js"></script>
<script src="{assets}/graphiql.min.js"></script>
<script src="{assets}/init.js"></script>
</body>
</html>
"""


class GraphiQL:
    """The IDE page and its static assets."""

    def __init__(self, assets: Path = ASSETS) -> None:
        self.assets = assets
        self.html = PAGE.format(assets=ASSET_PATH)

    def page(self) -> Response:
        """The HTML page, with the Content-Security-Policy that keeps it on our origin."""
        return HTMLResponse(
            self.html,
            headers={
                "Content-Security-Policy": CONTENT_SECURITY_POLICY,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-store",
            },
        )

    def static_files(self) -> StaticFiles:
        """The ASGI app serving the vendored assets."""
        return StaticFiles(directory=self.assets)
