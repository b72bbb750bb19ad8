"""Contribution types: opportunities, applications and engagements, built from ORM rows."""

from datetime import UTC, datetime

import strawberry

from db import models
from db.enums import (
    ApplicationStatus,
    EngagementKind,
    EngagementStatus,
    OpportunityStatus,
    OpportunityVisibility,
)
from graph.context import Info
from graph.ids import encode_id
from graph.pagination import MAX_PAGE_SIZE
from graph.services import matching
from graph.services.opportunity import effective_status
from graph.types import contribution_enums as _registered  # noqa: F401  (registers the enums)
from graph.types.connection import After, First, PageInfo
from graph.types.engineer import Engineer
from graph.types.match import (
    ContributorMatchConnection,
    ContributorMatchEdge,
    decode_cursor,
    encode_cursor,
    factor,
)
from graph.types.node import Node


@strawberry.type(description="What a seeker asks for: a kind of help, the effort, who may see it.")
class Opportunity(Node):
    """An opportunity as the viewer may see it."""

    kind: EngagementKind = strawberry.field(description="The kind of contribution wanted.")
    title: str = strawberry.field(description="Short statement of the need.")
    description: str = strawberry.field(description="The need in full.")
    status: OpportunityStatus = strawberry.field(
        description="Lifecycle status; an open opportunity past its deadline reads EXPIRED."
    )
    visibility: OpportunityVisibility = strawberry.field(description="Who may see it.")
    hours_per_month: int = strawberry.field(description="Effort asked, in hours per month.")
    duration_months: int = strawberry.field(description="How many months the effort lasts.")
    remote: bool = strawberry.field(description="True when it can be done remotely.")
    city: str | None = strawberry.field(description="Where on-site work happens, if any.")
    deadline: datetime | None = strawberry.field(description="Applications close at this time.")
    created_at: datetime = strawberry.field(description="When it was posted.")
    key: strawberry.Private[int]

    @strawberry.field(
        description="Contributors ranked for this opportunity (one SQL statement): only those "
        "who offer its kind and have capacity left; each with a score, its factors and a "
        "sentence built from the profile fields the viewer may see. The seeker side and "
        "council admins only (FORBIDDEN otherwise)."
    )
    async def matches(
        self, info: Info, first: First = 20, after: After = None
    ) -> ContributorMatchConnection:
        """Opportunity.matches."""
        size = min(max(first or 20, 1), MAX_PAGE_SIZE)
        async with info.context.database.session() as session:
            found = await matching.contributors_for(
                session,
                info.context.viewer,
                info.context.registry,
                self.key,
                first=size + 1,
                after=decode_cursor(after),
            )
        page = found[:size]
        rows = await info.context.loaders.engineer_by_id.load_many([m.id for m in page])
        edges = [
            ContributorMatchEdge(
                cursor=encode_cursor(match),
                score=float(match.score),
                explanation=match.sentence,
                factors=[factor(entry) for entry in match.factors],
                node=Engineer.from_model(row),
            )
            for match, row in zip(page, rows, strict=True)
            if row is not None
        ]
        return ContributorMatchConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(found) > size,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @classmethod
    def from_model(cls, row: models.Opportunity) -> "Opportunity":
        """Build from an ORM row (status read against the current time)."""
        return cls(
            id=strawberry.ID(encode_id("Opportunity", row.id)),
            kind=EngagementKind(row.kind),
            title=row.title,
            description=row.description,
            status=effective_status(row.status, row.deadline, datetime.now(UTC)),
            visibility=OpportunityVisibility(row.visibility),
            hours_per_month=row.hours_per_month,
            duration_months=row.duration_months,
            remote=row.remote,
            city=row.city,
            deadline=row.deadline,
            created_at=row.created_at,
            key=row.id,
        )


@strawberry.type(
    description="A contributor's application to an opportunity; for CONSULTANCY a proposal. "
    "Visible to the applicant and the seeker side only."
)
class Application(Node):
    """An application or proposal."""

    status: ApplicationStatus = strawberry.field(description="Lifecycle status.")
    message: str = strawberry.field(description="The applicant's message.")
    decline_reason: str | None = strawberry.field(description="Why the seeker declined it.")
    proposal_price: str | None = strawberry.field(
        description='Consultancy price asked, as a decimal string ("1500.00").'
    )
    proposal_currency: str | None = strawberry.field(description="ISO 4217 code of the price.")
    proposal_timeline: str | None = strawberry.field(description="Consultancy timeline.")
    proposal_approach: str | None = strawberry.field(description="Consultancy approach.")

    @classmethod
    def from_model(cls, row: models.Application) -> "Application":
        """Build from an ORM row."""
        return cls(
            id=strawberry.ID(encode_id("Application", row.id)),
            status=ApplicationStatus(row.status),
            message=row.message,
            decline_reason=row.decline_reason,
            proposal_price=str(row.proposal_price) if row.proposal_price is not None else None,
            proposal_currency=row.proposal_currency,
            proposal_timeline=row.proposal_timeline,
            proposal_approach=row.proposal_approach,
        )


@strawberry.type(
    description="The accepted contributor and seeker working together, for any kind of "
    "contribution. Visible to its parties and council admins."
)
class Engagement(Node):
    """An engagement and its state."""

    kind: EngagementKind = strawberry.field(description="The kind of contribution.")
    status: EngagementStatus = strawberry.field(description="State in its lifecycle.")
    hours_per_month: int = strawberry.field(description="Effort agreed, in hours per month.")
    cancel_reason: str | None = strawberry.field(description="Why it was cancelled, if it was.")
    started_at: datetime | None = strawberry.field(description="When the contributor started.")
    completed_at: datetime | None = strawberry.field(description="When it was completed.")

    @classmethod
    def from_model(cls, row: models.Engagement) -> "Engagement":
        """Build from an ORM row."""
        return cls(
            id=strawberry.ID(encode_id("Engagement", row.id)),
            kind=EngagementKind(row.kind),
            status=EngagementStatus(row.status),
            hours_per_month=row.hours_per_month,
            cancel_reason=row.cancel_reason,
            started_at=row.started_at,
            completed_at=row.completed_at,
        )
