"""The root `opportunities` connection: filters, ordering and full-text search."""

from typing import Annotated

import strawberry

from db.enums import EngagementKind, OpportunityStatus
from graph.context import Info
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.opportunity import Opportunity, OpportunityOrder
from graph.types.sql_only import unserved


@strawberry.input(description="Conditions an opportunity must meet (all of those given).")
class OpportunityFilter:
    """Filters of `opportunities`."""

    kinds: list[EngagementKind] | None = strawberry.field(
        default=None, description="Only these kinds of contribution."
    )
    sectors: list[str] | None = strawberry.field(
        default=None, description="Only opportunities in any of these sectors (slugs)."
    )
    skills: list[str] | None = strawberry.field(
        default=None, description="Only opportunities wanting any of these skills (slugs)."
    )
    status: list[OpportunityStatus] | None = strawberry.field(
        default=None, description="Only these statuses, as read (EXPIRED from the deadline)."
    )
    institution: str | None = strawberry.field(
        default=None, description="Only those posted on behalf of this institution (slug)."
    )
    chapter: str | None = strawberry.field(
        default=None, description="Only CHAPTER opportunities naming this chapter (slug)."
    )
    remote: bool | None = strawberry.field(
        default=None, description="Only remote (true) or only on-site (false) ones."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Full-text search over title and description (web-search syntax: "
        '"quoted phrases", -excluded, or). At most 200 characters.',
    )


def opportunities(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[
        OpportunityFilter | None, strawberry.argument(description="Conditions to match.")
    ] = None,
    order_by: Annotated[
        OpportunityOrder, strawberry.argument(description="How the list is ordered.")
    ] = OpportunityOrder.NEWEST,
) -> Connection[Opportunity]:
    """Opportunities the viewer may see, filtered and ordered."""
    raise unserved()
