"""Final-year project supervision: student teams on a PROJECT_SUPERVISION opportunity, their
versioned proposals, milestones with versioned deliverables, rubrics and assessments."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamped
from db.enums import ProjectProposalStatus, RevisionStatus, TeamMemberStatus, TeamRole, check_in

NAME_MAX = 120
TITLE_MAX = 200
SUMMARY_MAX = 20_000
COMMENT_MAX = 5_000
URL_MAX = 2_000
EMAIL_MAX = 254


class ProjectTeam(Timestamped, Base):
    """A student team working on a project topic (an opportunity of kind PROJECT_SUPERVISION)."""

    __tablename__ = "project_teams"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "name", name="uq_project_teams_name"),
        CheckConstraint(
            check_in("proposal_status", ProjectProposalStatus), name="proposal_status_known"
        ),
        CheckConstraint(f"char_length(name) BETWEEN 1 AND {NAME_MAX}", name="name_length"),
        Index("ix_project_teams_opportunity", "opportunity_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    proposal_status: Mapped[str] = mapped_column(
        String(24), default=ProjectProposalStatus.DRAFTING, server_default="DRAFTING"
    )
    proposal_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )


class ProjectTeamMember(Base):
    """A student in a team: invited until they join."""

    __tablename__ = "project_team_members"
    __table_args__ = (
        CheckConstraint(check_in("role", TeamRole), name="role_known"),
        CheckConstraint(check_in("status", TeamMemberStatus), name="status_known"),
        CheckConstraint("(status = 'ACTIVE') = (joined_at IS NOT NULL)", name="joined_when_active"),
    )

    team_id: Mapped[int] = mapped_column(
        ForeignKey("project_teams.id", ondelete="CASCADE"), primary_key=True
    )
    engineer_id: Mapped[int] = mapped_column(
        ForeignKey("engineers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16), default=TeamRole.MEMBER, server_default="MEMBER")
    status: Mapped[str] = mapped_column(
        String(16), default=TeamMemberStatus.INVITED, server_default="INVITED"
    )
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    joined_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ProjectTeamInvitation(Base):
    """A team's invitation to a student with no account yet, by email; claimed when an account
    with that address verifies it (the student then becomes an INVITED member)."""

    __tablename__ = "project_team_invitations"
    __table_args__ = (
        UniqueConstraint("team_id", "email", name="uq_project_team_invitations_email"),
        CheckConstraint("email = lower(email)", name="email_lower"),
        CheckConstraint(
            "(claimed_at IS NULL) = (claimed_by_id IS NULL)", name="claimed_with_engineer"
        ),
        Index(
            "ix_project_team_invitations_open",
            "email",
            postgresql_where=text("claimed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("project_teams.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )


class ProposalRevision(Base):
    """One submitted version of a team's proposal; every revision is kept and readable."""

    __tablename__ = "proposal_revisions"
    __table_args__ = (
        UniqueConstraint("team_id", "number", name="uq_proposal_revisions_number"),
        CheckConstraint(check_in("status", RevisionStatus), name="status_known"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint(f"char_length(title) BETWEEN 3 AND {TITLE_MAX}", name="title_length"),
        CheckConstraint(f"char_length(summary) BETWEEN 1 AND {SUMMARY_MAX}", name="summary_length"),
        CheckConstraint(
            f"char_length(decision_comment) <= {COMMENT_MAX}", name="decision_comment_length"
        ),
        CheckConstraint(
            "(status IN ('SUBMITTED', 'SUPERSEDED')) = (decided_at IS NULL)",
            name="decided_when_dated",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("project_teams.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        String(24), default=RevisionStatus.SUBMITTED, server_default="SUBMITTED"
    )
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    submitted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_comment: Mapped[str | None] = mapped_column(Text)


class ProjectMilestone(Base):
    """A deadline the supervisors set for an approved team, with its deliverable versions."""

    __tablename__ = "project_milestones"
    __table_args__ = (
        CheckConstraint(f"char_length(title) BETWEEN 1 AND {TITLE_MAX}", name="title_length"),
        Index("ix_project_milestones_team", "team_id", "due_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("project_teams.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class ProjectDeliverable(Base):
    """One version of a milestone's deliverable: a link, numbered from 1, never overwritten."""

    __tablename__ = "project_deliverables"
    __table_args__ = (
        UniqueConstraint("milestone_id", "version", name="uq_project_deliverables_version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            f"char_length(url) BETWEEN 1 AND {URL_MAX} AND url ~ '^https?://'", name="url_shape"
        ),
        CheckConstraint(f"char_length(note) <= {COMMENT_MAX}", name="note_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("project_milestones.id", ondelete="CASCADE")
    )
    version: Mapped[int] = mapped_column(SmallInteger)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    submitted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class AssessmentRubric(Base):
    """An institution's rubric for final assessments: weighted criteria summing to 100."""

    __tablename__ = "assessment_rubrics"
    __table_args__ = (
        UniqueConstraint("institution_id", "name", name="uq_assessment_rubrics_name"),
        CheckConstraint(f"char_length(name) BETWEEN 1 AND {NAME_MAX}", name="name_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class RubricCriterion(Base):
    """One criterion of a rubric and its weight (percent of the total)."""

    __tablename__ = "rubric_criteria"
    __table_args__ = (
        UniqueConstraint("rubric_id", "position", name="uq_rubric_criteria_position"),
        CheckConstraint("position >= 1", name="position_positive"),
        CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),
        CheckConstraint(f"char_length(title) BETWEEN 1 AND {TITLE_MAX}", name="title_length"),
        CheckConstraint(f"char_length(description) <= {COMMENT_MAX}", name="description_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("assessment_rubrics.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    weight: Mapped[Decimal] = mapped_column(Numeric(5, 2))


class ProjectAssessment(Base):
    """The final assessment of a team against a rubric; one per team."""

    __tablename__ = "project_assessments"
    __table_args__ = (
        CheckConstraint("total BETWEEN 0 AND 100", name="total_range"),
        CheckConstraint(f"char_length(comment) <= {COMMENT_MAX}", name="comment_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(
        ForeignKey("project_teams.id", ondelete="CASCADE"), unique=True
    )
    rubric_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_rubrics.id", ondelete="RESTRICT"), index=True
    )
    assessor_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL"), index=True
    )
    total: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    """Weighted total: the sum over criteria of score × weight / 100."""
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class AssessmentScore(Base):
    """The score (0 to 100) an assessment gives one criterion."""

    __tablename__ = "assessment_scores"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 100", name="score_range"),
        CheckConstraint(f"char_length(comment) <= {COMMENT_MAX}", name="comment_length"),
    )

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("project_assessments.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("rubric_criteria.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")


__all__ = [
    "AssessmentRubric",
    "AssessmentScore",
    "ProjectAssessment",
    "ProjectDeliverable",
    "ProjectMilestone",
    "ProjectTeam",
    "ProjectTeamInvitation",
    "ProjectTeamMember",
    "ProposalRevision",
    "RubricCriterion",
]
