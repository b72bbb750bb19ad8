"""Who runs a mentorship programme and who may read its applications and pairs, as SQL
predicates (the compiled read path inlines them; services and loaders evaluate the same ones).

Coordinators: for a chapter's programme, whoever holds `members:manage` in that chapter (its
coordinators); for an institution's, its staff (and its client with `opportunities:write`);
council admins for every programme. Programmes themselves are public.
"""

import enum
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db.enums import ProgrammeStatus
from db.models import (
    Affiliation,
    MentorshipApplication,
    MentorshipPair,
    MentorshipProgramme,
)
from db.queries.viewer_ids import any_of
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.services.problems import Rejected, reject

COORDINATOR_SCOPE = Scope.MEMBERS_MANAGE
"""The chapter scope that makes its holder a coordinator of the chapter's programmes."""


class ProgrammeErrorCode(enum.Enum):
    """Why a mentorship programme mutation was refused."""

    NOT_FOUND = "NOT_FOUND"
    NOT_COORDINATOR = "NOT_COORDINATOR"
    PROGRAMMES_DISABLED = "PROGRAMMES_DISABLED"
    ONE_RUNNER = "ONE_RUNNER"
    INVALID_NAME = "INVALID_NAME"
    INVALID_DESCRIPTION = "INVALID_DESCRIPTION"
    INVALID_DATES = "INVALID_DATES"
    INVALID_WINDOW = "INVALID_WINDOW"
    INVALID_CAPACITY = "INVALID_CAPACITY"
    INVALID_HOURS = "INVALID_HOURS"
    INVALID_QUESTIONS = "INVALID_QUESTIONS"
    INVALID_ANSWERS = "INVALID_ANSWERS"
    INVALID_SLOTS = "INVALID_SLOTS"
    WINDOW_CLOSED = "WINDOW_CLOSED"
    ALREADY_APPLIED = "ALREADY_APPLIED"
    OVER_CAPACITY = "OVER_CAPACITY"
    ALREADY_DECIDED = "ALREADY_DECIDED"
    NOTHING_TO_MATCH = "NOTHING_TO_MATCH"
    NOT_PROPOSED = "NOT_PROPOSED"
    ALREADY_PUBLISHED = "ALREADY_PUBLISHED"
    INVALID_PAIR = "INVALID_PAIR"
    OVER_SLOTS = "OVER_SLOTS"
    MENTEE_TAKEN = "MENTEE_TAKEN"
    NOT_GROUP = "NOT_GROUP"
    NOT_MENTOR = "NOT_MENTOR"
    INVALID_SESSION = "INVALID_SESSION"


Code = ProgrammeErrorCode


def coordinates(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over `mentorship_programmes`: the viewer coordinates the programme."""
    if viewer.is_council_admin:
        return true()
    if not viewer.is_authenticated:
        return false()
    chapters: ColumnElement[bool]
    if viewer.has_scope(COORDINATOR_SCOPE):
        chapters = MentorshipProgramme.chapter_id.is_not(None)
    else:
        held = viewer.chapters_with_scope(COORDINATOR_SCOPE)
        chapters = any_of(MentorshipProgramme.chapter_id, held) if held else false()
    staff: ColumnElement[bool]
    if viewer.engineer_id is not None:
        staff = exists().where(
            Affiliation.institution_id == MentorshipProgramme.institution_id,
            Affiliation.engineer_id == viewer.engineer_id,
        )
    elif viewer.institution_id is not None and Scope.OPPORTUNITIES_WRITE in viewer.scopes:
        staff = MentorshipProgramme.institution_id == viewer.institution_id
    else:
        staff = false()
    return or_(chapters, staff)


def _coordinated(viewer: Viewer, programme: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """SQL: the programme `programme` (a column holding its id) is one the viewer coordinates."""
    return programme.in_(select(MentorshipProgramme.id).where(coordinates(viewer)))


def applications_visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over `mentorship_applications`: the applicant and the programme's coordinators."""
    coordinated = _coordinated(viewer, MentorshipApplication.programme_id)
    if viewer.engineer_id is None:
        return coordinated
    return or_(MentorshipApplication.applicant_id == viewer.engineer_id, coordinated)


def pairs_visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL over `mentorship_pairs`: the coordinators; once the cohort is published, the pair's
    mentor and mentee too."""
    coordinated = _coordinated(viewer, MentorshipPair.programme_id)
    if viewer.engineer_id is None:
        return coordinated
    own = exists().where(
        MentorshipApplication.id.in_(
            [MentorshipPair.mentor_application_id, MentorshipPair.mentee_application_id]
        ),
        MentorshipApplication.applicant_id == viewer.engineer_id,
    )
    published = MentorshipPair.programme_id.in_(
        select(MentorshipProgramme.id).where(
            MentorshipProgramme.status == ProgrammeStatus.PUBLISHED.value
        )
    )
    return or_(coordinated, and_(own, published))


def not_found(what: str = "programme", *field: str) -> Rejected:
    """NOT_FOUND for something missing (or an application the viewer may not see)."""
    return reject(Code.NOT_FOUND, f"No such {what}.", *field)


async def programme_for_update(
    session: AsyncSession, programme_id: int, *field: str
) -> MentorshipProgramme:
    """The programme, row-locked (every change to its applications and cohort takes this lock,
    so concurrent applications, decisions and proposals serialise); NOT_FOUND otherwise."""
    row = await session.scalar(
        select(MentorshipProgramme).where(MentorshipProgramme.id == programme_id).with_for_update()
    )
    if row is None:
        raise not_found("programme", *field)
    return row


async def require_coordinator(
    session: AsyncSession, viewer: Viewer, programme: MentorshipProgramme, *field: str
) -> None:
    """NOT_COORDINATOR unless the viewer coordinates the programme (the SQL rule above)."""
    allowed = await session.scalar(
        select(exists().where(MentorshipProgramme.id == programme.id, coordinates(viewer)))
    )
    if not allowed:
        raise reject(
            Code.NOT_COORDINATOR,
            "Only the programme's coordinators (chapter coordinators or institution staff) "
            "may do this.",
            *field,
        )


def require_unpublished(programme: MentorshipProgramme, *field: str) -> None:
    """ALREADY_PUBLISHED once the cohort is published: it can no longer change."""
    if programme.status == ProgrammeStatus.PUBLISHED.value:
        raise reject(
            Code.ALREADY_PUBLISHED, "The cohort is published and can no longer change.", *field
        )


def snapshot(programme: MentorshipProgramme) -> dict[str, Any]:
    """The audited fields of a programme."""
    return {
        "name": programme.name,
        "format": programme.format,
        "status": programme.status,
        "capacity": programme.capacity,
        "startsOn": programme.starts_on.isoformat(),
        "endsOn": programme.ends_on.isoformat(),
    }
