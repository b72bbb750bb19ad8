"""Timeouts: PostgreSQL's statement_timeout and the per-request execution deadline."""

from collections.abc import Callable
from typing import Any

from graphql import GraphQLError

from graph.errors import ErrorCode

QUERY_CANCELED = "57014"  # SQLSTATE of a statement cancelled by statement_timeout


def wraps_any(error: BaseException | None, matches: Callable[[Any], bool]) -> bool:
    """Whether `error` or anything it wraps (a driver error inside SQLAlchemy's, inside a
    GraphQLError, as a cause or context) satisfies `matches`."""
    seen: set[int] = set()
    pending: list[Any] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if matches(current):
            return True
        pending.extend(
            (
                getattr(current, "orig", None),
                getattr(current, "original_error", None),
                current.__cause__,
                current.__context__,
            )
        )
    return False


def is_statement_timeout(error: BaseException | None) -> bool:
    """True when `error` (or what it wraps) is PostgreSQL cancelling a statement on timeout."""
    return wraps_any(error, lambda current: getattr(current, "sqlstate", None) == QUERY_CANCELED)


def statement_timeout_error(error: GraphQLError) -> GraphQLError:
    """The client-facing error for a field whose SQL ran past statement_timeout."""
    return GraphQLError(
        "A database statement took too long and was cancelled; nothing it started was kept. "
        "Ask for fewer objects or narrower filters.",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": ErrorCode.QUERY_TOO_COMPLEX.value, "reason": "STATEMENT_TIMEOUT"},
    )


def request_timeout_error(seconds: float) -> GraphQLError:
    """The client-facing error for an operation cancelled at the request deadline."""
    return GraphQLError(
        f"The operation did not finish within {seconds:g} s and was cancelled; nothing it "
        "started was kept. Ask for fewer objects or split the operation.",
        extensions={
            "code": ErrorCode.QUERY_TOO_COMPLEX.value,
            "reason": "TIMEOUT",
            "timeoutSeconds": seconds,
        },
    )
