"""Who acts for an institution: its staff (engineers affiliated with it) and its own client."""

from typing import Any

from sqlalchemy import ColumnElement, exists, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Affiliation
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer


def staff_side(viewer: Viewer, institution: Any) -> ColumnElement[bool]:
    """SQL: the viewer is staff of the institution `institution` (a column) names, or that
    institution's own client."""
    if viewer.engineer_id is None:
        if viewer.institution_id is None:
            return false()
        return institution == viewer.institution_id  # type: ignore[no-any-return]
    return exists().where(
        Affiliation.institution_id == institution,
        Affiliation.engineer_id == viewer.engineer_id,
    )


async def acts_for(session: AsyncSession, viewer: Viewer, institution_id: int) -> bool:
    """The viewer may act for the institution: staff, or its client with
    `opportunities:write` (the rule of `staff_side`, plus the write scope for clients)."""
    if viewer.engineer_id is None:
        return (
            viewer.institution_id == institution_id and Scope.OPPORTUNITIES_WRITE in viewer.scopes
        )
    found = await session.scalar(
        select(
            exists().where(
                Affiliation.institution_id == institution_id,
                Affiliation.engineer_id == viewer.engineer_id,
            )
        )
    )
    return bool(found)
