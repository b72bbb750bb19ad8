"""Consultancy marketplace reads on strawberry's path: `node(id:)` for proposals and listings,
and the root `consultancyProposals` and `serviceListings` connections — proposals always under
the seal of graph.reads.consultancy.proposals_visible."""

from typing import Annotated

import strawberry

from graph.context import Info
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.consultancy import (
    ConsultancyProposal,
    ProposalFilter,
    ProposalOrder,
    ServiceListing,
)
from graph.types.sql_only import unserved


def consultancy_proposals(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[
        ProposalFilter | None, strawberry.argument(description="Conditions to match.")
    ] = None,
    order_by: Annotated[
        ProposalOrder, strawberry.argument(description="How the list is ordered.")
    ] = ProposalOrder.NEWEST,
) -> Connection[ConsultancyProposal]:
    """Proposals the viewer may read, across RFPs."""
    raise unserved()


@strawberry.input(description="Conditions a service listing must meet (all of those given).")
class ServiceListingFilter:
    """Filters of `serviceListings`."""

    sectors: list[str] | None = strawberry.field(
        default=None, description="Only listings in any of these sectors (slugs)."
    )
    contributor: str | None = strawberry.field(
        default=None, description="Only this contributor's listings (handle)."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Full-text search over title and description (web-search syntax). At most "
        "200 characters.",
    )


def service_listings(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[
        ServiceListingFilter | None, strawberry.argument(description="Conditions to match.")
    ] = None,
) -> Connection[ServiceListing]:
    """Service listings, newest first."""
    raise unserved()
