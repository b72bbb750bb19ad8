"""Project supervision queries: orderings, overdue flags (SQL over now()), batch loads."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import EngagementStatus
from db.models import (
    Engagement,
    Opportunity,
    ProjectMilestone,
    ProjectTeam,
)
from db.queries.pagination import Ordering

TEAM_ORDERING = Ordering("CREATED", ("created_at", "id"))
"""A topic's teams (and a viewer's), oldest first."""

SUPERVISING_STATUSES = (
    EngagementStatus.ACTIVE.value,
    EngagementStatus.PAUSED.value,
    EngagementStatus.COMPLETED.value,
)
"""Engagement statuses in which the contributor co-supervises the topic's teams."""

PROPOSAL_OVERDUE = (
    "({t}.proposal_due_at IS NOT NULL AND {t}.proposal_due_at < now()"
    " AND {t}.proposal_status IN ('DRAFTING', 'CHANGES_REQUESTED'))"
)
"""A team's proposal is overdue: due, and nothing awaits or passed review."""

MILESTONE_OVERDUE = (
    "({t}.due_at < now() AND NOT EXISTS (SELECT 1 FROM project_deliverables {t}_d"
    " WHERE {t}_d.milestone_id = {t}.id))"
)
"""A milestone is overdue: its due time has passed and no deliverable was submitted."""

TEAM_OVERDUE = (
    f"({PROPOSAL_OVERDUE} OR EXISTS (SELECT 1 FROM project_milestones {{t}}_m"
    " WHERE {t}_m.team_id = {t}.id AND {t}_m.due_at < now() AND NOT EXISTS"
    " (SELECT 1 FROM project_deliverables {t}_md WHERE {t}_md.milestone_id = {t}_m.id)))"
)
"""A team is overdue: its proposal is, or one of its milestones is."""

DELIVERABLE_LATE = (
    "({t}.submitted_at > (SELECT {t}_m.due_at FROM project_milestones {t}_m"
    " WHERE {t}_m.id = {t}.milestone_id))"
)
"""A deliverable version came after its milestone's due time."""

SUPERVISORS = (
    "({c}.id = (SELECT {c}_o.poster_id FROM opportunities {c}_o"
    " WHERE {c}_o.id = {p}.opportunity_id) OR {c}.id IN (SELECT {c}_e.contributor_id"
    " FROM engagements {c}_e WHERE {c}_e.opportunity_id = {p}.opportunity_id"
    " AND {c}_e.status IN ('ACTIVE', 'PAUSED', 'COMPLETED')))"
)
"""A team's supervisors (over engineers `{c}` and the team `{p}`): the topic's poster and the
contributors of its supervising engagements."""


def over(template: str, table: str) -> ColumnElement[Any]:
    """A template of this module as an expression over the unaliased `table`."""
    return literal_column(template.replace("{t}", table))


def supervisor_ids(opportunity_id: Any) -> CompoundSelect[Any]:
    """The engineers who supervise teams of the opportunity (SQL over its id)."""
    poster = select(Opportunity.poster_id).where(
        Opportunity.id == opportunity_id, Opportunity.poster_id.is_not(None)
    )
    co = select(Engagement.contributor_id).where(
        Engagement.opportunity_id == opportunity_id,
        Engagement.status.in_(SUPERVISING_STATUSES),
    )
    return poster.union(co)


def milestone_overdue_of(milestone_id: int) -> Select[Any]:
    """The milestone's overdue flag (MILESTONE_OVERDUE)."""
    return select(over(MILESTONE_OVERDUE, "project_milestones")).where(
        ProjectMilestone.id == milestone_id
    )


async def list_teams_by_ids(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
    """Teams with their overdue flags, by id."""
    rows = await session.execute(
        select(
            ProjectTeam,
            over(PROPOSAL_OVERDUE, "project_teams").label("proposal_overdue"),
            over(TEAM_OVERDUE, "project_teams").label("overdue"),
        ).where(ProjectTeam.id.in_(ids))
    )
    return list(rows)






