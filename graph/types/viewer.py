"""The Viewer type: who the API thinks is asking, and what belongs to them alone."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from db.queries import consent as queries
from graph.auth.permissions import requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.errors import Forbidden
from graph.pagination import PageArgs
from graph.services.listing import page_of
from graph.types.connection import After, Before, Connection, First, Last, build_connection
from graph.types.consent import AccessLogEntry, ConsentGrant
from graph.types.engineer import Engineer
from graph.types.institution import Institution

if TYPE_CHECKING:
    from graph.types.opportunity import OpportunityMatchConnection


def _own_engineer(info: Info, scope: Scope) -> int:
    """The signed-in engineer, who must hold `scope`; FORBIDDEN otherwise."""
    viewer = info.context.viewer
    if viewer.engineer_id is None:
        raise Forbidden("Only a signed-in engineer has this.")
    if not viewer.has_scope(scope):
        raise Forbidden(f"Requires `{scope.value}`.", requiredScope=scope.value)
    return viewer.engineer_id


OpportunityMatchConnectionRef = Annotated[
    "OpportunityMatchConnection", strawberry.lazy("graph.types.opportunity")
]


@strawberry.type(description="The principal the request acts for; anonymous without a token.")
class Viewer:
    """The current viewer."""

    is_authenticated: bool = strawberry.field(
        description="True when the request carried valid credentials."
    )
    engineer_pk: strawberry.Private[int | None]
    institution_pk: strawberry.Private[int | None]
    scopes: list[str] = strawberry.field(
        description="Scopes the access token carries (roles decide where they apply)."
    )
    client_id: str | None = strawberry.field(
        description="The OAuth client making the request, if any."
    )

    @strawberry.field(
        description="The signed-in engineer; null for anonymous requests and clients."
    )
    async def engineer(self, info: Info) -> Engineer | None:
        """Loaded by id."""
        if self.engineer_pk is None:
            return None
        row = await info.context.loaders.engineer_by_id.load(self.engineer_pk)
        return Engineer.from_model(row) if row is not None else None

    @strawberry.field(
        description="The institution the request acts for: an institution's client, or the "
        "institution a staff account belongs to; null otherwise."
    )
    async def institution(self, info: Info) -> Institution | None:
        """Loaded by id."""
        if self.institution_pk is None:
            return None
        row = await info.context.loaders.institution_by_id.load(self.institution_pk)
        return Institution.from_model(row) if row is not None else None

    @strawberry.field(
        description="Consent grants the signed-in engineer gave, newest first."
        + requires(Scope.CONSENT_MANAGE)
    )
    async def consent_grants(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ConsentGrant]:
        """A keyset page of the viewer's own grants."""
        engineer_id = _own_engineer(info, Scope.CONSENT_MANAGE)
        page, count = await page_of(
            info.context.database,
            queries.consent_grants_of(engineer_id),
            models.ConsentGrant,
            queries.NEWEST_FIRST,
            PageArgs(first, after, last, before),
        )
        return build_connection(page, queries.NEWEST_FIRST, ConsentGrant.from_model, count)

    @strawberry.field(
        description="Institution reads of the signed-in engineer's consent-gated fields, newest "
        "first." + requires(Scope.CONSENT_MANAGE)
    )
    async def access_log(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AccessLogEntry]:
        """A keyset page of the viewer's access log."""
        engineer_id = _own_engineer(info, Scope.CONSENT_MANAGE)
        ordering = queries.ACCESSED_NEWEST_FIRST
        page, count = await page_of(
            info.context.database,
            queries.access_log_of(engineer_id),
            models.AccessLogEntry,
            ordering,
            PageArgs(first, after, last, before),
        )
        return build_connection(page, ordering, AccessLogEntry.from_model, count)

    @strawberry.field(
        description="Open opportunities recommended to the signed-in engineer: those they may "
        "see, whose kind they offer and that fit their capacity, not yet applied to; ranked by "
        "the matching score in one SQL statement, keyset-paged over (score, id). "
        "UNAUTHENTICATED without an engineer."
    )
    async def recommended_opportunities(
        self,
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="How many (1–100, default 20).")
        ] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="Continue after this cursor.")
        ] = None,
    ) -> OpportunityMatchConnectionRef:
        """Viewer.recommendedOpportunities."""
        from graph.types.opportunity import recommended

        return await recommended(info, first, after)
