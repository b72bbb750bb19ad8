"""The app over HTTP for the compiled-path tests: compiled reads and mutations on or off."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from graph.app import create_app
from graph.auth.authentication import engineer_subject
from graph.auth.roles import MEMBER_SCOPES
from graph.auth.routes import AuthState
from graph.auth.tokens import issue_access_token
from graph.compiler.settings import CompilerSettings
from graph.extensions.budget import MemoryBudgetStore
from graph.http.settings import HardeningSettings
from graph.services.oauth_client import CLI_CLIENT_ID
from tests.conftest import lean_over


@asynccontextmanager
async def _running(
    sessionmaker: async_sessionmaker[AsyncSession],
    mutations: bool,
    hardening: HardeningSettings | None,
) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """The app (its own budget store), reporting its execution path, and a client of it."""
    compiler = CompilerSettings(report_path=True, tune_gc=False, mutations=mutations)
    app = create_app(
        sessionmaker=sessionmaker,
        lean=lean_over(sessionmaker),
        compiler=compiler,
        hardening=hardening or HardeningSettings(),
        budget_store=MemoryBudgetStore(),
    )
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield app, client


@asynccontextmanager
async def served(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    mutations: bool = True,
    hardening: HardeningSettings | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app (the mutation executor on or off)."""
    async with _running(sessionmaker, mutations, hardening) as (_, client):
        yield client


@asynccontextmanager
async def signed_in(
    sessionmaker: async_sessionmaker[AsyncSession],
    engineer_id: int,
    *,
    mutations: bool = True,
    hardening: HardeningSettings | None = None,
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A client of the app, as `served`, and a member's token for `engineer_id`."""
    async with _running(sessionmaker, mutations, hardening) as (app, client):
        state: AuthState = app.state.auth
        token, _ = issue_access_token(
            state.keys.signing_key(),
            issuer=state.settings.issuer,
            audience=state.settings.audience,
            subject=engineer_subject(engineer_id),
            client_id=CLI_CLIENT_ID,
            scopes=MEMBER_SCOPES,
            lifetime_seconds=300,
        )
        yield client, token
