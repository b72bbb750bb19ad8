"""Error policy: expected errors pass with their code; anything else is logged and masked."""

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from graph.errors import ErrorCode, GraphError
from graph.extensions.timeouts import is_statement_timeout, statement_timeout_error
from graph.extensions.unavailable import is_database_unavailable, unavailable_error

logger = logging.getLogger("graph.errors")

INTERNAL_MESSAGE = "Internal server error."
REQUEST_ERRORS = (CannotGetOperationTypeError, InvalidOperationTypeError, MissingQueryError)
"""What strawberry raises for a request naming no operation of the document (an unknown
`operationName`), an operation type the transport refuses, or no document: the client's
mistake (BAD_USER_INPUT), not a bug. Over HTTP the endpoint answers these itself; over a
WebSocket they arrive here."""


def is_expected(error: GraphQLError) -> bool:
    """Syntax/validation errors and our GraphError are safe to show; the rest are bugs."""
    original = error.original_error
    return original is None or isinstance(original, (GraphError, GraphQLError, *REQUEST_ERRORS))


def request_error_code(error: GraphQLError) -> ErrorCode:
    """The code of a request error graphql-core raised before execution, named as Apollo
    names them: the document did not parse, did not validate, or its variables were wrong."""
    if error.message.startswith("Syntax Error"):
        if "Parsing aborted" in error.message:  # over the token limit (graphql-core's words)
            return ErrorCode.QUERY_TOO_COMPLEX
        return ErrorCode.GRAPHQL_PARSE_FAILED
    if error.message.startswith("Variable '$"):
        return ErrorCode.BAD_USER_INPUT
    return ErrorCode.GRAPHQL_VALIDATION_FAILED


def with_code(error: GraphQLError) -> GraphQLError:
    """`error`, with a code if it is a request error that came without one."""
    if (
        error.original_error is None
        and error.path is None
        and "code" not in (error.extensions or {})
    ):
        error.extensions = {**(error.extensions or {}), "code": request_error_code(error).value}
    return error


def mask(error: GraphQLError, request_id: str) -> GraphQLError:
    """A client-safe version of `error`, tagged with its code (and request id when masked)."""
    if is_expected(error):
        original = error.original_error
        if isinstance(original, GraphError):
            error.extensions = {**original.extensions, **(error.extensions or {})}
        elif isinstance(original, REQUEST_ERRORS):
            error.extensions = {**(error.extensions or {}), "code": ErrorCode.BAD_USER_INPUT.value}
        return with_code(error)
    if is_statement_timeout(error.original_error):
        return statement_timeout_error(error)
    if is_database_unavailable(error.original_error):
        return unavailable_error(error)
    return GraphQLError(
        INTERNAL_MESSAGE,
        nodes=error.nodes,
        path=error.path,
        extensions={"code": ErrorCode.INTERNAL.value, "requestId": request_id},
    )


class MaskUnexpectedErrors(SchemaExtension):
    """Replaces unexpected exceptions with INTERNAL errors carrying the request id."""

    def on_operation(self) -> Iterator[None]:
        """Mask after the whole operation ran."""
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        request_id = getattr(self.execution_context.context, "request_id", "unknown")
        result.errors = [mask(error, request_id) for error in result.errors]

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Mask each result a stream sends (WebSocket operations, every subscription event)
        before it leaves: a stream's `on_operation` ends only after the last one was sent."""
        errors = getattr(result, "errors", None)
        if errors:
            request_id = getattr(self.execution_context.context, "request_id", "unknown")
            result.errors = [mask(error, request_id) for error in errors]
        yield


def log_unexpected(errors: list[GraphQLError], request_id: str) -> None:
    """Log each unexpected error with its stack and the request id."""
    for error in errors:
        if is_expected(error):
            continue
        if is_database_unavailable(error.original_error):
            logger.warning(
                "database unavailable in %s (request %s): %s",
                ".".join(str(part) for part in error.path or ()) or "operation",
                request_id,
                error.original_error,
                extra={"request_id": request_id},
            )
        else:
            logger.error(
                "unhandled error in %s (request %s)",
                ".".join(str(part) for part in error.path or ()) or "operation",
                request_id,
                exc_info=error.original_error,
                extra={"request_id": request_id},
            )
