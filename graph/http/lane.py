"""The app: Starlette, with HTTP requests for /graphql handed straight to their route.

Every GraphQL request would otherwise pass the router (a regex per route until one matches)
and the exception middleware (a wrapper per request around the app and its `send`). Neither
has anything to do for it: the endpoint answers every refusal itself and raises no
HTTPException. So those requests go through the same middleware as any other — server errors,
the request middleware, CORS — and then to the route's app, with the scope the router would
have given it (`router`, `route`, `endpoint`, `path_params`).
"""

from typing import Any

from starlette._utils import get_route_path
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send


class RouteApp:
    """What the router does for one matched route, without looking for it."""

    def __init__(self, router: Any, route: Route) -> None:
        self.router = router
        self.route = route
        self.app = route.app
        self.endpoint = route.endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Set what the router sets, then run the route's app."""
        if "router" not in scope:
            scope["router"] = self.router
        scope["route"] = self.route
        scope["endpoint"] = self.endpoint
        scope["path_params"] = dict(scope.get("path_params", {}))
        await self.app(scope, receive, send)


class GraphQLFirst(Starlette):
    """Starlette whose HTTP requests for `lane.path` skip the router and exception middleware.

    The route must take every method (an ASGI app, not a function endpoint), so the router
    could never answer 405 for it either.
    """

    def __init__(self, *args: Any, lane: Route, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert not lane.methods, "the lane's route must take every method"
        self.lane = lane
        self.lane_stack: ASGIApp | None = None

    def build_lane_stack(self) -> ASGIApp:
        """Starlette's middleware stack around the route's app, less the exception middleware."""
        error_handler = None
        for key, value in self.exception_handlers.items():
            if key in (500, Exception):
                error_handler = value
        middleware = [Middleware(ServerErrorMiddleware, handler=error_handler, debug=self.debug)]
        max_body_size = getattr(self, "max_body_size", None)
        if max_body_size is not None:
            middleware.append(Middleware(RequestBodyLimitMiddleware, max_body_size=max_body_size))
        middleware += self.user_middleware
        app: ASGIApp = RouteApp(self.router, self.lane)
        for cls, args, kwargs in reversed(middleware):
            app = cls(app, *args, **kwargs)
        return app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """HTTP requests for the lane's path go straight to it; everything else as usual."""
        if scope["type"] == "http" and get_route_path(scope) == self.lane.path:
            scope["app"] = self
            if self.lane_stack is None:
                self.lane_stack = self.build_lane_stack()
            await self.lane_stack(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
