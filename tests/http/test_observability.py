"""Observability: JSON logs with request ids, Prometheus metrics, health, tracing."""

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine

from graph.app import create_app
from graph.extensions.budget import MemoryBudgetStore
from graph.http.settings import HardeningSettings
from graph.observability.logging import json_handler
from tests.http.conftest import ClientFactory, settings

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

    assert 'braingain_graphql_requests_total{operation="ChapterNames",status="200"} 1.0' in text
    assert 'braingain_graphql_request_duration_seconds_count{operation="ChapterNames"} 1.0' in text
    assert 'braingain_graphql_errors_total{code="BAD_USER_INPUT"} 1.0' in text
    assert "braingain_db_pool_size " in text
    assert "braingain_db_pool_checked_out 0.0" in text


async def test_health_and_readiness(engine_client: httpx.AsyncClient) -> None:
    assert (await engine_client.get("/healthz")).json() == {"status": "ok"}
    assert (await engine_client.get("/readyz")).json() == {"status": "ok"}


async def test_requests_are_traced_when_a_tracer_is_configured(
    make_client: ClientFactory,
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    client = await make_client()

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
