"""Prometheus metrics: requests and latency by operation (over HTTP and over WebSockets), errors
by code, database pool use, subscriptions."""

import re
from collections.abc import Iterable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine

OPERATION_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")
ANONYMOUS = "anonymous"
OTHER = "other"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class PoolCollector(Collector):
    """Reads the engine's connection pool at scrape time."""

    def __init__(self) -> None:
        self.engine: AsyncEngine | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Pool size, connections checked out and overflow in use."""
        pool: Any = self.engine.sync_engine.pool if self.engine is not None else None
        if pool is None or not hasattr(pool, "checkedout"):
            return
        for name, documentation, value in (
            ("braingain_db_pool_size", "Connections the pool keeps open.", pool.size()),
            ("braingain_db_pool_checked_out", "Connections in use.", pool.checkedout()),
            (
                "braingain_db_pool_overflow",
                "Connections open beyond the pool size.",
                pool.overflow(),
            ),
        ):
            yield GaugeMetricFamily(name, documentation, value=value)


class EventsCollector(Collector):
    """Reads the worker's event broker at scrape time."""

    def __init__(self) -> None:
        self.broker: Any = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Subscriptions registered on this worker and whether its LISTEN connection is up."""
        if self.broker is None:
            return
        yield GaugeMetricFamily(
            "braingain_subscriptions",
            "Subscriptions registered on this worker.",
            value=self.broker.subscriber_count,
        )
        yield GaugeMetricFamily(
            "braingain_events_listening",
            "1 while the worker's LISTEN connection is up.",
            value=int(self.broker.listening),
        )


class Metrics:
    """One app's metrics in its own registry (so several apps in one process don't collide)."""

    def __init__(self, max_operation_names: int = 200) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "braingain_graphql_requests",
            "GraphQL HTTP requests by operation name and status code.",
            ["operation", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "braingain_graphql_request_duration_seconds",
            "Time to answer a GraphQL HTTP request, by operation name.",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "braingain_graphql_errors",
            "GraphQL errors returned, by extensions.code.",
            ["code"],
            registry=self.registry,
        )
        self.websocket_operations = Counter(
            "braingain_graphql_websocket_operations",
            "GraphQL operations over WebSockets by operation name and outcome "
            "(complete, error, cancelled, closed, failed).",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.websocket_latency = Histogram(
            "braingain_graphql_websocket_operation_duration_seconds",
            "Time from a WebSocket operation's subscribe to its end (a subscription's lifetime).",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.pool = PoolCollector()
        self.registry.register(self.pool)
        self.events = EventsCollector()
        self.registry.register(self.events)
        self.max_operation_names = max_operation_names
        self.operation_names: set[str] = set()
        self.children: dict[tuple[str | None, int], tuple[Any, Any]] = {}
        """Labelled series by (operation name, status), so a request skips the label lookup."""

    def _operation_label(self, name: str | None) -> str:
        # Client-chosen names are bounded so a client cannot explode the label space.
        if not name:
            return ANONYMOUS
        if not OPERATION_NAME.match(name):
            return OTHER
        if name not in self.operation_names:
            if len(self.operation_names) >= self.max_operation_names:
                return OTHER
            self.operation_names.add(name)
        return name

    def observe_request(self, operation: str | None, status: int, seconds: float) -> None:
        """Count one request and its latency."""
        key = (operation, status)
        children = self.children.get(key)
        if children is None:
            label = self._operation_label(operation)
            children = (
                self.requests.labels(operation=label, status=str(status)),
                self.latency.labels(operation=label),
            )
            if len(self.children) < 4 * self.max_operation_names:
                self.children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def observe_websocket_operation(
        self, operation: str | None, outcome: str, seconds: float
    ) -> None:
        """Count one finished WebSocket operation and its duration."""
        label = self._operation_label(operation)
        self.websocket_operations.labels(operation=label, outcome=outcome).inc()
        self.websocket_latency.labels(operation=label).observe(seconds)

    def observe_errors(self, errors: Iterable[dict[str, Any]]) -> None:
        """Count returned errors by code."""
        for error in errors:
            code = (error.get("extensions") or {}).get("code", "UNKNOWN")
            self.errors.labels(code=str(code)).inc()

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)
