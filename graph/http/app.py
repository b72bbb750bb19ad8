"""Wiring of the hardening layer into the Starlette app: extra routes and the budget store."""

import hmac
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from graph.extensions.budget import BudgetStore, MemoryBudgetStore
from graph.extensions.budget_lease import LeasedBudgetStore
from graph.extensions.budget_postgres import PostgresBudgetStore
from graph.http.endpoint import GraphQLEndpoint
from graph.http.ide import ASSET_PATH
from graph.http.settings import HardeningSettings
from graph.settings import Settings

logger = logging.getLogger(__name__)

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


def open_budget_store(hardening: HardeningSettings, settings: Settings) -> BudgetStore:
    """PostgreSQL (DATABASE_URL), shared by every worker and leased to busy ones (see
    graph/extensions/budget_lease.py); this process only when there is none."""
    if settings.database_url:
        shared = PostgresBudgetStore(settings.database_url, hardening.budget.key_prefix)
        return LeasedBudgetStore(shared)
    if settings.is_production:
        logger.warning("DATABASE_URL is not set: rate budgets are per worker process")
    return MemoryBudgetStore()


def metrics_allowed(request: Request, token: str | None, production: bool) -> bool:
    """Whether this request may read /metrics: with the configured bearer token when there is
    one; in production never without one (operation names and error rates are not public)."""
    if token is None:
        return not production
    presented = request.headers.get("authorization", "")
    return hmac.compare_digest(presented.encode(), f"Bearer {token}".encode())


def hardening_routes(endpoint: GraphQLEndpoint) -> list[BaseRoute]:
    """/metrics (guarded) and the IDE's assets."""
    routes: list[BaseRoute] = []
    metrics = endpoint.metrics
    if metrics is not None:
        token = endpoint.hardening.metrics_token
        production = endpoint.settings.is_production

        async def metrics_page(request: Request) -> Response:
            if not metrics_allowed(request, token, production):
                return Response(
                    "metrics need a bearer token (BRAINGAIN_METRICS_TOKEN)\n",
                    status_code=401,
                    headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
                    media_type="text/plain",
                )
            return Response(metrics.render(), media_type=PROMETHEUS_TEXT)

        routes.append(Route("/metrics", metrics_page))
    if endpoint.ide is not None:
        routes.append(Mount(ASSET_PATH, app=endpoint.ide.static_files()))
    return routes
