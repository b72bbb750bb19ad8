"""ASGI middleware: a request id on every request, response and log line; the access log;
the SERVER span of a traced request.

One pure-ASGI layer (not two): it runs on every request, so it does no more than it must.
"""

import logging
import os
import re
import time
from typing import Any

from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.observability.logging import direct_handler, request_id_var
from graph.observability.tracing import NOT_TRACED, incoming_context, tracer_var

logger = logging.getLogger("graph.access")

REQUEST_ID_HEADER = b"x-request-id"
VALID_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._-]{1,64}$")
TRACE_CONTEXT = "trace_context"
"""Scope state key: a WebSocket upgrade's incoming trace context (its operations' parent)."""


class RandomIds:
    """Random request ids (32 hex digits) from the OS's generator, read 4 KiB at a time
    rather than with one system call per request."""

    def __init__(self, batch: int = 256) -> None:
        self.batch = batch
        self.ids: list[str] = []

    def next(self) -> str:
        """A fresh id."""
        if not self.ids:
            pool = os.urandom(16 * self.batch).hex()
            self.ids = [pool[start : start + 32] for start in range(0, len(pool), 32)]
        return self.ids.pop()

    def reset(self) -> None:
        """Forget the ids drawn so far."""
        self.ids = []


RANDOM_IDS = RandomIds()
os.register_at_fork(after_in_child=RANDOM_IDS.reset)  # a forked worker draws its own ids


def request_id_of(scope: Scope) -> str:
    """A well-formed incoming X-Request-ID, else a new random one (32 hex digits)."""
    for name, value in scope.get("headers") or ():
        if name == REQUEST_ID_HEADER:
            if VALID_REQUEST_ID.match(value):
                return str(value.decode())
            break
    return RANDOM_IDS.next()


def client_of(scope: Scope) -> str:
    """The client's address as uvicorn saw it (after trusted forwarded headers)."""
    return address_of(scope.get("client"))


def address_of(client: Any) -> str:
    """The address of an ASGI scope's `client` (host, port), or "" without one."""
    return str((client or ("", 0))[0])


def access_fields(
    method: str, path: str, status: int, seconds: float, operation: str | None, client: Any
) -> tuple[str, dict[str, Any]]:
    """The access line's message and fields (`client` is the ASGI scope's)."""
    return f"{method} {path} {status}", {
        "method": method,
        "path": path,
        "status": status,
        "duration_ms": round(seconds * 1000, 2),
        "operation": operation,
        "client": address_of(client),
    }


def access_log(
    scope: Scope,
    state: dict[str, Any],
    request_id: str,
    status: int,
    started: float,
    traced: bool = True,
) -> None:
    """The request's access line: method, path, status, duration, operation, client.

    Handed straight to the JSON handler when it is the only one the line would reach (the
    configured server: graph.observability.logging.direct_handler), without a LogRecord, to
    be formatted with others a moment later; the same line as `logger.info` writes, field for
    field. `traced`: whether a span may be current (the line would carry its ids).
    """
    parts = (
        scope["method"],
        scope["path"],
        status,
        time.perf_counter() - started,
        state.get("operation_name"),
        scope.get("client"),
    )
    handler = direct_handler(logger, logging.INFO, traced)
    if handler is None:
        _, extra = access_fields(*parts)
        logger.info("%s %s %s", parts[0], parts[1], status, extra=extra)
        return
    handler.write_line(logger.name, request_id, access_fields, parts)


class RequestMiddleware:
    """Takes or makes the request id (scope state, logging context, response header) and
    writes one structured access-log line per HTTP request: status, duration, operation.

    With a tracer, each HTTP request is a SERVER span (a child of the caller's `traceparent`);
    a WebSocket's upgrade keeps its caller's context for the spans of its operations.
    """

    def __init__(self, app: ASGIApp, tracer: Tracer | None = None) -> None:
        self.app = app
        self.tracer = tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request with its id bound."""
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        # The request's own copy of the lifespan state: the app keeps per-request values in it
        # (request id, viewer, database session). The ASGI spec has servers hand each request
        # a shallow copy, but not every host does (asgi-lifespan's LifespanManager passes one
        # dict to all requests), and concurrent requests would then swap sessions and viewers.
        state = scope["state"] = dict(scope.get("state") or {})
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

        spanning = NOT_TRACED
        tracing = None
        if self.tracer is not None:
            tracing = tracer_var.set(self.tracer)
            parent = incoming_context(scope.get("headers") or ())
            if kind == "websocket":
                state[TRACE_CONTEXT] = parent
            else:
                spanning = self.tracer.start_as_current_span(
                    scope["method"],
                    context=parent,
                    kind=SpanKind.SERVER,
                    attributes={
                        "http.request.method": scope["method"],
                        "url.path": scope["path"],
                        "url.scheme": scope.get("scheme", "http"),
                        "client.address": client_of(scope),
                        "network.protocol.version": scope.get("http_version", "1.1"),
                        "braingain.request_id": request_id,
                    },
                )
        try:
            with spanning as span:
                try:
                    await self.app(scope, receive, send_with_id)
                finally:
                    if tracing is not None and kind == "http":
                        route = getattr(scope.get("route"), "path", None)
                        if route:
                            span.update_name(f"{scope['method']} {route}")
                            span.set_attribute("http.route", route)
                        span.set_attribute("http.response.status_code", status)
                        if status >= 500:
                            span.set_status(Status(StatusCode.ERROR))
                    if kind == "http" and logger.isEnabledFor(logging.INFO):
                        traced = self.tracer is not None
                        access_log(scope, state, request_id, status, started, traced)
        finally:
            request_id_var.reset(token)
            if tracing is not None:
                tracer_var.reset(tracing)
