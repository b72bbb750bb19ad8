"""Who acts for an institution: its staff (engineers affiliated with it) and its own client.

`staff_side` is the one statement of the rule, in SQL: reads filter rows with it, and the
permission checks (`acts_for`, graph.services.seeker.acts_for_seeker) evaluate it."""

import enum
from typing import Any

from sqlalchemy import ColumnElement, Integer, exists, false, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import NotificationKind
from db.models import Affiliation
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.services.notification import notify, seeker_recipients
from graph.services.problems import reject


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


def key(value: int | None) -> ColumnElement[int]:
    """A key as a SQL value, for evaluating a row predicate on one row's keys."""
    return literal(value, Integer)


async def may_act(session: AsyncSession, viewer: Viewer, side: ColumnElement[bool]) -> bool:
    """The viewer acts for the side `side` (a predicate of this module's rule) names: the
    predicate holds in SQL, and a client's token also carries `opportunities:write`."""
    if viewer.engineer_id is None and Scope.OPPORTUNITIES_WRITE not in viewer.scopes:
        return False
    return bool(await session.scalar(select(side)))


async def acts_for(session: AsyncSession, viewer: Viewer, institution_id: int) -> bool:
    """The viewer may act for the institution: `staff_side`, with the write scope for clients."""
    return await may_act(session, viewer, staff_side(viewer, key(institution_id)))


async def require_staff(
    session: AsyncSession, viewer: Viewer, institution_id: int, code: enum.Enum, message: str
) -> None:
    """Refuse with `code` unless the viewer acts for the institution."""
    if not await acts_for(session, viewer, institution_id):
        raise reject(code, message)


async def tell_staff(
    session: AsyncSession,
    institution_id: int,
    kind: NotificationKind,
    *,
    excluding: int | None,
    actor_id: int | None,
    payload: dict[str, Any],
    engagement_id: int | None = None,
) -> None:
    """Notify the institution's staff, but the person the news is from (`excluding`)."""
    staff = await seeker_recipients(session, None, institution_id)
    await notify(
        session,
        [person for person in staff if person != excluding],
        kind,
        engagement_id=engagement_id,
        actor_id=actor_id,
        payload=payload,
    )
