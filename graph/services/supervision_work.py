"""Project supervision after approval: milestones, versioned deliverables, institution rubrics
and the final assessment (score per criterion, weighted total)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import NotificationKind, ProjectProposalStatus
from db.models import (
    AssessmentRubric,
    AssessmentScore,
    Institution,
    ProjectAssessment,
    ProjectDeliverable,
    ProjectMilestone,
    RubricCriterion,
)
from db.models.supervision import COMMENT_MAX, NAME_MAX, TITLE_MAX, URL_MAX
from graph.auth.permissions import require_engineer
from graph.auth.viewer import Viewer
from graph.services import audit
from graph.services.notification import notify
from graph.services.problems import Problem, Rejected, reject
from graph.services.seeker import acts_for_seeker
from graph.services.supervision import (
    Code,
    TeamAccess,
    active_members,
    load_team,
    require_member,
    require_supervisor,
    supervisors_of,
)
from graph.services.supervision_access import milestones_visible

MAX_CRITERIA = 20
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class CriterionDraft:
    """One criterion of a new rubric: title, description, weight in percent."""

    title: str
    weight: Decimal
    description: str = ""


@dataclass(frozen=True)
class ScoreDraft:
    """A score (0 to 100) for the criterion at `position`, with an optional comment."""

    position: int
    score: Decimal
    comment: str = ""


def as_decimal(value: float) -> Decimal:
    """A GraphQL Float as the decimal it was written as (checked by the rules below)."""
    return Decimal(repr(value))


def _decimal(value: float | Decimal) -> Decimal | None:
    """A finite value with at most two decimals, else None."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.quantize(CENT):
        return None
    return number


async def _assessed(session: AsyncSession, team_id: int) -> bool:
    found = await session.scalar(
        select(ProjectAssessment.id).where(ProjectAssessment.team_id == team_id)
    )
    return found is not None


async def _approved_team(session: AsyncSession, access: TeamAccess) -> None:
    """Refuse work on a team whose proposal is not approved, or that is already assessed."""
    if access.team.proposal_status != ProjectProposalStatus.APPROVED:
        raise reject(Code.PROPOSAL_NOT_APPROVED, "The team's proposal is not approved yet.")
    if await _assessed(session, access.team.id):
        raise reject(Code.ALREADY_ASSESSED, "The project has been assessed.")


async def add_milestone(
    session: AsyncSession,
    viewer: Viewer,
    team_id: int,
    title: str,
    due_at: datetime,
    *,
    request_id: str = "",
) -> ProjectMilestone:
    """A supervisor sets a milestone for an approved team; audited, the students are told."""
    require_engineer(viewer)
    access = await load_team(session, viewer, team_id)
    require_supervisor(access)
    await _approved_team(session, access)
    problems: list[Problem] = []
    if not 1 <= len(title.strip()) <= TITLE_MAX:
        problems.append(
            Problem(Code.INVALID_TITLE, "Titles are 1 to 200 characters.", ("input", "title"))
        )
    if due_at <= datetime.now(UTC):
        problems.append(
            Problem(
                Code.INVALID_DUE_DATE, "The milestone is due in the future.", ("input", "dueAt")
            )
        )
    if problems:
        raise Rejected(problems)
    milestone = ProjectMilestone(
        team_id=access.team.id,
        title=title.strip(),
        due_at=due_at,
        created_by_id=viewer.engineer_id,
    )
    session.add(milestone)
    await session.flush()
    audit.record(
        session,
        viewer,
        "projectMilestone.add",
        milestone,
        chapter_id=None,
        before=None,
        after={"title": milestone.title, "dueAt": due_at.isoformat()},
        request_id=request_id,
    )
    await notify(
        session,
        await active_members(session, access.team.id),
        NotificationKind.PROJECT_MILESTONE_ADDED,
        opportunity_id=access.topic.id,
        actor_id=viewer.engineer_id,
        payload={"team": access.team.name, "milestone": milestone.title},
    )
    return milestone


async def submit_deliverable(
    session: AsyncSession, viewer: Viewer, milestone_id: int, url: str, note: str = ""
) -> ProjectMilestone:
    """A team's student submits the next version of a milestone's deliverable (a link); the
    supervisors are told."""
    require_engineer(viewer)
    milestone = await session.scalar(
        select(ProjectMilestone)
        .where(ProjectMilestone.id == milestone_id, milestones_visible(viewer))
        .with_for_update()
    )
    if milestone is None:
        raise reject(Code.NOT_FOUND, "No such milestone.", "input", "milestone")
    access = await load_team(session, viewer, milestone.team_id)
    require_member(access)
    if await _assessed(session, access.team.id):
        raise reject(Code.ALREADY_ASSESSED, "The project has been assessed.")
    link = url.strip()
    problems: list[Problem] = []
    if not (
        1 <= len(link) <= URL_MAX
        and link.startswith(("https://", "http://"))
        and not any(c.isspace() for c in link)
    ):
        problems.append(
            Problem(
                Code.INVALID_URL, "Give an http(s) link of up to 2000 characters.", ("input", "url")
            )
        )
    if len(note) > COMMENT_MAX:
        problems.append(
            Problem(Code.INVALID_NOTE, "Notes are at most 5000 characters.", ("input", "note"))
        )
    if problems:
        raise Rejected(problems)
    latest = await session.scalar(
        select(func.max(ProjectDeliverable.version)).where(
            ProjectDeliverable.milestone_id == milestone.id
        )
    )
    session.add(
        ProjectDeliverable(
            milestone_id=milestone.id,
            version=(latest or 0) + 1,
            url=link,
            note=note.strip(),
            submitted_by_id=viewer.engineer_id,
        )
    )
    await session.flush()
    await notify(
        session,
        await supervisors_of(session, access.topic.id),
        NotificationKind.PROJECT_DELIVERABLE_SUBMITTED,
        opportunity_id=access.topic.id,
        actor_id=viewer.engineer_id,
        payload={
            "team": access.team.name,
            "milestone": milestone.title,
            "version": (latest or 0) + 1,
        },
    )
    return milestone


def _check_criteria(criteria: Sequence[CriterionDraft]) -> list[Problem]:
    """Every problem with a rubric's criteria: count, titles, weights summing to 100."""
    if not 1 <= len(criteria) <= MAX_CRITERIA:
        return [
            Problem(
                Code.INVALID_CRITERIA,
                f"A rubric has 1 to {MAX_CRITERIA} criteria.",
                ("input", "criteria"),
            )
        ]
    problems: list[Problem] = []
    titles = [criterion.title.strip() for criterion in criteria]
    if any(not 1 <= len(title) <= TITLE_MAX for title in titles) or len(set(titles)) != len(titles):
        problems.append(
            Problem(
                Code.INVALID_CRITERIA,
                "Criteria have distinct titles of 1 to 200 characters.",
                ("input", "criteria"),
            )
        )
    if any(len(criterion.description) > COMMENT_MAX for criterion in criteria):
        problems.append(
            Problem(
                Code.INVALID_CRITERIA,
                "Descriptions are at most 5000 characters.",
                ("input", "criteria"),
            )
        )
    weights = [_decimal(criterion.weight) for criterion in criteria]
    if any(weight is None or not 0 < weight <= HUNDRED for weight in weights):
        problems.append(
            Problem(
                Code.INVALID_WEIGHTS,
                "Each weight is a percentage above 0 and at most 100, with two decimals at most.",
                ("input", "criteria"),
            )
        )
    elif sum(weight for weight in weights if weight is not None) != HUNDRED:
        problems.append(
            Problem(Code.INVALID_WEIGHTS, "The weights add up to 100.", ("input", "criteria"))
        )
    return problems


async def create_rubric(
    session: AsyncSession,
    viewer: Viewer,
    institution_id: int,
    name: str,
    criteria: Sequence[CriterionDraft],
    *,
    request_id: str = "",
) -> AssessmentRubric:
    """The institution's staff define a rubric: criteria with weights summing to 100; audited."""
    if await session.get(Institution, institution_id) is None:
        raise reject(Code.NOT_FOUND, "No such institution.", "input", "institution")
    if not await acts_for_seeker(session, viewer, None, institution_id):
        raise reject(Code.NOT_STAFF, "Only the institution's staff define its rubrics.")
    problems: list[Problem] = []
    cleaned = name.strip()
    if not 1 <= len(cleaned) <= NAME_MAX:
        problems.append(
            Problem(Code.INVALID_NAME, "Names are 1 to 120 characters.", ("input", "name"))
        )
    else:
        taken = await session.scalar(
            select(AssessmentRubric.id).where(
                AssessmentRubric.institution_id == institution_id,
                AssessmentRubric.name == cleaned,
            )
        )
        if taken is not None:
            problems.append(
                Problem(
                    Code.NAME_TAKEN, "The institution has a rubric of that name.", ("input", "name")
                )
            )
    problems += _check_criteria(criteria)
    if problems:
        raise Rejected(problems)
    rubric = AssessmentRubric(
        institution_id=institution_id, name=cleaned, created_by_id=viewer.engineer_id
    )
    session.add(rubric)
    await session.flush()
    session.add_all(
        [
            RubricCriterion(
                rubric_id=rubric.id,
                position=position,
                title=criterion.title.strip(),
                description=criterion.description.strip(),
                weight=Decimal(str(criterion.weight)),
            )
            for position, criterion in enumerate(criteria, start=1)
        ]
    )
    await session.flush()
    audit.record(
        session,
        viewer,
        "assessmentRubric.create",
        rubric,
        chapter_id=None,
        before=None,
        after={
            "name": cleaned,
            "criteria": [[c.title.strip(), str(c.weight)] for c in criteria],
        },
        request_id=request_id,
    )
    return rubric


def _weighted_total(
    criteria: Sequence[RubricCriterion], scores: Sequence[ScoreDraft]
) -> tuple[Decimal, list[Problem]]:
    """The weighted total of scores that cover each criterion once, else the problems."""
    field = ("input", "scores")
    positions = [score.position for score in scores]
    if sorted(positions) != [criterion.position for criterion in criteria]:
        return Decimal(0), [
            Problem(
                Code.INVALID_SCORES,
                f"Score each of the rubric's {len(criteria)} criteria exactly once.",
                field,
            )
        ]
    values = [_decimal(score.score) for score in scores]
    if any(value is None or not 0 <= value <= HUNDRED for value in values):
        return Decimal(0), [
            Problem(Code.INVALID_SCORES, "Scores are 0 to 100, two decimals at most.", field)
        ]
    if any(len(score.comment) > COMMENT_MAX for score in scores):
        return Decimal(0), [
            Problem(Code.INVALID_SCORES, "Comments are at most 5000 characters.", field)
        ]
    weight = {criterion.position: criterion.weight for criterion in criteria}
    total = sum(
        (
            (value or Decimal(0)) * weight[score.position]
            for score, value in zip(scores, values, strict=True)
        ),
        Decimal(0),
    )
    return (total / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP), []


async def assess(
    session: AsyncSession,
    viewer: Viewer,
    team_id: int,
    rubric_id: int,
    scores: Sequence[ScoreDraft],
    comment: str = "",
    *,
    request_id: str = "",
) -> ProjectAssessment:
    """A supervisor assesses an approved team once, against a rubric of the topic's
    institution: a score per criterion and their weighted total; audited, the students told."""
    require_engineer(viewer)
    access = await load_team(session, viewer, team_id)
    require_supervisor(access)
    await _approved_team(session, access)
    rubric = await session.get(AssessmentRubric, rubric_id)
    if rubric is None:
        raise reject(Code.NOT_FOUND, "No such rubric.", "input", "rubric")
    if rubric.institution_id != access.topic.institution_id:
        raise reject(
            Code.RUBRIC_NOT_OF_INSTITUTION,
            "Use a rubric of the topic's institution.",
            "input",
            "rubric",
        )
    criteria = list(
        await session.scalars(
            select(RubricCriterion)
            .where(RubricCriterion.rubric_id == rubric.id)
            .order_by(RubricCriterion.position)
        )
    )
    total, problems = _weighted_total(criteria, scores)
    if len(comment) > COMMENT_MAX:
        problems.append(
            Problem(
                Code.INVALID_COMMENT, "Comments are at most 5000 characters.", ("input", "comment")
            )
        )
    if problems:
        raise Rejected(problems)
    assessment = ProjectAssessment(
        team_id=access.team.id,
        rubric_id=rubric.id,
        assessor_id=viewer.engineer_id,
        total=total,
        comment=comment.strip(),
    )
    session.add(assessment)
    await session.flush()
    by_position = {criterion.position: criterion.id for criterion in criteria}
    session.add_all(
        [
            AssessmentScore(
                assessment_id=assessment.id,
                criterion_id=by_position[score.position],
                score=Decimal(str(score.score)),
                comment=score.comment.strip(),
            )
            for score in scores
        ]
    )
    await session.flush()
    after: dict[str, Any] = {
        "rubric": rubric.name,
        "total": str(total),
        "scores": {str(score.position): str(score.score) for score in scores},
    }
    audit.record(
        session,
        viewer,
        "project.assess",
        assessment,
        chapter_id=None,
        before=None,
        after=after,
        request_id=request_id,
    )
    await notify(
        session,
        await active_members(session, access.team.id),
        NotificationKind.PROJECT_ASSESSED,
        opportunity_id=access.topic.id,
        actor_id=viewer.engineer_id,
        payload={"team": access.team.name, "total": str(total)},
    )
    return assessment
