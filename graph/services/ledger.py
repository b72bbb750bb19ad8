"""The contribution ledger: countersigned work becomes entries; summaries and badges."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from sqlalchemy import extract, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from db.cpd import BadgeRule, CpdConfig, load_cpd_config
from db.models import Engagement, EngagementSession, LedgerEntry, Milestone, OpportunitySector

MINUTES_PER_HOUR = Decimal(60)


async def _sector_of(session: AsyncSession, engagement: Engagement) -> int | None:
    """The engagement's first sector (its opportunity's lowest sector id), if any."""
    if engagement.opportunity_id is None:
        return None
    return await session.scalar(
        select(func.min(OpportunitySector.sector_id)).where(
            OpportunitySector.opportunity_id == engagement.opportunity_id
        )
    )


async def _entry(
    session: AsyncSession,
    engagement: Engagement,
    config: CpdConfig,
    minutes: int,
    occurred_on: date,
    *,
    session_id: int | None = None,
    milestone_id: int | None = None,
) -> LedgerEntry:
    """Add the ledger entry for one piece of countersigned work."""
    row = LedgerEntry(
        engineer_id=engagement.contributor_id,
        engagement_id=engagement.id,
        session_id=session_id,
        milestone_id=milestone_id,
        kind=engagement.kind,
        sector_id=await _sector_of(session, engagement),
        counterpart_id=engagement.seeker_id,
        counterpart_institution_id=engagement.institution_id,
        minutes=minutes,
        cpd_points=config.points(
            engagement.kind, Decimal(minutes) / MINUTES_PER_HOUR, milestone=milestone_id is not None
        ),
        occurred_on=occurred_on,
    )
    session.add(row)
    await session.flush()
    return row


async def record_session(
    session: AsyncSession, engagement: Engagement, logged: EngagementSession, config: CpdConfig
) -> LedgerEntry:
    """The entry for a countersigned session: its minutes."""
    return await _entry(
        session, engagement, config, logged.minutes, logged.held_on, session_id=logged.id
    )


async def record_milestone(
    session: AsyncSession,
    engagement: Engagement,
    milestone: Milestone,
    config: CpdConfig,
    occurred_on: date,
) -> LedgerEntry:
    """The entry for a countersigned milestone: its declared minutes plus the kind's bonus."""
    return await _entry(
        session, engagement, config, milestone.minutes, occurred_on, milestone_id=milestone.id
    )


@cache
def cpd_config() -> CpdConfig:
    """contributions_config/cpd.toml, validated once per process."""
    return load_cpd_config()


@dataclass(frozen=True)
class Totals:
    """Minutes, engagements and CPD points for one slice of an engineer's ledger."""

    minutes: int
    engagements: int
    cpd_points: Decimal

    @property
    def hours(self) -> Decimal:
        """The minutes as hours, to the hundredth."""
        return (Decimal(self.minutes) / MINUTES_PER_HOUR).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Summary:
    """An engineer's contribution summary: totals, by kind, by year, badges earned."""

    total: Totals
    by_kind: dict[str, Totals]
    by_year: dict[int, Totals]
    badges: list[BadgeRule]


async def summary(session: AsyncSession, engineer_id: int, config: CpdConfig) -> Summary:
    """Sum the engineer's ledger in one statement (grouping sets: total, kind, year)."""
    return (await summaries(session, [engineer_id], config))[engineer_id]


async def summaries(
    session: AsyncSession, engineer_ids: Sequence[int], config: CpdConfig
) -> dict[int, Summary]:
    """Sum each engineer's ledger, every one in one statement (grouping sets per engineer:
    total, kind, year); an engineer with no entries has zero totals."""
    year_column = extract("year", LedgerEntry.occurred_on)
    statement = (
        select(
            LedgerEntry.engineer_id,
            LedgerEntry.kind,
            year_column,
            func.grouping(LedgerEntry.kind),
            func.grouping(year_column),
            func.coalesce(func.sum(LedgerEntry.minutes), 0),
            func.count(func.distinct(LedgerEntry.engagement_id)),
            func.coalesce(func.sum(LedgerEntry.cpd_points), 0),
        )
        .where(LedgerEntry.engineer_id.in_(list(engineer_ids)))
        .group_by(
            func.grouping_sets(
                LedgerEntry.engineer_id,
                tuple_(LedgerEntry.engineer_id, LedgerEntry.kind),
                tuple_(LedgerEntry.engineer_id, year_column),
            )
        )
    )
    zero = Totals(0, 0, Decimal(0))
    totals_of: dict[int, Totals] = {}
    by_kind: dict[int, dict[str, Totals]] = {key: {} for key in engineer_ids}
    by_year: dict[int, dict[int, Totals]] = {key: {} for key in engineer_ids}
    for (
        engineer_id,
        kind,
        year_value,
        kind_grouped,
        year_grouped,
        minutes,
        count,
        points,
    ) in await session.execute(statement):
        totals = Totals(int(minutes), int(count), Decimal(points))
        if kind_grouped and year_grouped:
            totals_of[engineer_id] = totals
        elif not kind_grouped:
            by_kind[engineer_id][kind] = totals
        else:
            by_year[engineer_id][int(year_value)] = totals
    found = {}
    for key in engineer_ids:
        total = totals_of.get(key, zero)
        found[key] = Summary(
            total,
            by_kind[key],
            by_year[key],
            config.badges_for(total.hours, total.engagements, total.cpd_points),
        )
    return found


async def countersigned_minutes(session: AsyncSession, engineer_id: int) -> int:
    """Minutes of countersigned sessions and milestones, summed from the work itself."""
    sessions = (
        select(func.coalesce(func.sum(EngagementSession.minutes), 0))
        .join(Engagement, Engagement.id == EngagementSession.engagement_id)
        .where(
            Engagement.contributor_id == engineer_id,
            EngagementSession.countersigned_at.is_not(None),
        )
        .scalar_subquery()
    )
    milestones = (
        select(func.coalesce(func.sum(Milestone.minutes), 0))
        .join(Engagement, Engagement.id == Milestone.engagement_id)
        .where(Engagement.contributor_id == engineer_id, Milestone.countersigned_at.is_not(None))
        .scalar_subquery()
    )
    session_minutes, milestone_minutes = (await session.execute(select(sessions, milestones))).one()
    return int(session_minutes) + int(milestone_minutes)
