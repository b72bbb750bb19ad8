"""A database that cannot be reached: HTTP 503 with Retry-After, not a masked bug.

Connection refused or reset, PostgreSQL shutting down or refusing new connections, too many
connections, a pool that cannot hand out a connection in time: none of these is the
request's fault or a bug in the code, and a client (or a load balancer) should retry later.
The error keeps the documented code INTERNAL, with `reason: DATABASE_UNAVAILABLE`.
"""

from typing import Any

import asyncpg
from graphql import GraphQLError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from graph.errors import ErrorCode
from graph.extensions.timeouts import wraps_any

RETRY_AFTER_SECONDS = 5
REASON = "DATABASE_UNAVAILABLE"
MESSAGE = "The database is unavailable right now; nothing was changed. Retry shortly."

UNAVAILABLE_SQLSTATES = frozenset(
    {
        "53300",  # too_many_connections
        "57P01",  # admin_shutdown
        "57P02",  # crash_shutdown
        "57P03",  # cannot_connect_now
    }
)
CONNECTION_EXCEPTION_CLASS = "08"  # SQLSTATE class: connection exception

_UNAVAILABLE_TYPES = (
    ConnectionError,  # refused, reset, aborted
    PoolTimeoutError,  # SQLAlchemy's pool had no connection to give within its timeout
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InterfaceError,
)


def _is_unavailable(error: Any) -> bool:
    if isinstance(error, _UNAVAILABLE_TYPES):
        return True
    sqlstate = getattr(error, "sqlstate", None)
    return isinstance(sqlstate, str) and (
        sqlstate in UNAVAILABLE_SQLSTATES or sqlstate.startswith(CONNECTION_EXCEPTION_CLASS)
    )


def is_database_unavailable(error: BaseException | None) -> bool:
    """True when `error` (or anything it wraps) says the database cannot be reached."""
    return wraps_any(error, _is_unavailable)


def unavailable_error(error: GraphQLError | None = None) -> GraphQLError:
    """The client-facing error (at `error`'s place in the response, when given)."""
    return GraphQLError(
        MESSAGE,
        nodes=error.nodes if error else None,
        path=error.path if error else None,
        extensions={
            "code": ErrorCode.INTERNAL.value,
            "reason": REASON,
            "retryAfter": RETRY_AFTER_SECONDS,
        },
    )


def reports_unavailable(errors: list[dict[str, Any]]) -> bool:
    """Whether formatted errors include a database outage (the response is then a 503)."""
    return any((error.get("extensions") or {}).get("reason") == REASON for error in errors)
