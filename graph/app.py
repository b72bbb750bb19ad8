"""Starlette application factory: routes, middleware, lifespan."""

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import strawberry
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from db.engine import create_engine, create_sessionmaker
from graph.compiler.connections import tune_gc
from graph.compiler.endpoint import CompiledEndpoint
from graph.compiler.operation import CompiledQueries
from graph.compiler.settings import CompilerSettings
from graph.context import Context
from graph.database import RequestDatabase
from graph.middleware import RequestIdMiddleware
from graph.schema import schema as default_schema
from graph.settings import Settings


class GraphQLApp(GraphQL[Context, None]):
    """strawberry's ASGI app with our per-request Context; the session closes after the reply."""

    def __init__(
        self,
        schema: strawberry.Schema,
        sessionmaker: async_sessionmaker[AsyncSession],
        **options: Any,
    ) -> None:
        super().__init__(schema, **options)
        self.sessionmaker = sessionmaker

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        """A fresh Context: its own database session and loaders."""
        database = RequestDatabase(self.sessionmaker)
        request.state.database = database
        return Context.create(database, request_id=request.state.request_id)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request, then release its database session."""
        try:
            await super().__call__(scope, receive, send)
        finally:
            database = scope.get("state", {}).get("database")
            if database is not None:
                await database.close()


def create_app(
    settings: Settings | None = None,
    *,
    engine: AsyncEngine | None = None,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    schema: strawberry.Schema = default_schema,
    compiler: CompilerSettings | None = None,
) -> Starlette:
    """The ASGI app. Pass an engine or sessionmaker to reuse one (tests do); else DATABASE_URL."""
    settings = settings or Settings.from_environment()
    compiler = compiler or CompilerSettings.from_environment()
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        own_engine = None
        if sessionmaker is not None:
            state["sessionmaker"] = sessionmaker
        else:
            active = engine
            if active is None:
                if settings.database_url is None:
                    raise RuntimeError("DATABASE_URL is not set (the CLI starts a database).")
                active = own_engine = create_engine(settings.database_url)
            state["sessionmaker"] = create_sessionmaker(active)
        graphql.sessionmaker = state["sessionmaker"]
        if compiled is not None:
            url = settings.database_url if sessionmaker is None and engine is None else None
            await compiled.open(url, state["sessionmaker"], compiler.pool_size)
            if compiler.tune_gc:
                tune_gc()
        try:
            yield
        finally:
            if compiled is not None:
                await compiled.close()
            if own_engine is not None:
                await own_engine.dispose()

    graphql = GraphQLApp(
        schema,
        sessionmaker or async_sessionmaker(),
        graphql_ide=None,
        allow_queries_via_get=True,
    )

    compiled = (
        CompiledEndpoint(
            graphql,
            CompiledQueries(schema._schema),
            report_path=compiler.report_path,
            max_body_bytes=settings.max_body_bytes,
        )
        if compiler.enabled
        else None
    )

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        try:
            async with state["sessionmaker"]() as session:
                await session.execute(text("SELECT 1"))
        except Exception:
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/graphql", compiled or graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        middleware=[Middleware(RequestIdMiddleware)],
        lifespan=lifespan,
    )
