"""Query fields for institutions."""

from typing import Annotated

import strawberry

from db import models
from db.enums import InstitutionKind
from db.queries import institution as queries
from graph.context import Info
from graph.pagination import PageArgs
from graph.services.engineer import COUNTRY_CODE, check_list, check_search
from graph.services.listing import page_of
from graph.types.connection import After, Before, Connection, First, Last, build_connection
from graph.types.institution import Institution


@strawberry.input(description="Conditions on institutions; all given conditions must hold.")
class InstitutionFilter:
    """Client-side filter for the institutions list."""

    kinds: list[InstitutionKind] | None = strawberry.field(
        default=None, description="Only institutions of these kinds."
    )
    verified: bool | None = strawberry.field(
        default=None, description="Only (un)verified institutions."
    )
    countries: list[str] | None = strawberry.field(
        default=None, description="ISO 3166-1 alpha-2 countries."
    )
    search: str | None = strawberry.field(
        default=None, description="Substring of the name or slug. At most 200 characters."
    )


async def institution(
    info: Info,
    slug: Annotated[str, strawberry.argument(description="The institution's slug (e.g. `nust`).")],
) -> Institution | None:
    """One institution by slug; null when there is none."""
    async with info.context.database.session() as session:
        row = await queries.get_by_slug(session, slug)
    return Institution.from_model(row) if row is not None else None


async def institutions(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[
        InstitutionFilter | None, strawberry.argument(description="Conditions to match.")
    ] = None,
) -> Connection[Institution]:
    """Institutions by name."""
    criteria = queries.InstitutionFilter()
    if filter is not None:
        criteria = queries.InstitutionFilter(
            kinds=check_list("kinds", [kind.value for kind in filter.kinds or ()]),
            verified=filter.verified,
            country_codes=check_list("countries", filter.countries, COUNTRY_CODE),
            search=check_search(filter.search),
        )
    ordering = queries.INSTITUTION_ORDERINGS["NAME_ASC"]
    page, count = await page_of(
        info.context.database,
        queries.filtered(criteria),
        models.Institution,
        ordering,
        PageArgs(first, after, last, before),
    )
    return build_connection(page, ordering, Institution.from_model, count)
