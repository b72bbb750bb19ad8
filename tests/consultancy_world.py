"""A consultancy marketplace for tests: an institution's RFPs in every stage, sealed and
unsealed proposals, a contract in progress, a completed one with reviews, a service listing."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import EngagementKind, MilestoneStatus, OpportunityStatus, ProposalStatus
from db.models import (
    ConsultancyProposal,
    ConsultancyRfp,
    ContractMilestone,
    Engagement,
    Engineer,
    Feedback,
    Institution,
    Milestone,
    Opportunity,
    ServiceListing,
    ServiceListingSector,
)
from graph.ids import encode_id
from tests import contribution_world, factories


@dataclass
class Market:
    """What the marketplace holds, by name."""

    institution: Institution
    staff: Engineer
    bidders: list[Engineer]
    stranger: Engineer
    opportunities: dict[str, Opportunity] = field(default_factory=dict)
    proposals: dict[str, ConsultancyProposal] = field(default_factory=dict)
    engagements: dict[str, Engagement] = field(default_factory=dict)
    milestones: dict[str, Milestone] = field(default_factory=dict)
    listing: ServiceListing | None = None

    def id_of(self, name: str) -> str:
        """The global ID of a proposal (by name) or opportunity (by name)."""
        if name in self.proposals:
            return encode_id("ConsultancyProposal", self.proposals[name].id)
        return encode_id("Opportunity", self.opportunities[name].id)


async def _rfp(
    session: AsyncSession,
    market: Market,
    name: str,
    closes_at: datetime,
    **extra: object,
) -> Opportunity:
    target = await contribution_world.opportunity(
        session,
        market.staff,
        kind=EngagementKind.CONSULTANCY.value,
        title=f"Mkt {name} grid study",
        institution_id=market.institution.id,
        deadline=closes_at,
        status=str(extra.pop("status", OpportunityStatus.OPEN.value)),
    )
    session.add(
        ConsultancyRfp(
            opportunity_id=target.id,
            budget_min=Decimal("1000.00"),
            budget_max=Decimal("10000.00"),
            currency="USD",
            closes_at=closes_at,
            **extra,
        )
    )
    await session.flush()
    market.opportunities[name] = target
    return target


async def _bid(
    session: AsyncSession,
    market: Market,
    name: str,
    target: Opportunity,
    bidder: Engineer,
    price: str,
    **extra: object,
) -> ConsultancyProposal:
    row = ConsultancyProposal(
        opportunity_id=target.id,
        bidder_id=bidder.id,
        price=Decimal(price),
        currency="USD",
        approach=f"Mkt approach {name}: load-flow modelling",
        timeline="Six weeks",
        **extra,
    )
    session.add(row)
    await session.flush()
    market.proposals[name] = row
    return row


async def _contract(
    session: AsyncSession, market: Market, name: str, proposal: ConsultancyProposal, status: str
) -> Engagement:
    now = datetime.now(UTC)
    engagement = await contribution_world.engagement(
        session,
        await session.get_one(Engineer, proposal.bidder_id),
        market.staff,
        kind=EngagementKind.CONSULTANCY.value,
        institution_id=market.institution.id,
        opportunity_id=proposal.opportunity_id,
        status=status,
        completed_at=now if status == "COMPLETED" else None,
    )
    proposal.engagement_id = engagement.id
    proposal.status = ProposalStatus.AWARDED.value
    market.engagements[name] = engagement
    states = (
        [MilestoneStatus.COUNTERSIGNED, MilestoneStatus.COUNTERSIGNED]
        if status == "COMPLETED"
        else [MilestoneStatus.COUNTERSIGNED, MilestoneStatus.DONE, MilestoneStatus.PLANNED]
    )
    for index, state in enumerate(states):
        milestone = Milestone(
            engagement_id=engagement.id,
            title=f"Mkt deliverable {index + 1}",
            due_on=date(2030, 1, 1) + timedelta(days=30 * index),
            status=state.value,
            countersigned_at=now if state is MilestoneStatus.COUNTERSIGNED else None,
        )
        session.add(milestone)
        await session.flush()
        market.milestones[f"{name}-{index}"] = milestone
        session.add(
            ContractMilestone(
                milestone_id=milestone.id,
                engagement_id=engagement.id,
                amount=Decimal("1000.00") * (index + 1),
                currency="USD",
                submitted_at=None if state is MilestoneStatus.PLANNED else now,
                submission_note="" if state is MilestoneStatus.PLANNED else "Report attached.",
                rework_count=1 if index == 1 else 0,
                rework_note="Add the fault study." if index == 1 else "",
            )
        )
    await session.flush()
    return engagement


async def build(session: AsyncSession, prefix: str = "mkt") -> Market:
    """Four RFPs of one institution: OPEN (two sealed bids), CLOSED awaiting the award (three
    bids), AWARDED (closed early; a contract in progress) and COMPLETED (reviews both ways)."""
    institution = await factories.institution(
        session, slug=f"{prefix}-uni", name=f"Mkt University {prefix}"
    )
    staff = await factories.engineer(session, handle=f"{prefix}-staff")
    await factories.affiliation(session, staff, institution, role="Procurement")
    bidders = [
        await factories.engineer(session, handle=f"{prefix}-bidder-{n}", offers=["CONSULTANCY"])
        for n in range(3)
    ]
    stranger = await factories.engineer(session, handle=f"{prefix}-stranger")
    market = Market(institution, staff, bidders, stranger)
    now = datetime.now(UTC)
    past = now - timedelta(days=3)
    open_rfp = await _rfp(session, market, "open", now + timedelta(days=10))
    await _bid(session, market, "open-0", open_rfp, bidders[0], "9000.00")
    await _bid(session, market, "open-1", open_rfp, bidders[1], "7000.50")
    closed = await _rfp(session, market, "closed", past)
    await _bid(session, market, "closed-0", closed, bidders[0], "5000.00")
    await _bid(session, market, "closed-1", closed, bidders[1], "4000.00")
    await _bid(session, market, "closed-2", closed, bidders[2], "6000.00")
    awarded = await _rfp(
        session,
        market,
        "awarded",
        now + timedelta(days=20),
        status=OpportunityStatus.FILLED.value,
        closed_at=past,
        awarded_at=past,
    )
    winner = await _bid(session, market, "awarded-0", awarded, bidders[0], "3000.00")
    await _bid(
        session,
        market,
        "awarded-1",
        awarded,
        bidders[1],
        "2500.00",
        status=ProposalStatus.NOT_AWARDED.value,
    )
    await _contract(session, market, "awarded", winner, "ACTIVE")
    done = await _rfp(
        session,
        market,
        "completed",
        past - timedelta(days=60),
        status=OpportunityStatus.FILLED.value,
        awarded_at=past - timedelta(days=50),
    )
    finished = await _bid(session, market, "completed-0", done, bidders[2], "2000.00")
    contract = await _contract(session, market, "completed", finished, "COMPLETED")
    session.add_all(
        [
            Feedback(
                engagement_id=contract.id,
                author_id=staff.id,
                subject_id=bidders[2].id,
                rating=5,
                comment="Thorough and on time.",
            ),
            Feedback(
                engagement_id=contract.id,
                author_id=bidders[2].id,
                subject_id=staff.id,
                rating=4,
                comment="Clear brief, prompt payment.",
            ),
        ]
    )
    water = await factories.sector(session, slug=f"{prefix}-water", name=f"Mkt Water {prefix}")
    listing = ServiceListing(
        contributor_id=bidders[2].id,
        title="Mkt grid protection studies",
        description="Relay coordination and fault studies.",
        rate_min=Decimal("80.00"),
        rate_max=Decimal("150.00"),
        currency="USD",
    )
    session.add(listing)
    await session.flush()
    session.add(ServiceListingSector(listing_id=listing.id, sector_id=water.id))
    session.add(
        ServiceListing(
            contributor_id=bidders[1].id,
            title="Mkt paused listing",
            rate_min=Decimal("10.00"),
            rate_max=Decimal("10.00"),
            currency="EUR",
            active=False,
        )
    )
    await session.flush()
    market.listing = listing
    return market
