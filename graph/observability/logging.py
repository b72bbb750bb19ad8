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

    def plain_line(
        self, logger: str, level: str, message: str, request_id: str | None, extra: dict[str, Any]
    ) -> str:
        """What `format` returns for a plain record of `logger` with these attributes, built
        without the record: the same fields in the same order (the time of the call)."""
        attributes = {
            "levelname": level,
            "name": logger,
            "message": message,
            "request_id": request_id,
        }
        rename = self.rename_fields
        log_data: dict[str, Any] = {"time": datetime.now(UTC)}
        for name in self._required_fields:
            log_data[rename.get(name, name)] = attributes.get(name)
        skip = self._skip_fields
        for key, value in extra.items():
            if key not in skip and not key.startswith("_"):
                log_data[rename.get(key, key)] = value
        return self.serialize_log_record(self.process_log_record(log_data))


class JsonHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler writing one JSON object per line (marks JSON logging as configured)."""

    standard: "tuple[JsonFormatter, RequestIdFilter] | None" = None
    """The formatter and filter json_handler gave it (a line may skip the LogRecord while
    they are its only ones: see `direct_handler`)."""

    def write_line(self, line: str) -> None:
        """Write one formatted line, as `emit` writes a record's."""
        self.acquire()
        try:
            self.stream.write(line + self.terminator)
            self.flush()
        except Exception:
            self.handleError(logging.makeLogRecord({"msg": line}))
        finally:
            self.release()

    def is_standard(self, level: int) -> bool:
        """Whether it formats and filters exactly as json_handler set it up, and takes `level`."""
        standard = self.standard
        return (
            standard is not None
            and self.formatter is standard[0]
            and len(self.filters) == 1
            and self.filters[0] is standard[1]
            and self.level <= level
        )


def direct_handler(logger: logging.Logger, level: int) -> JsonHandler | None:
    """The JSON handler a record of `logger` at `level` reaches, when it is the only thing that
    would see the record (no other handler, no filter on the way, standard format, not traced):
    its line can then be written without a LogRecord (JsonFormatter.plain_line). None: log
    through `logging`."""
    found: JsonHandler | None = None
    current: logging.Logger | None = logger
    while current is not None:
        if current.filters:
            return None
        for handler in current.handlers:
            if found is not None or type(handler) is not JsonHandler:
                return None
            found = handler
        if not current.propagate:
            break
        current = current.parent
    if found is None or not found.is_standard(level):
        return None
    if trace.get_current_span().get_span_context().is_valid:
        return None  # the filter would add the trace and span ids
    return found


def json_handler(stream: TextIO | None = None) -> logging.Handler:
    """A handler writing one JSON object per line."""
    handler = JsonHandler(stream or sys.stderr)
    formatter = JsonFormatter(
        "%(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"levelname": "level", "name": "logger"},
        reserved_attrs=SKIPPED_ATTRIBUTES,
    )
    handler.setFormatter(formatter)
    request_ids = RequestIdFilter()
    handler.addFilter(request_ids)
    handler.standard = (formatter, request_ids)
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
