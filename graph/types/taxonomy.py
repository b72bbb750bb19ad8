"""Sector and Skill types."""

import strawberry

from db import models
from graph.ids import encode_id
from graph.types.node import Node
from graph.types.sql_only import unserved


@strawberry.type(
    description="An area of national need engineers work in (AI, water management, ...)."
)
class Sector(Node):
    """A sector of the shared vocabulary."""

    pk: strawberry.Private[int]
    slug: str = strawberry.field(description="URL-safe unique name, used in filters.")
    name: str = strawberry.field(description="Display name.")
    description: str = strawberry.field(description="What the sector covers.")

    @classmethod
    def from_model(cls, row: models.Sector) -> "Sector":
        """Build from a sectors row."""
        return cls(
            id=strawberry.ID(encode_id("Sector", row.id)),
            pk=row.id,
            slug=row.slug,
            name=row.name,
            description=row.description,
        )

    @strawberry.field(description="Skills filed under this sector, by name.")
    def skills(self) -> list["Skill"]:
        """Compiled: graph/reads/sector.py."""
        raise unserved()


@strawberry.type(description="A named competence engineers claim and opportunities ask for.")
class Skill(Node):
    """A skill of the shared vocabulary."""

    pk: strawberry.Private[int]
    sector_pk: strawberry.Private[int | None]
    slug: str = strawberry.field(description="URL-safe unique name, used in filters.")
    name: str = strawberry.field(description="Display name.")

    @classmethod
    def from_model(cls, row: models.Skill) -> "Skill":
        """Build from a skills row."""
        return cls(
            id=strawberry.ID(encode_id("Skill", row.id)),
            pk=row.id,
            sector_pk=row.sector_id,
            slug=row.slug,
            name=row.name,
        )

    @strawberry.field(description="The sector the skill is filed under, if any.")
    def sector(self) -> Sector | None:
        """Compiled: graph/reads/sector.py."""
        raise unserved()
