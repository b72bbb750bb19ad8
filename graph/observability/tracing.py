"""Optional OpenTelemetry tracing, switched on by the standard OTEL_* variables.

The request middleware opens one SERVER span per HTTP request, a child of the caller's span
when the request carries W3C trace context (`traceparent`, `tracestate`: read with the
configured propagator, OTEL_PROPAGATORS, tracecontext by default), and puts the app's tracer in
`tracer_var` for the request. Everything below — the GraphQL operation, the compiled path, each
SQL statement — opens its child span through that variable, so with no tracer installed nothing
is built: one context-variable read is the whole cost.
"""

import logging
import os
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.context import Context as TraceContext
from opentelemetry.propagators.textmap import Getter
from opentelemetry.trace import Span, SpanKind, Tracer, TracerProvider

logger = logging.getLogger(__name__)

TRACER_NAME = "braingain.graph"
tracer_var: ContextVar[Tracer | None] = ContextVar("tracer", default=None)
"""The app's tracer while it serves a request that is being traced; None otherwise."""
NOT_TRACED: AbstractContextManager[Span] = nullcontext(trace.INVALID_SPAN)
"""What a span helper returns when nothing is traced: reusable, and yields a no-op span."""


class HeaderGetter(Getter[list[tuple[bytes, bytes]]]):
    """Reads propagation headers from an ASGI scope's raw header list."""

    def get(self, carrier: list[tuple[bytes, bytes]], key: str) -> list[str] | None:
        """Every value of header `key` (names are lower case in ASGI)."""
        wanted = key.lower().encode("latin-1")
        values = [value.decode("latin-1") for name, value in carrier if name == wanted]
        return values or None

    def keys(self, carrier: list[tuple[bytes, bytes]]) -> list[str]:
        """The header names present."""
        return [name.decode("latin-1") for name, _ in carrier]


HEADERS = HeaderGetter()


def incoming_context(headers: Iterable[tuple[bytes, bytes]]) -> TraceContext:
    """The caller's trace context from request headers (empty when they carry none)."""
    return propagate.extract(list(headers), getter=HEADERS)


def tracing_enabled() -> bool:
    """Whether a real tracer provider is installed (else spans are no-ops not worth creating)."""
    return not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)


def app_tracer(provider: TracerProvider | None = None) -> Tracer | None:
    """The app's tracer: from `provider`, else from the global provider when one is installed;
    None when tracing is off."""
    if provider is None:
        if not tracing_enabled():
            return None
        provider = trace.get_tracer_provider()
    return provider.get_tracer(TRACER_NAME)


def child_span(
    name: str, kind: SpanKind = SpanKind.INTERNAL, attributes: dict[str, Any] | None = None
) -> AbstractContextManager[Span]:
    """A span under the current one while a request is traced, else NOT_TRACED."""
    tracer = tracer_var.get()
    if tracer is None or not trace.get_current_span().is_recording():
        return NOT_TRACED
    return tracer.start_as_current_span(name, kind=kind, attributes=attributes)


def start_statement_span(sql: str) -> Span | None:
    """A started CLIENT span for one SQL statement (its text, never its parameters), under the
    current span while a request is traced; None otherwise. The caller ends it."""
    tracer = tracer_var.get()
    if tracer is None or not trace.get_current_span().is_recording():
        return None
    operation = statement_operation(sql)
    return tracer.start_span(
        operation,
        kind=SpanKind.CLIENT,
        attributes={
            "db.system.name": "postgresql",
            "db.operation.name": operation,
            "db.query.text": sql,
        },
    )


def statement_span(sql: str) -> AbstractContextManager[Span]:
    """start_statement_span as a context manager (ended on exit, errors recorded)."""
    span = start_statement_span(sql)
    if span is None:
        return NOT_TRACED
    return trace.use_span(span, end_on_exit=True)


def statement_operation(sql: str) -> str:
    """The statement's first keyword (SELECT, INSERT, WITH …): its span's name."""
    words = sql.lstrip().split(None, 1)
    return words[0].upper() if words else "SQL"


def configure_tracing() -> bool:
    """Install an SDK tracer provider when OTEL_TRACES_EXPORTER or an OTLP endpoint is set.

    `console` prints spans; `otlp` (or an OTEL_EXPORTER_OTLP_ENDPOINT) needs the
    `opentelemetry-exporter-otlp` package. Without either, spans are no-ops and cost nothing.
    """
    exporter_name = os.environ.get("OTEL_TRACES_EXPORTER", "").lower()
    if not exporter_name and os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        exporter_name = "otlp"
    if exporter_name in ("", "none"):
        return False
    try:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider as SDKTracerProvider
        from opentelemetry.sdk.trace.export import (
            BatchSpanProcessor,
            ConsoleSpanExporter,
            SpanExporter,
        )
    except ImportError:
        logger.warning("OTEL_* is set but opentelemetry-sdk is not installed; tracing is off")
        return False
    exporter: SpanExporter
    if exporter_name == "console":
        exporter = ConsoleSpanExporter()
    else:
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # type: ignore[import-not-found]
                OTLPSpanExporter,
            )
        except ImportError:
            logger.warning("install opentelemetry-exporter-otlp for OTLP tracing; tracing is off")
            return False
        exporter = OTLPSpanExporter()
    service = os.environ.get("OTEL_SERVICE_NAME", "braingain-graph")
    provider = SDKTracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return True
