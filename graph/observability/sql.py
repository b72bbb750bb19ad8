"""A span per SQL statement on SQLAlchemy's path, from the engine's cursor-execute events.

Registered once for every Engine; a statement run while no traced request is active (the
outbox loop, migrations, an untraced app) costs one context-variable read and makes no span.
"""

from typing import Any

from opentelemetry.trace import Status, StatusCode
from sqlalchemy import event
from sqlalchemy.engine import Engine

from db.driver import trace_statements
from graph.observability.tracing import start_statement_span, statement_span

SPAN_KEY = "_braingain_span"
"""Where a statement's open span waits on its execution context until the cursor returns."""


def _before_cursor_execute(
    connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
) -> None:
    if context is None:
        return
    span = start_statement_span(statement)
    if span is not None:
        setattr(context, SPAN_KEY, span)


def _after_cursor_execute(
    connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
) -> None:
    span = context.__dict__.pop(SPAN_KEY, None) if context is not None else None
    if span is not None:
        span.end()


def _handle_error(exception_context: Any) -> None:
    context = exception_context.execution_context
    span = context.__dict__.pop(SPAN_KEY, None) if context is not None else None
    if span is not None:
        error = exception_context.original_exception
        span.record_exception(error)
        span.set_status(Status(StatusCode.ERROR, type(error).__name__))
        span.end()


def instrument_sql() -> None:
    """Listen to every Engine's statements (once per process)."""
    trace_statements(statement_span)  # statements sent on the driver connection (db.driver)
    if not event.contains(Engine, "before_cursor_execute", _before_cursor_execute):
        event.listen(Engine, "before_cursor_execute", _before_cursor_execute)
        event.listen(Engine, "after_cursor_execute", _after_cursor_execute)
        event.listen(Engine, "handle_error", _handle_error)
