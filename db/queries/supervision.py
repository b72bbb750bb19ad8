"""Project supervision queries: orderings, overdue flags (SQL over now()), batch loads."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import EngagementStatus
from db.models import (
    AssessmentRubric,
    AssessmentScore,
    Engagement,
    Engineer,
    Opportunity,
    ProjectAssessment,
    ProjectDeliverable,
    ProjectMilestone,
    ProjectTeam,
    ProjectTeamMember,
    ProposalRevision,
    RubricCriterion,
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


async def list_members_by_team(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
    """Each team's members: the lead first, then by when they were invited."""
    rows = await session.scalars(
        select(ProjectTeamMember)
        .where(ProjectTeamMember.team_id.in_(ids))
        .order_by(
            ProjectTeamMember.team_id,
            ProjectTeamMember.role,
            ProjectTeamMember.created_at,
            ProjectTeamMember.engineer_id,
        )
    )
    return list(rows)


async def list_revisions_by_team(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
    """Each team's proposal revisions, first to latest."""
    rows = await session.scalars(
        select(ProposalRevision)
        .where(ProposalRevision.team_id.in_(ids))
        .order_by(ProposalRevision.team_id, ProposalRevision.number)
    )
    return list(rows)


async def list_milestones_by_team(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
    """Each team's milestones by due time, with their overdue flag."""
    rows = await session.execute(
        select(ProjectMilestone, over(MILESTONE_OVERDUE, "project_milestones").label("overdue"))
        .where(ProjectMilestone.team_id.in_(ids))
        .order_by(ProjectMilestone.team_id, ProjectMilestone.due_at, ProjectMilestone.id)
    )
    return list(rows)


async def list_deliverables_by_milestone(
    session: AsyncSession, ids: Sequence[int]
) -> Sequence[Any]:
    """Each milestone's deliverable versions, latest first, with their lateness."""
    rows = await session.execute(
        select(ProjectDeliverable, over(DELIVERABLE_LATE, "project_deliverables").label("late"))
        .where(ProjectDeliverable.milestone_id.in_(ids))
        .order_by(ProjectDeliverable.milestone_id, ProjectDeliverable.version.desc())
    )
    return list(rows)


async def list_assessments_by_team(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
    """The assessment of each team that has one."""
    rows = await session.scalars(
        select(ProjectAssessment).where(ProjectAssessment.team_id.in_(ids))
    )
    return list(rows)


async def list_scores_by_assessment(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
    """Each assessment's scores with their criterion, in the rubric's order."""
    rows = await session.execute(
        select(AssessmentScore, RubricCriterion)
        .join(RubricCriterion, RubricCriterion.id == AssessmentScore.criterion_id)
        .where(AssessmentScore.assessment_id.in_(ids))
        .order_by(AssessmentScore.assessment_id, RubricCriterion.position)
    )
    return list(rows)


async def list_rubrics_by_ids(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
    """Rubrics by id."""
    rows = await session.scalars(select(AssessmentRubric).where(AssessmentRubric.id.in_(ids)))
    return list(rows)


async def list_rubrics_by_institution(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
    """Each institution's rubrics by name."""
    rows = await session.scalars(
        select(AssessmentRubric)
        .where(AssessmentRubric.institution_id.in_(ids))
        .order_by(AssessmentRubric.institution_id, AssessmentRubric.name, AssessmentRubric.id)
    )
    return list(rows)


async def list_criteria_by_rubric(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
    """Each rubric's criteria in order."""
    rows = await session.scalars(
        select(RubricCriterion)
        .where(RubricCriterion.rubric_id.in_(ids))
        .order_by(RubricCriterion.rubric_id, RubricCriterion.position)
    )
    return list(rows)


async def list_supervisors_by_team(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
    """(team id, engineer) for each team's supervisors, by engineer id."""
    co = (
        select(ProjectTeam.id.label("team_id"), Engagement.contributor_id.label("engineer_id"))
        .join(Engagement, Engagement.opportunity_id == ProjectTeam.opportunity_id)
        .where(ProjectTeam.id.in_(ids), Engagement.status.in_(SUPERVISING_STATUSES))
    )
    poster = (
        select(ProjectTeam.id.label("team_id"), Opportunity.poster_id.label("engineer_id"))
        .join(Opportunity, Opportunity.id == ProjectTeam.opportunity_id)
        .where(ProjectTeam.id.in_(ids), Opportunity.poster_id.is_not(None))
    )
    both = poster.union(co).subquery()
    rows = await session.execute(
        select(both.c.team_id, Engineer)
        .join(Engineer, Engineer.id == both.c.engineer_id)
        .order_by(both.c.team_id, Engineer.id)
    )
    return list(rows)
