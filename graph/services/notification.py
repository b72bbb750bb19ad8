"""Notification rows: written in the transaction of the change that concerns the recipient."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import GlobalRole, NotificationKind
from db.models import Account, Affiliation, Notification


async def notify(
    session: AsyncSession,
    recipients: Iterable[int | None],
    kind: NotificationKind,
    *,
    opportunity_id: int | None = None,
    application_id: int | None = None,
    engagement_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> list[Notification]:
    """Add one row per distinct recipient (None skipped); flushed with the caller's change."""
    rows = [
        Notification(
            recipient_id=recipient,
            kind=kind.value,
            opportunity_id=opportunity_id,
            application_id=application_id,
            engagement_id=engagement_id,
            payload=payload or {},
        )
        for recipient in sorted({r for r in recipients if r is not None})
    ]
    session.add_all(rows)
    await session.flush()
    return rows


async def seeker_recipients(
    session: AsyncSession, seeker_id: int | None, institution_id: int | None
) -> list[int | None]:
    """Who hears about the seeker side: the posting engineer, else the institution's staff."""
    if seeker_id is not None:
        return [seeker_id]
    if institution_id is None:
        return []
    staff = await session.scalars(
        select(Affiliation.engineer_id).where(Affiliation.institution_id == institution_id)
    )
    return list(staff)


async def council_admins(session: AsyncSession) -> list[int | None]:
    """Engineers whose account holds the council admin role."""
    admins = await session.scalars(
        select(Account.engineer_id).where(Account.global_role == GlobalRole.COUNCIL_ADMIN)
    )
    return list(admins)
