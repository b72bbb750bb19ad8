"""The authorization server's only HTML: a sign-in-and-consent page, and an error page."""

from collections.abc import Iterable, Mapping
from html import escape

from starlette.responses import HTMLResponse

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}"
    "label{display:block;margin:.75rem 0 .25rem}input[type=email],input[type=password]"
    "{width:100%;padding:.4rem}button{margin:1rem .5rem 0 0;padding:.5rem 1rem}"
    ".error{color:#a00}code{background:#eee;padding:0 .2rem}"
)


def _page(title: str, body: str, status_code: int) -> HTMLResponse:
    html = (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
        f"<meta name=viewport content='width=device-width'><style>{STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def consent_page(
    *,
    client_name: str,
    scopes: Iterable[str],
    parameters: Mapping[str, str],
    email: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Sign in and approve (or deny) the scopes an app asks for."""
    hidden = "".join(
        f"<input type=hidden name='{escape(name)}' value='{escape(value)}'>"
        for name, value in parameters.items()
    )
    listed = "".join(f"<li><code>{escape(scope)}</code></li>" for scope in scopes)
    problem = f"<p class=error role=alert>{escape(error)}</p>" if error else ""
    body = (
        f"<p><strong>{escape(client_name)}</strong> asks to act for you with:</p><ul>{listed}</ul>"
        f"{problem}<form method=post action='/oauth/authorize'>{hidden}"
        f"<label for=email>Email</label><input id=email type=email name=email required "
        f"autocomplete=username value='{escape(email)}'>"
        "<label for=password>Password</label><input id=password type=password name=password "
        "required autocomplete=current-password>"
        "<button name=decision value=approve type=submit>Sign in and allow</button>"
        "<button name=decision value=deny type=submit formnovalidate>Deny</button></form>"
    )
    return _page("Sign in to Brain Gain", body, status_code)


def error_page(message: str, status_code: int = 400) -> HTMLResponse:
    """An authorization request we cannot send back to the app (bad client or redirect URI)."""
    return _page("Cannot continue", f"<p class=error>{escape(message)}</p>", status_code)
