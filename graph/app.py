"""Starlette application factory: routes, middleware, lifespan."""

import asyncio
import contextlib
import logging
import os
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import strawberry
from opentelemetry.trace import TracerProvider
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from db.engine import create_engine, create_sessionmaker
from db.lean import lean_sessionmaker
from graph.auth.authentication import bearer_token, load_viewer
from graph.auth.deferred import AuthenticationUnavailable, PendingViewer
from graph.auth.keys import KeyStore
from graph.auth.routes import AuthState
from graph.auth.routes import routes as oauth_routes
from graph.auth.tokens import AccessTokenClaims, InvalidToken
from graph.auth.verified import VerifiedTokens
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry, load_registry
from graph.compiler.connections import engine_url, tune_gc, write_pool
from graph.compiler.mutations import CompiledMutations
from graph.compiler.objects import CompiledObjects
from graph.compiler.operation import CompiledQueries
from graph.compiler.reads import CompiledReads
from graph.compiler.settings import CompilerSettings
from graph.context import Context
from graph.database import LeanSource, RequestDatabase
from graph.errors import ErrorCode
from graph.extensions.budget import BudgetStore
from graph.extensions.unavailable import is_database_unavailable, unavailable_response
from graph.http.app import hardening_routes, open_budget_store
from graph.http.calendar import calendar_routes
from graph.http.cors import CorsMiddleware, CorsSettings
from graph.http.dashboard import dashboard_routes
from graph.http.data_export import data_export_routes
from graph.http.endpoint import GraphQLEndpoint
from graph.http.lane import GraphQLFirst
from graph.http.settings import HardeningSettings
from graph.loaders import Loaders
from graph.observability.middleware import RequestMiddleware
from graph.observability.sql import instrument_sql
from graph.observability.tracing import app_tracer
from graph.observability.websocket import ObservedLegacyWSHandler, ObservedTransportWSHandler
from graph.replicas import ReplicaSet, ReplicaSettings
from graph.resolvers.stats import stats_config
from graph.schema import schema as default_schema
from graph.services import data_export
from graph.services.mail import MailSettings, sender_for
from graph.services.outbox import DeliverySettings, MailWorker
from graph.services.stats_cache import StatsCache
from graph.settings import Settings
from graph.subscriptions.broker import EventBroker

logger = logging.getLogger("braingain")


def unauthenticated(reason: str) -> Response:
    """HTTP 401 with a GraphQL error body, as for every bad bearer token."""
    return JSONResponse(
        {
            "errors": [
                {
                    "message": f"Invalid access token: {reason}.",
                    "extensions": {"code": ErrorCode.UNAUTHENTICATED.value},
                }
            ]
        },
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def authorization_of(scope: Scope) -> str | None:
    """The Authorization header's value (as starlette's Headers reads it, without building one)."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            return str(value.decode("latin-1"))
    return None


class GraphQLApp(GraphQL[Context, None]):
    """strawberry's ASGI app: authenticates the bearer token, builds the per-request Context."""

    graphql_transport_ws_handler_class = ObservedTransportWSHandler
    graphql_ws_handler_class = ObservedLegacyWSHandler

    def __init__(
        self,
        schema: strawberry.Schema,
        sessionmaker: async_sessionmaker[AsyncSession],
        registry: ChapterRegistry,
        settings: Settings,
        **options: Any,
    ) -> None:
        super().__init__(schema, **options)
        self.sessionmaker = sessionmaker
        self.registry = registry
        self.settings = settings
        self.keys = KeyStore(sessionmaker)
        self.lean: LeanSource | None = None
        """Lean transactions for compiled mutations (db.lean; set by the lifespan when the app
        has a database URL of its own)."""
        self.verified = VerifiedTokens()
        """Tokens this worker verified, remembered until they expire (revocation is not)."""
        self.http: GraphQLEndpoint | None = None
        self.objects: CompiledObjects | None = None
        """Completes every object of a node type by SQL (graph.compiler.objects): its fields
        have no resolvers (graph.types.sql_only)."""
        """Serves authenticated HTTP requests when set (GraphQL over HTTP: graph/http/)."""
        self.events: EventBroker | None = None
        self.stats: StatsCache | None = None
        """This worker's statistics snapshot (set by the lifespan)."""
        """This worker's LISTEN connection and subscribers (set by the lifespan)."""
        self.connections_per_address = 20
        """Open WebSockets one client address may hold on this worker (set from hardening)."""
        self.open_sockets: Counter[str] = Counter()

    async def authenticate(self, authorization: str | None, database: RequestDatabase) -> Viewer:
        """The Viewer for an Authorization header value; InvalidToken when it is bad."""
        token = bearer_token(authorization)
        if token is None:
            return ANONYMOUS
        claims = await self.verified.claims(token, self.keys, self.settings)
        return await self._viewer(claims, database)

    async def _viewer(self, claims: AccessTokenClaims, database: RequestDatabase) -> Viewer:
        async with database.session() as session:
            return await load_viewer(session, claims, self.registry)

    async def _signed_in(
        self, authorization: str, state: dict[str, Any], database: RequestDatabase
    ) -> None:
        """Verify the token of a request for the HTTP endpoint; an engineer's database check
        is left pending for the endpoint (graph.auth.deferred), any other token's runs now."""
        token = bearer_token(authorization)
        if token is None:
            state["viewer"] = ANONYMOUS
            return
        claims = await self.verified.claims(token, self.keys, self.settings)
        pending = PendingViewer.of(claims, self.registry, lambda: self._viewer(claims, database))
        if pending is None:
            state["viewer"] = await self._viewer(claims, database)
            return
        pending.settled.append(lambda viewer: state.__setitem__("viewer", viewer))
        state["pending"] = pending

    def credentials(self, authorization: str) -> Callable[[RequestDatabase], Awaitable[Viewer]]:
        """Re-authenticates `authorization` on demand (subscription events outlive tokens)."""

        async def viewer(database: RequestDatabase) -> Viewer:
            return await self.authenticate(authorization, database)

        return viewer

    def viewer_of(self, request: Request) -> Viewer:
        """Who the request authenticated as (set by __call__; anonymous when it was not, or
        while its check is pending: see pending_of)."""
        viewer: Viewer = request.scope.get("state", {}).get("viewer", ANONYMOUS)
        return viewer

    def pending_of(self, request: Request) -> PendingViewer | None:
        """The request's token check left pending for the endpoint, if any (settled or not)."""
        pending: PendingViewer | None = request.scope.get("state", {}).get("pending")
        return pending

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        """A fresh Context: the request's database session, viewer and loaders (a pending
        token check run first)."""
        state = request.scope.setdefault("state", {})
        pending = state.get("pending")
        if pending is not None:
            await pending.resolve()
        database = state.get("database")
        if database is None:
            database = state["database"] = RequestDatabase(self.sessionmaker)
        context = Context.create(
            database,
            self.registry,
            viewer=state.get("viewer", ANONYMOUS),
            request_id=state.get("request_id"),
            site=self.settings.issuer,
        )
        context.objects = self.objects
        context.stats = self.stats
        if isinstance(request, WebSocket):
            context.events = self.events
            authorization = request.headers.get("authorization")
            if authorization is not None:
                context.credentials = self.credentials(authorization)
            if self.http is not None:
                context.admission = self.http.connection_policy(request)
        return context

    async def on_ws_connect(self, context: Context) -> Any:
        """graphql-transport-ws: a token in `connection_init` ({"Authorization": "Bearer …"})."""
        params = context.connection_params or {}
        authorization = params.get("Authorization") or params.get("authorization")
        if authorization is None or context.viewer.is_authenticated:
            return await super().on_ws_connect(context)
        try:
            viewer = await self.authenticate(str(authorization), context.database)
        except InvalidToken:
            raise ConnectionRejectionError({"code": ErrorCode.UNAUTHENTICATED.value}) from None
        context.viewer = viewer
        context.loaders = Loaders.create(context.database, viewer, self.registry)
        context.credentials = self.credentials(str(authorization))
        return await super().on_ws_connect(context)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Authenticate, serve one request, then release its database session."""
        if scope["type"] == "websocket":
            await self._socket(scope, receive, send)
            return
        await self._serve(scope, receive, send)

    async def _socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A WebSocket, unless its address already holds its share of this worker's sockets."""
        client = scope.get("client")
        address = str(client[0]) if client else "unknown"
        if self.open_sockets[address] >= self.connections_per_address:
            logger.warning(
                "websocket refused: %s holds %d sockets", address, self.open_sockets[address]
            )
            await send({"type": "websocket.close", "code": 1013})  # try again later
            return
        self.open_sockets[address] += 1
        try:
            await self._serve(scope, receive, send)
        finally:
            self.open_sockets[address] -= 1
            if not self.open_sockets[address]:
                del self.open_sockets[address]

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.setdefault("state", {})
        database = state["database"] = RequestDatabase(self.sessionmaker, self.lean)
        try:
            if scope["type"] in ("http", "websocket"):
                try:
                    authorization = authorization_of(scope)
                    if authorization is None:
                        state["viewer"] = ANONYMOUS
                    elif scope["type"] == "http" and self.http is not None:
                        await self._signed_in(authorization, state, database)
                    else:
                        state["viewer"] = await self.authenticate(authorization, database)
                except InvalidToken as error:
                    if scope["type"] == "websocket":
                        await send({"type": "websocket.close", "code": 4401})
                        return
                    await unauthenticated(str(error))(scope, receive, send)
                    return
                except Exception as error:
                    # Checking a token reads the database (revoked sessions, roles).
                    if not is_database_unavailable(error):
                        raise
                    logger.warning("database unavailable while authenticating: %s", error)
                    if scope["type"] == "websocket":
                        await send({"type": "websocket.close", "code": 1013})  # try again later
                        return
                    await unavailable_response()(scope, receive, send)
                    return
            if scope["type"] == "http" and self.http is not None:
                try:
                    await self.http(scope, receive, send)
                except InvalidToken as error:  # its check ran in the endpoint (deferred.py)
                    await unauthenticated(str(error))(scope, receive, send)
                except AuthenticationUnavailable as error:
                    logger.warning("database unavailable while authenticating: %s", error)
                    await unavailable_response()(scope, receive, send)
                return
            try:
                await super().__call__(scope, receive, send)
            except Exception as error:
                # a token in connection_init is checked against the database: when it is
                # gone, close with "try again later" rather than crash the socket (1006)
                if scope["type"] != "websocket" or not is_database_unavailable(error):
                    raise
                logger.warning("database unavailable on a websocket: %s", error)
                with contextlib.suppress(Exception):  # the socket may already be closed
                    await send({"type": "websocket.close", "code": 1013})
        finally:
            await database.close()


def runs_mail_worker(settings: Settings) -> bool:
    """BRAINGAIN_MAIL_WORKER: `in-process` runs the mail worker inside the server, `off` leaves
    it to `braingain mail-worker`; by default in-process except in production."""
    choice = os.environ.get("BRAINGAIN_MAIL_WORKER", "").strip().lower()
    if choice not in ("", "in-process", "off"):
        raise ValueError(f"BRAINGAIN_MAIL_WORKER: expected in-process or off, got {choice!r}")
    if choice:
        return choice == "in-process"
    return not settings.is_production


def create_app(
    settings: Settings | None = None,
    *,
    engine: AsyncEngine | None = None,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    schema: strawberry.Schema = default_schema,
    registry: ChapterRegistry | None = None,
    hardening: HardeningSettings | None = None,
    budget_store: BudgetStore | None = None,
    compiler: CompilerSettings | None = None,
    events: EventBroker | None = None,
    cors: CorsSettings | None = None,
    tracer_provider: TracerProvider | None = None,
    replicas: ReplicaSettings | None = None,
    lean: LeanSource | None = None,
) -> Starlette:
    """The ASGI app. Pass an engine or sessionmaker to reuse one (tests do); else DATABASE_URL.

    Traces go to `tracer_provider`, else to the global one when tracing is configured (OTEL_*);
    with neither, nothing is traced.

    Compiled mutations run in lean transactions (db.lean) on a pool of the app's own when it
    has a database URL (DATABASE_URL or `engine`'s), else on `lean` when given (tests pass
    one over their transaction's connection), else in SQLAlchemy's session.

    Subscriptions get this worker's EventBroker: `events` when given, else one on the same
    database (none with only a sessionmaker: there is no URL to LISTEN on).

    The chapter registry is loaded (and validated) here: an invalid chapters_config/ raises
    ChapterConfigError and the server refuses to start.
    """
    settings = settings or Settings.from_environment()
    registry = registry if registry is not None else load_registry()
    hardening = hardening or HardeningSettings.from_environment()
    compiler = compiler or CompilerSettings.from_environment()
    replicas = replicas or ReplicaSettings.from_environment()
    cors = cors or CorsSettings.from_environment()  # refuses `*` with credentials
    tracer = app_tracer(tracer_provider)
    if tracer is not None:
        instrument_sql()
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own_engine = None
        if sessionmaker is not None:
            state["sessionmaker"] = sessionmaker
        else:
            active = engine
            if active is None:
                if settings.database_url is None:
                    raise RuntimeError("DATABASE_URL is not set (the CLI starts a database).")
                active = own_engine = create_engine(
                    settings.database_url, statement_timeout_ms=hardening.statement_timeout_ms
                )
            state["sessionmaker"] = create_sessionmaker(active)
        graphql.sessionmaker = state["sessionmaker"]
        graphql.keys = KeyStore(state["sessionmaker"])
        await graphql.keys.reload()  # creates the first signing key on first start
        app.state.auth = AuthState(state["sessionmaker"], graphql.keys, settings)
        app.state.registry = registry
        endpoint.metrics_engine(state["sessionmaker"])
        endpoint.persisted.store.open(state["sessionmaker"])
        own_store = None
        if budget_store is None:
            endpoint.budget_store = own_store = open_budget_store(hardening, settings)
        compiled = endpoint.compiled
        if compiled is not None:
            url = settings.database_url if sessionmaker is None and engine is None else None
            await compiled.open(
                url, state["sessionmaker"], compiler.pool_size, hardening.statement_timeout_ms
            )
            if compiler.tune_gc:
                tune_gc()
        lean_pool = None
        graphql.lean = lean
        if sessionmaker is None:
            lean_url = settings.database_url if engine is None else engine_url(engine)
            if lean_url is not None:
                lean_pool = write_pool(lean_url, hardening.statement_timeout_ms)
                graphql.lean = LeanSource(lean_sessionmaker(), lean_pool)
        read_replicas = None
        if replicas.urls and settings.database_url:
            read_replicas = ReplicaSet(replicas, settings.database_url, compiler.pool_size)
            await read_replicas.open()
            endpoint.replicas = read_replicas
        own_events = None
        if events is not None:
            graphql.events = events
        else:
            url = settings.database_url if sessionmaker is None and engine is None else None
            if engine is not None and sessionmaker is None:
                url = engine_url(engine)
            if url is not None:
                graphql.events = own_events = EventBroker(url)
        endpoint.events_broker(graphql.events)
        graphql.stats = StatsCache(
            state["sessionmaker"], registry, stats_config(), broker=graphql.events
        )
        mailer = None
        if sessionmaker is None and runs_mail_worker(settings):
            worker = MailWorker(
                state["sessionmaker"],
                sender_for(MailSettings.from_environment()),
                DeliverySettings.from_environment(),
            )
            mailer = asyncio.create_task(worker.run())
        exporter = None
        if sessionmaker is None and data_export.runs_in_process(settings.is_production):
            exporter = asyncio.create_task(
                data_export.ExportWorker(
                    state["sessionmaker"], data_export.ExportSettings.from_environment()
                ).run()
            )
        try:
            yield
        finally:
            if exporter is not None:
                exporter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await exporter
            if mailer is not None:
                mailer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await mailer
            if own_events is not None:
                await own_events.close()
            if own_store is not None:
                await own_store.close()
            if compiled is not None:
                await compiled.close()
            if read_replicas is not None:
                await read_replicas.close()
            graphql.lean = None
            if lean_pool is not None:
                await lean_pool.close()
            if own_engine is not None:
                await own_engine.dispose()

    graphql = GraphQLApp(
        schema,
        sessionmaker or async_sessionmaker(),
        registry,
        settings,
        graphql_ide=None,
        allow_queries_via_get=True,
        connection_init_wait_timeout=timedelta(seconds=hardening.websocket_init_timeout_seconds),
        # Only graphql-transport-ws: the legacy `graphql-ws` has no connection_init timeout
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
    )
    graphql.connections_per_address = hardening.websocket_connections_per_address
    endpoint = graphql.http = GraphQLEndpoint.create(graphql, settings, hardening, budget_store)
    queries = CompiledQueries(schema._schema, registry=registry)
    graphql.objects = CompiledObjects(queries)  # node types' fields are read by SQL only
    endpoint.compiled = CompiledReads(queries, schema, report_path=compiler.report_path)
    if compiler.mutations:
        endpoint.compiled.mutations = CompiledMutations(graphql.objects)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        try:
            async with state["sessionmaker"]() as session:
                await session.execute(text("SELECT 1"))
        except Exception:
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    lane = Route("/graphql", graphql)
    return GraphQLFirst(
        lane=lane,
        routes=[
            lane,
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *oauth_routes(),
            *hardening_routes(endpoint),
            *calendar_routes(),
            *data_export_routes(),
            *dashboard_routes(),
        ],
        middleware=[
            Middleware(RequestMiddleware, tracer=tracer),
            *([Middleware(CorsMiddleware, settings=cors)] if cors.enabled else []),
        ],
        lifespan=lifespan,
    )
