"""Observability: JSON logs with request ids, Prometheus metrics, health, tracing — for HTTP
requests and WebSocket operations alike."""

import asyncio
import contextlib
import io
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from websockets.asyncio.client import ClientConnection, connect

from graph.app import create_app
from graph.chapters import ChapterRegistry
from graph.extensions.budget import MemoryBudgetStore
from graph.http.settings import HardeningSettings
from graph.observability.logging import (
    JsonHandler,
    access_flush_seconds,
    configure_logging,
    direct_handler,
    json_handler,
    request_id_var,
)
from graph.observability.middleware import access_fields, access_log
from tests.http.conftest import ClientFactory, settings
from tests.support.in_loop import served

NAMED = {"query": "query ChapterNames { chapters(first: 1) { nodes { name } } }"}


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Captures the JSON lines every graph.* logger writes."""
    stream = io.StringIO()
    handler = json_handler(stream)
    logger = logging.getLogger("graph")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(previous)


@pytest.fixture
async def engine_client(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """The app on the real engine (so pool metrics exist)."""
    app = create_app(
        settings(), engine=engine, hardening=HardeningSettings(), budget_store=MemoryBudgetStore()
    )
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def test_access_log_is_json_with_the_request_id(
    make_client: ClientFactory, log_lines: io.StringIO
) -> None:
    client = await make_client()
    response = await client.post("/graphql", json=NAMED, headers={"x-request-id": "req-abc"})

    records = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    access = [record for record in records if record["logger"] == "graph.access"]
    assert access, records
    line = access[-1]
    assert line["request_id"] == "req-abc" == response.headers["x-request-id"]
    assert line["status"] == 200
    assert line["operation"] == "ChapterNames"
    assert line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float)
    _assert_utc_iso_time(line)


class Writes(io.StringIO):
    """A text stream that counts the writes it was given."""

    writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


@contextlib.contextmanager
def access_lines(flush_interval: float = 0.0) -> Iterator["Writes"]:
    """The access log as the configured server has it: one JSON handler, nothing else (pytest's
    capture handlers, which it adds to the logger for each test, set aside meanwhile)."""
    stream = Writes()
    logger = logging.getLogger("graph.access")
    saved = (logger.level, logger.propagate, list(logger.handlers))
    logger.handlers = [json_handler(stream, flush_interval)]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield stream
    finally:
        logger.handlers = saved[2]
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


ACCESS_FIELDS = [
    "time",
    "level",
    "logger",
    "message",
    "request_id",
    "method",
    "path",
    "status",
    "duration_ms",
    "operation",
    "client",
]


async def test_the_access_line_written_without_a_log_record_has_every_field(
    make_client: ClientFactory,
) -> None:
    client = await make_client()
    # Given the access log going to the JSON handler alone (written without a LogRecord)
    with access_lines() as lines:
        assert direct_handler(logging.getLogger("graph.access"), logging.INFO) is not None

        # When a request is served
        response = await client.post("/graphql", json=NAMED, headers={"x-request-id": "req-direct"})

    # Then its line carries every field, in the order logging writes them
    line = json.loads(lines.getvalue().splitlines()[-1])
    assert list(line) == ACCESS_FIELDS
    assert line["request_id"] == "req-direct" == response.headers["x-request-id"]
    assert line["level"] == "INFO"
    assert line["logger"] == "graph.access"
    assert line["message"] == "POST /graphql 200"
    assert (line["method"], line["path"], line["status"]) == ("POST", "/graphql", 200)
    assert line["operation"] == "ChapterNames"
    assert isinstance(line["duration_ms"], float)
    _assert_utc_iso_time(line)


def test_the_direct_access_line_is_the_line_logging_writes() -> None:
    # Given one request's access line written directly, then through logging (a filter on
    # the logger sends it through logging)
    logger = logging.getLogger("graph.access")
    scope = {"method": "GET", "path": "/graphql", "client": ("10.0.0.7", 4321)}
    state = {"operation_name": "Q1"}
    keep_everything = logging.Filter()
    with access_lines() as lines:
        access_log(scope, state, "req-1", 405, time.perf_counter())
        logger.addFilter(keep_everything)
        try:
            assert direct_handler(logger, logging.INFO) is None
            token = request_id_var.set("req-1")
            access_log(scope, state, "req-1", 405, time.perf_counter())
            request_id_var.reset(token)
        finally:
            logger.removeFilter(keep_everything)

    # Then both lines are the same, field for field (but the time and duration)
    direct, logged = (json.loads(line) for line in lines.getvalue().splitlines())
    assert list(direct) == list(logged) == ACCESS_FIELDS
    for line in (direct, logged):
        del line["time"], line["duration_ms"]
    assert direct == logged
    assert direct["client"] == "10.0.0.7"
    assert direct["status"] == 405


async def test_access_lines_are_written_together_a_moment_later_in_the_order_they_came(
    make_client: ClientFactory,
) -> None:
    client = await make_client()
    logger = logging.getLogger("graph.access")
    with access_lines(flush_interval=0.05) as lines:
        # When three requests are served
        for name in ("one", "two", "three"):
            response = await client.post("/graphql", json=NAMED, headers={"x-request-id": name})
            assert response.status_code == 200
        # Then their lines are kept for a moment
        assert lines.getvalue() == ""

        # And written together once it has passed, in order, each with the time it was made
        await asyncio.sleep(0.2)
        written = [json.loads(line) for line in lines.getvalue().splitlines()]
        assert [line["request_id"] for line in written] == ["one", "two", "three"]
        assert lines.writes == 1
        times = [datetime.fromisoformat(line["time"]) for line in written]
        assert times == sorted(times)
        assert len(set(times)) == 3
        assert all(list(line) == ACCESS_FIELDS for line in written)

        # When a request's line is kept and then another record is logged
        await client.post("/graphql", json=NAMED, headers={"x-request-id": "four"})
        logger.warning("something else")
        # Then the kept line is written first
        tail = [json.loads(line) for line in lines.getvalue().splitlines()[3:]]
        assert [line.get("request_id") for line in tail] == ["four", None]
        assert tail[1]["message"] == "something else"

        # And a flush (as at the process's exit) writes what is kept
        await client.post("/graphql", json=NAMED, headers={"x-request-id": "five"})
        assert len(lines.getvalue().splitlines()) == 5
        logger.handlers[0].flush()
        assert json.loads(lines.getvalue().splitlines()[-1])["request_id"] == "five"


def _assert_utc_iso_time(line: dict[str, Any]) -> None:
    """`time` is ISO 8601 with its UTC offset, e.g. 2026-12-04T03:10:00.123456+00:00."""
    moment = datetime.fromisoformat(line["time"])
    assert moment.tzinfo is not None, line["time"]
    assert moment.utcoffset() == timedelta(0)
    assert line["time"].endswith("+00:00")


def test_every_line_of_the_configured_logging_is_json_with_a_utc_time(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given the process logging as `braingain serve` and its workers configure it
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    named = [logging.getLogger(name) for name in ("uvicorn.error", "alembic.runtime.migration")]
    levels = [logger.level for logger in named]  # earlier tests' servers may have set them
    try:
        for logger in named:
            logger.setLevel(logging.NOTSET)
        configure_logging("INFO")
        # When the app, uvicorn (with its colour copy of the message) and a library log
        logging.getLogger("graph.http").warning("database unavailable: %s", "gone")
        logging.getLogger("uvicorn.error").info(
            "Uvicorn running on %s", "http://127.0.0.1:8000", extra={"color_message": "\x1b[1m"}
        )
        logging.getLogger("alembic.runtime.migration").info("Context impl PostgresqlImpl.")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logging.getLogger("graph.errors").exception("unexpected error")
    finally:
        logging.captureWarnings(False)
        for logger, level in zip(named, levels, strict=True):
            logger.setLevel(level)
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])

    # Then each is one JSON line with a UTC ISO 8601 time, and no ANSI copy
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 4
    records = [json.loads(line) for line in lines]
    for record in records:
        _assert_utc_iso_time(record)
        assert "color_message" not in record
    assert records[1]["message"] == "Uvicorn running on http://127.0.0.1:8000"
    assert "RuntimeError: boom" in records[3]["exc_info"]


async def test_masked_errors_are_logged_with_the_request_id(log_lines: io.StringIO) -> None:
    logging.getLogger("graph.errors").error("boom", extra={"request_id": "req-xyz"})
    record = json.loads(log_lines.getvalue().splitlines()[-1])
    assert record["request_id"] == "req-xyz"


async def test_metrics_count_requests_latency_errors_and_pool(
    engine_client: httpx.AsyncClient,
) -> None:
    await engine_client.post("/graphql", json=NAMED)
    await engine_client.post("/graphql", json={"query": "{ chapters(first: 0) { totalCount } }"})

    text = (await engine_client.get("/metrics")).text
    for _ in range(50):  # work a request leaves behind (logs, budget refunds) may still hold one
        if "braingain_db_pool_checked_out 0.0" in text:
            break
        await asyncio.sleep(0.05)
        text = (await engine_client.get("/metrics")).text

    assert 'braingain_graphql_requests_total{operation="ChapterNames",status="200"} 1.0' in text
    assert 'braingain_graphql_request_duration_seconds_count{operation="ChapterNames"} 1.0' in text
    assert 'braingain_graphql_errors_total{code="BAD_USER_INPUT"} 1.0' in text
    assert "braingain_db_pool_size " in text
    assert "braingain_db_pool_checked_out 0.0" in text  # nothing leaked


async def test_health_and_readiness(engine_client: httpx.AsyncClient) -> None:
    assert (await engine_client.get("/healthz")).json() == {"status": "ok"}
    assert (await engine_client.get("/readyz")).json() == {"status": "ok"}


async def test_requests_are_traced_when_a_tracer_is_configured(
    make_client: ClientFactory,
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    client = await make_client(tracer_provider=provider)

    await client.post("/graphql", json=NAMED)

    spans = [span for span in exporter.get_finished_spans() if span.name == "graphql.request"]
    assert spans
    attributes = dict(spans[-1].attributes or {})
    assert attributes["graphql.operation.name"] == "ChapterNames"
    assert attributes["http.response.status_code"] == 200


async def test_metrics_need_the_bearer_token_in_production(make_client: ClientFactory) -> None:
    open_in_production = await make_client(HardeningSettings(), settings(environment="production"))
    guarded = await make_client(
        HardeningSettings(metrics_token="s3cret"), settings(environment="production")
    )
    development = await make_client(HardeningSettings(), settings(environment="development"))

    # Production without a configured token: not served to anyone
    assert (await open_in_production.get("/metrics")).status_code == 401
    # With a token: only with it
    assert (await guarded.get("/metrics")).status_code == 401
    wrong = await guarded.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = await guarded.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert right.status_code == 200
    assert "braingain_" in right.text
    # Development: open, as before
    assert (await development.get("/metrics")).status_code == 200


@pytest.fixture
async def socket_address(
    sessionmaker: async_sessionmaker[AsyncSession], registry: ChapterRegistry
) -> AsyncIterator[str]:
    """The app (metrics on) served over a real socket, in the test's transaction."""
    application = create_app(
        settings(), sessionmaker=sessionmaker, registry=registry, hardening=HardeningSettings()
    )
    async with LifespanManager(application), served(application) as address:
        yield address


async def _exchange(socket: ClientConnection, message: dict[str, Any]) -> list[dict[str, Any]]:
    """Send `message`; the replies up to the operation's `complete` or `error`."""
    await socket.send(json.dumps(message))
    replies: list[dict[str, Any]] = []
    while not replies or replies[-1]["type"] not in ("complete", "error"):
        replies.append(json.loads(await asyncio.wait_for(socket.recv(), timeout=5)))
    return replies


async def test_websocket_operations_are_counted_and_access_logged(
    socket_address: str, log_lines: io.StringIO
) -> None:
    # Given a socket (with a request id on its upgrade request)
    async with connect(
        f"ws://{socket_address}/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers={"x-request-id": "ws-req-1"},
    ) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        # When it runs a named query, an unnamed one, and one that fails validation
        named = await _exchange(socket, {"id": "1", "type": "subscribe", "payload": NAMED})
        unnamed = await _exchange(
            socket,
            {"id": "2", "type": "subscribe", "payload": {"query": "{ sectors { slug } }"}},
        )
        invalid = await _exchange(
            socket,
            {"id": "3", "type": "subscribe", "payload": {"query": "query Bad { nope }"}},
        )
    assert [reply["type"] for reply in named] == ["next", "complete"]
    assert [reply["type"] for reply in unnamed] == ["next", "complete"]
    assert [reply["type"] for reply in invalid] == ["error"]
    await asyncio.sleep(0.05)  # each operation's task logs once its last message is out

    # Then /metrics counts them by operation and outcome, with their durations
    async with httpx.AsyncClient(base_url=f"http://{socket_address}") as client:
        text = (await client.get("/metrics")).text
    assert (
        'braingain_graphql_websocket_operations_total{operation="ChapterNames",outcome="complete"}'
        " 1.0" in text
    )
    assert (
        'braingain_graphql_websocket_operations_total{operation="anonymous",outcome="complete"}'
        " 1.0" in text
    )
    assert (
        'braingain_graphql_websocket_operations_total{operation="Bad",outcome="error"} 1.0' in text
    )
    assert (
        'braingain_graphql_websocket_operation_duration_seconds_count{operation="ChapterNames"}'
        " 1.0" in text
    )
    # (its validation error counted by code, as an HTTP response's errors are)
    assert re.search(r'^braingain_graphql_errors_total\{code="[A-Z_]+"\} 1\.0$', text, re.M)
    # And the access log has one JSON line per operation, like an HTTP request's
    records = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    operations = [
        record
        for record in records
        if record["logger"] == "graph.access" and record.get("transport") == "websocket"
    ]
    by_id = {record["operation_id"]: record for record in operations}
    assert set(by_id) == {"1", "2", "3"}
    first = by_id["1"]
    assert first["operation"] == "ChapterNames"
    assert first["outcome"] == "complete"
    assert first["request_id"] == "ws-req-1"
    assert first["client"] == "127.0.0.1"
    assert first["path"] == "/graphql"
    assert isinstance(first["duration_ms"], float)
    assert first["errors"] == 0
    _assert_utc_iso_time(first)
    assert by_id["2"]["operation"] is None
    assert (by_id["3"]["operation"], by_id["3"]["outcome"], by_id["3"]["errors"]) == (
        "Bad",
        "error",
        1,
    )


async def test_closing_the_handler_writes_the_kept_lines() -> None:
    # Given an access line kept by a handler gathering lines
    stream = Writes()
    handler = json_handler(stream, flush_interval=60)
    assert isinstance(handler, JsonHandler)
    parts = ("GET", "/", 200, 0.001, None, None)
    handler.write_line("graph.access", "req-close", access_fields, parts)
    assert stream.getvalue() == ""

    # When it is closed (as logging.shutdown or a reconfiguration does)
    handler.close()

    # Then the line is written
    assert json.loads(stream.getvalue())["request_id"] == "req-close"


@pytest.mark.parametrize(("value", "seconds"), [(None, 0.1), ("0", 0.0), ("250", 0.25)])
def test_the_access_flush_window_comes_from_braingain_log_flush_ms(
    monkeypatch: pytest.MonkeyPatch, value: str | None, seconds: float
) -> None:
    if value is None:
        monkeypatch.delenv("BRAINGAIN_LOG_FLUSH_MS", raising=False)
    else:
        monkeypatch.setenv("BRAINGAIN_LOG_FLUSH_MS", value)
    assert access_flush_seconds() == seconds
