"""Consultancy marketplace types: an RFP's terms, sealed proposals, priced contract milestones
and service listings; their fields are read by SQL compiled from graph/reads/consultancy.py."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from db.enums import ProposalStatus, RfpStage
from graph.ids import encode_id
from graph.services.consultancy import ConsultancyErrorCode
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.engineer import Engineer
from graph.types.enums import describe_enum
from graph.types.node import Node
from graph.types.sql_only import sql_field, unserved
from graph.types.taxonomy import Sector

if TYPE_CHECKING:
    from graph.types.engagement import Engagement, EngagementFeedback, EngagementMilestone
    from graph.types.opportunity import Opportunity

OpportunityRef = Annotated["Opportunity", strawberry.lazy("graph.types.opportunity")]
EngagementRef = Annotated["Engagement", strawberry.lazy("graph.types.engagement")]
FeedbackRef = Annotated["EngagementFeedback", strawberry.lazy("graph.types.engagement")]
MilestoneRef = Annotated["EngagementMilestone", strawberry.lazy("graph.types.engagement")]

describe_enum(
    ProposalStatus,
    "Where a consultancy proposal stands.",
    {
        "SUBMITTED": "Sealed until the RFP closes; then awaiting the award.",
        "WITHDRAWN": "Withdrawn by its bidder before the close.",
        "AWARDED": "Won: its contract engagement has started.",
        "NOT_AWARDED": "Another proposal won.",
    },
)
describe_enum(
    RfpStage,
    "Where an RFP stands, read from its closing date, award and contract.",
    {
        "OPEN": "Taking sealed proposals until its closing date.",
        "CLOSED": "Bidding has ended (date passed or closed early): proposals are unsealed for "
        "the institution, awaiting the award.",
        "AWARDED": "A proposal won; its contract is in progress.",
        "COMPLETED": "The awarded contract is completed.",
    },
)
describe_enum(
    ConsultancyErrorCode,
    "Why a consultancy marketplace mutation was refused.",
    {
        member.name: member.name.replace("_", " ").capitalize() + "."
        for member in ConsultancyErrorCode
    },
)


@strawberry.enum(description="How a list of proposals is ordered (side-by-side comparison).")
class ProposalOrder(enum.Enum):
    """Sort keys for proposal lists."""

    PRICE = strawberry.enum_value("PRICE", description="Cheapest first.")
    PRICE_DESC = strawberry.enum_value("PRICE_DESC", description="Dearest first.")
    NEWEST = strawberry.enum_value("NEWEST", description="Most recently submitted first.")


@strawberry.input(description="Conditions a proposal must meet (all of those given).")
class ProposalFilter:
    """Filters of proposal lists."""

    status: list[ProposalStatus] | None = strawberry.field(
        default=None, description="Only these statuses."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Full-text search over approach and timeline (web-search syntax). At most "
        "200 characters.",
    )


@strawberry.type(
    description="A contributor's proposal on an RFP. Sealed: its bidder reads it; the RFP's "
    "institution (staff, client, poster) reads it only once the RFP has closed; nobody else "
    "ever — not through node, nodes, lists, search or totals."
)
class ConsultancyProposal(Node):
    """A proposal."""

    price: str = strawberry.field(description='Price asked, a decimal string ("1500.00").')
    currency: str = strawberry.field(description="ISO 4217 currency (the RFP's).")
    approach: str = strawberry.field(description="How the work will be done.")
    timeline: str = strawberry.field(description="When the work will be delivered.")
    status: ProposalStatus = strawberry.field(description="Where the proposal stands.")
    created_at: datetime = strawberry.field(description="When it was submitted.")
    bidder: Engineer | None = sql_field(description="Who bid.")
    opportunity: OpportunityRef | None = sql_field(
        description="The RFP (a CONSULTANCY opportunity) it bids on."
    )
    engagement: EngagementRef | None = sql_field(
        description="The contract engagement the award created, if it won."
    )
    milestones: list["ContractMilestone"] = sql_field(
        description="The contract's priced milestones, as set at the award."
    )
    reviews: list[FeedbackRef] = sql_field(
        description="The contract's reviews, one from each side once it is completed."
    )

    @classmethod
    def from_model(cls, row: models.ConsultancyProposal) -> "ConsultancyProposal":
        """Build from an ORM row."""
        return cls(
            id=strawberry.ID(encode_id("ConsultancyProposal", row.id)),
            price=str(row.price),
            currency=row.currency,
            approach=row.approach,
            timeline=row.timeline,
            status=ProposalStatus(row.status),
            created_at=row.created_at,
        )


@strawberry.type(
    description="The price and review trail of one milestone of a consultancy contract."
)
class ContractMilestone:
    """A priced milestone."""

    amount: str = strawberry.field(description='What the milestone pays ("500.00").')
    currency: str = strawberry.field(description="ISO 4217 currency.")
    submission_note: str = strawberry.field(description="The contributor's note on submitting.")
    submitted_at: datetime | None = strawberry.field(description="When last submitted.")
    rework_note: str = strawberry.field(description="What the institution last asked to change.")
    rework_count: int = strawberry.field(description="How often it was sent back for rework.")
    milestone: MilestoneRef | None = sql_field(
        description="The engagement milestone: title, due date and status (PLANNED, DONE when "
        "submitted, COUNTERSIGNED when accepted). Its ID is what the contract mutations take."
    )


@strawberry.type(
    description="What makes a CONSULTANCY opportunity a request for proposals: budget range, "
    "currency, closing date, and its sealed proposals."
)
class ConsultancyRfp:
    """An RFP's terms."""

    budget_min: str = strawberry.field(description='Lowest budget, a decimal string ("1000.00").')
    budget_max: str = strawberry.field(description="Highest budget, a decimal string.")
    currency: str = strawberry.field(description="ISO 4217 currency every proposal uses.")
    closes_at: datetime = strawberry.field(description="When bidding ends and proposals unseal.")
    closed_at: datetime | None = strawberry.field(
        description="When the institution closed bidding early, if it did."
    )
    awarded_at: datetime | None = strawberry.field(description="When a proposal was awarded.")
    stage: RfpStage = strawberry.field(description="Where the RFP stands.")
    sealed: bool = strawberry.field(description="Bidding is open: proposals are sealed.")
    opportunity: OpportunityRef | None = sql_field(
        description="The opportunity this RFP extends."
    )

    @strawberry.field(
        description="Its proposals the viewer may read, cheapest first unless asked: a bidder "
        "only their own; the institution all of them side by side once bidding has closed, "
        "none before (totalCount included)."
    )
    def proposals(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            ProposalFilter | None, strawberry.argument(description="Conditions to match.")
        ] = None,
        order_by: Annotated[
            ProposalOrder, strawberry.argument(description="How the list is ordered.")
        ] = ProposalOrder.PRICE,
    ) -> Connection[ConsultancyProposal]:
        """Compiled: graph/reads/consultancy.py."""
        raise unserved()

    @classmethod
    def from_row(cls, row: models.ConsultancyRfp, stage: str, closed: bool) -> "ConsultancyRfp":
        """Build from an ORM row with its stage and closing, read in SQL."""
        return cls(
            budget_min=str(row.budget_min),
            budget_max=str(row.budget_max),
            currency=row.currency,
            closes_at=row.closes_at,
            closed_at=row.closed_at,
            awarded_at=row.awarded_at,
            stage=RfpStage(stage),
            sealed=not closed,
        )


@strawberry.type(
    description="A service a contributor offers: title, sectors, rate range and currency. "
    "Institutions invite listed contributors to their RFPs."
)
class ServiceListing(Node):
    """A service listing."""

    title: str = strawberry.field(description="What is offered.")
    description: str = strawberry.field(description="The service in full.")
    rate_min: str = strawberry.field(description='Lowest rate, a decimal string ("80.00").')
    rate_max: str = strawberry.field(description="Highest rate, a decimal string.")
    currency: str = strawberry.field(description="ISO 4217 currency of the rates.")
    active: bool = strawberry.field(description="Listed (inactive ones show to their owner only).")
    created_at: datetime = strawberry.field(description="When it was listed.")
    contributor: Engineer | None = sql_field(description="Who offers it.")
    sectors: list[Sector] = sql_field(description="Sectors it serves, by name.")

    @classmethod
    def from_model(cls, row: models.ServiceListing) -> "ServiceListing":
        """Build from an ORM row."""
        return cls(
            id=strawberry.ID(encode_id("ServiceListing", row.id)),
            title=row.title,
            description=row.description,
            rate_min=str(row.rate_min),
            rate_max=str(row.rate_max),
            currency=row.currency,
            active=row.active,
            created_at=row.created_at,
        )
