"""The per-request Context every resolver receives, and the typed `Info` alias."""

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias
from uuid import uuid4

import strawberry

from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry
from graph.database import RequestDatabase
from graph.extensions.admission import Admission, ConnectionPolicy
from graph.loaders import Loaders
from graph.settings import DEFAULT_ISSUER

if TYPE_CHECKING:
    from graph.compiler.objects import CompiledObjects
    from graph.services.stats_cache import StatsCache
    from graph.subscriptions.broker import EventBroker


@dataclass
class Context:
    """What one request carries: who asks, its database session, loaders, registry, its id."""

    database: RequestDatabase
    loaders: Loaders
    registry: ChapterRegistry
    viewer: Viewer = ANONYMOUS
    request_id: str = field(default_factory=lambda: uuid4().hex)
    admission: Admission | ConnectionPolicy | None = None
    connection_params: dict[str, Any] | None = None
    site: str = DEFAULT_ISSUER
    writer: RequestDatabase | None = None
    """Where this request's incidental writes go (consent access log) when `database` is a
    read replica; None: `database` itself (the primary)."""
    """Public base URL, for links in mails."""
    consent_reads: dict[tuple[int, int], set[str]] = field(default_factory=lambda: defaultdict(set))
    """(engineer id, consent grant id) → profile fields read under that grant in this request."""
    objects: "CompiledObjects | None" = None
    """Completes the objects of mutation payloads and events by SQL (graph.compiler.objects);
    None where compiled reads are off."""
    compiled_objects: int = 0
    """Objects this request's payloads or events read through the compiled path."""
    in_operation_transaction: bool = False
    """Set for a mutation: its root fields write in savepoints of one transaction, committed
    after the payloads are read (graph.extensions.transaction)."""
    events: "EventBroker | None" = None
    """This worker's event broker (subscriptions); None where subscriptions are not served."""
    credentials: Callable[[RequestDatabase], Awaitable[Viewer]] | None = None
    """Re-checks the connection's token (expiry, revocation, current roles): a WebSocket outlives
    its token, so each subscription event is served as whom the token stands for *now*.
    Raises InvalidToken when it no longer stands for anyone. None: anonymous connection."""
    stats: "StatsCache | None" = None
    """This worker's statistics snapshot (graph.services.stats); None: computed per request."""

    @classmethod
    def create(
        cls,
        database: RequestDatabase,
        registry: ChapterRegistry,
        viewer: Viewer = ANONYMOUS,
        request_id: str | None = None,
        site: str = DEFAULT_ISSUER,
    ) -> "Context":
        """A context with fresh loaders over `database`."""
        return cls(
            database=database,
            loaders=Loaders.create(database, viewer, registry),
            registry=registry,
            viewer=viewer,
            request_id=request_id or uuid4().hex,
            site=site,
        )

    async def for_event(self) -> "Context":
        """A context for one subscription event: a fresh session and loaders, and the viewer
        re-checked from the connection's token (InvalidToken when it expired or was revoked)."""
        database = self.database.fork()
        viewer = self.viewer
        if self.credentials is not None:
            try:
                viewer = await self.credentials(database)
            except BaseException:
                await database.close()
                raise
        return Context(
            database=database,
            loaders=Loaders.create(database, viewer, self.registry),
            registry=self.registry,
            viewer=viewer,
            request_id=self.request_id,
            connection_params=self.connection_params,
            site=self.site,
            events=self.events,
            credentials=self.credentials,
            objects=self.objects,
            stats=self.stats,
        )


Info: TypeAlias = strawberry.Info[Context, None]
