"""SELECTs for the contribution engine: opportunity lists and search, their parts, applications,
engagements' milestones, sessions and feedback, ledger entries."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    false,
    func,
    not_,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Chapter,
    Engagement,
    Institution,
    LedgerEntry,
    Membership,
    Opportunity,
    OpportunityChapter,
    OpportunitySector,
    OpportunitySkill,
    Sector,
    Skill,
)
from db.queries.pagination import Ordering

OPPORTUNITY_ORDERINGS: dict[str, Ordering] = {
    "NEWEST": Ordering("NEWEST", ("created_at", "id"), descending=True),
    "OLDEST": Ordering("OLDEST", ("created_at", "id")),
    "TITLE": Ordering("TITLE", ("title", "id")),
}
"""Orders of an opportunity list; newest first unless asked."""
APPLICATION_ORDERING = Ordering("CREATED_AT", ("created_at", "id"))
"""An opportunity's applications: in the order they arrived."""
LEDGER_ORDERING = Ordering("OCCURRED_ON", ("occurred_on", "id"), descending=True)
"""An engineer's contributions: most recent work first."""
SEARCH_CONFIG = "english"


def status_expression() -> ColumnElement[str]:
    """The status everyone reads, at the statement's now(): an OPEN opportunity past its
    deadline reads EXPIRED (no job flips it)."""
    return case(
        (
            and_(Opportunity.status == "OPEN", Opportunity.deadline <= func.now()),
            "EXPIRED",
        ),
        else_=Opportunity.status,
    )


def status_in(statuses: Sequence[str]) -> ColumnElement[bool]:
    """SQL: the status as read (status_expression) is one of `statuses` — written so that an
    index on the stored status serves it (the CASE itself would not)."""
    expired = and_(Opportunity.status == "OPEN", Opportunity.deadline <= func.now())
    stored = [status for status in statuses if status != "EXPIRED"]
    conditions: list[ColumnElement[bool]] = []
    if stored:
        conditions.append(
            and_(Opportunity.status.in_(stored), not_(func.coalesce(expired, false())))
        )
    if "EXPIRED" in statuses:
        conditions.append(expired)
    return or_(*conditions) if conditions else false()


@dataclass(frozen=True)
class OpportunityFilter:
    """Conditions of an opportunity list; empty tuples and None match everything."""

    kinds: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    institution: str | None = None
    chapter: str | None = None
    remote: bool | None = None
    search: str | None = None


def filtered(criteria: OpportunityFilter, visible: ColumnElement[bool]) -> Select[Opportunity]:
    """SELECT the opportunities `visible` lets the viewer see that match every criterion
    (sectors and skills by slug: any of them; search: web-search syntax over the vector)."""
    stmt = select(Opportunity).where(visible)
    if criteria.kinds:
        stmt = stmt.where(Opportunity.kind.in_(criteria.kinds))
    if criteria.sectors:
        stmt = stmt.where(
            Opportunity.id.in_(
                select(OpportunitySector.opportunity_id)
                .join(Sector, Sector.id == OpportunitySector.sector_id)
                .where(Sector.slug.in_(criteria.sectors))
            )
        )
    if criteria.skills:
        stmt = stmt.where(
            Opportunity.id.in_(
                select(OpportunitySkill.opportunity_id)
                .join(Skill, Skill.id == OpportunitySkill.skill_id)
                .where(Skill.slug.in_(criteria.skills))
            )
        )
    if criteria.statuses:
        stmt = stmt.where(status_in(criteria.statuses))
    if criteria.institution is not None:
        stmt = stmt.where(
            Opportunity.institution_id.in_(
                select(Institution.id).where(Institution.slug == criteria.institution)
            )
        )
    if criteria.chapter is not None:
        stmt = stmt.where(
            Opportunity.id.in_(
                select(OpportunityChapter.opportunity_id)
                .join(Chapter, Chapter.id == OpportunityChapter.chapter_id)
                .where(Chapter.slug == criteria.chapter)
            )
        )
    if criteria.remote is not None:
        stmt = stmt.where(Opportunity.remote.is_(criteria.remote))
    if criteria.search:
        stmt = stmt.where(
            Opportunity.search.op("@@")(func.websearch_to_tsquery(SEARCH_CONFIG, criteria.search))
        )
    return stmt


async def list_opportunities_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Opportunity]:
    """Opportunity rows by primary key (unchecked: callers apply the read rule)."""
    return list((await session.scalars(select(Opportunity).where(Opportunity.id.in_(ids)))).all())


@dataclass(frozen=True)
class ChapterEngagements:
    """Engagements of a chapter's active members (as contributors), in aggregate."""

    by_status: dict[str, int]
    contributors: int
    countersigned_minutes: int


async def chapters_engagements(
    session: AsyncSession, chapter_ids: Sequence[int]
) -> dict[int, ChapterEngagements]:
    """Each chapter's counts by status, distinct contributors and countersigned minutes (of
    its active members), every chapter in one statement."""
    chapter = (
        func.unnest(array(list(chapter_ids), type_=Integer))
        .table_valued("id")
        .render_derived(name="chapter")
    )
    members = (
        select(Membership.engineer_id)
        .where(Membership.chapter_id == chapter.c.id, Membership.status == "ACTIVE")
        .correlate_except(Membership)
    )
    minutes = (
        select(func.coalesce(func.sum(LedgerEntry.minutes), 0))
        .where(LedgerEntry.engineer_id.in_(members))
        .scalar_subquery()
    )
    contributors = (
        select(func.count(func.distinct(Engagement.contributor_id)))
        .where(Engagement.contributor_id.in_(members))
        .scalar_subquery()
    )
    grouped = (
        select(Engagement.status, func.count().label("n"))
        .where(Engagement.contributor_id.in_(members))
        .group_by(Engagement.status)
        .subquery()
    )
    counts = (
        select(
            func.coalesce(
                func.jsonb_object_agg(grouped.c.status, grouped.c.n), text("'{}'::jsonb")
            )
        )
        .select_from(grouped)
        .scalar_subquery()
    )
    rows = await session.execute(select(chapter.c.id, counts, contributors, minutes))
    return {
        int(key): ChapterEngagements(
            {str(status): int(count) for status, count in dict(by_status).items()},
            int(people),
            int(total),
        )
        for key, by_status, people, total in rows
    }
