"""Query fields for institutions."""

from typing import Annotated

import strawberry

from db.enums import InstitutionKind
from graph.context import Info
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.institution import Institution
from graph.types.sql_only import unserved


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


def institution(
    info: Info,
    slug: Annotated[str, strawberry.argument(description="The institution's slug (e.g. `nust`).")],
) -> Institution | None:
    """One institution by slug; null when there is none."""
    raise unserved()


def institutions(
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
    raise unserved()
