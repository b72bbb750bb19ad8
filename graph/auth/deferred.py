"""An engineer's verified token whose database check waits, to run where it is cheapest.

Every signed-in request checks its token against the database (revoked? the engineer's roles:
graph.auth.authentication.load_viewer), and a compiled mutation then spends its rate budget in
a statement of its own. The budget store can read the check in its spend statement instead and
take the spend only where it passes (graph.extensions.budget.Gate): one round trip for both.
So the HTTP endpoint may leave the check pending until the charge, and runs it on its own
wherever anything else needs the viewer first; the answer is the same either way, and it is
given only once the check passed. Until then only the token's own claims are known: enough
to name the request's budget bucket and client, never to decide a permission.
"""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from db.queries import account as account_queries
from graph.auth.authentication import (
    engineer_of,
    engineer_viewer_unless_revoked,
    session_family,
)
from graph.auth.tokens import AccessTokenClaims, InvalidToken
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.extensions.unavailable import is_database_unavailable


class AuthenticationUnavailable(Exception):
    """The database could not be reached to check a pending token (HTTP 503, as when the
    check runs before the request)."""


Settled = Callable[[Viewer], None]


class PendingViewer:
    """An engineer's token, verified; its database check run at most once (a graph.extensions
    .budget.Gate: alone, or read in a budget spend's statement)."""

    refused: str = "revoked"

    def __init__(
        self,
        claims: AccessTokenClaims,
        engineer_id: int,
        registry: ChapterRegistry,
        load: Callable[[], Awaitable[Viewer]],
    ) -> None:
        self.claims = claims
        self.engineer_id = engineer_id
        self.registry = registry
        self._load = load
        sql, arguments = account_queries.standing_unless_revoked_statement(
            engineer_id, claims.token_id, session_family(claims), claims.client_id
        )
        self.sql: str = sql
        self.arguments: Sequence[Any] = arguments
        self.principal = Viewer(
            engineer_id=engineer_id,
            client_id=claims.client_id,
            scopes=claims.scopes,
            token_id=claims.token_id,
        )
        """What the claims alone say (no roles): for bucket and client keys only."""
        self.viewer: Viewer | None = None
        self.settled: list[Settled] = []
        """Called with the viewer once the check passed."""

    @classmethod
    def of(
        cls,
        claims: AccessTokenClaims,
        registry: ChapterRegistry,
        load: Callable[[], Awaitable[Viewer]],
    ) -> "PendingViewer | None":
        """The pending check of an engineer's token; None for any other token (or a malformed
        one): those are checked at once, as load_viewer does."""
        engineer_id = engineer_of(claims)
        if engineer_id is None:
            return None
        try:
            return cls(claims, engineer_id, registry, load)
        except InvalidToken:
            return None

    async def resolve(self) -> Viewer:
        """The viewer, the check run on its own unless it ran already; InvalidToken when the
        token no longer stands for anyone."""
        if self.viewer is None:
            try:
                viewer = await self._load()
            except Exception as error:
                if is_database_unavailable(error):
                    raise AuthenticationUnavailable(str(error)) from error
                raise
            self._settle(viewer)
            return viewer
        return self.viewer

    async def check(self) -> None:
        """Run the check on its own (the Gate's way when no statement can carry it)."""
        await self.resolve()

    async def accept(self, row: Any) -> None:
        """Settle the check with the row its statement read inside a spend's (None: no
        engineer, and then the check alone says why the token is refused)."""
        if row is None:
            await self.resolve()
            return
        found = account_queries.standing_unless_revoked(row)
        self._settle(
            engineer_viewer_unless_revoked(self.engineer_id, found, self.claims, self.registry)
        )

    def _settle(self, viewer: Viewer) -> None:
        self.viewer = viewer
        for settled in self.settled:
            settled(viewer)
