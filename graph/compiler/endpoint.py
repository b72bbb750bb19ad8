"""The HTTP fast path: compiled queries go straight from the request body to one SQL statement.

Parsing, validation and planning are cached by document; a request costs one JSON decode,
variable coercion, one statement and a byte concatenation — no strawberry view or executor.
Anything else (GET, other content types, mutations, Python-only fields, any request that
would produce an error) is replayed unchanged to the wrapped strawberry app.
"""

import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.types import ExecutionResult

from graph.auth.viewer import ANONYMOUS, Viewer
from graph.compiler import mixed
from graph.compiler.connections import create_pool, pooled, sessions
from graph.compiler.operation import BoundStatement, CompiledQueries, Connection

logger = logging.getLogger("graph.compiler")

JSON_TYPES = (b"application/json",)
ACCEPTABLE = (b"", b"*/*", b"application/json", b"application/*")
EXECUTION_PATH_HEADER = b"x-graphql-execution"

Acquire = Callable[[], AbstractAsyncContextManager[Connection]]
ViewerOf = Callable[[Scope], Viewer]


def anonymous(_: Scope) -> Viewer:
    """Until the auth middleware lands every request is anonymous."""
    return ANONYMOUS


class CompiledEndpoint:
    """ASGI app answering compiled queries itself and delegating the rest to `fallback`."""

    def __init__(
        self,
        fallback: ASGIApp,
        compiled: CompiledQueries,
        acquire: Acquire | None = None,
        *,
        viewer_of: ViewerOf = anonymous,
        report_path: bool = False,
        max_body_bytes: int = 100_000,
    ) -> None:
        self.fallback = fallback
        self.compiled = compiled
        self.acquire = acquire
        self.viewer_of = viewer_of
        self.report_path = report_path
        self.max_body_bytes = max_body_bytes
        self.pool: Any = None

    async def open(
        self, url: str | None, sessionmaker: async_sessionmaker[AsyncSession], pool_size: int
    ) -> None:
        """Connect: a lean pool of our own for a URL, else the app's sessions (tests)."""
        if self.acquire is not None:
            return
        if url is None:
            self.acquire = sessions(sessionmaker)
            return
        self.pool = await create_pool(url, size=pool_size)
        self.acquire = pooled(self.pool)

    async def close(self) -> None:
        """Close the pool, if we opened one."""
        if self.pool is not None:
            await self.pool.close()
            self.pool = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve a compiled POST, else hand the (replayed) request to strawberry."""
        if scope["type"] != "http" or scope["method"] != "POST" or not self._negotiable(scope):
            await self._fallback(scope, receive, send)
            return
        body, complete = await self._read(receive)
        replay = _replaying(body, complete, receive)
        if not complete:
            await self._fallback(scope, replay, send)
            return
        answer = await self._answer(body, scope)
        if answer is None:
            await self._fallback(scope, replay, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(answer)).encode()),
                    *([(EXECUTION_PATH_HEADER, b"compiled")] if self.report_path else []),
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer})

    async def _answer(self, body: bytes, scope: Scope) -> bytes | None:
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(payload, dict):
            return None
        query = payload.get("query")
        operation_name = payload.get("operationName")
        variables = payload.get("variables")
        if (
            not isinstance(query, str)
            or not isinstance(operation_name, str | None)
            or not isinstance(variables, dict | None)
            or payload.get("extensions")
        ):
            return None
        statement = self.compiled.statement(query, operation_name, variables, self.viewer_of(scope))
        if statement is None:
            return None
        assert self.acquire is not None, "CompiledEndpoint.open() was not awaited"
        if statement.residual is not None:
            return await self._mixed(statement, scope, operation_name, variables)
        try:
            async with self.acquire() as connection:
                data = await statement.run(connection)
        except Exception:
            # strawberry reruns it and reports the failure the usual way (masked, logged).
            logger.exception("compiled statement failed; answering through strawberry")
            return None
        if self.report_path:
            return b'{"data":' + data.encode() + b',"extensions":{"execution":"compiled"}}'
        return b'{"data":' + data.encode() + b"}"

    async def _mixed(
        self,
        statement: BoundStatement,
        scope: Scope,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> bytes | None:
        """Compiled root fields from SQL, the others from strawberry's executor."""
        strawberry_app: Any = self.fallback
        request = Request(scope)
        sub_response = await strawberry_app.get_sub_response(request)
        context = await strawberry_app.get_context(request, sub_response)

        async def run_residual(source: str) -> ExecutionResult:
            result: ExecutionResult = await strawberry_app.schema.execute(
                source,
                variable_values=variables,
                context_value=context,
                operation_name=operation_name,
            )
            return result

        assert self.acquire is not None
        try:
            async with self.acquire() as connection:
                body = await mixed.execute(statement, connection, run_residual)
        except Exception:
            logger.exception("mixed operation failed; answering through strawberry")
            return None
        finally:
            database = scope.get("state", {}).get("database")
            if database is not None:
                await database.close()
                scope["state"]["database"] = None
        if self.report_path:
            body["extensions"] = {**body.get("extensions", {}), "execution": "mixed"}
        return orjson.dumps(body)

    async def _fallback(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.report_path or scope["type"] != "http":
            await self.fallback(scope, receive, send)
            return

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (EXECUTION_PATH_HEADER, b"strawberry"),
                ]
            await send(message)

        await self.fallback(scope, receive, tagged)

    def _negotiable(self, scope: Scope) -> bool:
        headers = dict(scope.get("headers") or ())
        if b"authorization" in headers and self.viewer_of is anonymous:
            # Credentials are strawberry's to verify (401 on a bad token) until viewer_of
            # authenticates here too; the compiled path never answers them as anonymous.
            return False
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        accept = headers.get(b"accept", b"").split(b";")[0].strip().lower()
        return content_type in JSON_TYPES and accept in ACCEPTABLE

    async def _read(self, receive: Receive) -> tuple[bytes, bool]:
        """The body, and False when it was cut short or too large to handle here."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks), False
            chunk = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_body_bytes:
                return b"".join(chunks), False
            if not message.get("more_body", False):
                return b"".join(chunks), True


def _replaying(body: bytes, complete: bool, receive: Receive) -> Receive:
    """A receive that first yields the already-read body, then defers to the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return replay
