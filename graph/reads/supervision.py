"""Project supervision reads: teams, their members and supervisors, proposal revisions,
milestones with deliverable versions, rubrics and assessments; who may read what.

Rules (graph.services.supervision_access): `project_team` (its students, its supervisors and
the topic institution's staff), `own_project_team` (Viewer.projectTeams: teams the viewer is
in or supervises), `proposal_revision` and `project_milestone` (visible like their team).
Rubrics are public. Overdue flags are SQL over the statement's now() (db.queries.supervision).
"""

from sqlalchemy import ColumnElement

from db import models
from db.queries.supervision import (
    DELIVERABLE_LATE,
    MILESTONE_OVERDUE,
    PROPOSAL_OVERDUE,
    SUPERVISORS,
    TEAM_ORDERING,
    TEAM_OVERDUE,
)
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import sqltext
from graph.compiler.declaration import (
    Column,
    Declaration,
    Link,
    Paged,
    Rule,
    ToMany,
    ToOne,
    TypeMapping,
    columns,
    global_id,
)
from graph.services import supervision_access as access


def teams(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The teams the viewer may see."""
    return access.teams_visible(viewer)


def own_teams(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The teams the viewer is in or supervises."""
    return access.own_teams(viewer)


def revisions(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The proposal revisions the viewer may see."""
    return access.revisions_visible(viewer)


def milestones(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The milestones the viewer may see."""
    return access.milestones_visible(viewer)


_ENGINEER = "Engineer"


def _float(value_sql: str) -> str:
    """A numeric column as the JSON number strawberry writes for a Float (`80.0`, `60.5`)."""
    return (
        f"(({value_sql})::float8::text"
        f" || CASE WHEN {value_sql} = trunc({value_sql}) THEN '.0' ELSE '' END)::json"
    )


DECLARATION = Declaration(
    types=(
        TypeMapping(
            "ProjectTeam",
            "project_teams",
            {
                "id": global_id("ProjectTeam"),
                **columns(name="name", proposalStatus="proposal_status"),
                "proposalDueAt": Column(sqltext.timestamp("{t}.proposal_due_at")),
                "isProposalOverdue": Column(PROPOSAL_OVERDUE),
                "isOverdue": Column(TEAM_OVERDUE),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "topic": ToOne(Link("Opportunity", "{c}.id = {p}.opportunity_id")),
                "members": ToMany(
                    Link(
                        "ProjectTeamMember",
                        "{c}.team_id = {p}.id",
                        order=("{c}.role", "{c}.created_at", "{c}.engineer_id"),
                    )
                ),
                "supervisors": ToMany(Link(_ENGINEER, SUPERVISORS, order=("{c}.id",))),
                "revisions": ToMany(
                    Link("ProposalRevision", "{c}.team_id = {p}.id", order=("{c}.number",))
                ),
                "latestRevision": ToOne(
                    Link(
                        "ProposalRevision",
                        "{c}.team_id = {p}.id AND {c}.number = (SELECT max({c}_l.number)"
                        " FROM proposal_revisions {c}_l WHERE {c}_l.team_id = {p}.id)",
                    )
                ),
                "milestones": ToMany(
                    Link(
                        "ProjectMilestone",
                        "{c}.team_id = {p}.id",
                        order=("{c}.due_at", "{c}.id"),
                    )
                ),
                "assessment": ToOne(Link("ProjectAssessment", "{c}.team_id = {p}.id")),
            },
            models.ProjectTeam,
        ),
        TypeMapping(
            "ProjectTeamMember",
            "project_team_members",
            {
                **columns(role="role", status="status"),
                "invitedAt": Column(sqltext.timestamp("{t}.created_at")),
                "joinedAt": Column(sqltext.timestamp("{t}.joined_at")),
                "engineer": ToOne(Link(_ENGINEER, "{c}.id = {p}.engineer_id")),
            },
        ),
        TypeMapping(
            "ProposalRevision",
            "proposal_revisions",
            {
                "id": global_id("ProposalRevision"),
                **columns(number="number", title="title", summary="summary", status="status"),
                "submittedAt": Column(sqltext.timestamp("{t}.submitted_at")),
                "decidedAt": Column(sqltext.timestamp("{t}.decided_at")),
                "decisionComment": Column("{t}.decision_comment"),
                "submittedBy": ToOne(Link(_ENGINEER, "{c}.id = {p}.submitted_by_id")),
                "decidedBy": ToOne(Link(_ENGINEER, "{c}.id = {p}.decided_by_id")),
                "team": ToOne(Link("ProjectTeam", "{c}.id = {p}.team_id")),
            },
            models.ProposalRevision,
        ),
        TypeMapping(
            "ProjectMilestone",
            "project_milestones",
            {
                "id": global_id("ProjectMilestone"),
                "title": Column("{t}.title"),
                "dueAt": Column(sqltext.timestamp("{t}.due_at")),
                "isOverdue": Column(MILESTONE_OVERDUE),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "deliverables": ToMany(
                    Link(
                        "ProjectDeliverable",
                        "{c}.milestone_id = {p}.id",
                        order=("{c}.version DESC",),
                    )
                ),
                "latestDeliverable": ToOne(
                    Link(
                        "ProjectDeliverable",
                        "{c}.milestone_id = {p}.id AND {c}.version = (SELECT max({c}_l.version)"
                        " FROM project_deliverables {c}_l WHERE {c}_l.milestone_id = {p}.id)",
                    )
                ),
                "team": ToOne(Link("ProjectTeam", "{c}.id = {p}.team_id")),
            },
            models.ProjectMilestone,
        ),
        TypeMapping(
            "ProjectDeliverable",
            "project_deliverables",
            {
                **columns(version="version", url="url", note="note"),
                "submittedAt": Column(sqltext.timestamp("{t}.submitted_at")),
                "isLate": Column(DELIVERABLE_LATE),
                "submittedBy": ToOne(Link(_ENGINEER, "{c}.id = {p}.submitted_by_id")),
            },
        ),
        TypeMapping(
            "RubricCriterion",
            "rubric_criteria",
            {
                **columns(position="position", title="title", description="description"),
                "weight": Column(_float("{t}.weight")),
            },
        ),
        TypeMapping(
            "AssessmentRubric",
            "assessment_rubrics",
            {
                "id": global_id("AssessmentRubric"),
                "name": Column("{t}.name"),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "institution": ToOne(Link("Institution", "{c}.id = {p}.institution_id")),
                "criteria": ToMany(
                    Link("RubricCriterion", "{c}.rubric_id = {p}.id", order=("{c}.position",))
                ),
            },
            models.AssessmentRubric,
        ),
        TypeMapping(
            "CriterionScore",
            "assessment_scores",
            {
                "score": Column(_float("{t}.score")),
                "comment": Column("{t}.comment"),
                "criterion": ToOne(Link("RubricCriterion", "{c}.id = {p}.criterion_id")),
            },
        ),
        TypeMapping(
            "ProjectAssessment",
            "project_assessments",
            {
                "total": Column(_float("{t}.total")),
                "comment": Column("{t}.comment"),
                "assessedAt": Column(sqltext.timestamp("{t}.created_at")),
                "assessor": ToOne(Link(_ENGINEER, "{c}.id = {p}.assessor_id")),
                "rubric": ToOne(Link("AssessmentRubric", "{c}.id = {p}.rubric_id")),
                "scores": ToMany(
                    Link(
                        "CriterionScore",
                        "{c}.assessment_id = {p}.id",
                        source="JOIN rubric_criteria {c}_rc ON {c}_rc.id = {c}.criterion_id",
                        order=("{c}_rc.position",),
                    )
                ),
            },
        ),
    ),
    nodes={
        "ProjectTeam": "project_team",
        "ProposalRevision": "proposal_revision",
        "ProjectMilestone": "project_milestone",
        "AssessmentRubric": None,
    },
    rules={
        "project_team": Rule(models.ProjectTeam, teams),
        "own_project_team": Rule(models.ProjectTeam, own_teams),
        "proposal_revision": Rule(models.ProposalRevision, revisions),
        "project_milestone": Rule(models.ProjectMilestone, milestones),
    },
    extends={
        "Opportunity": {
            "projectTeams": Paged(
                Link("ProjectTeam", "{c}.opportunity_id = {p}.id"),
                TEAM_ORDERING,
                models.ProjectTeam,
                visibility="project_team",
            ),
        },
        "Viewer": {
            "projectTeams": Paged(
                Link("ProjectTeam", "TRUE"),
                TEAM_ORDERING,
                models.ProjectTeam,
                visibility="own_project_team",
            ),
        },
        "Institution": {
            "assessmentRubrics": ToMany(
                Link(
                    "AssessmentRubric",
                    "{c}.institution_id = {p}.id",
                    order=("{c}.name", "{c}.id"),
                )
            ),
        },
    },
)
