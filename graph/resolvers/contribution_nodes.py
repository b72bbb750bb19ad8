"""`node(id:)` for opportunities, applications and engagements: each checked on its row."""

from sqlalchemy import select

from db import models
from graph.context import Context
from graph.services import opportunity as opportunities
from graph.services.seeker import acts_for_seeker
from graph.types.node import Node
from graph.types.opportunity import Application, Engagement, Opportunity


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
    viewer = context.viewer
    async with context.database.session() as session:
        found = (
            await session.execute(
                select(models.Application, models.Opportunity)
                .join(
                    models.Opportunity, models.Opportunity.id == models.Application.opportunity_id
                )
                .where(models.Application.id == key)
            )
        ).one_or_none()
        if found is None:
            return None
        application, target = found
        allowed = viewer.engineer_id == application.applicant_id or await acts_for_seeker(
            session, viewer, target.poster_id, target.institution_id
        )
    return Application.from_model(application) if allowed else None


async def engagement_node(context: Context, key: int) -> Node | None:
    """An engagement, for its parties and council admins only."""
    viewer = context.viewer
    async with context.database.session() as session:
        row = await session.get(models.Engagement, key)
        if row is None:
            return None
        allowed = (
            viewer.is_council_admin
            or viewer.engineer_id == row.contributor_id
            or await acts_for_seeker(session, viewer, row.seeker_id, row.institution_id)
        )
    return Engagement.from_model(row) if allowed else None
