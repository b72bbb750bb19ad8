"""Sector and Skill types."""

import strawberry

from db import models
from graph.context import Info
from graph.ids import encode_id
from graph.types.node import Node


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
    async def skills(self, info: Info) -> list["Skill"]:
        """Loaded in one batch for every sector on the page."""
        rows = await info.context.loaders.skills_by_sector_id.load(self.pk)
        return [Skill.from_model(row) for row in rows]


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
    async def sector(self, info: Info) -> Sector | None:
        """Loaded by id, batched."""
        if self.sector_pk is None:
            return None
        row = await info.context.loaders.sector_by_id.load(self.sector_pk)
        return Sector.from_model(row) if row is not None else None
