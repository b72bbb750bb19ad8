"""A database that cannot be reached: HTTP 503 with Retry-After, not a masked bug.

Connection refused or reset, a unix socket file that is missing (the embedded server is
stopped), a host name that does not resolve, PostgreSQL shutting down or refusing new
connections, too many connections, a read-only standby where a primary was expected, a pool
that cannot hand out a connection in time: none of these is the
request's fault or a bug in the code, and a client (or a load balancer) should retry later.
The error keeps the documented code INTERNAL, with `reason: DATABASE_UNAVAILABLE`.
"""

import logging
import socket
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

import asyncpg
from graphql import GraphQLError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from graph.errors import ErrorCode
from graph.extensions.timeouts import wraps_any

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
REASON = "DATABASE_UNAVAILABLE"
MESSAGE = "The database is unavailable right now; nothing was changed. Retry shortly."

UNAVAILABLE_SQLSTATES = frozenset(
    {
        "53300",  # too_many_connections
        "57P01",  # admin_shutdown
        "57P02",  # crash_shutdown
        "57P03",  # cannot_connect_now
        "25006",  # read_only_sql_transaction: a standby answered where the primary should
    }
)
CONNECTION_EXCEPTION_CLASS = "08"  # SQLSTATE class: connection exception

_UNAVAILABLE_TYPES = (
    ConnectionError,  # refused, reset, aborted
    FileNotFoundError,  # the unix socket is gone: the (embedded) server is not running
    socket.gaierror,  # the database host name does not resolve
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


def unavailable_response() -> Response:
    """HTTP 503 with a GraphQL error body and Retry-After: the database cannot be reached."""
    return JSONResponse(
        {"errors": [unavailable_error().formatted]},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


Endpoint = Callable[[Request], Awaitable[Response]]


def answers_unavailable(endpoint: Endpoint) -> Endpoint:
    """Wrap a plain HTTP endpoint (OAuth, metadata) so a database outage is a 503, not a 500."""

    @wraps(endpoint)
    async def wrapped(request: Request) -> Response:
        try:
            return await endpoint(request)
        except Exception as error:
            if not is_database_unavailable(error):
                raise
            logger.warning("database unavailable in %s: %s", request.url.path, error)
            return unavailable_response()

    return wrapped
