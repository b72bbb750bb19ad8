"""Engineer profile types: the engineer and the records they own."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

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
from db.queries.chapter import CHAPTER_ORDERINGS, MEMBERSHIP_ORDERING, MembershipScope
from graph.auth.scopes import Scope
from graph.context import Info
from graph.ids import encode_id
from graph.loaders.chapter import MembershipSlice
from graph.pagination import PageArgs
from graph.services.visibility import (
    FIELD_DEFAULTS,
    PUBLIC_MEMBERSHIP_STATUSES,
    level_of,
    membership_scope,
)
from graph.types import contribution_enums as _registered  # noqa: F401  (registers the enums)
from graph.types.connection import After, Before, Connection, First, Last, build_connection
from graph.types.node import Node
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


async def reveals(info: Info, engineer: "Engineer", field: ProfileField) -> bool:
    """May the viewer see this field of this engineer? The read declaration's SQL rule
    (`field_visible`, `consent_grant_for`) decides, batched per request; logs reads made
    under consent."""
    access = (await info.context.loaders.profile_access_by_engineer_id.load(engineer.pk))[field]
    if access.visible:
        return True
    if access.consent_grant_id is not None:
        info.context.consent_reads[(engineer.pk, access.consent_grant_id)].add(field.value)
        return True
    return False


async def note_consent_reads(info: Info, engineer_pks: list[int], field: ProfileField) -> None:
    """Log reads of `field` an institution made under consent in a list the SQL already
    narrowed to what the viewer may see (Institution.staff); one batched lookup."""
    if info.context.viewer.institution_id is None or not engineer_pks:
        return
    loader = info.context.loaders.profile_access_by_engineer_id
    for pk, accesses in zip(engineer_pks, await loader.load_many(engineer_pks), strict=True):
        access = accesses[field]
        if not access.visible and access.consent_grant_id is not None:
            info.context.consent_reads[(pk, access.consent_grant_id)].add(field.value)


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
    """An engineer's profile; maskable fields resolve through `reveals`."""

    pk: strawberry.Private[int]
    row: strawberry.Private[models.Engineer]
    field_visibility: strawberry.Private[dict[str, Any]]
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
        """Build from an engineers row (maskable values stay private until revealed)."""
        return cls(
            id=strawberry.ID(encode_id("Engineer", row.id)),
            pk=row.id,
            row=row,
            field_visibility=dict(row.field_visibility or {}),
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

    @strawberry.field(description="Contact email." + _rule(ProfileField.EMAIL))
    async def email(self, info: Info) -> str | None:
        """Masked by visibility and consent."""
        return self.row.email if await reveals(info, self, ProfileField.EMAIL) else None

    @strawberry.field(description="Contact phone number." + _rule(ProfileField.PHONE))
    async def phone(self, info: Info) -> str | None:
        """Masked by visibility and consent."""
        return self.row.phone if await reveals(info, self, ProfileField.PHONE) else None

    @strawberry.field(description="City of residence." + _rule(ProfileField.CITY))
    async def city(self, info: Info) -> str | None:
        """Masked by visibility and consent."""
        return self.row.city if await reveals(info, self, ProfileField.CITY) else None

    @strawberry.field(description="IANA time zone of residence." + _rule(ProfileField.TIMEZONE))
    async def timezone(self, info: Info) -> str | None:
        """Masked by visibility and consent."""
        return self.row.timezone if await reveals(info, self, ProfileField.TIMEZONE) else None

    @strawberry.field(
        description="Spoken languages, ISO 639-1 codes." + _rule(ProfileField.LANGUAGES)
    )
    async def languages(self, info: Info) -> list[str] | None:
        """Masked by visibility and consent."""
        return self.row.languages if await reveals(info, self, ProfileField.LANGUAGES) else None

    @strawberry.field(description="Time offered for engagements." + _rule(ProfileField.CAPACITY))
    async def capacity(self, info: Info) -> Capacity | None:
        """Masked by visibility and consent."""
        if not await reveals(info, self, ProfileField.CAPACITY):
            return None
        return Capacity(
            hours_per_month=self.row.capacity_hours_per_month, max_mentees=self.row.max_mentees
        )

    @strawberry.field(
        description="Engineering council (PEC) registration number, if any."
        + _rule(ProfileField.PEC_REGISTRATION_NUMBER)
    )
    async def pec_registration_number(self, info: Info) -> str | None:
        """Masked by visibility and consent."""
        if not await reveals(info, self, ProfileField.PEC_REGISTRATION_NUMBER):
            return None
        return self.row.pec_registration_number

    @strawberry.field(description="True when the engineering council verified the registration.")
    def is_pec_verified(self) -> bool:
        """Derived from `pecStatus`."""
        return self.pec_status is PecStatus.VERIFIED

    @strawberry.field(
        description="Who may see each maskable field. Only the engineer themselves (with "
        "`profiles:read`) sees this; null for everyone else."
    )
    def field_visibilities(self, info: Info) -> list[ProfileFieldSetting] | None:
        """The engineer's own settings, defaults filled in."""
        viewer = info.context.viewer
        if viewer.engineer_id != self.pk or not viewer.has_scope(Scope.PROFILES_READ):
            return None
        return [
            ProfileFieldSetting(field=field, visibility=level_of(self.field_visibility, field))
            for field in ProfileField
        ]

    @strawberry.field(
        description="Sectors the engineer works in, by name." + _rule(ProfileField.SECTORS)
    )
    async def sectors(self, info: Info) -> list[Sector] | None:
        """Batched across every engineer in the response."""
        if not await reveals(info, self, ProfileField.SECTORS):
            return None
        rows = await info.context.loaders.sectors_by_engineer_id.load(self.pk)
        return [Sector.from_model(row) for row in rows]

    @strawberry.field(
        description="Skills the engineer claims, strongest first." + _rule(ProfileField.SKILLS)
    )
    async def skills(self, info: Info) -> list[EngineerSkill] | None:
        """Batched across every engineer in the response."""
        if not await reveals(info, self, ProfileField.SKILLS):
            return None
        items = await info.context.loaders.skills_by_engineer_id.load(self.pk)
        return [
            EngineerSkill(
                skill=Skill.from_model(item.skill),
                level=SkillLevel(item.claim.level),
                years=item.claim.years,
            )
            for item in items
        ]

    @strawberry.field(
        description="Employment history, most recent first." + _rule(ProfileField.POSITIONS)
    )
    async def positions(self, info: Info) -> list[Position] | None:
        """Batched across every engineer in the response."""
        if not await reveals(info, self, ProfileField.POSITIONS):
            return None
        rows = await info.context.loaders.positions_by_engineer_id.load(self.pk)
        return [Position.from_model(row) for row in rows]

    @strawberry.field(description="Degrees, most recent first." + _rule(ProfileField.EDUCATION))
    async def education(self, info: Info) -> list[Education] | None:
        """Batched across every engineer in the response."""
        if not await reveals(info, self, ProfileField.EDUCATION):
            return None
        rows = await info.context.loaders.education_by_engineer_id.load(self.pk)
        return [Education.from_model(row) for row in rows]

    @strawberry.field(
        description="Staff roles the engineer holds at institutions."
        + _rule(ProfileField.AFFILIATIONS)
    )
    async def affiliations(self, info: Info) -> list[AffiliationRef] | None:
        """Batched across every engineer in the response."""
        from graph.types.institution import Affiliation

        if not await reveals(info, self, ProfileField.AFFILIATIONS):
            return None
        rows = await info.context.loaders.affiliations_by_engineer_id.load(self.pk)
        return [Affiliation.from_model(row) for row in rows]

    @strawberry.field(
        description="The engineer's chapter memberships, oldest first. Active memberships are "
        "public; pending and suspended ones only to the engineer, to holders of `members:read` "
        "in that chapter and to council admins."
    )
    async def memberships(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[MembershipRef]:
        """A keyset page, batched across every engineer in the response."""
        from graph.types.chapter import Membership

        loaders = info.context.loaders
        scope = membership_scope(info.context.viewer)
        window = PageArgs(first, after, last, before).window(MEMBERSHIP_ORDERING, models.Membership)
        page = await loaders.membership_page_by_engineer_id.load(
            (self.pk, MembershipSlice(scope, window=window))
        )
        return build_connection(
            page,
            MEMBERSHIP_ORDERING,
            Membership.from_model,
            lambda: loaders.membership_count_by_engineer_id.load((self.pk, MembershipSlice(scope))),
        )

    @strawberry.field(description="Chapters the engineer is an active member of, by name.")
    async def chapters(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ChapterRef]:
        """A keyset page, batched across every engineer in the response."""
        from graph.types.chapter import Chapter

        loaders = info.context.loaders
        ordering = CHAPTER_ORDERINGS["NAME_ASC"]
        scope = MembershipScope(PUBLIC_MEMBERSHIP_STATUSES)  # active memberships only
        window = PageArgs(first, after, last, before).window(ordering, models.Chapter)
        page = await loaders.chapter_page_by_engineer_id.load(
            (self.pk, MembershipSlice(scope, window=window))
        )
        return build_connection(
            page,
            ordering,
            Chapter.from_model,
            lambda: loaders.chapter_count_by_engineer_id.load((self.pk, MembershipSlice(scope))),
        )

    @strawberry.field(
        description="Opportunities the engineer posted for themself, newest first: those the "
        "viewer may see (drafts and INVITED ones only for the seeker side)."
    )
    async def opportunities(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        status: OpportunityStatuses = None,
    ) -> Connection[OpportunityRef]:
        """A keyset page, batched across every engineer in the response."""
        from graph.types.opportunity import owned_opportunities

        loaders = info.context.loaders.contribution.opportunities_by_poster
        args = PageArgs(first, after, last, before)
        return await owned_opportunities(info, loaders, self.pk, args, status)

    @strawberry.field(
        description="The engineer's contribution ledger: countersigned sessions and milestones, "
        "most recent first (a public record of recognised work)."
    )
    async def contributions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[LedgerEntryRef]:
        """A keyset page, batched across every engineer in the response."""
        from db.queries.opportunity import LEDGER_ORDERING
        from graph.loaders.contribution import Window
        from graph.types.engagement import LedgerEntry

        pages, counts = info.context.loaders.contribution.ledger_by_engineer
        window = PageArgs(first, after, last, before).window(LEDGER_ORDERING, models.LedgerEntry)
        page = await pages.load((self.pk, Window(window)))
        return build_connection(
            page, LEDGER_ORDERING, LedgerEntry.from_model, lambda: counts.load((self.pk, Window()))
        )

    @strawberry.field(
        description="Totals of the engineer's ledger: hours, engagements, CPD points and badges "
        "(thresholds from contributions_config/cpd.toml), overall, by kind and by year."
    )
    async def contribution_summary(self, info: Info) -> ContributionSummaryRef:
        """Summed in SQL; badges from the configuration file."""
        from graph.types.contribution_summary import summary_of

        return await summary_of(info, self.pk)
