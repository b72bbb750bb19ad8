"""`/graphql` over HTTP per the GraphQL-over-HTTP draft; WebSockets go to strawberry's view.

Status codes: 405 (with Allow) for other methods and for mutations over GET, 406 when the
Accept header allows neither JSON type, 413 for bodies over the limit, 415 for other content
types, 400 for unreadable parameters. Parse, validation, variable and limit errors carry no
`data` entry and use 400 under application/graphql-response+json — and 200 under
application/json, as the spec asks for legacy clients. THROTTLED is 429 with Retry-After.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import orjson
from graphql import GraphQLError, get_operation_ast
from graphql import OperationType as CoreOperationType
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.exceptions import MissingQueryError
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from graph.auth.deferred import AuthenticationUnavailable, PendingViewer
from graph.auth.tokens import InvalidToken
from graph.auth.viewer import Viewer
from graph.context import Context
from graph.database import RequestDatabase
from graph.errors import ErrorCode
from graph.extensions.admission import Admission, Budget, ConnectionPolicy
from graph.extensions.budget import BudgetStore, budget_key, retry_after_seconds
from graph.extensions.limits import MULTIPLE_OPERATIONS, ambiguous_operation, parse_within_limits
from graph.extensions.timeouts import request_timeout_error
from graph.extensions.trusted_documents import TrustedDocuments
from graph.extensions.unavailable import (
    RETRY_AFTER_SECONDS,
    is_database_unavailable,
    reports_unavailable,
    unavailable_error,
)
from graph.http.deadlines import Deadlines
from graph.http.ide import GraphiQL
from graph.http.negotiation import GRAPHQL_RESPONSE_JSON, JSON, choose_media_type, prefers_html
from graph.http.persisted import PersistedQueries, PersistedQuerySettings, PersistedQueryStore
from graph.http.policy import may_introspect, requires_trusted_documents
from graph.http.request import ALLOWED_METHODS, GraphQLParams, HTTPProblem, read_params
from graph.http.settings import HardeningSettings
from graph.observability.logging import request_id_var
from graph.observability.metrics import Metrics
from graph.observability.tracing import child_span
from graph.replicas import (
    LSN_HEADER,
    MIN_LSN_HEADER,
    Replica,
    ReplicaSet,
    client_minimum,
)
from graph.settings import Settings

if TYPE_CHECKING:
    from graph.compiler.reads import CompiledReads, CompiledResult, ContextFactory

logger = logging.getLogger("graph.http")

QUERIES_ONLY = frozenset({OperationType.QUERY})
QUERIES_AND_MUTATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})
EXECUTION_PATH_HEADER = "x-graphql-execution"
"""Which path answered (compiled, mixed, strawberry), outside production when asked for."""


MEDIA_TYPE_HEADERS = {
    media_type: f"{media_type}; charset=utf-8".encode()
    for media_type in (GRAPHQL_RESPONSE_JSON, JSON)
}
MAX_REMEMBERED_BUDGETS = 10_000
"""Budgets (bucket key, store, size) kept for reuse; forgotten all at once beyond this."""
FIXED_HEADERS = frozenset({"content-type", "content-length", "cache-control", "vary"})
"""Headers every GraphQL response sets itself (a resolver's sub-response cannot double them)."""


class JSONBytes:
    """A response already encoded: sent as two ASGI messages, without re-reading its headers."""

    def __init__(self, body: bytes, status_code: int, headers: list[tuple[bytes, bytes]]) -> None:
        self.body = body
        self.status_code = status_code
        self.raw_headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send it."""
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        await send({"type": "http.response.body", "body": self.body})


class GraphQLView(Protocol):
    """What the endpoint needs from strawberry's view (our GraphQLApp): schema and context."""

    schema: BaseSchema

    async def get_sub_response(self, request: Request) -> Response:
        """A response whose headers the context may set."""
        ...

    async def get_context(self, request: Request, response: Response) -> Context:
        """The request's Context (database, viewer, loaders)."""
        ...

    def viewer_of(self, request: Request) -> Viewer:
        """Who the request authenticated as (without building a Context)."""
        ...

    def pending_of(self, request: Request) -> PendingViewer | None:
        """The request's token check, when it was left to the endpoint (graph.auth.deferred)."""
        ...


class DatabaseUnavailable(Exception):
    """The compiled statement could not reach the database (replaying it would not either)."""


@dataclass
class Outcome:
    """What one request produced, for the response, the metrics and the access log."""

    status: int
    body: dict[str, Any]
    media_type: str
    headers: dict[str, str]
    operation_name: str | None = None


@dataclass
class Reading:
    """Where one operation reads, with read replicas configured (graph/replicas.py)."""

    replicas: ReplicaSet
    viewer_key: str | None
    replica: Replica | None
    writes: bool


def viewer_key(viewer: Viewer) -> str | None:
    """Whose writes a later read must see: the engineer, else the client; None: anonymous."""
    if viewer.engineer_id is not None:
        return f"engineer:{viewer.engineer_id}"
    return f"client:{viewer.client_id}" if viewer.client_id else None


class GraphQLEndpoint:
    """The ASGI app at /graphql."""

    replicas: ReplicaSet | None = None
    """This worker's read replicas (set by the lifespan when configured)."""

    def __init__(
        self,
        graphql: GraphQLView,
        *,
        settings: Settings,
        hardening: HardeningSettings,
        budget_store: BudgetStore | None,
        documents: TrustedDocuments,
        ide: GraphiQL | None = None,
        metrics: Metrics | None = None,
        compiled: "CompiledReads | None" = None,
    ) -> None:
        self.graphql = graphql
        self.settings = settings
        self.hardening = hardening
        self.budget_store = budget_store
        self.documents = documents
        self.ide = ide
        self.metrics = metrics
        self.compiled = compiled
        """The compiled read path: tried after admission (None only in tests of the endpoint)."""
        self.persisted = PersistedQueries(
            documents,
            PersistedQueryStore(PersistedQuerySettings.from_environment()),
            hardening.limits.max_tokens,
        )
        """Trusted documents and automatic persisted queries (graph/http/persisted.py)."""
        self._budgets: dict[str, Budget] = {}
        self.deadlines = Deadlines(hardening.request_timeout_seconds)
        """Every request's timeout, behind one timer (graph/http/deadlines.py)."""

    @classmethod
    def create(
        cls,
        graphql: GraphQLView,
        settings: Settings,
        hardening: HardeningSettings,
        budget_store: BudgetStore | None,
    ) -> "GraphQLEndpoint":
        """The endpoint with its trusted documents, IDE (gated like introspection), metrics."""
        return cls(
            graphql,
            settings=settings,
            hardening=hardening,
            budget_store=budget_store,
            documents=TrustedDocuments.load(hardening.trusted_documents),
            ide=GraphiQL(),
            metrics=Metrics() if hardening.metrics_enabled else None,
        )

    def connection_policy(self, websocket: WebSocket) -> ConnectionPolicy:
        """Limits, introspection right and budget for the operations of one WebSocket."""
        hardening = self.hardening
        return ConnectionPolicy(
            limits=hardening.limits,
            may_introspect=lambda viewer: may_introspect(viewer, self.settings),
            budget_store=self.budget_store,
            capacity=hardening.budget.capacity,
            restore_rate=hardening.budget.restore_rate,
            client_ip=websocket.client.host if websocket.client else None,
        )

    def metrics_engine(self, sessionmaker: Any) -> None:
        """Let the metrics read this engine's pool (when the sessions are bound to an engine)."""
        bind = sessionmaker.kw.get("bind")
        if self.metrics is not None and isinstance(bind, AsyncEngine):
            self.metrics.pool.engine = bind

    def events_broker(self, broker: Any) -> None:
        """Let the metrics read the worker's subscriptions (an EventBroker, or None)."""
        if self.metrics is not None:
            self.metrics.events.broker = broker

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one authenticated HTTP request (GraphQLApp hands them over)."""
        request = Request(scope, receive)
        started = time.perf_counter()
        with child_span("graphql.request") as span:
            try:
                response = await self._respond(request, span)
            finally:
                database = scope.get("state", {}).get("database")
                if database is not None:
                    await database.close()
            span.set_attribute("http.response.status_code", response.status_code)
        await response(scope, receive, send)
        if self.metrics is not None:
            self.metrics.observe_request(
                scope.get("state", {}).get("operation_name"),
                response.status_code,
                time.perf_counter() - started,
            )

    async def _respond(self, request: Request, span: Any) -> Response | JSONBytes:
        accept = request.headers.get("accept")
        pending = self.graphql.pending_of(request)
        if pending is not None and (request.method != "POST" or choose_media_type(accept) is None):
            await pending.resolve()  # only a POST's compiled mutation may check it later
        if request.method not in ALLOWED_METHODS:
            return self._problem(
                HTTPProblem(405, f"{request.method} is not supported: use GET or POST."),
                JSON,
                {"Allow": "GET, POST"},
            )
        if (
            request.method == "GET"
            and "query" not in request.query_params
            and "documentId" not in request.query_params
            and prefers_html(accept)
        ):
            return await self._ide(request)
        media_type = choose_media_type(accept)
        if media_type is None:
            return self._problem(
                HTTPProblem(
                    406,
                    f"Cannot answer in any of {accept!r}: accept "
                    f"{GRAPHQL_RESPONSE_JSON} or {JSON}.",
                ),
                JSON,
            )
        try:
            outcome = await self._execute(request, media_type, pending)
        except HTTPProblem as problem:
            if pending is not None:
                await pending.resolve()  # a refused token answers 401 first, as ever
            return self._problem(problem, media_type)
        request.scope.setdefault("state", {})["operation_name"] = outcome.operation_name
        if outcome.operation_name:
            span.set_attribute("graphql.operation.name", outcome.operation_name)
        if self.metrics is not None:
            self.metrics.observe_errors(outcome.body.get("errors", ()))
        body = orjson.dumps(outcome.body)
        headers = [
            (b"content-type", MEDIA_TYPE_HEADERS[outcome.media_type]),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
            (b"vary", b"Accept"),
        ]
        for name, value in outcome.headers.items():
            lowered = name.lower()
            if lowered not in FIXED_HEADERS:
                headers.append((lowered.encode("latin-1"), value.encode("latin-1")))
        return JSONBytes(body, outcome.status, headers)

    async def _ide(self, request: Request) -> Response:
        if self.ide is None:
            return self._problem(HTTPProblem(404, "The GraphQL IDE is not served here."), JSON)
        sub_response = await self.graphql.get_sub_response(request)
        context = await self.graphql.get_context(request, sub_response)
        if not may_introspect(context.viewer, self.settings):
            return self._problem(
                HTTPProblem(
                    403, "The GraphQL IDE is for council admins.", code=ErrorCode.FORBIDDEN
                ),
                JSON,
            )
        return self.ide.page()

    async def _execute(
        self, request: Request, media_type: str, pending: PendingViewer | None = None
    ) -> Outcome:
        hardening = self.hardening
        params = await read_params(request, self.settings.max_body_bytes)
        sub_responses: list[Response] = []
        contexts: list[Context] = []
        viewer = self.graphql.viewer_of(request) if pending is None else pending.principal
        trusted_only = requires_trusted_documents(viewer, hardening.trusted_only_clients)
        params = await self.persisted.resolve(params, trusted_only)
        query = params.query
        if query is None or not query.strip():
            raise HTTPProblem(400, "No GraphQL document: send `query` (or `documentId`).")
        if params.operation_name is None:
            document = parse_within_limits(query, hardening.limits.max_tokens)
            if not isinstance(document, GraphQLError) and ambiguous_operation(document, None):
                raise HTTPProblem(400, MULTIPLE_OPERATIONS)
        is_get = request.method == "GET"
        deferred = pending is not None and self._defers(query, params, is_get)
        if pending is not None and not deferred:
            viewer = await pending.resolve()
        admission = Admission(
            limits=hardening.limits, may_introspect=may_introspect(viewer, self.settings)
        )
        if deferred:
            assert pending is not None
            # until the check passes, `viewer` is the token's claims: they name the bucket
            admission.gate = pending
            pending.settled.append(self._checked(admission))
        if self.budget_store is not None:
            admission.budget = self._budget(viewer, request.scope.get("client"))

        async def context() -> Context:
            # Only strawberry's path (and a mixed operation) builds a Context: the resolvers
            # may set response headers on its sub-response.
            sub_response = await self.graphql.get_sub_response(request)
            sub_responses.append(sub_response)
            made = await self.graphql.get_context(request, sub_response)
            made.admission = admission
            contexts.append(made)
            return made

        compiled: CompiledResult | None = None
        reading = self._reading(request, query, params, viewer)
        replica = reading.replica if reading is not None else None
        replica_database: RequestDatabase | None = None
        if replica is not None and replica.sessionmaker is not None:
            # strawberry's queries read the replica; consent access-log rows go to the primary
            state = request.scope.setdefault("state", {})
            primary = state.get("database")
            replica_database = RequestDatabase(replica.sessionmaker)
            plain_context = context

            async def context() -> Context:
                state["database"] = replica_database
                try:
                    made = await plain_context()
                finally:
                    state["database"] = primary
                made.writer = primary
                return made

        try:
            async with self.deadlines.within(hardening.request_timeout_seconds):
                if self.compiled is not None:
                    with child_span("graphql.compiled") as span:
                        compiled = await self._compiled(
                            query,
                            params,
                            viewer,
                            admission,
                            context,
                            replica.acquire if replica is not None else None,
                            mutations=not is_get,
                        )
                        span.set_attribute(
                            "braingain.execution", compiled.path if compiled else "strawberry"
                        )
                if compiled is not None:
                    result = compiled.execution_result()
                else:
                    result = await self.graphql.schema.execute(
                        query,
                        variable_values=params.variables,
                        context_value=await context(),
                        operation_name=params.operation_name,
                        allowed_operation_types=QUERIES_ONLY if is_get else QUERIES_AND_MUTATIONS,
                        operation_extensions=params.extensions,
                    )
        except InvalidOperationTypeError as error:
            if is_get and error.operation_type is OperationType.MUTATION:
                raise HTTPProblem(
                    405, "Mutations are not allowed over GET: use POST.", {"Allow": "POST"}
                ) from None
            raise HTTPProblem(400, error.as_http_error_reason(request.method)) from None
        except CannotGetOperationTypeError as error:
            raise HTTPProblem(400, error.as_http_error_reason()) from None
        except MissingQueryError:
            raise HTTPProblem(400, "No GraphQL document: send `query`.") from None
        except DatabaseUnavailable as outage:
            logger.warning("database unavailable: %s", outage.__cause__)
            return Outcome(
                503,
                {"errors": [unavailable_error().formatted]},
                media_type,
                {"Retry-After": str(RETRY_AFTER_SECONDS)},
                params.operation_name,
            )
        except TimeoutError:
            logger.warning(
                "operation %s cancelled after %s s",
                params.operation_name or "anonymous",
                hardening.request_timeout_seconds,
            )
            timeout = request_timeout_error(hardening.request_timeout_seconds)
            return Outcome(
                503, {"errors": [timeout.formatted]}, media_type, {}, params.operation_name
            )
        finally:
            if replica_database is not None:
                await replica_database.close()
        if deferred:
            assert pending is not None
            await pending.resolve()  # refused before the charge: the check still answers first
        headers: dict[str, str] = {}
        if reading is not None and reading.writes and admission.executed:
            position = await reading.replicas.note_write(reading.viewer_key)
            headers[LSN_HEADER] = str(position)
        for sub_response in sub_responses:
            headers.update(sub_response.headers)
        headers.pop("content-length", None)
        outcome = self._outcome(result, admission, media_type, headers)
        outcome.operation_name = admission.operation_name or params.operation_name
        if self.compiled is not None and self.compiled.report_path:
            path = compiled.path if compiled else "strawberry"
            if compiled is None and any(made.compiled_objects for made in contexts):
                path = "strawberry+compiled"  # its objects read by SQL (graph.compiler.objects)
            outcome.headers[EXECUTION_PATH_HEADER] = path
        if compiled is not None and compiled.data_json is not None:
            outcome.body["data"] = orjson.Fragment(compiled.data_json)
        return outcome

    def _checked(self, admission: Admission) -> Callable[[Viewer], None]:
        """What a pending token check passing tells the request's admission."""

        def settled(viewer: Viewer) -> None:
            admission.may_introspect = may_introspect(viewer, self.settings)
            admission.gate = None

        return settled

    def _defers(self, query: str, params: GraphQLParams, is_get: bool) -> bool:
        """Whether the request's token check may wait for the budget's charge: only a compiled
        mutation charges before anything else needs the viewer (graph.auth.deferred)."""
        return (
            self.compiled is not None
            and not is_get
            and not params.extensions
            and self.compiled.runs_mutation(query, params.operation_name, self.hardening.limits)
        )

    def _budget(self, viewer: Viewer, client: Any) -> Budget:
        """The bucket that pays for the request (one Budget per key, made once: it is frozen)."""
        assert self.budget_store is not None
        key = budget_key(viewer, str(client[0]) if client else None)
        budget = self._budgets.get(key)
        if budget is None or budget.store is not self.budget_store:
            if len(self._budgets) >= MAX_REMEMBERED_BUDGETS:
                self._budgets.clear()
            budget = self._budgets[key] = Budget(
                store=self.budget_store,
                key=key,
                capacity=self.hardening.budget.capacity,
                restore_rate=self.hardening.budget.restore_rate,
            )
        return budget

    async def _compiled(
        self,
        query: str,
        params: GraphQLParams,
        viewer: Viewer,
        admission: Admission,
        context: "ContextFactory",
        acquire: Any = None,
        *,
        mutations: bool = False,
    ) -> "CompiledResult | None":
        """The compiled answer, or None for strawberry (invalid documents, introspection, what
        only strawberry resolves); graph.compiler.reads.CompiledReads.answer_retried."""
        assert self.compiled is not None
        try:
            return await self.compiled.answer_retried(
                query,
                params.operation_name,
                params.variables,
                viewer,
                admission,
                context,
                request_id_var.get() or "unknown",
                acquire,
                mutations=mutations,
                # the request's pending token check refused it (graph.auth.deferred)
                passthrough=(InvalidToken, AuthenticationUnavailable),
            )
        except Exception as error:
            if is_database_unavailable(error):
                raise DatabaseUnavailable from error
            raise

    def _reading(
        self, request: Request, query: str, params: GraphQLParams, viewer: Viewer
    ) -> "Reading | None":
        """Where this operation reads (a replica, or None: the primary) and whether it may
        write, when read replicas are configured."""
        replicas = self.replicas
        if replicas is None:
            return None
        key = viewer_key(viewer)
        document = parse_within_limits(query, self.hardening.limits.max_tokens)
        if isinstance(document, GraphQLError):
            return None
        operation = get_operation_ast(document, params.operation_name)
        if operation is None:
            return None
        if operation.operation is not CoreOperationType.QUERY:
            return Reading(replicas, key, None, writes=True)
        minimum = client_minimum(request.headers.get(MIN_LSN_HEADER))
        return Reading(replicas, key, replicas.choose(key, minimum), writes=False)

    def _outcome(
        self,
        result: ExecutionResult,
        admission: Admission,
        media_type: str,
        headers: dict[str, str],
    ) -> Outcome:
        errors: list[GraphQLError] = result.errors or []
        body: dict[str, Any] = {}
        if errors:
            body["errors"] = [error.formatted for error in errors]
        if admission.executed:
            body["data"] = result.data
        if result.extensions:
            body["extensions"] = result.extensions
        codes = {(error.extensions or {}).get("code") for error in errors} if errors else ()
        status = 200
        if errors and reports_unavailable(body["errors"]):
            status = 503
            headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        elif ErrorCode.THROTTLED.value in codes:
            status = 429
            if admission.bucket is not None:
                headers["Retry-After"] = str(retry_after_seconds(admission.bucket))
        elif not admission.executed and errors and media_type == GRAPHQL_RESPONSE_JSON:
            status = 403 if ErrorCode.FORBIDDEN.value in codes else 400
        if admission.bucket is not None:
            bucket = admission.bucket
            remaining = max(0, int(bucket.available))
            headers.update(
                {
                    "x-ratelimit-limit": str(bucket.capacity),
                    "x-ratelimit-remaining": str(remaining),
                    "x-ratelimit-used": str(bucket.capacity - remaining),
                    "x-ratelimit-reset": str(int(time.time() + bucket.seconds_until_full) + 1),
                    "x-ratelimit-resource": "graphql",
                }
            )
        return Outcome(status, body, media_type, headers)

    def _problem(
        self, problem: HTTPProblem, media_type: str, headers: dict[str, str] | None = None
    ) -> Response:
        body = {
            "errors": [{"message": problem.message, "extensions": {"code": problem.code.value}}]
        }
        return Response(
            orjson.dumps(body),
            status_code=problem.status,
            headers={
                "Content-Type": f"{media_type}; charset=utf-8",
                "Cache-Control": "no-store",
                **problem.headers,
                **(headers or {}),
            },
        )
