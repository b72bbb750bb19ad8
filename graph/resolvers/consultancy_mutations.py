"""Consultancy marketplace mutations: RFPs, sealed proposals, the award, the contract's priced
milestones and reviews, service listings and invitations from them.

Each is `<entity><Verb>(input:)`, runs its service in one transaction (graph.resolvers.mutation)
and returns the changed object with `userErrors` coded by ConsultancyErrorCode.
"""

from datetime import date, datetime
from typing import Annotated, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.enums import EngagementKind, OpportunityVisibility
from graph.auth.permissions import requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.resolvers.mutation import Answers, decode, run_checked
from graph.services import consultancy as service
from graph.services import consultancy_contract as contracts
from graph.services import opportunity as opportunities
from graph.services import service_listing as listings
from graph.services.consultancy import ConsultancyErrorCode
from graph.services.problems import Rejected
from graph.types.consultancy import ConsultancyProposal, ServiceListing
from graph.types.contribution_summary import cpd_config
from graph.types.engagement import Engagement, EngagementFeedback, EngagementMilestone
from graph.types.opportunity import Opportunity

Code = ConsultancyErrorCode
ResultT = TypeVar("ResultT")


@strawberry.type(description="Why a consultancy marketplace mutation was refused.")
class ConsultancyUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: ConsultancyErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


ANSWERS = Answers(ConsultancyUserError, ConsultancyErrorCode)
"""How consultancy mutations answer."""


@strawberry.type(description="Result of posting or closing an RFP.")
class RfpPayload:
    """The RFP's opportunity as it is now, or why nothing changed."""

    opportunity: Opportunity | None = strawberry.field(
        description="The RFP's opportunity (its terms under `rfp`); null when refused."
    )
    user_errors: list[ConsultancyUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation on a proposal.")
class ConsultancyProposalPayload:
    """The proposal as it is now (and the contract an award created), or why not."""

    proposal: ConsultancyProposal | None = strawberry.field(
        description="The proposal after the change; null when refused."
    )
    engagement: Engagement | None = strawberry.field(
        description="The contract engagement `proposalAward` created; null otherwise."
    )
    user_errors: list[ConsultancyUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation on a contract milestone.")
class ContractMilestonePayload:
    """The milestone as it is now, or why nothing changed."""

    milestone: EngagementMilestone | None = strawberry.field(
        description="The milestone after the change; null when refused."
    )
    user_errors: list[ConsultancyUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of completing a contract.")
class ContractPayload:
    """The contract engagement as it is now, or why nothing changed."""

    engagement: Engagement | None = strawberry.field(
        description="The contract engagement after the change; null when refused."
    )
    user_errors: list[ConsultancyUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of reviewing a completed contract.")
class ContractReviewPayload:
    """The review given, or why not."""

    review: EngagementFeedback | None = strawberry.field(
        description="The review (engagement feedback); null when refused."
    )
    user_errors: list[ConsultancyUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation on a service listing.")
class ServiceListingPayload:
    """The listing (and, for an invitation, the RFP), or why nothing changed."""

    listing: ServiceListing | None = strawberry.field(description="The listing; null when refused.")
    opportunity: Opportunity | None = strawberry.field(
        description="The RFP the listed contributor was invited to; null otherwise."
    )
    user_errors: list[ConsultancyUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.input(description="A new request for proposals, opened at once.")
class RfpCreateInput:
    """The RFP: the need, the budget range, currency and closing date."""

    institution: strawberry.ID = strawberry.field(
        description="The institution posting it (you are its staff, or its client)."
    )
    title: str = strawberry.field(description="Short statement of the need, 3–200 characters.")
    description: str = strawberry.field(default="", description="The need in full.")
    hours_per_month: int = strawberry.field(description="Effort, 1–200 hours per month.")
    duration_months: int = strawberry.field(description="Duration, 1–60 months.")
    sectors: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="IDs of the sectors it is in."
    )
    budget_min: str = strawberry.field(description='Lowest budget, a decimal ("1000.00").')
    budget_max: str = strawberry.field(description="Highest budget, at least the lowest.")
    currency: str = strawberry.field(description="ISO 4217 currency every proposal must use.")
    closes_at: datetime = strawberry.field(description="When bidding ends (in the future).")
    visibility: OpportunityVisibility = strawberry.field(
        default=OpportunityVisibility.PUBLIC,
        description="Who may see it; INVITED RFPs only the contributors invited to bid.",
    )


@strawberry.input(description="One RFP to act on.")
class RfpInput:
    """The RFP's opportunity."""

    opportunity: strawberry.ID = strawberry.field(description="ID of the RFP's opportunity.")


@strawberry.input(description="A sealed proposal on an open RFP.")
class ProposalSubmitInput:
    """Price, currency, approach and timeline."""

    opportunity: strawberry.ID = strawberry.field(description="ID of the RFP's opportunity.")
    price: str = strawberry.field(description='Price asked, a decimal ("1500.00").')
    currency: str = strawberry.field(description="ISO 4217 currency; the RFP's own.")
    approach: str = strawberry.field(description="How the work will be done (1–10,000).")
    timeline: str = strawberry.field(description="When it will be delivered (1–10,000).")


@strawberry.input(description="One proposal to act on.")
class ConsultancyProposalInput:
    """The proposal."""

    proposal: strawberry.ID = strawberry.field(description="ID of the proposal.")


@strawberry.input(description="A priced milestone of the contract an award creates.")
class PricedMilestoneInput:
    """Title, due date and amount."""

    title: str = strawberry.field(description="What is delivered, 1–200 characters.")
    due_on: date = strawberry.field(description="When it is due.")
    amount: str = strawberry.field(description='What it pays, a decimal ("500.00").')


@strawberry.input(description="The proposal to award, and the contract's priced milestones.")
class ProposalAwardInput:
    """The proposal and its milestones."""

    proposal: strawberry.ID = strawberry.field(description="ID of the winning proposal.")
    milestones: list[PricedMilestoneInput] = strawberry.field(
        default_factory=list,
        description="At most 20; their amounts add up to no more than the price.",
    )


@strawberry.input(description="A contract milestone, with a note.")
class ContractMilestoneNoteInput:
    """The milestone and the note."""

    milestone: strawberry.ID = strawberry.field(description="ID of the EngagementMilestone.")
    note: str = strawberry.field(
        default="", description="What was delivered, or what to change (up to 10,000)."
    )


@strawberry.input(description="A contract milestone to accept.")
class ContractMilestoneInput:
    """The milestone."""

    milestone: strawberry.ID = strawberry.field(description="ID of the EngagementMilestone.")


@strawberry.input(description="One contract engagement to act on.")
class ContractInput:
    """The contract."""

    engagement: strawberry.ID = strawberry.field(description="ID of the contract engagement.")


@strawberry.input(description="A review of the other side of a completed contract.")
class ContractReviewInput:
    """The contract, the rating and the text."""

    engagement: strawberry.ID = strawberry.field(description="ID of the contract engagement.")
    rating: int = strawberry.field(description="1 (poor) to 5 (excellent).")
    comment: str = strawberry.field(default="", description="The review, up to 5,000.")


@strawberry.input(description="A service you offer.")
class ServiceListingCreateInput:
    """Title, sectors, rate range and currency."""

    title: str = strawberry.field(description="What you offer, 3–200 characters.")
    description: str = strawberry.field(default="", description="The service in full.")
    sectors: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="IDs of the sectors it serves (at most 10)."
    )
    rate_min: str = strawberry.field(description='Lowest rate, a decimal ("80.00").')
    rate_max: str = strawberry.field(description="Highest rate, at least the lowest.")
    currency: str = strawberry.field(description="ISO 4217 currency of the rates.")


@strawberry.input(description="Invite a listed contributor to bid on an RFP.")
class ServiceListingInviteInput:
    """The listing, the RFP and a message."""

    listing: strawberry.ID = strawberry.field(description="ID of the service listing.")
    opportunity: strawberry.ID = strawberry.field(description="ID of the RFP's opportunity.")
    message: str = strawberry.field(default="", description="A note to them, up to 5,000.")


def _opportunity(value: str) -> int:
    return decode(value, "Opportunity", Code.NOT_FOUND, "input", "opportunity")


def _rfp_payload(result: models.Opportunity | Rejected) -> RfpPayload:
    return ANSWERS.payload(RfpPayload, result, opportunity=Opportunity.from_model)


def _proposal_payload(
    result: tuple[models.ConsultancyProposal, models.Engagement | None] | Rejected,
) -> ConsultancyProposalPayload:
    return ANSWERS.payload(
        ConsultancyProposalPayload,
        result,
        proposal=lambda found: ConsultancyProposal.from_model(found[0]),
        engagement=lambda found: Engagement.from_model(found[1]) if found[1] else None,
    )


def _milestone_payload(result: models.Milestone | Rejected) -> ContractMilestonePayload:
    return ANSWERS.payload(
        ContractMilestonePayload, result, milestone=EngagementMilestone.from_model
    )


RFP_CREATE = (
    "Post a request for proposals on an institution's behalf (its staff or client): a "
    "CONSULTANCY opportunity, OPEN at once, with a budget range, currency and closing date."
    + requires(Scope.OPPORTUNITIES_WRITE)
)


async def rfp_create(
    info: Info,
    input: Annotated[RfpCreateInput, strawberry.argument(description="The RFP.")],
) -> RfpPayload:
    """rfpCreate."""

    async def work(session: AsyncSession) -> models.Opportunity:
        institution = decode(
            input.institution, "Institution", Code.NOT_FOUND, "input", "institution"
        )
        draft = opportunities.OpportunityDraft(
            kind=EngagementKind.CONSULTANCY,
            title=input.title,
            description=input.description,
            hours_per_month=input.hours_per_month,
            duration_months=input.duration_months,
            sector_ids=[
                decode(sector, "Sector", Code.NOT_FOUND, "input", "sectors")
                for sector in input.sectors
            ],
            visibility=input.visibility,
        )
        terms = service.RfpTerms(
            input.budget_min, input.budget_max, input.currency, input.closes_at
        )
        return await service.create_rfp(
            session,
            info.context.viewer,
            draft,
            terms,
            institution_id=institution,
            request_id=info.context.request_id,
        )

    return _rfp_payload(await run_checked(info, work, scope=Scope.OPPORTUNITIES_WRITE))


RFP_CLOSE = (
    "Close bidding before the closing date: the proposals unseal for the institution; the "
    "bidders are told. Its staff or client only; audited." + requires(Scope.OPPORTUNITIES_WRITE)
)


async def rfp_close(
    info: Info, input: Annotated[RfpInput, strawberry.argument(description="The RFP.")]
) -> RfpPayload:
    """rfpClose."""

    async def work(session: AsyncSession) -> models.Opportunity:
        return await service.close_rfp(
            session,
            info.context.viewer,
            _opportunity(input.opportunity),
            request_id=info.context.request_id,
        )

    return _rfp_payload(await run_checked(info, work, scope=Scope.OPPORTUNITIES_WRITE))


PROPOSAL_SUBMIT = (
    "Bid on an open RFP you may see, once: the proposal stays sealed — the institution reads "
    "it only after the close, other bidders never." + requires(Scope.ENGAGEMENTS_WRITE)
)


async def proposal_submit(
    info: Info,
    input: Annotated[ProposalSubmitInput, strawberry.argument(description="The proposal.")],
) -> ConsultancyProposalPayload:
    """proposalSubmit."""

    async def work(session: AsyncSession) -> tuple[models.ConsultancyProposal, None]:
        bid = service.Bid(input.price, input.currency, input.approach, input.timeline)
        proposal = await service.submit(
            session, info.context.viewer, _opportunity(input.opportunity), bid
        )
        return proposal, None

    return _proposal_payload(await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE))


def _proposal(value: str) -> int:
    return decode(value, "ConsultancyProposal", Code.NOT_FOUND, "input", "proposal")


PROPOSAL_WITHDRAW = (
    "Withdraw your proposal before the RFP closes (for good: you cannot bid again)."
    + requires(Scope.ENGAGEMENTS_WRITE)
)


async def proposal_withdraw(
    info: Info,
    input: Annotated[ConsultancyProposalInput, strawberry.argument(description="The proposal.")],
) -> ConsultancyProposalPayload:
    """proposalWithdraw."""

    async def work(session: AsyncSession) -> tuple[models.ConsultancyProposal, None]:
        return await service.withdraw(session, info.context.viewer, _proposal(input.proposal)), None

    return _proposal_payload(await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE))


PROPOSAL_AWARD = (
    "Award one proposal of a closed RFP, once: an ACTIVE contract engagement with priced "
    "milestones; the winner and the other bidders are told. The institution's staff or client "
    "only; audited." + requires(Scope.OPPORTUNITIES_WRITE)
)


async def proposal_award(
    info: Info,
    input: Annotated[ProposalAwardInput, strawberry.argument(description="The award.")],
) -> ConsultancyProposalPayload:
    """proposalAward."""

    async def work(
        session: AsyncSession,
    ) -> tuple[models.ConsultancyProposal, models.Engagement]:
        milestones = [
            service.PricedMilestone(m.title, m.due_on, m.amount) for m in input.milestones
        ]
        return await service.award(
            session,
            info.context.viewer,
            _proposal(input.proposal),
            milestones,
            request_id=info.context.request_id,
        )

    return _proposal_payload(await run_checked(info, work, scope=Scope.OPPORTUNITIES_WRITE))


def _milestone(value: str) -> int:
    return decode(value, "EngagementMilestone", Code.NOT_FOUND, "input", "milestone")


CONTRACT_MILESTONE_SUBMIT = (
    "Submit a milestone of your ACTIVE contract for acceptance, with a note; the institution "
    "is told." + requires(Scope.ENGAGEMENTS_WRITE)
)


async def contract_milestone_submit(
    info: Info,
    input: Annotated[ContractMilestoneNoteInput, strawberry.argument(description="The milestone.")],
) -> ContractMilestonePayload:
    """contractMilestoneSubmit."""

    async def work(session: AsyncSession) -> models.Milestone:
        return await contracts.submit_milestone(
            session, info.context.viewer, _milestone(input.milestone), input.note
        )

    return _milestone_payload(await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE))


CONTRACT_MILESTONE_ACCEPT = (
    "Accept a submitted contract milestone: countersigned, it enters the contributor's ledger. "
    "The institution's side only." + requires(Scope.ENGAGEMENTS_WRITE)
)


async def contract_milestone_accept(
    info: Info,
    input: Annotated[ContractMilestoneInput, strawberry.argument(description="The milestone.")],
) -> ContractMilestonePayload:
    """contractMilestoneAccept."""

    async def work(session: AsyncSession) -> models.Milestone:
        return await contracts.accept_milestone(
            session, info.context.viewer, _milestone(input.milestone), cpd_config()
        )

    return _milestone_payload(await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE))


CONTRACT_MILESTONE_REWORK = (
    "Send a submitted contract milestone back for rework, saying what to change. The "
    "institution's side only." + requires(Scope.ENGAGEMENTS_WRITE)
)


async def contract_milestone_rework(
    info: Info,
    input: Annotated[
        ContractMilestoneNoteInput, strawberry.argument(description="The milestone and note.")
    ],
) -> ContractMilestonePayload:
    """contractMilestoneRework."""

    async def work(session: AsyncSession) -> models.Milestone:
        return await contracts.rework_milestone(
            session, info.context.viewer, _milestone(input.milestone), input.note
        )

    return _milestone_payload(await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE))


def _engagement(value: str) -> int:
    return decode(value, "Engagement", Code.NOT_FOUND, "input", "engagement")


CONTRACT_COMPLETE = (
    "Complete an ACTIVE contract once every milestone is accepted; both sides are asked for a "
    "review. The institution's side only." + requires(Scope.ENGAGEMENTS_WRITE)
)


async def contract_complete(
    info: Info, input: Annotated[ContractInput, strawberry.argument(description="The contract.")]
) -> ContractPayload:
    """contractComplete."""

    async def work(session: AsyncSession) -> models.Engagement:
        return await contracts.complete(
            session,
            info.context.viewer,
            _engagement(input.engagement),
            request_id=info.context.request_id,
        )

    result = await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE)
    return ANSWERS.payload(ContractPayload, result, engagement=Engagement.from_model)


CONTRACT_REVIEW = (
    "Review the other side of a COMPLETED contract (1–5 and text), once per side: the "
    "institution's staff review the contributor, the contributor the institution."
    + requires(Scope.ENGAGEMENTS_WRITE)
)


async def contract_review(
    info: Info,
    input: Annotated[ContractReviewInput, strawberry.argument(description="The review.")],
) -> ContractReviewPayload:
    """contractReview."""

    async def work(session: AsyncSession) -> models.Feedback:
        return await contracts.review(
            session,
            info.context.viewer,
            _engagement(input.engagement),
            rating=input.rating,
            comment=input.comment,
        )

    result = await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE)
    return ANSWERS.payload(ContractReviewPayload, result, review=EngagementFeedback.of)


SERVICE_LISTING_CREATE = (
    "List a service you offer: title, sectors, rate range and currency."
    + requires(Scope.PROFILES_WRITE)
)


async def service_listing_create(
    info: Info,
    input: Annotated[ServiceListingCreateInput, strawberry.argument(description="The service.")],
) -> ServiceListingPayload:
    """serviceListingCreate."""

    async def work(session: AsyncSession) -> models.ServiceListing:
        draft = listings.ListingDraft(
            title=input.title,
            rate_min=input.rate_min,
            rate_max=input.rate_max,
            currency=input.currency,
            description=input.description,
            sector_ids=[
                decode(sector, "Sector", Code.UNKNOWN_SECTOR, "input", "sectors")
                for sector in input.sectors
            ],
        )
        return await listings.create(session, info.context.viewer, draft)

    result = await run_checked(info, work, scope=Scope.PROFILES_WRITE)
    return ANSWERS.payload(
        ServiceListingPayload,
        result,
        listing=ServiceListing.from_model,
        opportunity=lambda _: None,
    )


SERVICE_LISTING_INVITE = (
    "Invite a listed contributor to bid on your institution's open RFP; they are notified "
    "(and may see an INVITED RFP). Its staff or client only." + requires(Scope.OPPORTUNITIES_WRITE)
)


async def service_listing_invite(
    info: Info,
    input: Annotated[ServiceListingInviteInput, strawberry.argument(description="The invitation.")],
) -> ServiceListingPayload:
    """serviceListingInvite."""

    async def work(
        session: AsyncSession,
    ) -> tuple[models.ServiceListing, models.Opportunity]:
        listing_id = decode(input.listing, "ServiceListing", Code.NOT_FOUND, "input", "listing")
        invitation = await listings.invite(
            session,
            info.context.viewer,
            listing_id,
            _opportunity(input.opportunity),
            input.message,
        )
        listing = await session.get_one(models.ServiceListing, listing_id)
        target = await session.get_one(models.Opportunity, invitation.opportunity_id)
        return listing, target

    result = await run_checked(info, work, scope=Scope.OPPORTUNITIES_WRITE)
    return ANSWERS.payload(
        ServiceListingPayload,
        result,
        listing=lambda found: ServiceListing.from_model(found[0]),
        opportunity=lambda found: Opportunity.from_model(found[1]),
    )
