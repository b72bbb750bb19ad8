"""Observability: structured logs with request ids, Prometheus metrics, optional tracing."""
