"""`node(id:)` for opportunities, applications and engagements: each row fetched under the same
SQL rule the compiled path inlines (graph.services.opportunity, contribution_access)."""

from sqlalchemy import select

from db import models
from graph.context import Context
from graph.services import contribution_access as access
from graph.services import opportunity as opportunities
from graph.types.engagement import Engagement, LedgerEntry
from graph.types.node import Node
from graph.types.opportunity import Application, Opportunity


async def opportunity_node(context: Context, key: int) -> Node | None:
    """An opportunity the viewer may see (drafts, CHAPTER and INVITED rules as in lists)."""
    async with context.database.session() as session:
        row = await session.scalar(
            select(models.Opportunity).where(
                models.Opportunity.id == key, opportunities.visible_to(context.viewer)
            )
        )
    return Opportunity.from_model(row) if row is not None else None


async def application_node(context: Context, key: int) -> Node | None:
    """An application, for its applicant and the opportunity's seeker side only."""
    async with context.database.session() as session:
        row = await session.scalar(
            select(models.Application).where(
                models.Application.id == key, access.applications_visible(context.viewer)
            )
        )
    return Application.from_model(row) if row is not None else None


async def engagement_node(context: Context, key: int) -> Node | None:
    """An engagement, for its parties and council admins only."""
    async with context.database.session() as session:
        row = await session.scalar(
            select(models.Engagement).where(
                models.Engagement.id == key, access.engagements_visible(context.viewer)
            )
        )
    return Engagement.from_model(row) if row is not None else None


async def ledger_entry_node(context: Context, key: int) -> Node | None:
    """A ledger entry: a public record of countersigned work, like Engineer.contributions."""
    async with context.database.session() as session:
        row = await session.get(models.LedgerEntry, key)
    return LedgerEntry.from_model(row) if row is not None else None
