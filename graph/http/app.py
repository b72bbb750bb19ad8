"""Wiring of the hardening layer into the Starlette app: extra routes and the budget store."""

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


def hardening_routes(endpoint: GraphQLEndpoint) -> list[BaseRoute]:
    """/metrics and the IDE's assets."""
    routes: list[BaseRoute] = []
    metrics = endpoint.metrics
    if metrics is not None:

        async def metrics_page(_: Request) -> Response:
            return Response(metrics.render(), media_type=PROMETHEUS_TEXT)

        routes.append(Route("/metrics", metrics_page))
    if endpoint.ide is not None:
        routes.append(Mount(ASSET_PATH, app=endpoint.ide.static_files()))
    return routes
