"""Traces join the caller's: W3C trace context in, a SERVER span per request, child spans for
the GraphQL operation, the compiled path and every SQL statement — over HTTP and WebSockets."""

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator, Iterator, Sequence

import pytest
from asgi_lifespan import LifespanManager
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from websockets.asyncio.client import connect

from graph.app import create_app
from graph.chapters import ChapterRegistry
from graph.compiler.settings import CompilerSettings
from graph.http.settings import HardeningSettings
from graph.observability.logging import json_handler
from tests.http.conftest import ClientFactory, settings
from tests.support.in_loop import served

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
TRACEPARENT = f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"
NAMED = {"query": "query ChapterNames { chapters(first: 2) { nodes { name } } }"}
VIEWER = "query WhoAmI { viewer { isAuthenticated } chapters(first: 1) { totalCount } }"


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    """Collects the spans of a tracer provider the app under test is given."""
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    """A tracer provider exporting every span as it ends."""
    traces = TracerProvider()
    traces.add_span_processor(SimpleSpanProcessor(exporter))
    return traces


def _one(spans: Sequence[ReadableSpan], name: str) -> ReadableSpan:
    matching = [span for span in spans if span.name == name]
    assert len(matching) == 1, [span.name for span in spans]
    return matching[0]


def _children(spans: Sequence[ReadableSpan], parent: ReadableSpan) -> list[ReadableSpan]:
    assert parent.context is not None
    return [
        span
        for span in spans
        if span.parent is not None and span.parent.span_id == parent.context.span_id
    ]


def _descends(spans: Sequence[ReadableSpan], span: ReadableSpan, ancestor: ReadableSpan) -> bool:
    by_id = {item.context.span_id: item for item in spans if item.context is not None}
    current: ReadableSpan | None = span
    while current is not None and current.parent is not None:
        if ancestor.context is not None and current.parent.span_id == ancestor.context.span_id:
            return True
        current = by_id.get(current.parent.span_id)
    return False


async def test_the_request_span_is_a_server_span_in_the_callers_trace(
    make_client: ClientFactory, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    # Given an app answering through strawberry (the compiled path off)
    client = await make_client(compiler=CompilerSettings(), tracer_provider=provider)

    # When a caller sends a request inside its own trace
    response = await client.post("/graphql", json=NAMED, headers={"traceparent": TRACEPARENT})

    # Then the request's span is a SERVER span in the caller's trace, the caller's span its parent
    assert response.status_code == 200
    spans = exporter.get_finished_spans()
    server = _one(spans, "POST /graphql")
    assert server.kind is SpanKind.SERVER
    assert server.context is not None
    assert server.parent is not None
    assert format(server.context.trace_id, "032x") == CALLER_TRACE
    assert format(server.parent.span_id, "016x") == CALLER_SPAN
    assert server.parent.is_remote
    attributes = dict(server.attributes or {})
    assert attributes["http.response.status_code"] == 200
    assert attributes["http.route"] == "/graphql"
    assert attributes["braingain.request_id"] == response.headers["x-request-id"]
    # And the GraphQL operation is its child, with one CLIENT span per SQL statement below it
    operation = _one(spans, "graphql.request")
    assert operation in _children(spans, server)
    assert dict(operation.attributes or {})["graphql.operation.name"] == "ChapterNames"
    statements = [span for span in spans if span.kind is SpanKind.CLIENT]
    assert statements
    for statement in statements:
        assert dict(statement.attributes or {})["db.system.name"] == "postgresql"
        assert _descends(spans, statement, server)
    assert any(
        "chapters" in str(dict(span.attributes or {})["db.query.text"])
        and _descends(spans, span, operation)
        for span in statements
    )


@pytest.fixture
def access_lines() -> Iterator[io.StringIO]:
    """The JSON lines graph.access writes."""
    stream = io.StringIO()
    handler = json_handler(stream)
    logger = logging.getLogger("graph.access")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(previous)


async def test_the_access_log_line_carries_the_trace_and_span_ids(
    make_client: ClientFactory,
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
    access_lines: io.StringIO,
) -> None:
    client = await make_client(tracer_provider=provider)

    await client.post("/graphql", json=NAMED, headers={"traceparent": TRACEPARENT})

    (line,) = [json.loads(text) for text in access_lines.getvalue().splitlines()]
    server = _one(exporter.get_finished_spans(), "POST /graphql")
    assert server.context is not None
    assert line["trace_id"] == CALLER_TRACE
    assert line["span_id"] == format(server.context.span_id, "016x")


async def test_the_compiled_path_has_a_span_with_its_statement_as_a_child(
    make_client: ClientFactory, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    # Given the compiled read path (reporting which path answered)
    client = await make_client(
        compiler=CompilerSettings(report_path=True), tracer_provider=provider
    )

    # When a traced request is answered by it
    response = await client.post("/graphql", json=NAMED, headers={"traceparent": TRACEPARENT})

    # Then the compiled path is a span under the operation, and its one statement a child
    assert response.headers["x-graphql-execution"] == "compiled"
    spans = exporter.get_finished_spans()
    server = _one(spans, "POST /graphql")
    operation = _one(spans, "graphql.request")
    compiled = _one(spans, "graphql.compiled")
    assert operation in _children(spans, server)
    assert compiled in _children(spans, operation)
    assert dict(compiled.attributes or {})["braingain.execution"] == "compiled"
    # (the test's sessions add SAVEPOINT statements around it: the pool has none)
    (statement,) = [span for span in _children(spans, compiled) if span.name == "SELECT"]
    assert statement.kind is SpanKind.CLIENT
    assert statement.name == "SELECT"
    assert "chapters" in str(dict(statement.attributes or {})["db.query.text"])
    assert format(statement.context.trace_id if statement.context else 0, "032x") == CALLER_TRACE


async def test_a_request_without_trace_context_starts_a_new_trace(
    make_client: ClientFactory, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    client = await make_client(tracer_provider=provider)

    await client.get("/healthz")

    server = _one(exporter.get_finished_spans(), "GET /healthz")
    assert server.kind is SpanKind.SERVER
    assert server.parent is None


@pytest.fixture
async def socket_url(
    sessionmaker: async_sessionmaker[AsyncSession],
    registry: ChapterRegistry,
    provider: TracerProvider,
) -> AsyncIterator[str]:
    """The traced app served over a real socket, in the test's transaction."""
    application = create_app(
        settings(),
        sessionmaker=sessionmaker,
        registry=registry,
        hardening=HardeningSettings(),
        tracer_provider=provider,
    )
    async with LifespanManager(application), served(application) as address:
        yield f"ws://{address}/graphql"


async def _finished(exporter: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    """The finished spans once one named `name` ended (a socket's spans end after its reply)."""
    for _ in range(200):
        spans = list(exporter.get_finished_spans())
        if any(span.name == name for span in spans):
            return spans
        await asyncio.sleep(0.01)
    raise AssertionError(f"no {name} span")


async def test_websocket_operations_are_server_spans_in_the_upgrade_callers_trace(
    socket_url: str, exporter: InMemorySpanExporter
) -> None:
    # When a caller opens a socket inside its trace and runs a query over it
    async with connect(
        socket_url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers={"traceparent": TRACEPARENT},
    ) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": VIEWER}})
        )
        assert json.loads(await socket.recv())["type"] == "next"
        assert json.loads(await socket.recv())["type"] == "complete"

    # Then the operation is a SERVER span whose parent is the caller's span
    spans = await _finished(exporter, "graphql.websocket.operation")
    operation = _one(spans, "graphql.websocket.operation")
    assert operation.kind is SpanKind.SERVER
    assert operation.context is not None
    assert operation.parent is not None
    assert format(operation.context.trace_id, "032x") == CALLER_TRACE
    assert format(operation.parent.span_id, "016x") == CALLER_SPAN
    attributes = dict(operation.attributes or {})
    assert attributes["graphql.operation.name"] == "WhoAmI"
    assert attributes["braingain.outcome"] == "complete"
    # And its SQL statements are its children
    statements = _children(spans, operation)
    assert statements
    assert all(span.kind is SpanKind.CLIENT for span in statements)
    assert any("chapters" in str((span.attributes or {})["db.query.text"]) for span in statements)
