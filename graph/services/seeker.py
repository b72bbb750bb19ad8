"""Who acts for the seeker side of an opportunity or engagement."""

from sqlalchemy import ColumnElement, exists, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db.models import Affiliation
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer


async def acts_for_seeker(
    session: AsyncSession, viewer: Viewer, seeker_id: int | None, institution_id: int | None
) -> bool:
    """The viewer is the seeker, staff of the seeking institution, or its client with
    `opportunities:write`."""
    if viewer.engineer_id is not None and viewer.engineer_id == seeker_id:
        return True
    if institution_id is None:
        return False
    if viewer.engineer_id is None:
        return (
            viewer.institution_id == institution_id and Scope.OPPORTUNITIES_WRITE in viewer.scopes
        )
    staff = await session.scalar(
        select(
            exists().where(
                Affiliation.institution_id == institution_id,
                Affiliation.engineer_id == viewer.engineer_id,
            )
        )
    )
    return bool(staff)


def seeker_side(
    viewer: Viewer,
    seeker: InstrumentedAttribute[int | None],
    institution: InstrumentedAttribute[int | None],
) -> ColumnElement[bool]:
    """SQL: the row's seeker side includes the viewer (same rule as `acts_for_seeker`)."""
    if viewer.engineer_id is None:
        if viewer.institution_id is None:
            return false()
        return institution == viewer.institution_id
    return or_(
        seeker == viewer.engineer_id,
        exists().where(
            Affiliation.institution_id == institution,
            Affiliation.engineer_id == viewer.engineer_id,
        ),
    )


def always(value: bool) -> ColumnElement[bool]:
    """SQL literal true or false."""
    return true() if value else false()
