"""The per-request Context every resolver receives, and the typed `Info` alias."""

from dataclasses import dataclass, field
from typing import TypeAlias
from uuid import uuid4

import strawberry

from graph.auth.viewer import ANONYMOUS, Viewer
from graph.database import RequestDatabase
from graph.extensions.admission import Admission
from graph.loaders import Loaders


@dataclass
class Context:
    """What one request carries: who asks, its database session, its loaders, its id."""

    database: RequestDatabase
    loaders: Loaders
    viewer: Viewer = ANONYMOUS
    request_id: str = field(default_factory=lambda: uuid4().hex)
    admission: Admission | None = None

    @classmethod
    def create(
        cls, database: RequestDatabase, viewer: Viewer = ANONYMOUS, request_id: str | None = None
    ) -> "Context":
        """A context with fresh loaders over `database`."""
        return cls(
            database=database,
            loaders=Loaders.create(database),
            viewer=viewer,
            request_id=request_id or uuid4().hex,
        )


Info: TypeAlias = strawberry.Info[Context, None]
