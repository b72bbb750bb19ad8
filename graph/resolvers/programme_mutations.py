"""Mentorship programme mutations: create, apply, accept or decline applications, propose,
adjust and publish the cohort, log group sessions."""

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.enums import ProgrammeRole
from graph.auth.permissions import require_engineer
from graph.context import Info
from graph.errors import Unauthenticated
from graph.resolvers.mutation import decode, run
from graph.resolvers.programme_payloads import (
    ANSWERS,
    MAX_ADJUSTMENTS,
    MentorshipApplicationDecideInput,
    MentorshipApplicationPayload,
    MentorshipCohortAdjustInput,
    MentorshipCohortInput,
    MentorshipGroupSessionLogInput,
    MentorshipGroupSessionPayload,
    MentorshipProgrammeApplyInput,
    MentorshipProgrammeCreateInput,
    MentorshipProgrammePayload,
)
from graph.services import cohort
from graph.services import programme as service
from graph.services.problems import Rejected, reject
from graph.services.programme_access import Code
from graph.types.engagement import EngagementSession
from graph.types.programme import MentorshipApplication, MentorshipProgramme

COORDINATORS = (
    " Coordinators only (userError NOT_COORDINATOR otherwise): chapter coordinators "
    "(`members:manage` in its chapter), the institution's staff, council admins; audited."
)
CREATE = (
    "Create a mentorship programme run by a chapter (whose config switches "
    "`mentorship_programmes` on) or an institution." + COORDINATORS
)
APPLY = (
    "Apply to a programme as mentor (with 1-3 slots) or mentee, inside that role's window, "
    "answering its questions; mentees while it has room. Its coordinators are notified. "
    "Signed-in engineers."
)
ACCEPT = "Accept a submitted application; the applicant is notified." + COORDINATORS
DECLINE = "Decline a submitted application; the applicant is notified." + COORDINATORS
PROPOSE = (
    "Propose the cohort: the assignment of accepted mentees to accepted mentors with the "
    "greatest total match score (the contribution engine's scoring) in which no mentor exceeds "
    "their slots, solved optimally; replaces any earlier proposal." + COORDINATORS
)
ADJUST = (
    "Adjust a proposed cohort: remove pairs and add pairs (a swap is two of each); mentors "
    "stay within their slots, mentees in one pair at most." + COORDINATORS
)
PUBLISH = (
    "Publish the proposed cohort: every pair becomes an ACTIVE MENTORSHIP engagement (mentor "
    "the contributor, mentee the seeker) in one transaction, and everyone paired is notified; "
    "the cohort can no longer change." + COORDINATORS
)
GROUP_SESSION = (
    "Log a shared session of a GROUP programme with your mentees, as their mentor: one "
    "session on your first engagement of the programme, listing every attendee; "
    "countersigned there, it enters the ledger once."
)


def _signed_in(info: Info) -> None:
    if not info.context.viewer.is_authenticated:
        raise Unauthenticated("Sign in: this operation needs an access token.")


def _programme_key(value: str) -> int:
    return decode(value, "MentorshipProgramme", Code.NOT_FOUND, "input", "programme")


def _programme_payload(result: models.MentorshipProgramme | Rejected) -> MentorshipProgrammePayload:
    return ANSWERS.payload(
        MentorshipProgrammePayload, result, programme=MentorshipProgramme.from_model
    )


def _application_payload(
    result: models.MentorshipApplication | Rejected,
) -> MentorshipApplicationPayload:
    return ANSWERS.payload(
        MentorshipApplicationPayload, result, application=MentorshipApplication.from_model
    )


async def mentorship_programme_create(
    info: Info,
    input: Annotated[MentorshipProgrammeCreateInput, strawberry.argument(description="It.")],
) -> MentorshipProgrammePayload:
    """mentorshipProgrammeCreate."""
    _signed_in(info)

    async def work(session: AsyncSession) -> models.MentorshipProgramme:
        chapter = (
            decode(input.chapter, "Chapter", Code.NOT_FOUND, "input", "chapter")
            if input.chapter is not None
            else None
        )
        institution = (
            decode(input.institution, "Institution", Code.NOT_FOUND, "input", "institution")
            if input.institution is not None
            else None
        )
        fields = service.ProgrammeFields(
            name=input.name,
            starts_on=input.starts_on,
            ends_on=input.ends_on,
            capacity=input.capacity,
            hours_per_month=input.hours_per_month,
            mentor_opens_at=input.mentor_applications_open_at,
            mentor_closes_at=input.mentor_applications_close_at,
            mentee_opens_at=input.mentee_applications_open_at,
            mentee_closes_at=input.mentee_applications_close_at,
            description=input.description,
            format=input.format,
            questions=list(input.questions),
        )
        return await service.create(
            session,
            info.context.viewer,
            fields,
            chapter_id=chapter,
            institution_id=institution,
            request_id=info.context.request_id,
        )

    return _programme_payload(await run(info, work))


async def mentorship_programme_apply(
    info: Info,
    input: Annotated[MentorshipProgrammeApplyInput, strawberry.argument(description="It.")],
) -> MentorshipApplicationPayload:
    """mentorshipProgrammeApply."""
    require_engineer(info.context.viewer)

    async def work(session: AsyncSession) -> models.MentorshipApplication:
        return await service.apply(
            session,
            info.context.viewer,
            _programme_key(input.programme),
            role=ProgrammeRole(input.role.value),
            answers=list(input.answers),
            slots=input.slots,
        )

    return _application_payload(await run(info, work))


async def _decide(
    info: Info, input: MentorshipApplicationDecideInput, *, accept: bool
) -> MentorshipApplicationPayload:
    _signed_in(info)

    async def work(session: AsyncSession) -> models.MentorshipApplication:
        key = decode(
            input.application, "MentorshipApplication", Code.NOT_FOUND, "input", "application"
        )
        return await service.decide(
            session, info.context.viewer, key, accept=accept, request_id=info.context.request_id
        )

    return _application_payload(await run(info, work))


async def mentorship_application_accept(
    info: Info,
    input: Annotated[
        MentorshipApplicationDecideInput, strawberry.argument(description="The application.")
    ],
) -> MentorshipApplicationPayload:
    """mentorshipApplicationAccept."""
    return await _decide(info, input, accept=True)


async def mentorship_application_decline(
    info: Info,
    input: Annotated[
        MentorshipApplicationDecideInput, strawberry.argument(description="The application.")
    ],
) -> MentorshipApplicationPayload:
    """mentorshipApplicationDecline."""
    return await _decide(info, input, accept=False)


async def mentorship_cohort_propose(
    info: Info,
    input: Annotated[MentorshipCohortInput, strawberry.argument(description="The programme.")],
) -> MentorshipProgrammePayload:
    """mentorshipCohortPropose."""
    _signed_in(info)

    async def work(session: AsyncSession) -> models.MentorshipProgramme:
        return await cohort.propose(
            session,
            info.context.viewer,
            _programme_key(input.programme),
            request_id=info.context.request_id,
        )

    return _programme_payload(await run(info, work))


async def mentorship_cohort_adjust(
    info: Info,
    input: Annotated[MentorshipCohortAdjustInput, strawberry.argument(description="Changes.")],
) -> MentorshipProgrammePayload:
    """mentorshipCohortAdjust."""
    _signed_in(info)

    async def work(session: AsyncSession) -> models.MentorshipProgramme:
        key = _programme_key(input.programme)
        if len(input.remove) > MAX_ADJUSTMENTS or len(input.add) > MAX_ADJUSTMENTS:
            raise reject(
                Code.INVALID_PAIR,
                f"Remove and add at most {MAX_ADJUSTMENTS} pairs each at once.",
                "input",
            )
        remove = [
            decode(pair, "MentorshipPair", Code.INVALID_PAIR, "input", "remove")
            for pair in input.remove
        ]
        add = [
            (
                decode(pair.mentor, "MentorshipApplication", Code.INVALID_PAIR, "input", "add"),
                decode(pair.mentee, "MentorshipApplication", Code.INVALID_PAIR, "input", "add"),
            )
            for pair in input.add
        ]
        return await cohort.adjust(
            session,
            info.context.viewer,
            key,
            remove=remove,
            add=add,
            request_id=info.context.request_id,
        )

    return _programme_payload(await run(info, work))


async def mentorship_cohort_publish(
    info: Info,
    input: Annotated[MentorshipCohortInput, strawberry.argument(description="The programme.")],
) -> MentorshipProgrammePayload:
    """mentorshipCohortPublish."""
    _signed_in(info)

    async def work(session: AsyncSession) -> models.MentorshipProgramme:
        return await cohort.publish(
            session,
            info.context.viewer,
            _programme_key(input.programme),
            request_id=info.context.request_id,
        )

    return _programme_payload(await run(info, work))


async def mentorship_group_session_log(
    info: Info,
    input: Annotated[MentorshipGroupSessionLogInput, strawberry.argument(description="It.")],
) -> MentorshipGroupSessionPayload:
    """mentorshipGroupSessionLog."""
    require_engineer(info.context.viewer)

    async def work(session: AsyncSession) -> models.EngagementSession:
        attendees = [
            decode(engineer, "Engineer", Code.INVALID_SESSION, "input", "attendees")
            for engineer in input.attendees
        ]
        return await cohort.log_group_session(
            session,
            info.context.viewer,
            _programme_key(input.programme),
            held_on=input.held_on,
            minutes=input.minutes,
            notes=input.notes,
            attendee_ids=attendees,
        )

    result = await run(info, work)
    if isinstance(result, Rejected):
        return MentorshipGroupSessionPayload(session=None, user_errors=ANSWERS.errors(result))
    return MentorshipGroupSessionPayload(
        session=EngagementSession.of(result), user_errors=[]
    )
