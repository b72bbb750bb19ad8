"""A contributor's declared capacity: concurrent engagements and hours per month."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import EngagementStatus
from db.models import Engagement, Engineer

OCCUPYING = (
    EngagementStatus.PROPOSED.value,
    EngagementStatus.ACTIVE.value,
    EngagementStatus.PAUSED.value,
)
"""Engagement statuses that take up a contributor's capacity."""


@dataclass(frozen=True)
class Capacity:
    """What a contributor declared and what their open engagements already use."""

    max_engagements: int
    hours_per_month: int
    engagements_used: int
    hours_used: int

    def fits(self, hours: int) -> bool:
        """Room for one more engagement of `hours` per month."""
        return (
            self.engagements_used < self.max_engagements
            and self.hours_used + hours <= self.hours_per_month
        )


async def lock_capacity(session: AsyncSession, contributor_id: int) -> Capacity:
    """Lock the contributor's row (SELECT … FOR UPDATE) and read their capacity.

    Every path that creates an occupying engagement takes this lock first, so concurrent
    accepts for one contributor run one after another and each sees the others' result.
    """
    declared = (
        await session.execute(
            select(Engineer.max_mentees, Engineer.capacity_hours_per_month)
            .where(Engineer.id == contributor_id)
            .with_for_update()
        )
    ).one()
    used = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(Engagement.hours_per_month), 0)).where(
                Engagement.contributor_id == contributor_id, Engagement.status.in_(OCCUPYING)
            )
        )
    ).one()
    return Capacity(declared[0], declared[1], int(used[0]), int(used[1]))
