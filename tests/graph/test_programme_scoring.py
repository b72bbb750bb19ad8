"""Scoring a cohort: the contribution engine's scoring, the same in one statement or in slices
of mentors, and a mentor who knows the mentee's field scores higher."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.queries import programme as queries
from graph.chapters import ChapterRegistry
from tests import programme_world
from tests.programme_world import ProgrammeWorld


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> ProgrammeWorld:
    """The people of tests/programme_world.py."""
    return await programme_world.build(session, registry)


async def test_slices_of_mentors_score_as_one_statement(
    session: AsyncSession, world: ProgrammeWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    row, applications = await programme_world.accepted_cohort(session, world)
    mentors = [applications[name].id for name in programme_world.MENTORS]
    mentees = [applications[name].id for name in programme_world.MENTEES]
    whole = await queries.score_pairs(session, row.id, mentors, mentees)
    monkeypatch.setattr(queries, "PAIRS_PER_STATEMENT", 4)
    sliced = await queries.score_pairs(session, row.id, mentors, mentees)
    assert len(whole) == 12
    assert [(p.mentor_application_id, p.mentee_application_id, p.score) for p in sliced] == [
        (p.mentor_application_id, p.mentee_application_id, p.score) for p in whole
    ]
    scores = {(p.mentor_application_id, p.mentee_application_id): p for p in whole}
    water = scores[(applications["mentor-a"].id, applications["mentee-w"].id)]
    grid = scores[(applications["mentor-b"].id, applications["mentee-w"].id)]
    assert water.score > grid.score
    assert "pg hydro" in water.sentence
    assert [factor["factor"] for factor in water.factors][:2] == ["sectorOverlap", "skillOverlap"]
