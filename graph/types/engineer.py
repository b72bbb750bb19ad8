"""Engineer profile types: the engineer and the records they own."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from db.enums import (
    Discipline,
    EngagementKind,
    FieldVisibility,
    OpportunityStatus,
    PecStatus,
    ProfileField,
    SkillLevel,
)
from graph.context import Info
from graph.ids import encode_id
from graph.services.visibility import (
    FIELD_DEFAULTS,
)
from graph.types import contribution_enums as _registered  # noqa: F401  (registers the enums)
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.node import Node
from graph.types.sql_only import sql_field, unserved
from graph.types.taxonomy import Sector, Skill

if TYPE_CHECKING:
    from graph.types.chapter import Chapter, Membership
    from graph.types.contribution_summary import ContributionSummary
    from graph.types.engagement import LedgerEntry
    from graph.types.institution import Affiliation
    from graph.types.opportunity import Opportunity

ChapterRef = Annotated["Chapter", strawberry.lazy("graph.types.chapter")]
MembershipRef = Annotated["Membership", strawberry.lazy("graph.types.chapter")]
AffiliationRef = Annotated["Affiliation", strawberry.lazy("graph.types.institution")]
OpportunityRef = Annotated["Opportunity", strawberry.lazy("graph.types.opportunity")]
LedgerEntryRef = Annotated["LedgerEntry", strawberry.lazy("graph.types.engagement")]
ContributionSummaryRef = Annotated[
    "ContributionSummary", strawberry.lazy("graph.types.contribution_summary")
]
OpportunityStatuses = Annotated[
    list[OpportunityStatus] | None,
    strawberry.argument(description="Only opportunities in these statuses (EXPIRED as read)."),
]


@strawberry.type(description="A skill an engineer claims, with level and years of practice.")
class EngineerSkill:
    """A claimed skill."""

    skill: Skill = strawberry.field(description="The skill.")
    level: SkillLevel = strawberry.field(description="Self-assessed proficiency.")
    years: int = strawberry.field(description="Years of practice.")


@strawberry.type(description="One entry of an engineer's employment history.")
class Position:
    """A job held."""

    title: str = strawberry.field(description="Job title.")
    organization: str = strawberry.field(description="Employer's name.")
    country_code: str = strawberry.field(description="ISO 3166-1 alpha-2 country of the job.")
    city: str = strawberry.field(description="City of the job.")
    start_date: date = strawberry.field(description="First day in the position.")
    end_date: date | None = strawberry.field(description="Last day; null while current.")
    is_current: bool = strawberry.field(description="True while the engineer holds the position.")

    @classmethod
    def from_model(cls, row: models.Position) -> "Position":
        """Build from a positions row."""
        return cls(
            title=row.title,
            organization=row.organization,
            country_code=row.country_code,
            city=row.city,
            start_date=row.start_date,
            end_date=row.end_date,
            is_current=row.end_date is None,
        )


@strawberry.type(description="A degree an engineer holds.")
class Education:
    """A degree."""

    school: str = strawberry.field(description="University or institute.")
    degree: str = strawberry.field(description="Degree (BSc, MSc, PhD, ...).")
    field_of_study: str = strawberry.field(description="Subject studied.")
    start_year: int = strawberry.field(description="Year studies began.")
    end_year: int | None = strawberry.field(description="Year of graduation; null if ongoing.")

    @classmethod
    def from_model(cls, row: models.Education) -> "Education":
        """Build from an education row."""
        return cls(
            school=row.school,
            degree=row.degree,
            field_of_study=row.field_of_study,
            start_year=row.start_year,
            end_year=row.end_year,
        )


@strawberry.type(description="How much time an engineer offers to give.")
class Capacity:
    """Availability for engagements."""

    hours_per_month: int = strawberry.field(description="Hours a month available for engagements.")
    max_mentees: int = strawberry.field(description="Most mentees at once.")


def _rule(field: ProfileField) -> str:
    default = FIELD_DEFAULTS[field].value
    return (
        f" Hidden (null) unless the engineer's `{field.value}` visibility (default {default}) "
        "admits the viewer, or the viewer's institution holds a live consent grant for it; "
        "anything beyond PUBLIC needs `profiles:read`."
    )


@strawberry.type(description="The visibility an engineer chose for one profile field.")
class ProfileFieldSetting:
    """One field's visibility."""

    field: ProfileField = strawberry.field(description="The profile field.")
    visibility: FieldVisibility = strawberry.field(description="Who may see it.")


@strawberry.type(
    description="An engineer: a contributor abroad giving knowledge back, a seeker at home, "
    "or both. Fields marked 'hidden (null) unless ...' follow the engineer's visibility "
    "settings and consent grants."
)
class Engineer(Node):
    """An engineer's profile; maskable fields are masked by the read declaration's SQL."""

    pk: strawberry.Private[int]
    handle: str = strawberry.field(description="Unique, URL-safe, lower-case handle.")
    name: str = strawberry.field(description="Full name.")
    headline: str = strawberry.field(description="One-line professional summary.")
    bio: str = strawberry.field(description="A few sentences about the engineer.")
    photo_url: str | None = strawberry.field(description="URL of the profile photo.")
    country_code: str = strawberry.field(description="ISO 3166-1 alpha-2 country of residence.")
    is_overseas: bool = strawberry.field(description="True when the engineer lives abroad.")
    disciplines: list[Discipline] = strawberry.field(description="Engineering disciplines.")
    offers: list[EngagementKind] = strawberry.field(
        description="Kinds of engagement the engineer offers to give."
    )
    seeks: list[EngagementKind] = strawberry.field(
        description="Kinds of engagement the engineer is looking for."
    )
    pec_status: PecStatus = strawberry.field(description="Engineering council registration status.")
    created_at: datetime = strawberry.field(description="When the profile was created.")

    @classmethod
    def from_model(cls, row: models.Engineer) -> "Engineer":
        """Build from an engineers row (the compiled read path reads the rest)."""
        return cls(
            id=strawberry.ID(encode_id("Engineer", row.id)),
            pk=row.id,
            handle=row.handle,
            name=row.name,
            headline=row.headline,
            bio=row.bio,
            photo_url=row.photo_url,
            country_code=row.country_code,
            is_overseas=row.is_overseas,
            disciplines=[Discipline(value) for value in row.disciplines],
            offers=[EngagementKind(value) for value in row.offers],
            seeks=[EngagementKind(value) for value in row.seeks],
            pec_status=PecStatus(row.pec_status),
            created_at=row.created_at,
        )

    email: str | None = sql_field(description="Contact email." + _rule(ProfileField.EMAIL))
    phone: str | None = sql_field(description="Contact phone number." + _rule(ProfileField.PHONE))
    city: str | None = sql_field(description="City of residence." + _rule(ProfileField.CITY))
    timezone: str | None = sql_field(
        description="IANA time zone of residence." + _rule(ProfileField.TIMEZONE)
    )
    languages: list[str] | None = sql_field(
        description="Spoken languages, ISO 639-1 codes." + _rule(ProfileField.LANGUAGES)
    )
    capacity: Capacity | None = sql_field(
        description="Time offered for engagements." + _rule(ProfileField.CAPACITY)
    )
    pec_registration_number: str | None = sql_field(
        description="Engineering council (PEC) registration number, if any."
        + _rule(ProfileField.PEC_REGISTRATION_NUMBER)
    )
    is_pec_verified: bool = sql_field(
        description="True when the engineering council verified the registration."
    )
    field_visibilities: list[ProfileFieldSetting] | None = sql_field(
        description="Who may see each maskable field. Only the engineer themselves (with "
        "`profiles:read`) sees this; null for everyone else."
    )
    sectors: list[Sector] | None = sql_field(
        description="Sectors the engineer works in, by name." + _rule(ProfileField.SECTORS)
    )
    skills: list[EngineerSkill] | None = sql_field(
        description="Skills the engineer claims, strongest first." + _rule(ProfileField.SKILLS)
    )
    positions: list[Position] | None = sql_field(
        description="Employment history, most recent first." + _rule(ProfileField.POSITIONS)
    )
    education: list[Education] | None = sql_field(
        description="Degrees, most recent first." + _rule(ProfileField.EDUCATION)
    )
    affiliations: list[AffiliationRef] | None = sql_field(
        description="Staff roles the engineer holds at institutions."
        + _rule(ProfileField.AFFILIATIONS)
    )

    @strawberry.field(
        description="The engineer's chapter memberships, oldest first. Active memberships are "
        "public; pending and suspended ones only to the engineer, to holders of `members:read` "
        "in that chapter and to council admins."
    )
    def memberships(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[MembershipRef]:
        """Compiled: graph/reads/engineer.py."""
        raise unserved()

    @strawberry.field(description="Chapters the engineer is an active member of, by name.")
    def chapters(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ChapterRef]:
        """Compiled: graph/reads/engineer.py."""
        raise unserved()

    @strawberry.field(
        description="Opportunities the engineer posted for themself, newest first: those the "
        "viewer may see (drafts and INVITED ones only for the seeker side)."
    )
    def opportunities(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        status: OpportunityStatuses = None,
    ) -> Connection[OpportunityRef]:
        """Compiled: graph/reads/contribution.py."""
        raise unserved()

    @strawberry.field(
        description="The engineer's contribution ledger: countersigned sessions and milestones, "
        "most recent first (a public record of recognised work)."
    )
    def contributions(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[LedgerEntryRef]:
        """Compiled: graph/reads/contribution.py."""
        raise unserved()

    @strawberry.field(
        description="Totals of the engineer's ledger: hours, engagements, CPD points and badges "
        "(thresholds from contributions_config/cpd.toml), overall, by kind and by year."
    )
    async def contribution_summary(self, info: Info) -> ContributionSummaryRef:
        """Summed in SQL; badges from the configuration file."""
        from graph.types.contribution_summary import summary_of

        return await summary_of(info, self.pk)
