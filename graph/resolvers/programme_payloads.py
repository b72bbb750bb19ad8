"""Inputs and payloads of the mentorship programme mutations."""

from datetime import date, datetime

import strawberry

from db.enums import ProgrammeFormat, ProgrammeRole
from graph.resolvers.mutation import Answers
from graph.services.programme_access import ProgrammeErrorCode
from graph.types.engagement import EngagementSession
from graph.types.programme import MentorshipApplication, MentorshipProgramme

MAX_ADJUSTMENTS = 100
"""Pairs one adjustment may remove, and add, at most."""


@strawberry.type(description="Why a mentorship programme mutation was refused.")
class MentorshipProgrammeUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: ProgrammeErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


ANSWERS = Answers(MentorshipProgrammeUserError, ProgrammeErrorCode, under=())


@strawberry.type(description="Result of a mutation that changes a mentorship programme.")
class MentorshipProgrammePayload:
    """The programme as it is now, or why nothing changed."""

    programme: MentorshipProgramme | None = strawberry.field(
        description="The programme after the change; null when refused."
    )
    user_errors: list[MentorshipProgrammeUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation that changes a programme application.")
class MentorshipApplicationPayload:
    """The application as it is now, or why nothing changed."""

    application: MentorshipApplication | None = strawberry.field(
        description="The application after the change; null when refused."
    )
    user_errors: list[MentorshipProgrammeUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of logging a group mentoring session.")
class MentorshipGroupSessionPayload:
    """The logged session, or why nothing was logged."""

    session: EngagementSession | None = strawberry.field(
        description="The session, on the group's engagement; null when refused."
    )
    user_errors: list[MentorshipProgrammeUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.input(description="A new mentorship programme.")
class MentorshipProgrammeCreateInput:
    """Everything about the programme."""

    name: str = strawberry.field(description="3-200 characters.")
    starts_on: date = strawberry.field(description="First day of the programme.")
    ends_on: date = strawberry.field(description="Last day; after the first.")
    capacity: int = strawberry.field(description="Mentees it takes at most, 1-1,000.")
    hours_per_month: int = strawberry.field(description="Each pair's hours a month, 1-40.")
    mentor_applications_open_at: datetime = strawberry.field(
        description="When mentors may start applying (with UTC offset)."
    )
    mentor_applications_close_at: datetime = strawberry.field(
        description="When mentor applications close; after they open."
    )
    mentee_applications_open_at: datetime = strawberry.field(
        description="When mentees may start applying (with UTC offset)."
    )
    mentee_applications_close_at: datetime = strawberry.field(
        description="When mentee applications close; after they open."
    )
    chapter: strawberry.ID | None = strawberry.field(
        default=None,
        description="ID of the chapter running it (its config must switch "
        "`mentorship_programmes` on); or give `institution`.",
    )
    institution: strawberry.ID | None = strawberry.field(
        default=None, description="ID of the institution running it; or give `chapter`."
    )
    description: str = strawberry.field(default="", description="At most 20,000 characters.")
    format: ProgrammeFormat = strawberry.field(
        default=ProgrammeFormat.ONE_TO_ONE, description="One-to-one or group mentoring."
    )
    questions: list[str] = strawberry.field(
        default_factory=list,
        description="At most 10 questions (1-500 characters each) applicants answer.",
    )


@strawberry.input(description="An application to a mentorship programme.")
class MentorshipProgrammeApplyInput:
    """Programme, role, answers and (for mentors) slots."""

    programme: strawberry.ID = strawberry.field(description="ID of the programme.")
    role: ProgrammeRole = strawberry.field(description="Apply as mentor or as mentee.")
    answers: list[str] = strawberry.field(
        description="One answer (1-5,000 characters) per programme question, in order."
    )
    slots: int | None = strawberry.field(
        default=None, description="Mentors: how many mentees you take, 1-3. Mentees: leave out."
    )


@strawberry.input(description="An application to accept or decline.")
class MentorshipApplicationDecideInput:
    """The application."""

    application: strawberry.ID = strawberry.field(description="ID of the application.")


@strawberry.input(description="A programme whose cohort to propose or publish.")
class MentorshipCohortInput:
    """The programme."""

    programme: strawberry.ID = strawberry.field(description="ID of the programme.")


@strawberry.input(description="A pair to add to a cohort by hand.")
class MentorshipPairInput:
    """Mentor and mentee, by their applications."""

    mentor: strawberry.ID = strawberry.field(
        description="ID of the accepted mentor's MentorshipApplication."
    )
    mentee: strawberry.ID = strawberry.field(
        description="ID of the accepted mentee's MentorshipApplication."
    )


@strawberry.input(description="Changes to a proposed cohort: a swap is two removals and two adds.")
class MentorshipCohortAdjustInput:
    """Programme, pairs to remove and pairs to add."""

    programme: strawberry.ID = strawberry.field(description="ID of the programme.")
    remove: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description=f"IDs of MentorshipPairs to remove, at most {MAX_ADJUSTMENTS}.",
    )
    add: list[MentorshipPairInput] = strawberry.field(
        default_factory=list, description=f"Pairs to add, at most {MAX_ADJUSTMENTS}."
    )


@strawberry.input(description="A group mentoring session to log.")
class MentorshipGroupSessionLogInput:
    """Programme, date, length, notes and attendees."""

    programme: strawberry.ID = strawberry.field(description="ID of the GROUP programme.")
    held_on: date = strawberry.field(description="When it was held; not in the future.")
    minutes: int = strawberry.field(description="How long it lasted, 1-1440 minutes.")
    notes: str = strawberry.field(default="", description="At most 20,000 characters.")
    attendees: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="IDs of the Engineers (your mentees in the programme) who attended; all "
        "of them when empty.",
    )
