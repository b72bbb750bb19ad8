"""CORS for browser apps: an exact allow-list of origins on /graphql, /oauth/* and /.well-known/*.

Starlette's CORSMiddleware answers the preflights (OPTIONS with `Origin` and
`Access-Control-Request-Method`) and adds `Access-Control-Allow-Origin` to the answers of
allowed origins; this module reads the allow-list, refuses configurations a browser would
misread, and applies the middleware to the API's paths only.

Credentials (cookies, TLS client certificates) are not needed by this API — bearer tokens
travel in the `Authorization` header, which CORS allows without them — so they are off unless
`BRAINGAIN_CORS_ALLOW_CREDENTIALS=1`; then `*` is refused at startup (a credentialed wildcard
would let every site act as the signed-in user).
"""

import os
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

CORS_PATHS = ("/graphql", "/oauth/", "/.well-known/")
"""`/graphql` exactly, and everything under the OAuth and well-known prefixes."""

ALLOWED_METHODS = ("GET", "POST")
ALLOWED_HEADERS = (
    "Accept",
    "Authorization",
    "Content-Type",
    "X-Request-Id",
    "traceparent",
    "tracestate",
    "apollographql-client-name",
    "apollographql-client-version",
    "apollo-require-preflight",
)
"""Request headers a browser app may send (beyond the CORS-safelisted ones)."""

EXPOSED_HEADERS = (
    "X-Request-Id",
    "Retry-After",
    "WWW-Authenticate",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Used",
    "X-RateLimit-Reset",
    "X-RateLimit-Resource",
)
"""Response headers a browser app may read (request id for support, rate-limit state)."""

PREFLIGHT_MAX_AGE_SECONDS = 600


class CorsConfigurationError(ValueError):
    """BRAINGAIN_CORS_ORIGINS (with the credentials switch) names something browsers never send."""


def _origin(value: str) -> str:
    """`value` if it is an origin as browsers serialise it (scheme://host[:port]); else raise."""
    if value == "*":
        return value
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username is not None
        or value != f"{parts.scheme}://{parts.netloc}"
        or value != value.lower()
    ):
        raise CorsConfigurationError(
            f"BRAINGAIN_CORS_ORIGINS: {value!r} is not an origin as browsers send it "
            "(scheme://host[:port] in lower case, no path or trailing slash)"
        )
    return value


@dataclass(frozen=True)
class CorsSettings:
    """Which origins may call the API from a browser, and whether with credentials."""

    origins: tuple[str, ...] = ()
    allow_credentials: bool = False

    def __post_init__(self) -> None:
        for origin in self.origins:
            _origin(origin)
        if "*" in self.origins and self.allow_credentials:
            raise CorsConfigurationError(
                "BRAINGAIN_CORS_ORIGINS=* cannot be combined with "
                "BRAINGAIN_CORS_ALLOW_CREDENTIALS=1: list the origins that may send credentials"
            )

    @classmethod
    def from_environment(cls) -> "CorsSettings":
        """BRAINGAIN_CORS_ORIGINS (comma-separated; none by default) and
        BRAINGAIN_CORS_ALLOW_CREDENTIALS (`1` to allow credentialed requests)."""
        raw = os.environ.get("BRAINGAIN_CORS_ORIGINS", "")
        origins = tuple(part.strip() for part in raw.split(",") if part.strip())
        credentials = os.environ.get("BRAINGAIN_CORS_ALLOW_CREDENTIALS", "0").strip() == "1"
        return cls(origins=origins, allow_credentials=credentials)

    @property
    def enabled(self) -> bool:
        """True when some origin is allowed."""
        return bool(self.origins)


def applies_to(path: str, paths: Sequence[str] = CORS_PATHS) -> bool:
    """Whether CORS answers for `path` (the API's paths, not /metrics or the IDE's assets)."""
    return any(
        path == prefix or (prefix.endswith("/") and path.startswith(prefix)) for prefix in paths
    )


class CorsMiddleware:
    """Starlette's CORSMiddleware with the allow-list, on the API's paths only."""

    def __init__(self, app: ASGIApp, settings: CorsSettings) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=settings.origins,
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            allow_credentials=settings.allow_credentials,
            expose_headers=EXPOSED_HEADERS,
            max_age=PREFLIGHT_MAX_AGE_SECONDS,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Through CORS on the API's paths; straight to the app elsewhere."""
        if scope["type"] == "http" and applies_to(scope["path"]):
            await self.cors(scope, receive, send)
            return
        await self.app(scope, receive, send)
