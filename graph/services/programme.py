"""Mentorship programmes: create one (a chapter with the feature on, or an institution), apply
as mentor or mentee inside the windows, and review applications."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import (
    NotificationKind,
    ProgrammeApplicationStatus,
    ProgrammeFormat,
    ProgrammeRole,
    ProgrammeStatus,
)
from db.models import Chapter, Institution, MentorshipApplication, MentorshipProgramme
from db.models.programme import (
    ANSWER_MAX,
    CAPACITY_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    QUESTION_MAX,
    QUESTIONS_MAX,
)
from graph.auth.permissions import require_engineer
from graph.auth.viewer import Viewer
from graph.ids import encode_id
from graph.services import audit
from graph.services.notification import notify, seeker_recipients
from graph.services.problems import reject
from graph.services.programme_access import (
    Code,
    applications_visible,
    coordinates,
    not_found,
    programme_for_update,
    require_coordinator,
    require_unpublished,
    snapshot,
)

ACCEPTED = ProgrammeApplicationStatus.ACCEPTED.value
DECLINED = ProgrammeApplicationStatus.DECLINED.value
SUBMITTED = ProgrammeApplicationStatus.SUBMITTED.value


@dataclass
class ProgrammeFields:
    """A new programme's fields, as the mutation received them."""

    name: str
    starts_on: date
    ends_on: date
    capacity: int
    hours_per_month: int
    mentor_opens_at: datetime
    mentor_closes_at: datetime
    mentee_opens_at: datetime
    mentee_closes_at: datetime
    description: str = ""
    format: ProgrammeFormat = ProgrammeFormat.ONE_TO_ONE
    questions: list[str] = field(default_factory=list)


def _check(fields: ProgrammeFields) -> None:
    """Reject the first invalid field."""
    name = fields.name.strip()
    if not 3 <= len(name) <= NAME_MAX:
        raise reject(Code.INVALID_NAME, f"A name has 3-{NAME_MAX} characters.", "input", "name")
    if len(fields.description) > DESCRIPTION_MAX:
        raise reject(
            Code.INVALID_DESCRIPTION,
            f"A description has at most {DESCRIPTION_MAX} characters.",
            "input",
            "description",
        )
    if fields.ends_on <= fields.starts_on:
        raise reject(Code.INVALID_DATES, "The programme ends after it starts.", "input", "endsOn")
    if not 1 <= fields.capacity <= CAPACITY_MAX:
        raise reject(
            Code.INVALID_CAPACITY,
            f"Capacity is 1-{CAPACITY_MAX} mentees.",
            "input",
            "capacity",
        )
    if not 1 <= fields.hours_per_month <= 40:
        raise reject(Code.INVALID_HOURS, "Pairs meet 1-40 hours a month.", "input", "hoursPerMonth")
    for opens, closes, name in (
        (fields.mentor_opens_at, fields.mentor_closes_at, "mentorClosesAt"),
        (fields.mentee_opens_at, fields.mentee_closes_at, "menteeClosesAt"),
    ):
        if opens.tzinfo is None or closes.tzinfo is None or closes <= opens:
            raise reject(
                Code.INVALID_WINDOW,
                "An application window closes after it opens (times with a UTC offset).",
                "input",
                name,
            )
    if len(fields.questions) > QUESTIONS_MAX or any(
        not 1 <= len(question.strip()) <= QUESTION_MAX for question in fields.questions
    ):
        raise reject(
            Code.INVALID_QUESTIONS,
            f"At most {QUESTIONS_MAX} questions of 1-{QUESTION_MAX} characters each.",
            "input",
            "questions",
        )


async def create(
    session: AsyncSession,
    viewer: Viewer,
    fields: ProgrammeFields,
    *,
    chapter_id: int | None,
    institution_id: int | None,
    request_id: str,
) -> MentorshipProgramme:
    """A programme run by a chapter (whose config switches programmes on) or an institution;
    the viewer must coordinate it; audited."""
    engineer_id = viewer.engineer_id
    if (chapter_id is None) == (institution_id is None):
        raise reject(
            Code.ONE_RUNNER, "Name either a chapter or an institution.", "input", "chapter"
        )
    if chapter_id is not None:
        chapter = await session.get(Chapter, chapter_id)
        if chapter is None:
            raise not_found("chapter", "input", "chapter")
        if chapter.archived_at is not None or not chapter.features.get(
            "mentorship_programmes", False
        ):
            raise reject(
                Code.PROGRAMMES_DISABLED,
                f"The chapter {chapter.slug} does not run mentorship programmes.",
                "input",
                "chapter",
            )
    elif await session.get(Institution, institution_id) is None:
        raise not_found("institution", "input", "institution")
    _check(fields)
    programme = MentorshipProgramme(
        chapter_id=chapter_id,
        institution_id=institution_id,
        name=fields.name.strip(),
        description=fields.description,
        format=fields.format.value,
        starts_on=fields.starts_on,
        ends_on=fields.ends_on,
        capacity=fields.capacity,
        hours_per_month=fields.hours_per_month,
        mentor_opens_at=fields.mentor_opens_at,
        mentor_closes_at=fields.mentor_closes_at,
        mentee_opens_at=fields.mentee_opens_at,
        mentee_closes_at=fields.mentee_closes_at,
        questions=[question.strip() for question in fields.questions],
        status=ProgrammeStatus.OPEN.value,
        created_by_id=engineer_id,
    )
    session.add(programme)
    await session.flush()
    runner = "chapter" if chapter_id is not None else "institution"
    await require_coordinator(session, viewer, programme, "input", runner)
    audit.record(
        session,
        viewer,
        "mentorship_programme.create",
        programme,
        chapter_id=chapter_id,
        before=None,
        after=snapshot(programme),
        request_id=request_id,
    )
    await session.flush()
    return programme


async def coordinator_recipients(
    session: AsyncSession, programme: MentorshipProgramme
) -> list[int | None]:
    """Who hears about a programme's applications: its creator and, for an institution's,
    its staff."""
    staff = await seeker_recipients(session, None, programme.institution_id)
    return [programme.created_by_id, *staff]


async def apply(
    session: AsyncSession,
    viewer: Viewer,
    programme_id: int,
    *,
    role: ProgrammeRole,
    answers: list[str],
    slots: int | None,
    now: datetime | None = None,
) -> MentorshipApplication:
    """The signed-in engineer applies as mentor (with 1-3 slots) or mentee, inside that role's
    window, answering every question; mentees only while the programme has room."""
    engineer_id = require_engineer(viewer)
    programme = await programme_for_update(session, programme_id, "input", "programme")
    require_unpublished(programme, "input", "programme")
    moment = now or datetime.now(UTC)
    opens, closes = (
        (programme.mentor_opens_at, programme.mentor_closes_at)
        if role is ProgrammeRole.MENTOR
        else (programme.mentee_opens_at, programme.mentee_closes_at)
    )
    if not opens <= moment < closes:
        raise reject(
            Code.WINDOW_CLOSED,
            f"Applications as {role.value.lower()} are open from {opens.isoformat()} "
            f"until {closes.isoformat()}.",
            "input",
            "role",
        )
    if role is ProgrammeRole.MENTOR:
        if slots is None or not 1 <= slots <= 3:
            raise reject(Code.INVALID_SLOTS, "A mentor takes 1-3 mentees.", "input", "slots")
    elif slots is not None:
        raise reject(Code.INVALID_SLOTS, "Only mentors give slots.", "input", "slots")
    if len(answers) != len(programme.questions) or any(
        not 1 <= len(answer.strip()) <= ANSWER_MAX for answer in answers
    ):
        raise reject(
            Code.INVALID_ANSWERS,
            f"Answer each of the {len(programme.questions)} questions, in order, in "
            f"1-{ANSWER_MAX} characters.",
            "input",
            "answers",
        )
    taken = await session.scalar(
        select(MentorshipApplication.id).where(
            MentorshipApplication.programme_id == programme.id,
            MentorshipApplication.applicant_id == engineer_id,
        )
    )
    if taken is not None:
        raise reject(
            Code.ALREADY_APPLIED, "You already applied to this programme.", "input", "programme"
        )
    if role is ProgrammeRole.MENTEE:
        await _require_room(session, programme)
    application = MentorshipApplication(
        programme_id=programme.id,
        applicant_id=engineer_id,
        role=role.value,
        slots=slots,
        answers=[answer.strip() for answer in answers],
        status=SUBMITTED,
    )
    session.add(application)
    await session.flush()
    await notify(
        session,
        await coordinator_recipients(session, programme),
        NotificationKind.PROGRAMME_APPLICATION_RECEIVED,
        chapter_id=programme.chapter_id,
        actor_id=engineer_id,
        payload={
            "programmeId": encode_id("MentorshipProgramme", programme.id),
            "role": role.value,
            "summary": f"New {role.value.lower()} application to {programme.name}",
        },
    )
    return application


async def _require_room(session: AsyncSession, programme: MentorshipProgramme) -> None:
    """OVER_CAPACITY when the mentees not declined already fill the programme."""
    mentees = await session.scalar(
        select(func.count()).where(
            MentorshipApplication.programme_id == programme.id,
            MentorshipApplication.role == ProgrammeRole.MENTEE.value,
            MentorshipApplication.status != DECLINED,
        )
    )
    if (mentees or 0) >= programme.capacity:
        raise reject(
            Code.OVER_CAPACITY,
            f"The programme takes {programme.capacity} mentees and is full.",
            "input",
            "programme",
        )


def _application_snapshot(row: MentorshipApplication) -> dict[str, Any]:
    return {"role": row.role, "slots": row.slots, "status": row.status}


async def decide(
    session: AsyncSession,
    viewer: Viewer,
    application_id: int,
    *,
    accept: bool,
    request_id: str,
) -> MentorshipApplication:
    """A coordinator accepts or declines a submitted application (before publishing); the
    applicant is notified; audited."""
    application = await session.scalar(
        select(MentorshipApplication).where(
            MentorshipApplication.id == application_id, applications_visible(viewer)
        )
    )
    if application is None:
        raise not_found("application", "input", "application")
    programme = await programme_for_update(session, application.programme_id)
    await require_coordinator(session, viewer, programme, "input", "application")
    require_unpublished(programme, "input", "application")
    if application.status != SUBMITTED:
        raise reject(
            Code.ALREADY_DECIDED,
            f"The application is already {application.status}.",
            "input",
            "application",
        )
    before = _application_snapshot(application)
    application.status = ACCEPTED if accept else DECLINED
    application.decided_at = datetime.now(UTC)
    application.decided_by_id = viewer.engineer_id
    audit.record(
        session,
        viewer,
        "mentorship_application.accept" if accept else "mentorship_application.decline",
        application,
        chapter_id=programme.chapter_id,
        before=before,
        after=_application_snapshot(application),
        request_id=request_id,
    )
    await session.flush()
    await notify(
        session,
        [application.applicant_id],
        NotificationKind.PROGRAMME_APPLICATION_DECIDED,
        chapter_id=programme.chapter_id,
        actor_id=viewer.engineer_id,
        payload={
            "programmeId": encode_id("MentorshipProgramme", programme.id),
            "status": application.status,
            "summary": f"Your application to {programme.name} was {application.status.lower()}",
        },
    )
    return application


__all__ = ["ProgrammeFields", "apply", "coordinates", "create", "decide"]
