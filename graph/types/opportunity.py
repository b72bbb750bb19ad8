"""Contribution types: opportunities and applications, built from ORM rows; their fields are
read by SQL compiled from graph/reads/contribution.py (but the Python field `matches`, and
`Application.opportunity`: see there)."""

import enum
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from db.enums import (
    ApplicationStatus,
    Discipline,
    EngagementKind,
    OpportunityStatus,
    OpportunityVisibility,
    SkillLevel,
)
from db.queries import opportunity as queries
from graph.context import Info
from graph.ids import encode_id
from graph.pagination import MAX_PAGE_SIZE
from graph.services import matching
from graph.services.opportunity import effective_status
from graph.types import contribution_enums as _registered  # noqa: F401  (registers the enums)
from graph.types.connection import (
    After,
    Before,
    Connection,
    First,
    Last,
    PageInfo,
)
from graph.types.engineer import Engineer
from graph.types.institution import Institution
from graph.types.match import (
    ContributorMatchConnection,
    ContributorMatchEdge,
    MatchFactor,
    decode_cursor,
    encode_cursor,
    factor,
)
from graph.types.node import Node
from graph.types.sql_only import sql_field, unserved
from graph.types.taxonomy import Sector, Skill

if TYPE_CHECKING:
    from graph.types.chapter import Chapter
    from graph.types.consultancy import ConsultancyRfp
    from graph.types.engagement import Engagement
    from graph.types.supervision import ProjectTeam

ChapterRef = Annotated["Chapter", strawberry.lazy("graph.types.chapter")]
EngagementRef = Annotated["Engagement", strawberry.lazy("graph.types.engagement")]
ProjectTeamRef = Annotated["ProjectTeam", strawberry.lazy("graph.types.supervision")]
ConsultancyRfpRef = Annotated["ConsultancyRfp", strawberry.lazy("graph.types.consultancy")]


@strawberry.enum(description="How an opportunity list is ordered.")
class OpportunityOrder(enum.Enum):
    """Sort keys for opportunity lists."""

    NEWEST = strawberry.enum_value("NEWEST", description="Most recently posted first.")
    OLDEST = strawberry.enum_value("OLDEST", description="Earliest posted first.")
    TITLE = strawberry.enum_value("TITLE", description="By title, A to Z.")


@strawberry.type(description="A skill an opportunity wants, with the lowest level that counts.")
class OpportunitySkill:
    """A wanted skill."""

    minimum_level: SkillLevel = strawberry.field(description="The lowest level that counts.")
    skill: Skill = sql_field(description="The skill.")


@strawberry.type(description="What a seeker asks for: a kind of help, the effort, who may see it.")
class Opportunity(Node):
    """An opportunity as the viewer may see it."""

    kind: EngagementKind = strawberry.field(description="The kind of contribution wanted.")
    title: str = strawberry.field(description="Short statement of the need.")
    description: str = strawberry.field(description="The need in full.")
    status: OpportunityStatus = strawberry.field(
        description="Lifecycle status; an open opportunity past its deadline reads EXPIRED."
    )
    visibility: OpportunityVisibility = strawberry.field(
        description="Who may see it: PUBLIC, CHAPTER (active members of `chapters`), INVITED "
        "(its invitees); the seeker side always."
    )
    hours_per_month: int = strawberry.field(description="Effort asked, in hours per month.")
    duration_months: int = strawberry.field(description="How many months the effort lasts.")
    remote: bool = strawberry.field(description="True when it can be done remotely.")
    city: str | None = strawberry.field(description="Where on-site work happens, if any.")
    deadline: datetime | None = strawberry.field(description="Applications close at this time.")
    created_at: datetime = strawberry.field(description="When it was posted.")
    country_code: str | None = strawberry.field(description="Country of on-site work (ISO 3166).")
    languages: list[str] = strawberry.field(
        description="Languages the work happens in (ISO 639-1)."
    )
    disciplines: list[Discipline] = strawberry.field(description="Engineering disciplines wanted.")
    timezone_window_start: int = strawberry.field(
        description="First UTC hour of the day the seeker can meet."
    )
    timezone_window_end: int = strawberry.field(
        description="UTC hour the seeker's meeting window ends (exclusive)."
    )
    key: strawberry.Private[int]
    sectors: list[Sector] = sql_field(description="Sectors it is in, by name.")
    skills: list[OpportunitySkill] = sql_field(
        description="Skills wanted, each with a minimum level, by skill name."
    )
    chapters: list[ChapterRef] = sql_field(
        description="Chapters whose active members see a CHAPTER opportunity."
    )
    poster: Engineer | None = sql_field(
        description="The engineer who posted it; null when an institution's client did."
    )
    institution: Institution | None = sql_field(
        description="The institution it is posted on behalf of, if any."
    )

    @strawberry.field(
        description="Applications to it, in the order they arrived: all of them for the seeker "
        "side, only your own for an applicant, none for anyone else."
    )
    def applications(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["Application"]:
        """Compiled: graph/reads/contribution.py."""
        raise unserved()

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

    @strawberry.field(
        description="Student teams on this project topic (PROJECT_SUPERVISION), oldest first: "
        "those the viewer may see (their own team; every team for its supervisors and the "
        "institution's staff)."
    )
    def project_teams(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ProjectTeamRef]:
        """Compiled: graph/reads/supervision.py."""
        raise unserved()

    @strawberry.field(
        description="For an RFP (a consultancy request for proposals): its budget range, "
        "currency, closing date and sealed proposals; null for other opportunities."
    )
    def rfp(self) -> ConsultancyRfpRef | None:
        """Compiled: graph/reads/consultancy.py (a method, not sql_field: the schema lists it
        after the methods above)."""
        raise unserved()

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
            country_code=row.country_code,
            languages=list(row.languages),
            disciplines=[Discipline(value) for value in row.disciplines],
            timezone_window_start=row.timezone_window_start,
            timezone_window_end=row.timezone_window_end,
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
    created_at: datetime = strawberry.field(description="When it was submitted.")
    decided_at: datetime | None = strawberry.field(
        description="When the seeker side last decided on it (shortlist, decline, accept)."
    )
    opportunity_pk: strawberry.Private[int]

    @strawberry.field(description="The opportunity applied to.")
    def opportunity(self) -> Opportunity:
        """Compiled: graph/reads/contribution.py."""
        raise unserved()

    @strawberry.field(description="The contributor who applied.")
    def applicant(self) -> Engineer | None:
        """Compiled: graph/reads/contribution.py."""
        raise unserved()

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
            created_at=row.created_at,
            decided_at=row.decided_at,
            opportunity_pk=row.opportunity_id,
        )






@strawberry.type(description="An opportunity recommended to the viewer, with the reasons.")
class OpportunityMatchEdge:
    """One ranked opportunity."""

    cursor: str = strawberry.field(description="Opaque cursor; pass it to `after`.")
    score: float = strawberry.field(description="Match score, 0 to 1 (sum of contributions).")
    explanation: str = strawberry.field(description="The match in one human sentence.")
    factors: list[MatchFactor] = strawberry.field(description="Each factor of the score.")
    node: Opportunity = strawberry.field(description="The opportunity.")


@strawberry.type(
    description="Open opportunities ranked for the viewer, best first, keyset-paged over "
    "(score, id)."
)
class OpportunityMatchConnection:
    """A page of recommendations."""

    edges: list[OpportunityMatchEdge] = strawberry.field(description="The ranked opportunities.")
    page_info: PageInfo = strawberry.field(description="Paging state of this page.")


async def recommended(
    info: Info, first: int | None, after: str | None
) -> OpportunityMatchConnection:
    """Open opportunities for the signed-in engineer, ranked in one matching statement."""
    size = min(max(first or 20, 1), MAX_PAGE_SIZE)
    async with info.context.database.session() as session:
        found = await matching.opportunities_for(
            session, info.context.viewer, first=size + 1, after=decode_cursor(after)
        )
        page = found[:size]
        rows = await queries.list_opportunities_by_ids(session, [match.id for match in page])
    by_id = {row.id: row for row in rows}
    edges = [
        OpportunityMatchEdge(
            cursor=encode_cursor(match),
            score=float(match.score),
            explanation=match.sentence,
            factors=[factor(entry) for entry in match.factors],
            node=Opportunity.from_model(by_id[match.id]),
        )
        for match in page
        if match.id in by_id
    ]
    return OpportunityMatchConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(found) > size,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
