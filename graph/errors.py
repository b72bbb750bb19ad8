"""The error tree: every expected failure carries one code from a single documented set.

    GraphError
    ├── Unauthenticated      UNAUTHENTICATED
    ├── Forbidden            FORBIDDEN
    │   └── InsufficientScope INSUFFICIENT_SCOPE
    ├── NotFound             NOT_FOUND
    ├── BadUserInput         BAD_USER_INPUT
    ├── Throttled            THROTTLED
    └── QueryTooComplex      QUERY_TOO_COMPLEX

Anything else raised while executing is a bug: it is logged with its stack and masked as INTERNAL.
"""

import enum
from typing import Any


class ErrorCode(enum.StrEnum):
    """Values of `extensions.code` on top-level GraphQL errors."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    INSUFFICIENT_SCOPE = "INSUFFICIENT_SCOPE"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    THROTTLED = "THROTTLED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    INTERNAL = "INTERNAL"


class GraphError(Exception):
    """An expected failure whose message is safe to show to the client."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions: dict[str, Any] = {"code": self.code.value, **details}


class Unauthenticated(GraphError):
    """The request carried no valid credentials where they are required."""

    code = ErrorCode.UNAUTHENTICATED


class Forbidden(GraphError):
    """The viewer may not see or do this."""

    code = ErrorCode.FORBIDDEN


class InsufficientScope(Forbidden):
    """The token lacks a scope the field requires."""

    code = ErrorCode.INSUFFICIENT_SCOPE


class NotFound(GraphError):
    """A referenced object does not exist (or is invisible to the viewer)."""

    code = ErrorCode.NOT_FOUND


class BadUserInput(GraphError):
    """An argument is malformed or out of range."""

    code = ErrorCode.BAD_USER_INPUT


class Throttled(GraphError):
    """The client has spent its rate budget."""

    code = ErrorCode.THROTTLED


class QueryTooComplex(GraphError):
    """The operation exceeds a limit checked before execution."""

    code = ErrorCode.QUERY_TOO_COMPLEX
