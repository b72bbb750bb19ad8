"""Structured JSON logs; every line carries a UTC ISO 8601 time and the request id (and, when
traced, the trace and span ids) of the request that wrote it."""

import asyncio
import logging
import os
import sys
import time
from collections.abc import Callable
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
        self,
        logger: str,
        level: str,
        message: str,
        request_id: str | None,
        extra: dict[str, Any],
        created: float | None = None,
    ) -> str:
        """What `format` returns for a plain record of `logger` with these attributes, built
        without the record: the same fields in the same order (`created`, a time.time(), or
        the time of the call)."""
        attributes = {
            "levelname": level,
            "name": logger,
            "message": message,
            "request_id": request_id,
        }
        rename = self.rename_fields
        moment = datetime.now(UTC) if created is None else datetime.fromtimestamp(created, UTC)
        log_data: dict[str, Any] = {"time": moment}
        for name in self._required_fields:
            log_data[rename.get(name, name)] = attributes.get(name)
        skip = self._skip_fields
        for key, value in extra.items():
            if key not in skip and not key.startswith("_"):
                log_data[rename.get(key, key)] = value
        return self.serialize_log_record(self.process_log_record(log_data))


Render = Callable[..., tuple[str, dict[str, Any]]]
"""Makes a line's message and extra fields from the parts it was given."""

Line = tuple[float, str, str | None, Render, tuple[Any, ...]]
"""A line to write (INFO): its time.time(), logger, request id, and how to render the rest."""


class JsonHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler writing one JSON object per line (marks JSON logging as configured).

    With `flush_interval` > 0, the lines given to `write_line` (the access log's, one per
    request) are kept, unformatted, while an event loop runs, and formatted and written
    together at most that many seconds later, in one write (as nginx's `access_log ...
    buffer= flush=`): formatting and writing a line per request was a tenth of a small read's
    CPU. Any other record, `flush()` and `close()` write the kept lines first, so the stream
    keeps the order lines were made in, each with the time it was made; the process's exit
    flushes them (logging.shutdown). A worker killed outright loses at most that window.
    """

    standard: "tuple[JsonFormatter, RequestIdFilter] | None" = None
    """The formatter and filter json_handler gave it (a line may skip the LogRecord while
    they are its only ones: see `direct_handler`)."""

    KEPT_MAX = 256
    """Kept lines that are written at once, without waiting for the timer."""

    def __init__(self, stream: TextIO | None = None, flush_interval: float = 0.0) -> None:
        super().__init__(stream)
        self.flush_interval = flush_interval
        self.kept: list[Line] = []
        self.timer_loop: asyncio.AbstractEventLoop | None = None

    def write_line(
        self, logger: str, request_id: str | None, render: Render, parts: tuple[Any, ...]
    ) -> None:
        """Write one INFO line of `logger`, as `emit` writes a plain record's: its message
        and extra fields are `render(*parts)`, called when it is written (kept for a while:
        see the class). Only for a handler json_handler set up (`standard`)."""
        line: Line = (time.time(), logger, request_id, render, parts)
        loop = None
        if self.flush_interval > 0:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
        with self.lock:  # type: ignore[union-attr]  # Handler.createLock made it
            if self.timer_loop is not None and self.timer_loop is not loop:
                self._write_kept()  # kept under another loop (tests), or none runs: now
            self.kept.append(line)
            if loop is None or len(self.kept) >= self.KEPT_MAX:
                self._write_kept()
            elif self.timer_loop is None:
                self.timer_loop = loop
                loop.call_later(self.flush_interval, self._timer_fired, loop)

    def _timer_fired(self, loop: asyncio.AbstractEventLoop) -> None:
        self.acquire()
        try:
            if self.timer_loop is loop:
                self._write_kept()
        finally:
            self.release()

    def _write_kept(self) -> None:
        """Format and write the kept lines, in one write (the handler's lock held)."""
        self.timer_loop = None
        if not self.kept:
            return
        kept, self.kept = self.kept, []
        text = ""
        try:
            assert self.standard is not None
            plain_line = self.standard[0].plain_line
            terminator = self.terminator
            lines = []
            for created, logger, request_id, render, parts in kept:
                message, extra = render(*parts)
                lines.append(plain_line(logger, "INFO", message, request_id, extra, created))
                lines.append(terminator)
            text = "".join(lines)
            self.stream.write(text)
            super().flush()
        except Exception:
            self.handleError(logging.makeLogRecord({"msg": text or repr(kept)}))

    def emit(self, record: logging.LogRecord) -> None:
        """Write the kept lines, then the record's."""
        if self.kept:
            self.acquire()
            try:
                self._write_kept()
            finally:
                self.release()
        super().emit(record)

    def flush(self) -> None:
        """Write the kept lines and flush the stream."""
        self.acquire()
        try:
            self._write_kept()
        finally:
            self.release()
        super().flush()

    def close(self) -> None:
        """Write the kept lines, then close."""
        self.acquire()
        try:
            self._write_kept()
        finally:
            self.release()
        super().close()

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


def direct_handler(logger: logging.Logger, level: int, traced: bool = True) -> JsonHandler | None:
    """The JSON handler a record of `logger` at `level` reaches, when it is the only thing that
    would see the record (no other handler, no filter on the way, standard format, not traced):
    its line can then be written without a LogRecord (JsonFormatter.plain_line). None: log
    through `logging`. `traced` False: the caller knows no span is recording (no tracer)."""
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
    if traced and trace.get_current_span().get_span_context().is_valid:
        return None  # the filter would add the trace and span ids
    return found


def json_handler(stream: TextIO | None = None, flush_interval: float = 0.0) -> logging.Handler:
    """A handler writing one JSON object per line (access lines gathered for up to
    `flush_interval` seconds: see JsonHandler)."""
    handler = JsonHandler(stream or sys.stderr, flush_interval)
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


ACCESS_FLUSH_MS = 100
"""How long access lines may wait to be written together, by default (BRAINGAIN_LOG_FLUSH_MS;
0 writes each at once)."""


def access_flush_seconds() -> float:
    """BRAINGAIN_LOG_FLUSH_MS in seconds (ACCESS_FLUSH_MS when unset)."""
    value = os.environ.get("BRAINGAIN_LOG_FLUSH_MS", "").strip()
    return max(0, int(value) if value else ACCESS_FLUSH_MS) / 1000


def configure_logging(level: str = "INFO", flush_interval: float | None = None) -> None:
    """Route every logger (uvicorn's too) through one JSON handler on stderr; access lines
    are written together every `flush_interval` seconds (BRAINGAIN_LOG_FLUSH_MS by default).

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
        handler.flush()
        root.removeHandler(handler)
    interval = access_flush_seconds() if flush_interval is None else flush_interval
    root.addHandler(json_handler(flush_interval=interval))
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
