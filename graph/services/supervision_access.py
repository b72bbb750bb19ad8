"""Who may read project teams and everything under them: SQL predicates per viewer.

Stated once here and used by both read paths (graph/reads/supervision.py inlines them; the
strawberry node fetchers and loaders put them in their WHERE clause). A team, its proposal
revisions, milestones, deliverables and assessment show to the team's members (invited ones
included), its supervisors (the topic's poster and its co-supervising contributors) and the
topic institution's staff (and its client); to nobody else, council admins included.
"""

from sqlalchemy import ColumnElement, and_, exists, false, or_

from db.models import (
    Engagement,
    Opportunity,
    ProjectMilestone,
    ProjectTeam,
    ProjectTeamMember,
    ProposalRevision,
)
from db.queries.supervision import SUPERVISING_STATUSES
from graph.auth.viewer import Viewer
from graph.services.seeker import seeker_side


def teams_visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over project teams: the viewer is a member, a supervisor or the institution's."""
    seeker = exists().where(
        Opportunity.id == ProjectTeam.opportunity_id,
        seeker_side(viewer, Opportunity.poster_id, Opportunity.institution_id),
    )
    if viewer.engineer_id is None:
        return seeker if viewer.institution_id is not None else false()
    member = exists().where(
        ProjectTeamMember.team_id == ProjectTeam.id,
        ProjectTeamMember.engineer_id == viewer.engineer_id,
    )
    supervising = exists().where(
        Engagement.opportunity_id == ProjectTeam.opportunity_id,
        Engagement.contributor_id == viewer.engineer_id,
        Engagement.status.in_(SUPERVISING_STATUSES),
    )
    return or_(member, seeker, supervising)


def own_teams(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over project teams: the viewer is a member or supervises it (Viewer.projectTeams)."""
    if viewer.engineer_id is None:
        return false()
    member = exists().where(
        ProjectTeamMember.team_id == ProjectTeam.id,
        ProjectTeamMember.engineer_id == viewer.engineer_id,
    )
    poster = exists().where(
        Opportunity.id == ProjectTeam.opportunity_id,
        Opportunity.poster_id == viewer.engineer_id,
    )
    supervising = exists().where(
        Engagement.opportunity_id == ProjectTeam.opportunity_id,
        Engagement.contributor_id == viewer.engineer_id,
        Engagement.status.in_(SUPERVISING_STATUSES),
    )
    return or_(member, poster, supervising)


def revisions_visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over proposal revisions: their team is visible."""
    return exists().where(ProjectTeam.id == ProposalRevision.team_id, and_(teams_visible(viewer)))


def milestones_visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over project milestones: their team is visible."""
    return exists().where(ProjectTeam.id == ProjectMilestone.team_id, and_(teams_visible(viewer)))
