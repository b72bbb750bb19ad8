"""Mentorship programme types: the programme, applications, cohort pairs and the report; their
fields are read by SQL from graph/reads/programme.py."""

from datetime import date, datetime
from typing import Any

import strawberry

from db import models
from db.enums import (
    EngagementStatus,
    ProgrammeApplicationStatus,
    ProgrammeFormat,
    ProgrammeRole,
    ProgrammeStatus,
)
from graph.ids import encode_id
from graph.types import programme_enums as _registered  # noqa: F401  (registers the enums)
from graph.types.chapter import Chapter
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.engineer import Engineer
from graph.types.institution import Institution
from graph.types.node import Node
from graph.types.sql_only import sql_field, unserved

COORDINATORS = (
    " Coordinators only: chapter coordinators (`members:manage` in its chapter), the "
    "institution's staff, council admins."
)


@strawberry.type(
    description="What a programme achieved: pairs, sessions, hours, completion and feedback, "
    "over the engagements its cohort became."
)
class MentorshipProgrammeReport:
    """A programme's report."""

    pairs: int = strawberry.field(description="Pairs in the cohort (proposed or published).")
    mentors: int = strawberry.field(description="Distinct mentors in the cohort.")
    engagements: int = strawberry.field(description="Engagements created by publishing.")
    completed_engagements: int = strawberry.field(description="Of them, COMPLETED.")
    completion_rate: float = strawberry.field(
        description="Completed engagements over engagements (0 when none), four decimals."
    )
    sessions_held: int = strawberry.field(
        description="Sessions logged on the engagements (a group session counts once)."
    )
    hours: float = strawberry.field(description="Their length in hours, two decimals.")
    feedback_count: int = strawberry.field(description="Feedback given on the engagements.")
    average_rating: float | None = strawberry.field(
        description="Its average rating (1-5, two decimals); null without feedback."
    )

    @classmethod
    def from_figures(cls, figures: dict[str, Any]) -> "MentorshipProgrammeReport":
        """Build from db.queries.programme.reports_of's figures."""
        return cls(
            pairs=figures["pairs"],
            mentors=figures["mentors"],
            engagements=figures["engagements"],
            completed_engagements=figures["completedEngagements"],
            completion_rate=figures["completionRate"],
            sessions_held=figures["sessionsHeld"],
            hours=figures["hours"],
            feedback_count=figures["feedbackCount"],
            average_rating=figures["averageRating"],
        )


# MentorshipProgramme's lists and report, MentorshipApplication and MentorshipPair keep their
# resolvers: strawberry still resolves them when `node`/`nodes` selects several types (`... on
# MentorshipProgramme` beside `... on MentorshipPair`): the `... on T` lookup graph.compiler.objects
# builds for such an object fails validation (a fragment on another type cannot be spread inside
# it), so the object is not handed to the compiled path (tests/graph/test_programme_reads.py,
# PROGRAMME_NODE(S)).


@strawberry.type(
    description="A mentorship programme run by a chapter or an institution: dates, capacity, "
    "application windows and questions; mentors and mentees apply, coordinators accept them, "
    "match the cohort optimally, adjust and publish it. Public."
)
class MentorshipProgramme(Node):
    """A programme."""

    name: str = strawberry.field(description="The programme's name.")
    description: str = strawberry.field(description="What it offers, possibly empty.")
    format: ProgrammeFormat = strawberry.field(description="One-to-one or group mentoring.")
    status: ProgrammeStatus = strawberry.field(description="Where its cohort stands.")
    starts_on: date = strawberry.field(description="First day of the programme.")
    ends_on: date = strawberry.field(description="Last day of the programme.")
    capacity: int = strawberry.field(description="How many mentees it takes at most.")
    hours_per_month: int = strawberry.field(description="Each pair's expected hours a month.")
    mentor_applications_open_at: datetime = strawberry.field(
        description="When mentors may start applying."
    )
    mentor_applications_close_at: datetime = strawberry.field(
        description="When mentor applications close."
    )
    mentee_applications_open_at: datetime = strawberry.field(
        description="When mentees may start applying."
    )
    mentee_applications_close_at: datetime = strawberry.field(
        description="When mentee applications close."
    )
    questions: list[str] = strawberry.field(description="What applicants answer, in order.")
    created_at: datetime = strawberry.field(description="When it was created.")
    proposed_at: datetime | None = strawberry.field(
        description="When matching last proposed its cohort."
    )
    published_at: datetime | None = strawberry.field(description="When its cohort was published.")
    key: strawberry.Private[int]

    chapter: Chapter | None = sql_field(description="The chapter running it, if a chapter does.")
    institution: Institution | None = sql_field(
        description="The institution running it, if an institution does."
    )

    @strawberry.field(
        description="Applications, oldest first: all of them for coordinators, your own for "
        "an applicant, none for anyone else."
    )
    def applications(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["MentorshipApplication"]:
        """Compiled: graph/reads/programme.py."""
        raise unserved()

    @strawberry.field(
        description="The cohort's pairs, in the order they were made: every pair for "
        "coordinators; once published, also your own pair as its mentor or mentee."
    )
    def pairs(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["MentorshipPair"]:
        """Compiled: graph/reads/programme.py."""
        raise unserved()

    @strawberry.field(description="The programme's report; null for others." + COORDINATORS)
    def report(self) -> MentorshipProgrammeReport | None:
        """Compiled: graph/reads/programme.py."""
        raise unserved()

    @classmethod
    def from_model(cls, row: models.MentorshipProgramme) -> "MentorshipProgramme":
        """Build from an ORM row."""
        return cls(
            id=strawberry.ID(encode_id("MentorshipProgramme", row.id)),
            name=row.name,
            description=row.description,
            format=ProgrammeFormat(row.format),
            status=ProgrammeStatus(row.status),
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            capacity=row.capacity,
            hours_per_month=row.hours_per_month,
            mentor_applications_open_at=row.mentor_opens_at,
            mentor_applications_close_at=row.mentor_closes_at,
            mentee_applications_open_at=row.mentee_opens_at,
            mentee_applications_close_at=row.mentee_closes_at,
            questions=list(row.questions),
            created_at=row.created_at,
            proposed_at=row.proposed_at,
            published_at=row.published_at,
            key=row.id,
        )


@strawberry.type(
    description="An application to a mentorship programme, as mentor or mentee. Visible to "
    "the applicant and the programme's coordinators."
)
class MentorshipApplication(Node):
    """An application."""

    role: ProgrammeRole = strawberry.field(description="Mentor or mentee.")
    status: ProgrammeApplicationStatus = strawberry.field(description="Its review state.")
    slots: int | None = strawberry.field(
        description="How many mentees a mentor takes (1-3); null for mentees."
    )
    answers: list[str] = strawberry.field(
        description="The answers, one per programme question, in order."
    )
    created_at: datetime = strawberry.field(description="When it was submitted.")
    decided_at: datetime | None = strawberry.field(
        description="When a coordinator accepted or declined it."
    )
    programme_pk: strawberry.Private[int]
    applicant_pk: strawberry.Private[int]

    @strawberry.field(description="The programme applied to.")
    def programme(self) -> MentorshipProgramme | None:
        """Compiled: graph/reads/programme.py."""
        raise unserved()

    @strawberry.field(description="Who applied.")
    def applicant(self) -> Engineer | None:
        """Compiled: graph/reads/programme.py."""
        raise unserved()

    @classmethod
    def from_model(cls, row: models.MentorshipApplication) -> "MentorshipApplication":
        """Build from an ORM row."""
        return cls(
            id=strawberry.ID(encode_id("MentorshipApplication", row.id)),
            role=ProgrammeRole(row.role),
            status=ProgrammeApplicationStatus(row.status),
            slots=row.slots,
            answers=list(row.answers),
            created_at=row.created_at,
            decided_at=row.decided_at,
            programme_pk=row.programme_id,
            applicant_pk=row.applicant_id,
        )


@strawberry.type(
    description="A mentor and a mentee of a programme's cohort, with the match score and its "
    "explanation (the contribution engine's matching). Visible to the coordinators, and once "
    "published to the pair itself."
)
class MentorshipPair(Node):
    """A pair."""

    score: float = strawberry.field(
        description="The match score, 0-1 (sector and skill overlap, disciplines, capacity, "
        "timezone overlap, language, chapter, past feedback)."
    )
    explanation: str = strawberry.field(description="The score in one human sentence.")
    manual: bool = strawberry.field(
        description="Added by a coordinator's adjustment rather than proposed by matching."
    )
    programme_pk: strawberry.Private[int]
    engagement_pk: strawberry.Private[int | None]
    mentor_application_pk: strawberry.Private[int]
    mentee_application_pk: strawberry.Private[int]

    @strawberry.field(
        description="The status of the MENTORSHIP engagement publishing created; null before."
    )
    def engagement_status(self) -> EngagementStatus | None:
        """Compiled: graph/reads/programme.py."""
        raise unserved()

    @strawberry.field(description="The programme.")
    def programme(self) -> MentorshipProgramme | None:
        """Compiled: graph/reads/programme.py."""
        raise unserved()

    @strawberry.field(description="The mentor.")
    def mentor(self) -> Engineer | None:
        """Compiled: graph/reads/programme.py."""
        raise unserved()

    @strawberry.field(description="The mentee.")
    def mentee(self) -> Engineer | None:
        """Compiled: graph/reads/programme.py."""
        raise unserved()

    @classmethod
    def from_model(cls, row: models.MentorshipPair) -> "MentorshipPair":
        """Build from an ORM row."""
        return cls(
            id=strawberry.ID(encode_id("MentorshipPair", row.id)),
            score=float(row.score),
            explanation=row.explanation,
            manual=row.manual,
            programme_pk=row.programme_id,
            engagement_pk=row.engagement_id,
            mentor_application_pk=row.mentor_application_id,
            mentee_application_pk=row.mentee_application_id,
        )
