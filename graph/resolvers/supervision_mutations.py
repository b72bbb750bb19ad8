"""Project supervision mutations: teams, invitations, proposals and verdicts, milestones,
deliverables, rubrics and the final assessment; thin over graph.services.supervision*."""

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.queries import supervision as queries
from graph.context import Info
from graph.resolvers.mutation import Answers, decode, run, run_checked
from graph.services import supervision as service
from graph.services import supervision_work as work_service
from graph.services.problems import Rejected
from graph.services.supervision import SupervisionErrorCode
from graph.types.supervision import (
    AssessmentRubric,
    ProjectMilestone,
    ProjectTeam,
    ProposalRevision,
)

Code = SupervisionErrorCode


@strawberry.type(description="Why a project supervision mutation was refused.")
class SupervisionUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: SupervisionErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


ANSWERS = Answers(SupervisionUserError, SupervisionErrorCode, under=())
"""How supervision mutations answer (the services name `input` in their problems' fields)."""


@strawberry.type(description="Result of a mutation that changes a project team.")
class ProjectTeamPayload:
    """The team as it is now, or why nothing changed."""

    team: ProjectTeam | None = strawberry.field(
        description="The team after the change; null when refused."
    )
    user_errors: list[SupervisionUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of submitting or deciding a proposal revision.")
class ProposalRevisionPayload:
    """The revision as it is now, or why nothing changed."""

    revision: ProposalRevision | None = strawberry.field(
        description="The revision after the change; null when refused."
    )
    user_errors: list[SupervisionUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of adding a milestone or submitting a deliverable.")
class ProjectMilestonePayload:
    """The milestone as it is now, or why nothing changed."""

    milestone: ProjectMilestone | None = strawberry.field(
        description="The milestone after the change; null when refused."
    )
    user_errors: list[SupervisionUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of defining an assessment rubric.")
class AssessmentRubricPayload:
    """The new rubric, or why none was made."""

    rubric: AssessmentRubric | None = strawberry.field(description="The rubric; null when refused.")
    user_errors: list[SupervisionUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.input(description="A new project team on a topic.")
class ProjectTeamCreateInput:
    """What a student gives to form a team."""

    topic: strawberry.ID = strawberry.field(
        description="The project topic: an opportunity of kind PROJECT_SUPERVISION."
    )
    name: str = strawberry.field(description="The team's name (1–120 characters).")
    proposal_due_at: datetime | None = strawberry.field(
        default=None, description="When the proposal is due (default: in 21 days)."
    )


@strawberry.input(description="An invitation to a project team: an engineer, or an email.")
class ProjectTeamInviteInput:
    """Whom to invite."""

    team: strawberry.ID = strawberry.field(description="The team.")
    engineer: strawberry.ID | None = strawberry.field(
        default=None, description="An engineer to invite (or give `email`)."
    )
    email: str | None = strawberry.field(
        default=None,
        description="An email address to invite (or give `engineer`); without an account, the "
        "student is mailed and becomes an invited member once they sign up and verify it.",
    )


@strawberry.input(description="The team to join.")
class ProjectTeamJoinInput:
    """The team."""

    team: strawberry.ID = strawberry.field(description="A team you are invited to.")


@strawberry.input(description="A new proposal revision.")
class ProjectProposalSubmitInput:
    """The revision's text."""

    team: strawberry.ID = strawberry.field(description="Your team.")
    title: str = strawberry.field(description="Working title (3–200 characters).")
    summary: str = strawberry.field(description="The proposal (1–20000 characters).")


@strawberry.input(description="A supervisor's verdict on a proposal revision.")
class ProposalReviewInput:
    """The revision and the comment."""

    revision: strawberry.ID = strawberry.field(description="The revision awaiting review.")
    comment: str = strawberry.field(
        default="",
        description="A comment (at most 5000 characters); required when requesting changes.",
    )


@strawberry.input(description="A new milestone for an approved team.")
class ProjectMilestoneAddInput:
    """The milestone."""

    team: strawberry.ID = strawberry.field(description="The team.")
    title: str = strawberry.field(description="What is due (1–200 characters).")
    due_at: datetime = strawberry.field(description="When it is due (in the future).")


@strawberry.input(description="A new version of a milestone's deliverable.")
class ProjectDeliverableSubmitInput:
    """The link."""

    milestone: strawberry.ID = strawberry.field(description="The milestone.")
    url: str = strawberry.field(description="An http(s) link to the deliverable.")
    note: str = strawberry.field(default="", description="A note (at most 5000 characters).")


@strawberry.input(description="One criterion of a new rubric.")
class RubricCriterionInput:
    """A criterion."""

    title: str = strawberry.field(description="What is assessed (1–200 characters).")
    weight: float = strawberry.field(
        description="Percent of the total, above 0, two decimals at most; weights sum to 100."
    )
    description: str = strawberry.field(default="", description="How it is assessed.")


@strawberry.input(description="A new assessment rubric for an institution.")
class AssessmentRubricCreateInput:
    """The rubric."""

    institution: strawberry.ID = strawberry.field(description="The institution.")
    name: str = strawberry.field(description="Its name, unique in the institution.")
    criteria: list[RubricCriterionInput] = strawberry.field(
        description="1–20 criteria, in order; their weights sum to 100."
    )


@strawberry.input(description="The score of one rubric criterion.")
class CriterionScoreInput:
    """A score."""

    position: int = strawberry.field(description="The criterion's position in the rubric.")
    score: float = strawberry.field(description="0 to 100, two decimals at most.")
    comment: str = strawberry.field(default="", description="A comment on this criterion.")


@strawberry.input(description="A team's final assessment.")
class ProjectAssessInput:
    """The assessment."""

    team: strawberry.ID = strawberry.field(description="The team (its proposal approved).")
    rubric: strawberry.ID = strawberry.field(description="A rubric of the topic's institution.")
    scores: list[CriterionScoreInput] = strawberry.field(
        description="A score for each of the rubric's criteria, once."
    )
    comment: str = strawberry.field(default="", description="An overall comment.")


async def _team(session: AsyncSession, team_id: int) -> ProjectTeam:
    """The team with its overdue flags, read in the mutation's session."""
    (row,) = await queries.list_teams_by_ids(session, [team_id])
    return ProjectTeam.from_row(row)


async def _milestone(session: AsyncSession, milestone: models.ProjectMilestone) -> ProjectMilestone:
    """The milestone with its overdue flag, read in the mutation's session."""
    overdue = await session.scalar(queries.milestone_overdue_of(milestone.id))
    return ProjectMilestone.from_row((milestone, overdue))


def _team_payload(result: ProjectTeam | Rejected) -> ProjectTeamPayload:
    return ANSWERS.payload(ProjectTeamPayload, result, team=lambda team: team)


def _revision_payload(result: models.ProposalRevision | Rejected) -> ProposalRevisionPayload:
    return ANSWERS.payload(ProposalRevisionPayload, result, revision=ProposalRevision.from_model)


def _milestone_payload(result: ProjectMilestone | Rejected) -> ProjectMilestonePayload:
    return ANSWERS.payload(ProjectMilestonePayload, result, milestone=lambda milestone: milestone)


def _team_key(value: str) -> int:
    return decode(value, "ProjectTeam", Code.NOT_FOUND, "input", "team")


CREATE = (
    "Form a student team on a visible, open project topic (an opportunity of kind "
    "PROJECT_SUPERVISION); you lead it. Signed-in engineers."
)
INVITE = (
    "Invite a student to your team: an engineer by ID (notified), or an email address (mailed; "
    "the student becomes an invited member when they sign up and verify that address). "
    "Students of the team."
)
JOIN = "Join a team you are invited to. Signed-in engineers."
SUBMIT = (
    "Submit your team's next proposal revision; a revision still awaiting review is "
    "superseded (and kept). The supervisors are notified. Students of the team."
)
APPROVE = (
    "Approve the proposal revision awaiting review; the team's students are notified; "
    "audited. The topic's supervisors."
)
REQUEST_CHANGES = (
    "Send the proposal revision awaiting review back with a comment saying what to change; "
    "the team's students are notified; audited. The topic's supervisors."
)
MILESTONE_ADD = (
    "Set a milestone for a team whose proposal is approved; the students are notified; "
    "audited. The topic's supervisors."
)
DELIVERABLE_SUBMIT = (
    "Submit the next version of a milestone's deliverable (a link; earlier versions are "
    "kept); the supervisors are notified. Students of the team."
)
RUBRIC_CREATE = (
    "Define an assessment rubric for an institution: criteria whose weights sum to 100; "
    "audited. The institution's staff (or its client with opportunities:write)."
)
ASSESS = (
    "Record a team's final assessment against a rubric of the topic's institution: a score "
    "per criterion and their weighted total; once per team; the students are notified; "
    "audited. The topic's supervisors."
)


async def project_team_create(
    info: Info,
    input: Annotated[ProjectTeamCreateInput, strawberry.argument(description="The team.")],
) -> ProjectTeamPayload:
    """projectTeamCreate."""

    async def work(session: AsyncSession) -> ProjectTeam:
        topic = decode(input.topic, "Opportunity", Code.NOT_FOUND, "input", "topic")
        team = await service.create_team(
            session, info.context.viewer, topic, input.name, input.proposal_due_at
        )
        return await _team(session, team.id)

    return _team_payload(await run_checked(info, work, engineer=True))


async def project_team_invite(
    info: Info,
    input: Annotated[ProjectTeamInviteInput, strawberry.argument(description="Whom to invite.")],
) -> ProjectTeamPayload:
    """projectTeamInvite."""

    async def work(session: AsyncSession) -> ProjectTeam:
        engineer = (
            decode(input.engineer, "Engineer", Code.NOT_FOUND, "input", "engineer")
            if input.engineer is not None
            else None
        )
        team = await service.invite(
            session,
            info.context.viewer,
            _team_key(input.team),
            engineer_id=engineer,
            email=input.email,
            site=info.context.site,
        )
        return await _team(session, team.id)

    return _team_payload(await run_checked(info, work, engineer=True))


async def project_team_join(
    info: Info,
    input: Annotated[ProjectTeamJoinInput, strawberry.argument(description="The team.")],
) -> ProjectTeamPayload:
    """projectTeamJoin."""

    async def work(session: AsyncSession) -> ProjectTeam:
        team = await service.join(session, info.context.viewer, _team_key(input.team))
        return await _team(session, team.id)

    return _team_payload(await run_checked(info, work, engineer=True))


async def proposal_submit(
    info: Info,
    input: Annotated[ProjectProposalSubmitInput, strawberry.argument(description="The revision.")],
) -> ProposalRevisionPayload:
    """projectProposalSubmit."""

    async def work(session: AsyncSession) -> models.ProposalRevision:
        return await service.submit_proposal(
            session, info.context.viewer, _team_key(input.team), input.title, input.summary
        )

    return _revision_payload(await run_checked(info, work, engineer=True))


async def _review(info: Info, input: ProposalReviewInput, approve: bool) -> ProposalRevisionPayload:

    async def work(session: AsyncSession) -> models.ProposalRevision:
        key = decode(input.revision, "ProposalRevision", Code.NOT_FOUND, "input", "revision")
        return await service.review_proposal(
            session,
            info.context.viewer,
            key,
            approve=approve,
            comment=input.comment,
            request_id=info.context.request_id,
        )

    return _revision_payload(await run_checked(info, work, engineer=True))


async def proposal_approve(
    info: Info,
    input: Annotated[ProposalReviewInput, strawberry.argument(description="The verdict.")],
) -> ProposalRevisionPayload:
    """projectProposalApprove."""
    return await _review(info, input, approve=True)


async def proposal_request_changes(
    info: Info,
    input: Annotated[ProposalReviewInput, strawberry.argument(description="The verdict.")],
) -> ProposalRevisionPayload:
    """projectProposalRequestChanges."""
    return await _review(info, input, approve=False)


async def project_milestone_add(
    info: Info,
    input: Annotated[ProjectMilestoneAddInput, strawberry.argument(description="The milestone.")],
) -> ProjectMilestonePayload:
    """projectMilestoneAdd."""

    async def work(session: AsyncSession) -> ProjectMilestone:
        milestone = await work_service.add_milestone(
            session,
            info.context.viewer,
            _team_key(input.team),
            input.title,
            input.due_at,
            request_id=info.context.request_id,
        )
        return await _milestone(session, milestone)

    return _milestone_payload(await run_checked(info, work, engineer=True))


async def project_deliverable_submit(
    info: Info,
    input: Annotated[
        ProjectDeliverableSubmitInput, strawberry.argument(description="The deliverable.")
    ],
) -> ProjectMilestonePayload:
    """projectDeliverableSubmit."""

    async def work(session: AsyncSession) -> ProjectMilestone:
        key = decode(input.milestone, "ProjectMilestone", Code.NOT_FOUND, "input", "milestone")
        milestone = await work_service.submit_deliverable(
            session, info.context.viewer, key, input.url, input.note
        )
        return await _milestone(session, milestone)

    return _milestone_payload(await run_checked(info, work, engineer=True))


async def assessment_rubric_create(
    info: Info,
    input: Annotated[AssessmentRubricCreateInput, strawberry.argument(description="The rubric.")],
) -> AssessmentRubricPayload:
    """assessmentRubricCreate."""

    async def work(session: AsyncSession) -> models.AssessmentRubric:
        key = decode(input.institution, "Institution", Code.NOT_FOUND, "input", "institution")
        criteria = [
            work_service.CriterionDraft(
                title=criterion.title,
                weight=work_service.as_decimal(criterion.weight),
                description=criterion.description,
            )
            for criterion in input.criteria
        ]
        return await work_service.create_rubric(
            session,
            info.context.viewer,
            key,
            input.name,
            criteria,
            request_id=info.context.request_id,
        )

    result = await run(info, work)
    return ANSWERS.payload(AssessmentRubricPayload, result, rubric=AssessmentRubric.from_model)


async def project_assess(
    info: Info,
    input: Annotated[ProjectAssessInput, strawberry.argument(description="The assessment.")],
) -> ProjectTeamPayload:
    """projectAssess."""

    async def work(session: AsyncSession) -> ProjectTeam:
        team = _team_key(input.team)
        rubric = decode(input.rubric, "AssessmentRubric", Code.NOT_FOUND, "input", "rubric")
        scores = [
            work_service.ScoreDraft(
                position=score.position,
                score=work_service.as_decimal(score.score),
                comment=score.comment,
            )
            for score in input.scores
        ]
        await work_service.assess(
            session,
            info.context.viewer,
            team,
            rubric,
            scores,
            input.comment,
            request_id=info.context.request_id,
        )
        return await _team(session, team)

    return _team_payload(await run_checked(info, work, engineer=True))
