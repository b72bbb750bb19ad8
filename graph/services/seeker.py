"""Who acts for the seeker side of an opportunity or engagement."""

from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlalchemy.ext.asyncio import AsyncSession

from graph.auth.viewer import Viewer
from graph.services.staff import key, may_act, staff_side


async def acts_for_seeker(
    session: AsyncSession, viewer: Viewer, seeker_id: int | None, institution_id: int | None
) -> bool:
    """The viewer is the seeker, staff of the seeking institution, or its client with
    `opportunities:write` (`seeker_side`, evaluated in SQL)."""
    side = seeker_side(viewer, key(seeker_id), key(institution_id))
    return await may_act(session, viewer, side)


def seeker_side(viewer: Viewer, seeker: Any, institution: Any) -> ColumnElement[bool]:
    """SQL: the row's seeker side (`seeker`, `institution`: columns) includes the viewer —
    the seeker, or whoever acts for the institution (graph.services.staff.staff_side)."""
    staff = staff_side(viewer, institution)
    if viewer.engineer_id is None:
        return staff
    return or_(seeker == viewer.engineer_id, staff)


