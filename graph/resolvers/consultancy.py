"""Consultancy marketplace reads on strawberry's path: `node(id:)` for proposals and listings,
and the root `consultancyProposals` and `serviceListings` connections — proposals always under
the seal of graph.reads.consultancy.proposals_visible."""

from typing import Annotated

import strawberry

from db import models
from db.queries import consultancy as queries
from graph.context import Info
from graph.pagination import PageArgs
from graph.reads.consultancy import (
    listing_criteria,
    listings_visible,
    proposal_criteria,
    proposals_visible,
)
from graph.services.listing import page_of
from graph.types.connection import After, Before, Connection, First, Last, build_connection
from graph.types.consultancy import (
    ConsultancyProposal,
    ProposalFilter,
    ProposalOrder,
    ServiceListing,
)


async def consultancy_proposals(
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
    given = filter or ProposalFilter()
    criteria = proposal_criteria(
        [status.value for status in given.status or ()] or None, given.search
    )
    ordering = queries.PROPOSAL_ORDERINGS[order_by.name]
    page, count = await page_of(
        info.context.database,
        queries.filtered_proposals(criteria, proposals_visible(info.context.viewer)),
        models.ConsultancyProposal,
        ordering,
        PageArgs(first, after, last, before),
    )
    return build_connection(page, ordering, ConsultancyProposal.from_model, count)


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


async def service_listings(
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
    given = filter or ServiceListingFilter()
    criteria = listing_criteria(given.sectors, given.contributor, given.search)
    page, count = await page_of(
        info.context.database,
        queries.filtered_listings(criteria, listings_visible(info.context.viewer)),
        models.ServiceListing,
        queries.LISTING_ORDERING,
        PageArgs(first, after, last, before),
    )
    return build_connection(page, queries.LISTING_ORDERING, ServiceListing.from_model, count)
