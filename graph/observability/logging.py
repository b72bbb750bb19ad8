"""Structured JSON logs; every line carries a UTC ISO 8601 time and the request id (and, when
traced, the trace and span ids) of the request that wrote it."""

import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

from opentelemetry import trace
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.orjson import OrjsonFormatter

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

SKIPPED_ATTRIBUTES = (*RESERVED_ATTRS, "taskName", "color_message")
"""Record attributes no line prints (uvicorn's `color_message` repeats the message in ANSI)."""


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (from the record itself or the current request), and
    the current span's `trace_id` / `span_id` when a trace is being recorded."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Never drops a record; only annotates it."""
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get()
        context = trace.get_current_span().get_span_context()
        if context.is_valid and not hasattr(record, "trace_id"):
            record.trace_id = trace.format_trace_id(context.trace_id)
            record.span_id = trace.format_span_id(context.span_id)
        return True


class JsonFormatter(OrjsonFormatter):
    """One JSON object per record, opening with `time`: ISO 8601 in UTC with its offset
    (2026-12-04T03:10:00.123456+00:00)."""

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        """The time first, then level, logger, message, request id and any extra fields."""
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC)
        super().add_fields(log_data, record, message_dict)

    def format(self, record: logging.LogRecord) -> str:
        """The library's format for a plain record (no dict message, exception or stack) —
        the access log's one line per request — without its general machinery; the same
        line, field for field. Anything else goes through the library."""
        if (
            isinstance(record.msg, dict)
            or record.exc_info
            or record.exc_text
            or record.stack_info
            or self.defaults
            or self.static_fields
            or self.timestamp
            or self.rename_fields_keep_missing
        ):
            return super().format(record)
        record.message = record.getMessage()
        attributes = record.__dict__
        if "asctime" in self._required_fields:
            record.asctime = self.formatTime(record, self.datefmt)
        rename = self.rename_fields
        log_data: dict[str, Any] = {"time": datetime.fromtimestamp(record.created, tz=UTC)}
        for name in self._required_fields:
            log_data[rename.get(name, name)] = attributes.get(name)
        skip = self._skip_fields
        for key, value in attributes.items():
            if key not in skip and not (hasattr(key, "startswith") and key.startswith("_")):
                log_data[rename.get(key, key)] = value
        return self.serialize_log_record(self.process_log_record(log_data))


class JsonHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler writing one JSON object per line (marks JSON logging as configured)."""


def json_handler(stream: TextIO | None = None) -> logging.Handler:
    """A handler writing one JSON object per line."""
    handler = JsonHandler(stream or sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"levelname": "level", "name": "logger"},
            reserved_attrs=SKIPPED_ATTRIBUTES,
        )
    )
    handler.addFilter(RequestIdFilter())
    return handler


def json_logging_configured() -> bool:
    """Whether configure_logging has routed the root logger through the JSON handler."""
    return any(isinstance(handler, JsonHandler) for handler in logging.getLogger().handlers)


def configure_logging(level: str = "INFO") -> None:
    """Route every logger (uvicorn's too) through one JSON handler on stderr.

    Records do not collect what no line prints — the caller's source location, thread and
    process names (the logging HOWTO's "Optimization"): an access line per request is on the
    hot path.
    """
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(json_handler())
    root.setLevel(level.upper())
    logging.captureWarnings(True)  # a library's warning is a log line too (logger py.warnings)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)  # the root's level rules, whatever uvicorn set before
        logger.disabled = False
    # graph.access writes one richer line per request (with the operation name)
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    # Alembic announces each of its plugins at INFO on every start
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
