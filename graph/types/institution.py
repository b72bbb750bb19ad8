"""Institution and Affiliation (staff role) types."""

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from db.enums import InstitutionKind, ProfileField
from db.queries.institution import AFFILIATION_ORDERING
from graph.context import Info
from graph.ids import encode_id
from graph.pagination import PageArgs
from graph.types.connection import After, Before, Connection, First, Last, build_connection
from graph.types.engineer import (
    Engineer,
    OpportunityRef,
    OpportunityStatuses,
    note_consent_reads,
)
from graph.types.node import Node

if TYPE_CHECKING:
    from graph.types.supervision import AssessmentRubric

AssessmentRubricRef = Annotated["AssessmentRubric", strawberry.lazy("graph.types.supervision")]


@strawberry.type(
    description="A university, startup, company, government body or NGO that seeks knowledge "
    "or employs engineers."
)
class Institution(Node):
    """An institution."""

    pk: strawberry.Private[int]
    slug: str = strawberry.field(description="URL-safe unique name.")
    name: str = strawberry.field(description="Display name.")
    kind: InstitutionKind = strawberry.field(description="What sort of organisation it is.")
    country_code: str = strawberry.field(description="ISO 3166-1 alpha-2 country.")
    city: str = strawberry.field(description="City of its main office or campus.")
    website: str | None = strawberry.field(description="Public website.")
    description: str = strawberry.field(description="What the institution does.")
    verified: bool = strawberry.field(description="The council verified the institution.")

    @classmethod
    def from_model(cls, row: models.Institution) -> "Institution":
        """Build from an institutions row."""
        return cls(
            id=strawberry.ID(encode_id("Institution", row.id)),
            pk=row.id,
            slug=row.slug,
            name=row.name,
            kind=InstitutionKind(row.kind),
            country_code=row.country_code,
            city=row.city,
            website=row.website,
            description=row.description,
            verified=row.verified,
        )

    @strawberry.field(
        description="Engineers on the institution's staff, longest-serving first. Lists only "
        "engineers whose `affiliations` visibility admits the viewer (or whose consent grant "
        "to the viewer's institution names `affiliations`)."
    )
    async def staff(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["Affiliation"]:
        """A keyset page, batched across every institution in the response."""
        loaders = info.context.loaders
        window = PageArgs(first, after, last, before).window(
            AFFILIATION_ORDERING, models.Affiliation
        )
        page = await loaders.staff_page_by_institution_id.load((self.pk, window))
        await note_consent_reads(
            info, [row.engineer_id for row in page.rows], ProfileField.AFFILIATIONS
        )
        return build_connection(
            page,
            AFFILIATION_ORDERING,
            Affiliation.from_model,
            lambda: loaders.staff_count_by_institution_id.load((self.pk, None)),
        )

    @strawberry.field(
        description="Opportunities posted on the institution's behalf, newest first: those the "
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
        """A keyset page, batched across every institution in the response."""
        from graph.types.opportunity import owned_opportunities

        loaders = info.context.loaders.contribution.opportunities_by_institution
        args = PageArgs(first, after, last, before)
        return await owned_opportunities(info, loaders, self.pk, args, status)

    @strawberry.field(
        description="The institution's rubrics for final project assessments, by name (public)."
    )
    async def assessment_rubrics(self, info: Info) -> list[AssessmentRubricRef]:
        """Batched across institutions."""
        from graph.types.supervision import AssessmentRubric

        rows = await info.context.loaders.supervision.rubrics_by_institution_id.load(self.pk)
        return [AssessmentRubric.from_model(row) for row in rows]


@strawberry.type(
    description="An engineer's staff role at an institution. Visible where the engineer's "
    "`affiliations` are (their profile-field visibility, or an institution's consent)."
)
class Affiliation(Node):
    """A staff role."""

    pk: strawberry.Private[int]
    institution_pk: strawberry.Private[int]
    engineer_pk: strawberry.Private[int]
    role: str = strawberry.field(description="Role or title at the institution.")
    since: date = strawberry.field(description="When the role began.")

    @classmethod
    def from_model(cls, row: models.Affiliation) -> "Affiliation":
        """Build from an affiliations row."""
        return cls(
            id=strawberry.ID(encode_id("Affiliation", row.id)),
            pk=row.id,
            institution_pk=row.institution_id,
            engineer_pk=row.engineer_id,
            role=row.role,
            since=row.since,
        )

    @strawberry.field(description="The institution.")
    async def institution(self, info: Info) -> Institution:
        """Loaded by id, batched."""
        row = await info.context.loaders.institution_by_id.load(self.institution_pk)
        assert row is not None, "affiliation without institution"
        return Institution.from_model(row)

    @strawberry.field(description="The staff member.")
    async def engineer(self, info: Info) -> Engineer:
        """Loaded by id, batched."""
        row = await info.context.loaders.engineer_by_id.load(self.engineer_pk)
        assert row is not None, "affiliation without engineer"
        return Engineer.from_model(row)
