"""Consultancy marketplace reads: RFPs (Opportunity.rfp), sealed proposals, priced contract
milestones and service listings; who may read what, as SQL predicates stated here once.

The seal: `proposals_visible` is the ONE rule over proposals. Every path that reaches a
proposal applies it — `node`, `nodes`, `Opportunity.rfp.proposals`, the root
`consultancyProposals` (with its search) and their totalCount, all through this declaration.
"""

from typing import Any

from sqlalchemy import ColumnElement, or_, select

from db import models
from db.models import ConsultancyProposal, ConsultancyRfp, Opportunity, ServiceListing
from db.queries.consultancy import (
    LISTING_CONDITIONS,
    LISTING_ORDERING,
    PROPOSAL_ORDERINGS,
    PROPOSAL_SEARCH_SQL,
    ListingFilter,
    ProposalFilter,
    rfp_closed,
    rfp_stage,
)
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import sqltext
from graph.compiler.declaration import (
    Column,
    Declaration,
    Filtered,
    Filters,
    Link,
    Paged,
    RootConnection,
    Rule,
    ToMany,
    ToOne,
    TypeMapping,
    columns,
    enum_value,
    global_id,
    present,
)
from graph.reads.contribution import _over_row
from graph.services.engineer import SLUG, check_list, check_search
from graph.services.seeker import seeker_side


def proposals_visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over consultancy_proposals: the seal. A bidder reads their own proposal; the RFP's
    seeker side (its institution's staff and client, its poster) reads the RFP's proposals
    only once bidding has closed (closed explicitly, or the closing date passed); nobody else
    ever, council admins included — no bidder sees another's."""
    unsealed_for_seeker = (
        select(ConsultancyRfp.opportunity_id)
        .join(Opportunity, Opportunity.id == ConsultancyRfp.opportunity_id)
        .where(
            ConsultancyRfp.opportunity_id == ConsultancyProposal.opportunity_id,
            seeker_side(viewer, Opportunity.poster_id, Opportunity.institution_id),
            rfp_closed(),
        )
        .correlate(ConsultancyProposal)
        .exists()
    )
    if viewer.engineer_id is None:
        return unsealed_for_seeker
    return or_(ConsultancyProposal.bidder_id == viewer.engineer_id, unsealed_for_seeker)


def listings_visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over service_listings: active listings for everyone, inactive ones for their owner."""
    if viewer.engineer_id is None:
        return ServiceListing.active.is_(True)
    return or_(ServiceListing.active, ServiceListing.contributor_id == viewer.engineer_id)


def _proposals(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    return proposals_visible(viewer)


def _listings(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    return listings_visible(viewer)


STAGE_SQL = _over_row(rfp_stage(), ConsultancyRfp)
"""ConsultancyRfp.stage as read, at the statement's now()."""
SEALED_SQL = "(NOT " + _over_row(rfp_closed(), ConsultancyRfp) + ")"
"""ConsultancyRfp.sealed: bidding is still open."""

PROPOSAL_CONDITIONS: dict[str, tuple[str, str]] = {
    "statuses": ("{c}.status = ANY({v})", "text[]"),
    "search": (PROPOSAL_SEARCH_SQL, "text"),
}
"""db.queries.consultancy.filtered_proposals' conditions over the row `{c}`."""


def proposal_criteria(statuses: list[str] | None, search: str | None) -> ProposalFilter:
    """A proposal list's filter, checked the same way on both read paths."""
    return ProposalFilter(statuses=check_list("status", statuses), search=check_search(search))


def listing_criteria(
    sectors: list[str] | None, contributor: str | None, search: str | None
) -> ListingFilter:
    """A listing list's filter, checked the same way on both read paths."""
    return ListingFilter(
        sectors=check_list("sectors", sectors, SLUG),
        contributor=contributor[:64] if contributor is not None else None,
        search=check_search(search),
    )


def bind_proposals(arguments: dict[str, Any]) -> Filtered:
    """`proposals(filter:, orderBy:)` and the root `consultancyProposals`."""
    order = arguments.get("orderBy")
    ordering = PROPOSAL_ORDERINGS[enum_value(order)] if order is not None else None
    given = arguments.get("filter") or {}
    found = present(
        proposal_criteria(
            [enum_value(status) for status in given.get("status") or ()] or None,
            given.get("search"),
        )
    )
    return Filtered(ordering, found.conditions, found.values)


def bind_listings(arguments: dict[str, Any]) -> Filtered:
    """`serviceListings(filter:)`."""
    given = arguments.get("filter") or {}
    found = present(
        listing_criteria(given.get("sectors"), given.get("contributor"), given.get("search"))
    )
    return Filtered(None, found.conditions, found.values)


PROPOSAL_FILTERS = Filters(bind_proposals, PROPOSAL_CONDITIONS)
_CHEAPEST = PROPOSAL_ORDERINGS["PRICE"]
_ENGINEER = "Engineer"


def _amount(column: str) -> Column:
    return Column(f"{{t}}.{column}::text")


DECLARATION = Declaration(
    types=(
        TypeMapping(
            "ConsultancyRfp",
            "consultancy_rfps",
            {
                "budgetMin": _amount("budget_min"),
                "budgetMax": _amount("budget_max"),
                "currency": Column("{t}.currency"),
                "closesAt": Column(sqltext.timestamp("{t}.closes_at")),
                "closedAt": Column(sqltext.timestamp("{t}.closed_at")),
                "awardedAt": Column(sqltext.timestamp("{t}.awarded_at")),
                "stage": Column(STAGE_SQL),
                "sealed": Column(SEALED_SQL),
                "opportunity": ToOne(Link("Opportunity", "{c}.id = {p}.opportunity_id")),
                "proposals": Paged(
                    Link("ConsultancyProposal", "{c}.opportunity_id = {p}.opportunity_id"),
                    _CHEAPEST,
                    models.ConsultancyProposal,
                    visibility="consultancy_proposal",
                    filters=PROPOSAL_FILTERS,
                ),
            },
            models.ConsultancyRfp,
        ),
        TypeMapping(
            "ConsultancyProposal",
            "consultancy_proposals",
            {
                "id": global_id("ConsultancyProposal"),
                "price": _amount("price"),
                **columns(
                    currency="currency", approach="approach", timeline="timeline", status="status"
                ),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "bidder": ToOne(Link(_ENGINEER, "{c}.id = {p}.bidder_id")),
                "opportunity": ToOne(Link("Opportunity", "{c}.id = {p}.opportunity_id")),
                "engagement": ToOne(Link("Engagement", "{c}.id = {p}.engagement_id")),
                "milestones": ToMany(
                    Link(
                        "ContractMilestone",
                        "{c}.engagement_id = {p}.engagement_id",
                        order=("{c}.milestone_id",),
                    )
                ),
                "reviews": ToMany(
                    Link(
                        "EngagementFeedback",
                        "{c}.engagement_id = {p}.engagement_id",
                        order=("{c}.created_at", "{c}.id"),
                    )
                ),
            },
            models.ConsultancyProposal,
        ),
        TypeMapping(
            "ContractMilestone",
            "consultancy_milestones",
            {
                "amount": _amount("amount"),
                **columns(
                    currency="currency",
                    submissionNote="submission_note",
                    reworkNote="rework_note",
                    reworkCount="rework_count",
                ),
                "submittedAt": Column(sqltext.timestamp("{t}.submitted_at")),
                "milestone": ToOne(Link("EngagementMilestone", "{c}.id = {p}.milestone_id")),
            },
            models.ContractMilestone,
        ),
        TypeMapping(
            "ServiceListing",
            "service_listings",
            {
                "id": global_id("ServiceListing"),
                **columns(title="title", description="description", currency="currency"),
                "rateMin": _amount("rate_min"),
                "rateMax": _amount("rate_max"),
                "active": Column("{t}.active"),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "contributor": ToOne(Link(_ENGINEER, "{c}.id = {p}.contributor_id")),
                "sectors": ToMany(
                    Link(
                        "Sector",
                        "{c}_link.listing_id = {p}.id",
                        source="JOIN service_listing_sectors {c}_link"
                        " ON {c}_link.sector_id = {c}.id",
                        order=("{c}.name", "{c}.id"),
                    )
                ),
            },
            models.ServiceListing,
        ),
    ),
    connections={
        "consultancyProposals": RootConnection(
            "ConsultancyProposal",
            PROPOSAL_ORDERINGS["NEWEST"],
            visibility="consultancy_proposal",
            filters=PROPOSAL_FILTERS,
        ),
        "serviceListings": RootConnection(
            "ServiceListing",
            LISTING_ORDERING,
            visibility="service_listing",
            filters=Filters(bind_listings, LISTING_CONDITIONS),
        ),
    },
    nodes={"ConsultancyProposal": "consultancy_proposal", "ServiceListing": "service_listing"},
    rules={
        "consultancy_proposal": Rule(models.ConsultancyProposal, _proposals),
        "service_listing": Rule(models.ServiceListing, _listings),
    },
    extends={
        "Opportunity": {"rfp": ToOne(Link("ConsultancyRfp", "{c}.opportunity_id = {p}.id"))},
    },
)
