"""WebSocket operations observed like HTTP requests: counted in the metrics, one access-log line
each (operation, outcome, duration, request id, client) and, when traced, a SERVER span each —
a child of the `traceparent` the upgrade request carried.

strawberry runs each operation of a socket as a task; the handlers below wrap that task and
watch the messages it sends (`next`/`data` errors, `error`, `complete`).
"""

import asyncio
import logging
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, get_operation_ast
from opentelemetry.trace import SpanKind, Status, StatusCode
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

from graph.extensions.admission import ConnectionPolicy
from graph.extensions.limits import DEFAULT_LIMITS, parse_within_limits
from graph.observability.metrics import Metrics
from graph.observability.middleware import TRACE_CONTEXT, client_of
from graph.observability.tracing import NOT_TRACED, tracer_var
from graph.subscriptions import queries

logger = logging.getLogger("graph.access")

OPERATION_SPAN = "graphql.websocket.operation"


@dataclass
class OperationRecord:
    """One running operation: its name, start, and the last terminal message sent for it."""

    name: str | None
    started: float
    final: str | None = None
    """`complete` or `error` once the server sent one."""
    cancelled: bool = False
    """The client stopped it (`complete`/`stop`) or the socket went away first."""
    errors: int = 0


def operation_name_of(query: str, provided: str | None, context: Any) -> str | None:
    """The operation's name: as the client gave it, else the only operation's (parsed within
    the connection's limits, from the cache strawberry's parse uses too)."""
    if provided or not isinstance(query, str):
        return provided
    admission = getattr(context, "admission", None)
    limits = admission.limits if isinstance(admission, ConnectionPolicy) else DEFAULT_LIMITS
    if len(query) > limits.max_characters:
        return None
    document = parse_within_limits(query, limits.max_tokens)
    if isinstance(document, GraphQLError):
        return None
    operation = get_operation_ast(document, None)
    return operation.name.value if operation is not None and operation.name else None


class OperationObserver:
    """Metrics, access log and spans for the operations of one socket."""

    def __init__(self, metrics: Metrics | None, scope: dict[str, Any], context: Any) -> None:
        self.metrics = metrics
        self.scope = scope
        self.context = context
        self.records: dict[str, OperationRecord] = {}

    @classmethod
    def of(cls, view: Any, websocket: Any, context: Any) -> "OperationObserver":
        """The observer for a handler of strawberry's `view` on `websocket`."""
        endpoint = getattr(view, "http", None)
        metrics = getattr(endpoint, "metrics", None)
        socket = getattr(websocket, "ws", None)
        scope: dict[str, Any] = getattr(socket, "scope", None) or {}
        return cls(metrics, scope, context)

    def sent(self, message: Any) -> None:
        """Note a message sent to the client: its errors and whether it ends an operation."""
        record = self.records.get(message.get("id"))
        if record is None:
            return
        kind = message.get("type")
        payload = message.get("payload")
        errors: list[Any] = []
        if kind in ("next", "data") and isinstance(payload, dict):
            errors = list(payload.get("errors") or ())
        elif kind == "error":
            errors = payload if isinstance(payload, list) else [payload]
            record.final = record.final or "error"
        elif kind == "complete":
            record.final = record.final or "complete"
        if errors:
            record.errors += len(errors)
            if self.metrics is not None:
                self.metrics.observe_errors(error for error in errors if isinstance(error, dict))

    def cancelled(self, operation_id: str) -> None:
        """The client (or the socket's end) stopped this operation."""
        record = self.records.get(operation_id)
        if record is not None:
            record.cancelled = True

    async def observe(
        self, operation_id: str, query: str, operation_name: str | None, run: Awaitable[None]
    ) -> None:
        """Run one operation's task body, then count, log (and span) it."""
        name = operation_name_of(query, operation_name, self.context)
        record = self.records[operation_id] = OperationRecord(name, time.perf_counter())
        tracer = tracer_var.get()
        spanning = NOT_TRACED
        if tracer is not None:
            attributes = {"graphql.operation.id": operation_id, **self._span_attributes()}
            if name:
                attributes["graphql.operation.name"] = name
            spanning = tracer.start_as_current_span(
                OPERATION_SPAN,
                context=self.scope.get("state", {}).get(TRACE_CONTEXT),
                kind=SpanKind.SERVER,
                attributes=attributes,
            )
        outcome = "failed"
        with spanning as span:
            try:
                await run
                outcome = "cancelled" if record.cancelled else record.final or "closed"
            except asyncio.CancelledError:
                outcome = "cancelled"
                raise
            finally:
                if self.records.get(operation_id) is record:  # its id may be reused already
                    del self.records[operation_id]
                seconds = time.perf_counter() - record.started
                if tracer is not None:
                    span.set_attribute("braingain.outcome", outcome)
                    if outcome in ("error", "failed"):
                        span.set_status(Status(StatusCode.ERROR, outcome))
                if self.metrics is not None:
                    self.metrics.observe_websocket_operation(name, outcome, seconds)
                self._log(operation_id, record, outcome, seconds)

    def _span_attributes(self) -> dict[str, Any]:
        return {
            "url.path": self.scope.get("path", ""),
            "client.address": client_of(self.scope),
            "braingain.request_id": self.scope.get("state", {}).get("request_id", ""),
        }

    def _log(
        self, operation_id: str, record: OperationRecord, outcome: str, seconds: float
    ) -> None:
        if not logger.isEnabledFor(logging.INFO):
            return
        path = self.scope.get("path", "")
        logger.info(
            "WS %s %s %s",
            path,
            record.name or "anonymous",
            outcome,
            extra={
                "method": "WS",
                "path": path,
                "transport": "websocket",
                "operation": record.name,
                "operation_id": operation_id,
                "outcome": outcome,
                "errors": record.errors,
                "duration_ms": round(seconds * 1000, 2),
                "client": client_of(self.scope),
                "request_id": getattr(self.context, "request_id", None),
            },
        )


class ObservedTransportWSHandler(BaseGraphQLTransportWSHandler[Any, None]):
    """graphql-transport-ws, each operation observed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.observer = OperationObserver.of(self.view, self.websocket, self.context)

    async def run_operation(self, operation: Operation[Any, None]) -> None:
        """The operation's task, observed."""
        await self.observer.observe(
            operation.id,
            operation.query,
            operation.operation_name,
            self._run(operation),
        )

    async def _run(self, operation: Operation[Any, None]) -> None:
        """A query the compiled read path answers (graph.subscriptions.queries), else
        strawberry's run."""
        http = getattr(self.view, "http", None)
        answered = await queries.answer(
            getattr(http, "compiled", None),
            self.context,
            operation.query,
            operation.operation_name,
            operation.variables,
        )
        if answered is None:
            await super().run_operation(operation)
        elif answered.result is None:
            await operation.send_initial_errors(answered.refused or [])
        else:
            await operation.send_next(answered.result)
            await operation.send_operation_message({"id": operation.id, "type": "complete"})

    async def send_message(self, message: Any) -> None:
        """Send, noting what the message says about its operation."""
        self.observer.sent(message)
        await super().send_message(message)

    async def cleanup_operation(self, operation_id: str) -> None:
        """Stop an operation (the client's `complete`, or the socket's end)."""
        self.observer.cancelled(operation_id)
        await super().cleanup_operation(operation_id)


class ObservedLegacyWSHandler(BaseGraphQLWSHandler[Any, None]):
    """The legacy graphql-ws protocol, each operation observed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.observer = OperationObserver.of(self.view, self.websocket, self.context)

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        """The operation's task, observed."""
        await self.observer.observe(
            operation_id,
            query,
            operation_name,
            super().handle_async_results(operation_id, query, operation_name, variables),
        )

    async def send_message(self, message: Any) -> None:
        """Send, noting what the message says about its operation."""
        self.observer.sent(message)
        await super().send_message(message)

    async def cleanup_operation(self, operation_id: str) -> None:
        """Stop an operation (the client's `stop`, or the socket's end)."""
        self.observer.cancelled(operation_id)
        await super().cleanup_operation(operation_id)
