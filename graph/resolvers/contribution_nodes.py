"""An opportunity for the Python fields' documents (`Opportunity.matches` runs on the object):
fetched under the same SQL rule the compiled path inlines (graph.services.opportunity)."""

from sqlalchemy import select

from db import models
from graph.context import Context
from graph.services import opportunity as opportunities
from graph.types.node import Node
from graph.types.opportunity import Opportunity


async def opportunity_node(context: Context, key: int) -> Node | None:
    """An opportunity the viewer may see (drafts, CHAPTER and INVITED rules as in lists)."""
    async with context.database.session() as session:
        row = await session.scalar(
            select(models.Opportunity).where(
                models.Opportunity.id == key, opportunities.visible_to(context.viewer)
            )
        )
    return Opportunity.from_model(row) if row is not None else None

