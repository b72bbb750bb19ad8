"""Reading a GraphQL-over-HTTP request: GET parameters or a JSON POST body, within limits."""

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import orjson
from starlette.requests import ClientDisconnect, Request

from graph.errors import ErrorCode

ALLOWED_METHODS = ("GET", "POST")


class HTTPProblem(Exception):
    """A request the server refuses before any GraphQL processing, with its HTTP status."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        code: ErrorCode = ErrorCode.BAD_USER_INPUT,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.code = code


@dataclass(frozen=True)
class GraphQLParams:
    """The request parameters of the spec (plus `documentId` for trusted documents)."""

    query: str | None
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)
    document_id: str | None = None


def _optional(data: dict[str, Any], name: str, kind: type, label: str) -> Any:
    value = data.get(name)
    if value is not None and not isinstance(value, kind):
        raise HTTPProblem(400, f"The `{name}` parameter must be {label} or null.")
    return value


def _params(data: dict[str, Any]) -> GraphQLParams:
    return GraphQLParams(
        query=_optional(data, "query", str, "a string"),
        variables=_optional(data, "variables", dict, "an object"),
        operation_name=_optional(data, "operationName", str, "a string"),
        extensions=_optional(data, "extensions", dict, "an object") or {},
        document_id=_optional(data, "documentId", str, "a string"),
    )


def _json_parameter(raw: str | None, name: str) -> Any:
    if raw is None or raw == "":
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise HTTPProblem(400, f"The `{name}` parameter is not valid JSON.") from None


async def _body(request: Request, max_bytes: int) -> bytes:
    """The whole body, read from the ASGI messages (as Request.stream() reads them, without its
    generator: this runs for every POST)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise HTTPProblem(413, f"The request body is larger than {max_bytes} bytes.")
    receive = request.receive
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        kind = message["type"]
        if kind == "http.disconnect":
            raise ClientDisconnect()
        if kind != "http.request":
            continue
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > max_bytes:
                raise HTTPProblem(413, f"The request body is larger than {max_bytes} bytes.")
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    request._stream_consumed = True
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


@lru_cache(maxsize=64)
def _check_content_type(header: str | None) -> None:
    """Refuse (HTTPProblem 415) anything but JSON in UTF-8; an accepted value is remembered."""
    if not header:
        raise HTTPProblem(
            415,
            "POST requests need `Content-Type: application/json`.",
            {"Accept-Post": "application/json"},
        )
    media_type, *parameters = (piece.strip().lower() for piece in header.split(";"))
    charset = next(
        (value for name, _, value in (p.partition("=") for p in parameters) if name == "charset"),
        "utf-8",
    )
    if media_type != "application/json" or charset.strip('"') not in ("utf-8", "utf8"):
        raise HTTPProblem(
            415,
            f"Unsupported content type {header!r}: send `application/json` (UTF-8).",
            {"Accept-Post": "application/json"},
        )


async def read_params(request: Request, max_body_bytes: int) -> GraphQLParams:
    """The GraphQL parameters of `request`, or HTTPProblem with the status the spec wants."""
    if request.method == "GET":
        query = request.query_params
        data: dict[str, Any] = {
            "query": query.get("query"),
            "operationName": query.get("operationName") or None,
            "variables": _json_parameter(query.get("variables"), "variables"),
            "extensions": _json_parameter(query.get("extensions"), "extensions"),
            "documentId": query.get("documentId"),
        }
        return _params(data)
    _check_content_type(request.headers.get("content-type"))
    body = await _body(request, max_body_bytes)
    if not body.strip():
        raise HTTPProblem(400, "The request body is empty: send a JSON object with `query`.")
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise HTTPProblem(400, "The request body is not valid JSON.") from None
    if not isinstance(decoded, dict):
        raise HTTPProblem(
            400, "The request body must be a JSON object (batching is not supported)."
        )
    return _params(decoded)
