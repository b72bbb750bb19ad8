"""Investment types: a startup's ask and contributors' soft commitments (no money moves)."""

from datetime import datetime

import strawberry

from db import models
from db.enums import CommitmentStatus, InvestmentAskStatus, InvestmentStage
from graph.ids import encode_id
from graph.services.investment import InvestmentErrorCode
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.engineer import Engineer
from graph.types.enums import describe_enum
from graph.types.institution import Institution
from graph.types.node import Node
from graph.types.sql_only import sql_field, unserved
from graph.types.taxonomy import Sector

STAFF = "the startup's staff (engineers affiliated with it) and its own client"

describe_enum(
    InvestmentStage,
    "How far a startup has come, named as funding rounds are.",
    {
        "PRE_SEED": "Founders and an idea or prototype.",
        "SEED": "First product and early customers.",
        "SERIES_A": "Product-market fit; scaling the business.",
        "SERIES_B": "Expanding into new markets or products.",
        "GROWTH": "An established company raising to grow further.",
    },
)
describe_enum(
    InvestmentAskStatus,
    "Whether an investment ask takes commitments.",
    {"OPEN": "Taking soft commitments.", "CLOSED": "Closed by the startup; commitments frozen."},
)
describe_enum(
    CommitmentStatus,
    "Whether a soft commitment stands.",
    {
        "ACTIVE": "Stands, and counts in the ask's total.",
        "WITHDRAWN": "Withdrawn by the committer; no longer counts.",
    },
)
describe_enum(
    InvestmentErrorCode,
    "Why an investment mutation was refused.",
    {
        "NOT_FOUND": "No such ask, institution or commitment of yours.",
        "NOT_STAFF": "Only the startup's staff may do this.",
        "NOT_A_STARTUP": "Only an institution of kind STARTUP posts investment asks.",
        "ASK_CLOSED": "The ask is closed: no new or changed commitments.",
        "ALREADY_CLOSED": "The ask is already closed.",
        "ALREADY_COMMITTED": "You already committed to this ask; change that commitment.",
        "ALREADY_WITHDRAWN": "The commitment was withdrawn.",
        "OWN_ASK": "The startup's staff do not commit to its own ask.",
        "INVALID_AMOUNT": "Amounts are decimals above 0 with at most two decimals.",
        "INVALID_CURRENCY": "Currencies are ISO 4217 codes of three capital letters.",
        "INVALID_TITLE": "A title has 1–200 characters.",
        "INVALID_USE_OF_FUNDS": "Use of funds has 1–5,000 characters.",
        "INVALID_CONDITIONS": "Conditions have at most 2,000 characters.",
        "UNKNOWN_SECTOR": "No sector has this slug.",
    },
)


@strawberry.type(
    description="A contributor's soft commitment to an investment ask: an amount and "
    "conditions, a statement of intent that moves no money. Visible to the committer, and to "
    f"{STAFF} only when the committer chose to disclose themselves; `node` and `nodes` return "
    "null for everyone else."
)
class InvestmentCommitment(Node):
    """A soft commitment."""

    amount: str = strawberry.field(
        description="Amount committed, a decimal string in the ask's currency."
    )
    conditions: str = strawberry.field(description="The committer's conditions (may be empty).")
    disclosed: bool = strawberry.field(
        description="The committer lets the startup's staff see who they are."
    )
    status: CommitmentStatus = strawberry.field(description="Whether it stands.")
    created_at: datetime = strawberry.field(description="When it was first made.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    withdrawn_at: datetime | None = strawberry.field(description="When it was withdrawn.")
    ask: "InvestmentAsk" = sql_field(description="The ask committed to.")
    committer: Engineer = sql_field(description="Who committed.")

    @classmethod
    def from_model(cls, row: models.InvestmentCommitment) -> "InvestmentCommitment":
        """Build from an investment_commitments row (the caller checked the rule)."""
        return cls(
            id=strawberry.ID(encode_id("InvestmentCommitment", row.id)),
            amount=str(row.amount),
            conditions=row.conditions,
            disclosed=row.disclosed,
            status=CommitmentStatus(row.status),
            created_at=row.created_at,
            updated_at=row.updated_at,
            withdrawn_at=row.withdrawn_at,
        )


@strawberry.type(
    description="A startup's investment ask: how much it seeks, in which currency, at which "
    "stage and sector, and what for. Public; contributors record soft commitments to it. The "
    "portal moves no money."
)
class InvestmentAsk(Node):
    """An investment ask."""

    title: str = strawberry.field(description="A one-line summary of the ask.")
    amount_sought: str = strawberry.field(
        description="Amount sought, a decimal string in `currency`."
    )
    currency: str = strawberry.field(description="ISO 4217 currency code (PKR, USD, …).")
    stage: InvestmentStage = strawberry.field(description="The startup's stage.")
    status: InvestmentAskStatus = strawberry.field(description="Whether it takes commitments.")
    use_of_funds: str = strawberry.field(description="What the money would be used for.")
    created_at: datetime = strawberry.field(description="When it was posted.")
    closed_at: datetime | None = strawberry.field(description="When it was closed.")
    institution: Institution = sql_field(description="The startup asking.")
    sector: Sector | None = sql_field(description="The startup's sector; null when none was given.")
    committed_total: str | None = sql_field(
        description="Sum of the ACTIVE commitments, a decimal string in `currency` (undisclosed "
        f"ones included); null except for {STAFF}."
    )
    commitment_count: int | None = sql_field(
        description=f"How many ACTIVE commitments there are; null except for {STAFF}."
    )
    viewer_commitment: InvestmentCommitment | None = sql_field(
        description="The signed-in engineer's own commitment; null when none."
    )

    @classmethod
    def from_model(cls, row: models.InvestmentAsk) -> "InvestmentAsk":
        """Build from an investment_asks row."""
        return cls(
            id=strawberry.ID(encode_id("InvestmentAsk", row.id)),
            title=row.title,
            amount_sought=str(row.amount_sought),
            currency=row.currency,
            stage=InvestmentStage(row.stage),
            status=InvestmentAskStatus(row.status),
            use_of_funds=row.use_of_funds,
            created_at=row.created_at,
            closed_at=row.closed_at,
        )

    @strawberry.field(
        description=f"Commitments, oldest first: {STAFF} see those whose committers disclosed "
        "themselves; a committer sees their own; nobody else sees any. Undisclosed ones count "
        "in `committedTotal` but are never listed to the startup."
    )
    def commitments(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[InvestmentCommitment]:
        """Compiled: graph/reads/investment.py."""
        raise unserved()
