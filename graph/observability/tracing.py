"""Optional OpenTelemetry tracing, switched on by the standard OTEL_* variables."""

import logging
import os

from opentelemetry import trace

logger = logging.getLogger(__name__)


def tracing_enabled() -> bool:
    """Whether a real tracer provider is installed (else spans are no-ops not worth creating)."""
    return not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)


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
        from opentelemetry.sdk.trace import TracerProvider
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
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return True
