"""ASGI middleware: a request id on every request, response and log line; the access log.

One pure-ASGI layer (not two): it runs on every request, so it does no more than it must.
"""

import logging
import os
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.observability.logging import request_id_var

logger = logging.getLogger("graph.access")

REQUEST_ID_HEADER = b"x-request-id"
VALID_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._-]{1,64}$")


def request_id_of(scope: Scope) -> str:
    """A well-formed incoming X-Request-ID, else a new random one (32 hex digits)."""
    for name, value in scope.get("headers") or ():
        if name == REQUEST_ID_HEADER:
            if VALID_REQUEST_ID.match(value):
                return str(value.decode())
            break
    return os.urandom(16).hex()


class RequestMiddleware:
    """Takes or makes the request id (scope state, logging context, response header) and
    writes one structured access-log line per HTTP request: status, duration, operation."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request with its id bound."""
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        token = request_id_var.set(request_id)
        header = (REQUEST_ID_HEADER, request_id.encode())
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if kind == "http" and logger.isEnabledFor(logging.INFO):
                logger.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                        "operation": state.get("operation_name"),
                        "client": (scope.get("client") or ("", 0))[0],
                    },
                )
            request_id_var.reset(token)
