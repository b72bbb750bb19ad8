"""Contributors' service listings, and inviting a listed contributor to an RFP."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import NotificationKind, OpportunityStatus
from db.models import ConsultancyRfp, Invitation, Sector, ServiceListing, ServiceListingSector
from db.models.consultancy import LISTING_TITLE_MAX, TEXT_MAX
from db.models.opportunity import MESSAGE_MAX
from graph.auth.permissions import require_engineer
from graph.auth.viewer import Viewer
from graph.services import opportunity as opportunities
from graph.services.consultancy import Code, amount, check_currency, check_text, is_closed
from graph.services.notification import notify
from graph.services.problems import Rejected, reject
from graph.services.seeker import acts_for_seeker

SECTORS_MAX = 10


@dataclass(frozen=True)
class ListingDraft:
    """A service on offer: title, description, sectors, rate range and currency."""

    title: str
    rate_min: str
    rate_max: str
    currency: str
    description: str = ""
    sector_ids: Sequence[int] = ()


async def create(session: AsyncSession, viewer: Viewer, draft: ListingDraft) -> ServiceListing:
    """The signed-in contributor lists a service."""
    contributor = require_engineer(viewer)
    title = draft.title.strip()
    if not 3 <= len(title) <= LISTING_TITLE_MAX:
        raise reject(Code.INVALID_TITLE, "Titles are 3 to 200 characters.", "title")
    description = check_text(draft.description, "description", required=False, limit=TEXT_MAX)
    low = amount(draft.rate_min, Code.INVALID_RATE, "rateMin")
    high = amount(draft.rate_max, Code.INVALID_RATE, "rateMax")
    if low > high:
        raise reject(Code.INVALID_RATE, "The lowest rate exceeds the highest.", "rateMin")
    currency = check_currency(draft.currency, "currency")
    sector_ids = sorted(set(draft.sector_ids))
    if len(sector_ids) > SECTORS_MAX:
        raise reject(Code.UNKNOWN_SECTOR, f"At most {SECTORS_MAX} sectors.", "sectors")
    known = await session.scalar(
        select(func.count()).select_from(Sector).where(Sector.id.in_(sector_ids))
    )
    if known != len(sector_ids):
        raise reject(Code.UNKNOWN_SECTOR, "No such sector.", "sectors")
    row = ServiceListing(
        contributor_id=contributor,
        title=title,
        description=description,
        rate_min=low,
        rate_max=high,
        currency=currency,
    )
    session.add(row)
    await session.flush()
    session.add_all(ServiceListingSector(listing_id=row.id, sector_id=sid) for sid in sector_ids)
    await session.flush()
    return row


async def invite(
    session: AsyncSession, viewer: Viewer, listing_id: int, opportunity_id: int, message: str
) -> Invitation:
    """The institution's staff invite a listed contributor to bid on an open RFP; the
    contributor is notified (and may see the RFP even when it is INVITED-only)."""
    listing = await session.get(ServiceListing, listing_id)
    if listing is None or not listing.active:
        raise reject(Code.NOT_FOUND, "No such service listing.", "listing")
    try:
        target = await opportunities.readable(session, viewer, opportunity_id)
    except Rejected:
        raise reject(Code.NOT_FOUND, "No such RFP.", "opportunity") from None
    rfp = await session.get(ConsultancyRfp, target.id, with_for_update=True)
    if rfp is None:
        raise reject(Code.NOT_AN_RFP, "That opportunity takes no proposals.", "opportunity")
    if not await acts_for_seeker(session, viewer, target.poster_id, target.institution_id):
        raise reject(Code.NOT_STAFF, "Only the institution's staff invite bidders.")
    now = await session.scalar(select(func.now()))
    assert now is not None
    if is_closed(rfp, now) or target.status != OpportunityStatus.OPEN:
        raise reject(Code.RFP_CLOSED, "Bidding on this RFP has closed.", "opportunity")
    if listing.contributor_id == viewer.engineer_id:
        raise reject(Code.OWN_RFP, "You cannot invite yourself.", "listing")
    text = check_text(message, "message", required=False, limit=MESSAGE_MAX)
    taken = await session.scalar(
        select(Invitation.id).where(
            Invitation.opportunity_id == target.id,
            Invitation.engineer_id == listing.contributor_id,
        )
    )
    if taken is not None:
        raise reject(Code.ALREADY_INVITED, "That contributor is already invited.", "listing")
    row = Invitation(opportunity_id=target.id, engineer_id=listing.contributor_id, message=text)
    session.add(row)
    await session.flush()
    await notify(
        session,
        [listing.contributor_id],
        NotificationKind.RFP_INVITATION,
        opportunity_id=target.id,
        actor_id=viewer.engineer_id,
        payload={"listingId": listing.id, "invitationId": row.id},
    )
    return row
