"""Institution and Affiliation (staff role) types."""

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from db.enums import InstitutionKind
from graph.ids import encode_id
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.engineer import Engineer, OpportunityRef, OpportunityStatuses
from graph.types.node import Node
from graph.types.sql_only import sql_field, unserved

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
    def staff(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["Affiliation"]:
        """Compiled: graph/reads/institution.py."""
        raise unserved()

    @strawberry.field(
        description="Opportunities posted on the institution's behalf, newest first: those the "
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
        description="The institution's rubrics for final project assessments, by name (public)."
    )
    def assessment_rubrics(self) -> list[AssessmentRubricRef]:
        """Compiled: graph/reads/supervision.py (a method: the schema keeps its place)."""
        raise unserved()


@strawberry.type(
    description="An engineer's staff role at an institution. Visible where the engineer's "
    "`affiliations` are (their profile-field visibility, or an institution's consent)."
)
class Affiliation(Node):
    """A staff role."""

    pk: strawberry.Private[int]
    role: str = strawberry.field(description="Role or title at the institution.")
    since: date = strawberry.field(description="When the role began.")

    @classmethod
    def from_model(cls, row: models.Affiliation) -> "Affiliation":
        """Build from an affiliations row."""
        return cls(
            id=strawberry.ID(encode_id("Affiliation", row.id)),
            pk=row.id,
            role=row.role,
            since=row.since,
        )

    institution: Institution = sql_field(description="The institution.")
    engineer: Engineer = sql_field(description="The staff member.")
