"""Panel reads: advisory and curriculum-review panels, their members, candidacies, meetings.

Panels, their members and meetings are public (sitting on a panel is a public role); a
member's status is read from the dates in SQL (ENDED after the end date). Candidacies show
to the candidate, the nominator and the institution's staff; meeting notes to the staff and
the panel's members. Each rule is stated once here and used by both read paths.
"""

from sqlalchemy import ColumnElement, exists, or_

from db import models
from db.models import AdvisoryPanel, PanelCandidacy, PanelMeeting, PanelMembership
from db.queries.panel import (
    CANDIDACY_ORDERING,
    MEETING_ORDERING,
    MEMBERSHIP_ORDERING,
    PANEL_ORDERING,
    membership_status,
    seats_filled,
)
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import sqltext
from graph.compiler.declaration import (
    Column,
    Declaration,
    Link,
    Paged,
    RootConnection,
    Rule,
    ToMany,
    ToOne,
    TypeMapping,
    columns,
    global_id,
)
from graph.reads.contribution import _over_row
from graph.services.staff import staff_side


def candidacies_visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over candidacies: the candidate, the nominator and the institution's staff."""
    staff = exists().where(
        AdvisoryPanel.id == PanelCandidacy.panel_id,
        staff_side(viewer, AdvisoryPanel.institution_id),
    )
    if viewer.engineer_id is None:
        return staff
    return or_(
        PanelCandidacy.candidate_id == viewer.engineer_id,
        PanelCandidacy.nominated_by_id == viewer.engineer_id,
        staff,
    )


def meeting_notes_visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over meetings: the notes show to the institution's staff and the panel's members."""
    staff = exists().where(
        AdvisoryPanel.id == PanelMeeting.panel_id,
        staff_side(viewer, AdvisoryPanel.institution_id),
    )
    if viewer.engineer_id is None:
        return staff
    return or_(
        staff,
        exists().where(
            PanelMembership.panel_id == PanelMeeting.panel_id,
            PanelMembership.member_id == viewer.engineer_id,
        ),
    )


def _candidacies(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    return candidacies_visible(viewer)


def _notes(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    return meeting_notes_visible(viewer)


SEATS_FILLED_SQL = _over_row(seats_filled(), models.AdvisoryPanel)
STATUS_SQL = _over_row(membership_status(), models.PanelMembership)
_ENGINEER = "Engineer"
_PANEL = "AdvisoryPanel"
ATTENDEES = (
    "{c}.id IN (SELECT {c}_m.member_id FROM panel_meeting_attendance {c}_a"
    " JOIN panel_memberships {c}_m ON {c}_m.id = {c}_a.membership_id"
    " WHERE {c}_a.meeting_id = {p}.id)"
)

DECLARATION = Declaration(
    types=(
        TypeMapping(
            _PANEL,
            "advisory_panels",
            {
                "id": global_id(_PANEL),
                **columns(name="name", purpose="purpose", kind="kind", seats="seats"),
                "seatsFilled": Column(SEATS_FILLED_SQL),
                **columns(termStartsOn="term_starts_on", termEndsOn="term_ends_on"),
                "status": Column("{t}.status"),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "closedAt": Column(sqltext.timestamp("{t}.closed_at")),
                "institution": ToOne(Link("Institution", "{c}.id = {p}.institution_id")),
                "members": Paged(
                    Link("PanelMembership", "{c}.panel_id = {p}.id"),
                    MEMBERSHIP_ORDERING,
                    models.PanelMembership,
                ),
                "candidacies": Paged(
                    Link("PanelCandidacy", "{c}.panel_id = {p}.id"),
                    CANDIDACY_ORDERING,
                    models.PanelCandidacy,
                    visibility="panel_candidacy",
                ),
                "meetings": Paged(
                    Link("PanelMeeting", "{c}.panel_id = {p}.id"),
                    MEETING_ORDERING,
                    models.PanelMeeting,
                ),
            },
            models.AdvisoryPanel,
        ),
        TypeMapping(
            "PanelMembership",
            "panel_memberships",
            {
                "id": global_id("PanelMembership"),
                "status": Column(STATUS_SQL),
                **columns(
                    termStartsOn="term_starts_on", termEndsOn="term_ends_on", endedOn="ended_on"
                ),
                "member": ToOne(Link(_ENGINEER, "{c}.id = {p}.member_id")),
                "panel": ToOne(Link(_PANEL, "{c}.id = {p}.panel_id")),
            },
            models.PanelMembership,
        ),
        TypeMapping(
            "PanelCandidacy",
            "panel_candidacies",
            {
                "id": global_id("PanelCandidacy"),
                **columns(source="source", status="status", statement="statement"),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "decidedAt": Column(sqltext.timestamp("{t}.decided_at")),
                "candidate": ToOne(Link(_ENGINEER, "{c}.id = {p}.candidate_id")),
                "nominatedBy": ToOne(Link(_ENGINEER, "{c}.id = {p}.nominated_by_id")),
                "panel": ToOne(Link(_PANEL, "{c}.id = {p}.panel_id")),
            },
            models.PanelCandidacy,
        ),
        TypeMapping(
            "PanelMeeting",
            "panel_meetings",
            {
                "id": global_id("PanelMeeting"),
                **columns(title="title", heldOn="held_on", minutes="minutes"),
                "notes": Column("{t}.notes", visible_if="panel_meeting_notes"),
                "panel": ToOne(Link(_PANEL, "{c}.id = {p}.panel_id")),
                "attendees": ToMany(Link(_ENGINEER, ATTENDEES, order=("{c}.id",))),
            },
            models.PanelMeeting,
        ),
    ),
    connections={"advisoryPanels": RootConnection(_PANEL, PANEL_ORDERING)},
    nodes={
        _PANEL: None,
        "PanelMembership": None,
        "PanelCandidacy": "panel_candidacy",
        "PanelMeeting": None,
    },
    rules={
        "panel_candidacy": Rule(PanelCandidacy, _candidacies),
        "panel_meeting_notes": Rule(PanelMeeting, _notes),
    },
)
