"""Engineer profile types: the engineer and the records they own."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from db.enums import Discipline, EngagementKind, PecStatus, SkillLevel
from db.queries.chapter import CHAPTER_ORDERINGS, MEMBERSHIP_ORDERING
from graph.context import Info
from graph.ids import encode_id
from graph.loaders.chapter import MembershipSlice
from graph.pagination import PageArgs
from graph.services.visibility import visible_membership_statuses
from graph.types.connection import After, Before, Connection, First, Last, build_connection
from graph.types.node import Node
from graph.types.taxonomy import Sector, Skill

if TYPE_CHECKING:
    from graph.types.chapter import Chapter, Membership
    from graph.types.institution import Affiliation

ChapterRef = Annotated["Chapter", strawberry.lazy("graph.types.chapter")]
MembershipRef = Annotated["Membership", strawberry.lazy("graph.types.chapter")]
AffiliationRef = Annotated["Affiliation", strawberry.lazy("graph.types.institution")]


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


@strawberry.type(
    description="An engineer: a contributor abroad giving knowledge back, a seeker at home, "
    "or both."
)
class Engineer(Node):
    """An engineer's public profile."""

    pk: strawberry.Private[int]
    handle: str = strawberry.field(description="Unique, URL-safe, lower-case handle.")
    name: str = strawberry.field(description="Full name.")
    headline: str = strawberry.field(description="One-line professional summary.")
    bio: str = strawberry.field(description="A few sentences about the engineer.")
    photo_url: str | None = strawberry.field(description="URL of the profile photo.")
    country_code: str = strawberry.field(description="ISO 3166-1 alpha-2 country of residence.")
    city: str = strawberry.field(description="City of residence.")
    is_overseas: bool = strawberry.field(description="True when the engineer lives abroad.")
    timezone: str = strawberry.field(description="IANA time zone of residence.")
    languages: list[str] = strawberry.field(description="Spoken languages, ISO 639-1 codes.")
    disciplines: list[Discipline] = strawberry.field(description="Engineering disciplines.")
    offers: list[EngagementKind] = strawberry.field(
        description="Kinds of engagement the engineer offers to give."
    )
    seeks: list[EngagementKind] = strawberry.field(
        description="Kinds of engagement the engineer is looking for."
    )
    capacity: Capacity = strawberry.field(description="Time offered for engagements.")
    pec_registration_number: str | None = strawberry.field(
        description="Engineering council (PEC) registration number, if any."
    )
    pec_status: PecStatus = strawberry.field(description="Engineering council registration status.")
    created_at: datetime = strawberry.field(description="When the profile was created.")

    @classmethod
    def from_model(cls, row: models.Engineer) -> "Engineer":
        """Build from an engineers row."""
        return cls(
            id=strawberry.ID(encode_id("Engineer", row.id)),
            pk=row.id,
            handle=row.handle,
            name=row.name,
            headline=row.headline,
            bio=row.bio,
            photo_url=row.photo_url,
            country_code=row.country_code,
            city=row.city,
            is_overseas=row.is_overseas,
            timezone=row.timezone,
            languages=row.languages,
            disciplines=[Discipline(value) for value in row.disciplines],
            offers=[EngagementKind(value) for value in row.offers],
            seeks=[EngagementKind(value) for value in row.seeks],
            capacity=Capacity(
                hours_per_month=row.capacity_hours_per_month, max_mentees=row.max_mentees
            ),
            pec_registration_number=row.pec_registration_number,
            pec_status=PecStatus(row.pec_status),
            created_at=row.created_at,
        )

    @strawberry.field(description="True when the engineering council verified the registration.")
    def is_pec_verified(self) -> bool:
        """Derived from `pecStatus`."""
        return self.pec_status is PecStatus.VERIFIED

    @strawberry.field(description="Sectors the engineer works in, by name.")
    async def sectors(self, info: Info) -> list[Sector]:
        """Batched across every engineer in the response."""
        rows = await info.context.loaders.sectors_by_engineer_id.load(self.pk)
        return [Sector.from_model(row) for row in rows]

    @strawberry.field(description="Skills the engineer claims, strongest first.")
    async def skills(self, info: Info) -> list[EngineerSkill]:
        """Batched across every engineer in the response."""
        items = await info.context.loaders.skills_by_engineer_id.load(self.pk)
        return [
            EngineerSkill(
                skill=Skill.from_model(item.skill),
                level=SkillLevel(item.claim.level),
                years=item.claim.years,
            )
            for item in items
        ]

    @strawberry.field(description="Employment history, most recent first.")
    async def positions(self, info: Info) -> list[Position]:
        """Batched across every engineer in the response."""
        rows = await info.context.loaders.positions_by_engineer_id.load(self.pk)
        return [Position.from_model(row) for row in rows]

    @strawberry.field(description="Degrees, most recent first.")
    async def education(self, info: Info) -> list[Education]:
        """Batched across every engineer in the response."""
        rows = await info.context.loaders.education_by_engineer_id.load(self.pk)
        return [Education.from_model(row) for row in rows]

    @strawberry.field(description="Staff roles the engineer holds at institutions.")
    async def affiliations(self, info: Info) -> list[AffiliationRef]:
        """Batched across every engineer in the response."""
        from graph.types.institution import Affiliation

        rows = await info.context.loaders.affiliations_by_engineer_id.load(self.pk)
        return [Affiliation.from_model(row) for row in rows]

    @strawberry.field(
        description="The engineer's chapter memberships, oldest first. Only active memberships "
        "are listed publicly."
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
        statuses = visible_membership_statuses(info.context.viewer)
        window = PageArgs(first, after, last, before).window(MEMBERSHIP_ORDERING, models.Membership)
        page = await loaders.membership_page_by_engineer_id.load(
            (self.pk, MembershipSlice(statuses, window=window))
        )
        return build_connection(
            page,
            MEMBERSHIP_ORDERING,
            Membership.from_model,
            lambda: loaders.membership_count_by_engineer_id.load(
                (self.pk, MembershipSlice(statuses))
            ),
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
        statuses = visible_membership_statuses(info.context.viewer)
        window = PageArgs(first, after, last, before).window(ordering, models.Chapter)
        page = await loaders.chapter_page_by_engineer_id.load(
            (self.pk, MembershipSlice(statuses, window=window))
        )
        return build_connection(
            page,
            ordering,
            Chapter.from_model,
            lambda: loaders.chapter_count_by_engineer_id.load((self.pk, MembershipSlice(statuses))),
        )
