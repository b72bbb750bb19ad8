"""The Viewer type: who the API thinks is asking."""

import strawberry

from graph.context import Info
from graph.types.engineer import Engineer


@strawberry.type(description="The principal the request acts for; anonymous without a token.")
class Viewer:
    """The current viewer."""

    is_authenticated: bool = strawberry.field(
        description="True when the request carried valid credentials."
    )
    engineer_pk: strawberry.Private[int | None]

    @strawberry.field(
        description="The signed-in engineer; null for anonymous requests and clients."
    )
    async def engineer(self, info: Info) -> Engineer | None:
        """Loaded by id."""
        if self.engineer_pk is None:
            return None
        row = await info.context.loaders.engineer_by_id.load(self.engineer_pk)
        return Engineer.from_model(row) if row is not None else None
