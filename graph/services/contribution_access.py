"""Who may read applications, engagements and their sessions: SQL predicates per viewer.

Each rule is stated once here and used by both read paths: the compiled declarations
(graph/reads/contribution.py) inline it, and strawberry's node fetchers and loaders put it in
their WHERE clause. Opportunities' own rule is graph.services.opportunity.visible_to.
"""

from sqlalchemy import ColumnElement, exists, false, or_, true

from db.models import Application, Engagement, EngagementSession, Feedback, Opportunity
from graph.auth.viewer import Viewer
from graph.services.seeker import seeker_side


def applications_visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over applications: the viewer is the applicant or on the opportunity's seeker side."""
    seeker = exists().where(
        Opportunity.id == Application.opportunity_id,
        seeker_side(viewer, Opportunity.poster_id, Opportunity.institution_id),
    )
    if viewer.engineer_id is None:
        return seeker
    return or_(Application.applicant_id == viewer.engineer_id, seeker)


def engagement_parties(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over engagements: the viewer is the contributor or on the seeker side."""
    seeker = seeker_side(viewer, Engagement.seeker_id, Engagement.institution_id)
    if viewer.engineer_id is None:
        return seeker
    return or_(Engagement.contributor_id == viewer.engineer_id, seeker)


def engagements_visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over engagements: its parties, and council admins (who resolve problem reports)."""
    if viewer.is_council_admin:
        return true()
    return engagement_parties(viewer)


def sessions_visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over engagement sessions: where their engagement is visible (engagements_visible)."""
    return exists().where(
        Engagement.id == EngagementSession.engagement_id, engagements_visible(viewer)
    )


def feedback_visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over engagement feedback: where its engagement is visible (engagements_visible)."""
    return exists().where(Engagement.id == Feedback.engagement_id, engagements_visible(viewer))


def session_notes_visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over engagement sessions: the notes show to the engagement's parties only (not to
    council admins, not to chapter coordinators)."""
    if viewer.engineer_id is None and viewer.institution_id is None:
        return false()
    return exists().where(
        Engagement.id == EngagementSession.engagement_id, engagement_parties(viewer)
    )


