"""Who acts for an institution or a seeker: the permission checks and the read predicate agree."""

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Engineer, Institution
from graph.auth.scopes import Scope
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry
from graph.services.seeker import acts_for_seeker
from graph.services.staff import acts_for, staff_side
from tests import factories, viewers


@dataclass
class Staffed:
    """A university with one member of staff, another institution, and an outsider."""

    university: Institution
    other: Institution
    professor: Engineer
    outsider: Engineer


@pytest.fixture
async def staffed(session: AsyncSession) -> Staffed:
    """The rows of Staffed."""
    university = await factories.institution(session)
    other = await factories.institution(session)
    professor = await factories.engineer(session)
    await factories.affiliation(session, professor, university)
    return Staffed(university, other, professor, await factories.engineer(session))


async def test_staff_and_the_writing_client_act_for_the_institution_and_nobody_else(
    session: AsyncSession, registry: ChapterRegistry, staffed: Staffed
) -> None:
    # Given a university with one member of staff, another institution, and an outsider
    university, other = staffed.university, staffed.other
    professor, outsider = staffed.professor, staffed.outsider
    writes = frozenset({Scope.OPPORTUNITIES_WRITE})
    cases: dict[str, tuple[Viewer, bool, list[int]]] = {
        "staff": (await viewers.engineer(session, registry, professor), True, [university.id]),
        "outsider": (await viewers.engineer(session, registry, outsider), False, []),
        "anonymous": (ANONYMOUS, False, []),
        "writing client": (viewers.client(university.id, writes), True, [university.id]),
        "reading client": (viewers.client(university.id), False, [university.id]),
        "other client": (viewers.client(other.id, writes), False, [other.id]),
    }
    for name, (viewer, acts_expected, reads_expected) in cases.items():
        # When each asks to act for the university, and reads the institutions it staffs
        acts = await acts_for(session, viewer, university.id)
        reads = await session.scalars(
            select(Institution.id).where(
                Institution.id.in_([university.id, other.id]),
                staff_side(viewer, Institution.id),
            )
        )

        # Then only the staff and the university's writing client act for it; the read
        # rule is the same predicate, without the client's write scope
        assert acts is acts_expected, name
        assert list(reads) == reads_expected, name


async def test_the_seeker_side_is_the_poster_or_whoever_acts_for_the_institution(
    session: AsyncSession, registry: ChapterRegistry, staffed: Staffed
) -> None:
    # Given a poster, a university's staff member, and an outsider
    university = staffed.university
    poster = await factories.engineer(session)
    as_poster = await viewers.engineer(session, registry, poster)
    as_professor = await viewers.engineer(session, registry, staffed.professor)
    as_outsider = await viewers.engineer(session, registry, staffed.outsider)
    client = viewers.client(university.id, frozenset({Scope.OPPORTUNITIES_WRITE}))

    # When each asks to act for an engineer's own post, and for the university's
    own_post = [
        await acts_for_seeker(session, viewer, poster.id, None)
        for viewer in (as_poster, as_professor, as_outsider, client, ANONYMOUS)
    ]
    institution_post = [
        await acts_for_seeker(session, viewer, None, university.id)
        for viewer in (as_poster, as_professor, as_outsider, client, ANONYMOUS)
    ]

    # Then the poster acts for their own post; the staff and the writing client for the
    # university's
    assert own_post == [True, False, False, False, False]
    assert institution_post == [False, True, False, True, False]
