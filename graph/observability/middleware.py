"""ASGI middleware: binds the request id to the logging context and writes the access log."""

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.observability.logging import request_id_var

logger = logging.getLogger("graph.access")


class AccessLogMiddleware:
    """One structured log line per HTTP request, with status, duration and operation name."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with its id in the logging context."""
        state = scope.setdefault("state", {})
        token = request_id_var.set(state.get("request_id"))
        if scope["type"] != "http":
            try:
                await self.app(scope, receive, send)
            finally:
                request_id_var.reset(token)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
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
