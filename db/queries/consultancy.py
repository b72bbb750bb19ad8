"""Consultancy marketplace SELECTs: orderings, filters, and the RFP's closing and stage."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from db.enums import EngagementStatus, RfpStage
from db.models import (
    ConsultancyProposal,
    ConsultancyRfp,
    Engagement,
)
from db.queries.opportunity import SEARCH_CONFIG
from db.queries.pagination import Ordering

PROPOSAL_ORDERINGS: dict[str, Ordering] = {
    "PRICE": Ordering("PRICE", ("price_cents", "id")),
    "PRICE_DESC": Ordering("PRICE_DESC", ("price_cents", "id"), descending=True),
    "NEWEST": Ordering("NEWEST", ("created_at", "id"), descending=True),
}
"""Orders of a proposal list: cheapest first (the side-by-side comparison) unless asked."""
LISTING_ORDERING = Ordering("NEWEST", ("created_at", "id"), descending=True)
"""Service listings: newest first."""


def rfp_closed() -> ColumnElement[bool]:
    """SQL over consultancy_rfps: bidding has ended (closed explicitly, or its date passed)."""
    return or_(ConsultancyRfp.closed_at.is_not(None), ConsultancyRfp.closes_at <= func.now())


def rfp_stage() -> ColumnElement[str]:
    """SQL over consultancy_rfps: OPEN, CLOSED, AWARDED, or COMPLETED (its contract is)."""
    completed = (
        select(ConsultancyProposal.id)
        .join(Engagement, Engagement.id == ConsultancyProposal.engagement_id)
        .where(
            ConsultancyProposal.opportunity_id == ConsultancyRfp.opportunity_id,
            Engagement.status == EngagementStatus.COMPLETED,
        )
        .correlate(ConsultancyRfp)
        .exists()
    )
    return case(
        (and_(ConsultancyRfp.awarded_at.is_not(None), completed), RfpStage.COMPLETED.value),
        (ConsultancyRfp.awarded_at.is_not(None), RfpStage.AWARDED.value),
        (rfp_closed(), RfpStage.CLOSED.value),
        else_=RfpStage.OPEN.value,
    )


PROPOSAL_SEARCH_SQL = (
    f"to_tsvector('{SEARCH_CONFIG}', {{c}}.approach || ' ' || {{c}}.timeline)"
    f" @@ websearch_to_tsquery('{SEARCH_CONFIG}', {{v}})"
)
"""proposal_search over the row `{c}`, for the compiled path."""


@dataclass(frozen=True)
class ProposalFilter:
    """Which proposals a list shows (besides the viewer's rule)."""

    statuses: tuple[str, ...] = ()
    search: str | None = None


@dataclass(frozen=True)
class ListingFilter:
    """Which service listings a list shows."""

    sectors: tuple[str, ...] = ()
    contributor: str | None = None
    search: str | None = None


LISTING_CONDITIONS: dict[str, tuple[str, str]] = {
    "sectors": (
        "{c}.id IN (SELECT f_ls.listing_id FROM service_listing_sectors f_ls"
        " JOIN sectors f_s ON f_s.id = f_ls.sector_id WHERE f_s.slug = ANY({v}))",
        "text[]",
    ),
    "contributor": (
        "{c}.contributor_id IN (SELECT f_e.id FROM engineers f_e WHERE f_e.handle = {v})",
        "text",
    ),
    "search": (
        f"to_tsvector('{SEARCH_CONFIG}', {{c}}.title || ' ' || {{c}}.description)"
        f" @@ websearch_to_tsquery('{SEARCH_CONFIG}', {{v}})",
        "text",
    ),
}
"""filtered_listings' conditions over the row `{c}`, for the compiled path."""


