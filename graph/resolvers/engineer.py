"""Query fields for engineers."""

from enum import Enum
from typing import Annotated

import strawberry

from db.enums import Discipline, EngagementKind
from graph.context import Info
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.engineer import Engineer
from graph.types.enums import OrderDirection
from graph.types.sql_only import unserved


@strawberry.enum(description="Fields engineers can be ordered by.")
class EngineerOrderField(Enum):
    """Sort keys for engineers."""

    HANDLE = strawberry.enum_value("HANDLE", description="By handle.")
    NAME = strawberry.enum_value("NAME", description="By full name.")
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="By when the profile was created.")


@strawberry.input(description="Ordering of an engineer list.")
class EngineerOrder:
    """Field and direction."""

    field: EngineerOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Which way to order."
    )


@strawberry.input(
    description="Conditions on engineers. Each list matches engineers having any of its values; "
    "all given conditions must hold."
)
class EngineerFilter:
    """Client-side filter for the engineers list."""

    sectors: list[str] | None = strawberry.field(
        default=None, description="Sector slugs (e.g. `renewable-energy`)."
    )
    skills: list[str] | None = strawberry.field(
        default=None, description="Skill slugs (e.g. `power-systems`)."
    )
    disciplines: list[Discipline] | None = strawberry.field(
        default=None, description="Engineering disciplines."
    )
    countries: list[str] | None = strawberry.field(
        default=None, description="ISO 3166-1 alpha-2 countries of residence (e.g. `AE`)."
    )
    chapter: strawberry.ID | None = strawberry.field(
        default=None, description="ID of a chapter the engineer is an active member of."
    )
    offers: list[EngagementKind] | None = strawberry.field(
        default=None, description="Kinds of engagement the engineer offers."
    )
    is_overseas: bool | None = strawberry.field(
        default=None, description="Only engineers living abroad (true) or at home (false)."
    )
    pec_verified: bool | None = strawberry.field(
        default=None, description="Only engineers whose council registration is (not) verified."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Full-text search over name, headline, bio and skills (web-search syntax: "
        '`"power systems" -solar`). At most 200 characters.',
    )


def engineer(
    info: Info,
    handle: Annotated[str, strawberry.argument(description="The engineer's handle.")],
) -> Engineer | None:
    """One engineer by handle; null when there is none."""
    raise unserved()


def engineers(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[
        EngineerFilter | None, strawberry.argument(description="Conditions to match.")
    ] = None,
    order_by: Annotated[
        EngineerOrder | None,
        strawberry.argument(description="Ordering; by name, ascending, when omitted."),
    ] = None,
) -> Connection[Engineer]:
    """A page of engineers matching the filter."""
    raise unserved()
