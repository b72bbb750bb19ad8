"""The consultancy marketplace's bidding: post an RFP, bid sealed, close, award a contract."""

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import (
    EngagementKind,
    EngagementStatus,
    InvitationStatus,
    NotificationKind,
    OpportunityStatus,
    ProposalStatus,
)
from db.models import (
    ConsultancyProposal,
    ConsultancyRfp,
    ContractMilestone,
    Engagement,
    Invitation,
    Milestone,
    Opportunity,
)
from db.models.consultancy import AMOUNT_MAX, TEXT_MAX
from graph.auth.permissions import require_engineer
from graph.auth.viewer import Viewer
from graph.services import audit
from graph.services import opportunity as opportunities
from graph.services.capacity import lock_capacity
from graph.services.notification import notify, seeker_recipients
from graph.services.problems import Problem, Rejected, reject
from graph.services.seeker import acts_for_seeker

MILESTONES_MAX = 20
"""Most priced milestones an award may set."""


class ConsultancyErrorCode(enum.Enum):
    """Why a consultancy marketplace mutation was refused."""

    NOT_FOUND = "NOT_FOUND"
    NOT_STAFF = "NOT_STAFF"
    NOT_SEEKER = "NOT_SEEKER"
    NOT_BIDDER = "NOT_BIDDER"
    NOT_CONTRIBUTOR = "NOT_CONTRIBUTOR"
    NOT_PARTY = "NOT_PARTY"
    NOT_AN_RFP = "NOT_AN_RFP"
    NOT_A_CONTRACT = "NOT_A_CONTRACT"
    OWN_RFP = "OWN_RFP"
    INSTITUTION_REQUIRED = "INSTITUTION_REQUIRED"
    INVALID_TITLE = "INVALID_TITLE"
    INVALID_DESCRIPTION = "INVALID_DESCRIPTION"
    INVALID_EFFORT = "INVALID_EFFORT"
    INVALID_TIMEZONE_WINDOW = "INVALID_TIMEZONE_WINDOW"
    INVALID_LOCATION = "INVALID_LOCATION"
    INVALID_DEADLINE = "INVALID_DEADLINE"
    INVALID_VISIBILITY = "INVALID_VISIBILITY"
    INVALID_BUDGET = "INVALID_BUDGET"
    INVALID_CURRENCY = "INVALID_CURRENCY"
    INVALID_CLOSING_DATE = "INVALID_CLOSING_DATE"
    INVALID_PRICE = "INVALID_PRICE"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    TEXT_REQUIRED = "TEXT_REQUIRED"
    TEXT_TOO_LONG = "TEXT_TOO_LONG"
    RFP_CLOSED = "RFP_CLOSED"
    ALREADY_BID = "ALREADY_BID"
    CANNOT_WITHDRAW = "CANNOT_WITHDRAW"
    NOT_CLOSED = "NOT_CLOSED"
    ALREADY_AWARDED = "ALREADY_AWARDED"
    PROPOSAL_WITHDRAWN = "PROPOSAL_WITHDRAWN"
    INVALID_MILESTONE = "INVALID_MILESTONE"
    MILESTONES_EXCEED_PRICE = "MILESTONES_EXCEED_PRICE"
    CAPACITY_EXCEEDED = "CAPACITY_EXCEEDED"
    CONTRACT_NOT_ACTIVE = "CONTRACT_NOT_ACTIVE"
    NOT_SUBMITTED = "NOT_SUBMITTED"
    ALREADY_SUBMITTED = "ALREADY_SUBMITTED"
    ALREADY_ACCEPTED = "ALREADY_ACCEPTED"
    MILESTONES_OUTSTANDING = "MILESTONES_OUTSTANDING"
    NOT_COMPLETED = "NOT_COMPLETED"
    ALREADY_REVIEWED = "ALREADY_REVIEWED"
    INVALID_RATING = "INVALID_RATING"
    INVALID_RATE = "INVALID_RATE"
    UNKNOWN_SECTOR = "UNKNOWN_SECTOR"
    LISTING_INACTIVE = "LISTING_INACTIVE"
    ALREADY_INVITED = "ALREADY_INVITED"


Code = ConsultancyErrorCode


@dataclass(frozen=True)
class RfpTerms:
    """What makes an opportunity an RFP: budget range, currency, closing date."""

    budget_min: str
    budget_max: str
    currency: str
    closes_at: datetime


@dataclass(frozen=True)
class Bid:
    """A contributor's proposal: price, currency, approach and timeline."""

    price: str
    currency: str
    approach: str
    timeline: str


@dataclass(frozen=True)
class PricedMilestone:
    """A contract milestone set at the award: what, when, and for how much."""

    title: str
    due_on: date
    amount: str


def amount(text: str, code: Code, *field: str) -> Decimal:
    """A non-negative decimal with at most two places, up to AMOUNT_MAX; `code` otherwise."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        raise reject(code, f"{text[:40]!r} is not a decimal amount.", *field) from None
    if not value.is_finite() or value < 0 or value > AMOUNT_MAX or value != round(value, 2):
        raise reject(code, f"Amounts run from 0 to {AMOUNT_MAX}, in cents.", *field)
    return value


def check_currency(currency: str, *field: str) -> str:
    """An ISO 4217 code (three capital letters)."""
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        raise reject(Code.INVALID_CURRENCY, "Currencies are ISO 4217 codes (USD).", *field)
    if not currency.isupper():
        raise reject(Code.INVALID_CURRENCY, "Currencies are ISO 4217 codes (USD).", *field)
    return currency


def check_text(text: str, field: str, *, required: bool = True, limit: int = TEXT_MAX) -> str:
    """Text of 1 (or 0) to `limit` characters, stripped."""
    stripped = text.strip()
    if len(text) > limit:
        raise reject(Code.TEXT_TOO_LONG, f"At most {limit} characters.", field)
    if required and not stripped:
        raise reject(Code.TEXT_REQUIRED, "Write something here.", field)
    return stripped


def is_closed(rfp: ConsultancyRfp, now: datetime) -> bool:
    """Bidding has ended (closing date passed, or closed explicitly): proposals unseal."""
    return rfp.closed_at is not None or rfp.closes_at <= now


async def _now(session: AsyncSession) -> datetime:
    """The transaction's clock, the one the read rules compare with (`now()`)."""
    found: datetime | None = await session.scalar(select(func.now()))
    assert found is not None
    return found


async def create_rfp(
    session: AsyncSession,
    viewer: Viewer,
    draft: opportunities.OpportunityDraft,
    terms: RfpTerms,
    *,
    institution_id: int | None,
    request_id: str = "",
) -> Opportunity:
    """An institution's staff (or client) posts an OPEN consultancy RFP."""
    if institution_id is None:
        raise reject(Code.INSTITUTION_REQUIRED, "An institution posts an RFP.", "institution")
    if not await acts_for_seeker(session, viewer, None, institution_id):
        raise reject(Code.NOT_STAFF, "You do not act for that institution.", "institution")
    low = amount(terms.budget_min, Code.INVALID_BUDGET, "budgetMin")
    high = amount(terms.budget_max, Code.INVALID_BUDGET, "budgetMax")
    if low > high:
        raise reject(Code.INVALID_BUDGET, "The budget minimum exceeds its maximum.", "budgetMin")
    currency = check_currency(terms.currency, "currency")
    now = await _now(session)
    if terms.closes_at <= now:
        raise reject(Code.INVALID_CLOSING_DATE, "The closing date must be ahead.", "closesAt")
    try:
        row = await opportunities.create(
            session,
            viewer,
            _as_rfp(draft, terms.closes_at),
            institution_id=institution_id,
        )
    except Rejected as rejected:
        raise Rejected(
            [Problem(Code(p.code.value), p.message, p.field) for p in rejected.problems]
        ) from None
    row.status = OpportunityStatus.OPEN.value
    session.add(
        ConsultancyRfp(
            opportunity_id=row.id,
            budget_min=low,
            budget_max=high,
            currency=currency,
            closes_at=terms.closes_at,
        )
    )
    await session.flush()
    return row


def _as_rfp(
    draft: opportunities.OpportunityDraft, closes_at: datetime
) -> opportunities.OpportunityDraft:
    """The draft as a CONSULTANCY opportunity whose deadline is the closing date."""
    return replace(draft, kind=EngagementKind.CONSULTANCY, deadline=closes_at)


async def _rfp(
    session: AsyncSession, viewer: Viewer, opportunity_id: int
) -> tuple[ConsultancyRfp, Opportunity]:
    """The RFP (row-locked: bids, closing and the award serialise) if the viewer may see it."""
    target = await opportunities.readable(session, viewer, opportunity_id)
    rfp = await session.get(ConsultancyRfp, target.id, with_for_update=True)
    if rfp is None:
        raise reject(Code.NOT_AN_RFP, "That opportunity takes no proposals.", "opportunity")
    return rfp, target


async def close_rfp(
    session: AsyncSession, viewer: Viewer, opportunity_id: int, *, request_id: str = ""
) -> Opportunity:
    """The institution closes bidding early: proposals unseal for it; bidders are told."""
    try:
        rfp, target = await _rfp(session, viewer, opportunity_id)
    except Rejected:
        raise reject(Code.NOT_FOUND, "No such RFP.", "opportunity") from None
    if not await acts_for_seeker(session, viewer, target.poster_id, target.institution_id):
        raise reject(Code.NOT_STAFF, "Only the institution's staff close an RFP.")
    now = await _now(session)
    if is_closed(rfp, now):
        raise reject(Code.RFP_CLOSED, "The RFP is already closed.", "opportunity")
    rfp.closed_at = now
    before = {"status": target.status}
    target.status = OpportunityStatus.CLOSED.value
    await session.flush()
    await notify(
        session,
        await _bidders(session, target.id),
        NotificationKind.RFP_CLOSED,
        opportunity_id=target.id,
    )
    audit.record(
        session,
        viewer,
        "consultancy.close",
        target,
        chapter_id=None,
        before=before,
        after={"status": target.status, "closedAt": now.isoformat()},
        request_id=request_id,
    )
    await session.flush()
    return target


async def _bidders(session: AsyncSession, opportunity_id: int) -> list[int]:
    """Who holds a live (SUBMITTED) proposal on the RFP."""
    found = await session.scalars(
        select(ConsultancyProposal.bidder_id).where(
            ConsultancyProposal.opportunity_id == opportunity_id,
            ConsultancyProposal.status == ProposalStatus.SUBMITTED,
        )
    )
    return list(found)


async def submit(
    session: AsyncSession, viewer: Viewer, opportunity_id: int, bid: Bid
) -> ConsultancyProposal:
    """A contributor bids, sealed, on an open RFP they may see; once."""
    bidder = require_engineer(viewer)
    rfp, target = await _rfp(session, viewer, opportunity_id)
    now = await _now(session)
    if is_closed(rfp, now) or target.status != OpportunityStatus.OPEN:
        raise reject(Code.RFP_CLOSED, "Bidding on this RFP has closed.", "opportunity")
    if await acts_for_seeker(session, viewer, target.poster_id, target.institution_id):
        raise reject(Code.OWN_RFP, "You cannot bid on your own institution's RFP.")
    taken = await session.scalar(
        select(ConsultancyProposal.id).where(
            ConsultancyProposal.opportunity_id == rfp.opportunity_id,
            ConsultancyProposal.bidder_id == bidder,
        )
    )
    if taken is not None:
        raise reject(Code.ALREADY_BID, "You already bid on this RFP.", "opportunity")
    price = amount(bid.price, Code.INVALID_PRICE, "price")
    currency = check_currency(bid.currency, "currency")
    if currency != rfp.currency:
        raise reject(Code.CURRENCY_MISMATCH, f"This RFP is priced in {rfp.currency}.", "currency")
    row = ConsultancyProposal(
        opportunity_id=rfp.opportunity_id,
        bidder_id=bidder,
        price=price,
        currency=currency,
        approach=check_text(bid.approach, "approach"),
        timeline=check_text(bid.timeline, "timeline"),
    )
    session.add(row)
    await session.execute(
        update(Invitation)
        .where(
            Invitation.opportunity_id == rfp.opportunity_id,
            Invitation.engineer_id == bidder,
            Invitation.status == InvitationStatus.PENDING,
        )
        .values(status=InvitationStatus.ACCEPTED.value, answered_at=now)
    )
    await session.flush()
    return row


async def _proposal(
    session: AsyncSession, proposal_id: int
) -> tuple[ConsultancyProposal, ConsultancyRfp]:
    """The proposal and its RFP, both row-locked — the RFP first, as bids, the close and the
    award lock it, so that no two of them wait on each other; NOT_FOUND when there is none."""
    opportunity_id = await session.scalar(
        select(ConsultancyProposal.opportunity_id).where(ConsultancyProposal.id == proposal_id)
    )
    if opportunity_id is None:
        raise reject(Code.NOT_FOUND, "No such proposal.", "proposal")
    rfp = await session.get_one(ConsultancyRfp, opportunity_id, with_for_update=True)
    row = await session.get_one(
        ConsultancyProposal, proposal_id, with_for_update=True, populate_existing=True
    )
    return row, rfp


async def withdraw(session: AsyncSession, viewer: Viewer, proposal_id: int) -> ConsultancyProposal:
    """The bidder withdraws a SUBMITTED proposal before the RFP closes (for good)."""
    row, rfp = await _proposal(session, proposal_id)
    if row.bidder_id != viewer.engineer_id:
        raise reject(Code.NOT_FOUND, "No such proposal.", "proposal")
    if is_closed(rfp, await _now(session)):
        raise reject(Code.RFP_CLOSED, "Bidding on this RFP has closed.")
    if row.status != ProposalStatus.SUBMITTED:
        raise reject(Code.CANNOT_WITHDRAW, f"The proposal is {row.status}.")
    row.status = ProposalStatus.WITHDRAWN.value
    await session.flush()
    return row


def _milestones(
    given: Sequence[PricedMilestone], price: Decimal
) -> list[tuple[str, date, Decimal]]:
    """The award's milestones, checked: titles, amounts, and a total within the price."""
    if len(given) > MILESTONES_MAX:
        raise reject(Code.INVALID_MILESTONE, f"At most {MILESTONES_MAX} milestones.", "milestones")
    checked = []
    for index, milestone in enumerate(given):
        title = milestone.title.strip()
        if not 1 <= len(title) <= 200:
            raise reject(
                Code.INVALID_MILESTONE, "Titles are 1-200 characters.", "milestones", str(index)
            )
        value = amount(milestone.amount, Code.INVALID_MILESTONE, "milestones", str(index))
        checked.append((title, milestone.due_on, value))
    if sum((value for _, _, value in checked), Decimal(0)) > price:
        raise reject(
            Code.MILESTONES_EXCEED_PRICE,
            f"The milestones add up to more than the price ({price}).",
            "milestones",
        )
    return checked


def _snapshot(row: ConsultancyProposal) -> dict[str, Any]:
    return {"status": row.status, "engagementId": row.engagement_id}


async def award(
    session: AsyncSession,
    viewer: Viewer,
    proposal_id: int,
    milestones: Sequence[PricedMilestone] = (),
    *,
    request_id: str = "",
) -> tuple[ConsultancyProposal, Engagement]:
    """The institution awards one proposal of a closed RFP: an ACTIVE contract engagement with
    priced milestones; the winner and the other bidders are told; audited."""
    row, rfp = await _proposal(session, proposal_id)
    target = await session.get_one(Opportunity, row.opportunity_id)
    if not await acts_for_seeker(session, viewer, target.poster_id, target.institution_id):
        if row.bidder_id == viewer.engineer_id:
            raise reject(Code.NOT_STAFF, "Only the institution's staff award an RFP.")
        raise reject(Code.NOT_FOUND, "No such proposal.", "proposal")
    now = await _now(session)
    if not is_closed(rfp, now):
        raise reject(Code.NOT_CLOSED, "Proposals stay sealed until the RFP closes.")
    if rfp.awarded_at is not None:
        raise reject(Code.ALREADY_AWARDED, "This RFP has been awarded.")
    if row.status != ProposalStatus.SUBMITTED:
        raise reject(Code.PROPOSAL_WITHDRAWN, f"The proposal is {row.status}.", "proposal")
    terms = _milestones(milestones, row.price)
    capacity = await lock_capacity(session, row.bidder_id)
    if not capacity.fits(target.hours_per_month):
        raise reject(Code.CAPACITY_EXCEEDED, "The contributor has no capacity left.")
    before = _snapshot(row)
    engagement = Engagement(
        kind=EngagementKind.CONSULTANCY.value,
        opportunity_id=target.id,
        contributor_id=row.bidder_id,
        seeker_id=viewer.engineer_id or target.poster_id,
        institution_id=target.institution_id,
        hours_per_month=target.hours_per_month,
        status=EngagementStatus.ACTIVE.value,
        started_at=now,
    )
    session.add(engagement)
    await session.flush()
    for title, due_on, value in terms:
        milestone = Milestone(engagement_id=engagement.id, title=title, due_on=due_on)
        session.add(milestone)
        await session.flush()
        session.add(
            ContractMilestone(
                milestone_id=milestone.id,
                engagement_id=engagement.id,
                amount=value,
                currency=row.currency,
            )
        )
    row.status = ProposalStatus.AWARDED.value
    row.engagement_id = engagement.id
    losers = await _bidders(session, target.id)
    await session.execute(
        update(ConsultancyProposal)
        .where(
            ConsultancyProposal.opportunity_id == target.id,
            ConsultancyProposal.status == ProposalStatus.SUBMITTED,
            ConsultancyProposal.id != row.id,
        )
        .values(status=ProposalStatus.NOT_AWARDED.value)
    )
    rfp.awarded_at = now
    target.status = OpportunityStatus.FILLED.value
    await session.flush()
    await notify(
        session,
        [row.bidder_id],
        NotificationKind.PROPOSAL_AWARDED,
        opportunity_id=target.id,
        engagement_id=engagement.id,
    )
    await notify(
        session,
        [bidder for bidder in losers if bidder != row.bidder_id],
        NotificationKind.PROPOSAL_NOT_AWARDED,
        opportunity_id=target.id,
    )
    audit.record(
        session,
        viewer,
        "consultancy.award",
        row,
        chapter_id=None,
        before=before,
        after=_snapshot(row),
        request_id=request_id,
    )
    await session.flush()
    return row, engagement


async def seeker_of(session: AsyncSession, engagement: Engagement) -> list[int | None]:
    """The engineers on a contract's seeker side (the awarding staff, else all staff)."""
    return await seeker_recipients(session, engagement.seeker_id, engagement.institution_id)
