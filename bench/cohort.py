"""Cohort matching: a programme of 300 mentees and 120 mentors (1-3 slots each) over a seeded
database: time to propose (the scoring statement, then the solver) and the optimal total score
against a greedy assignment of the same scores.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bg_bench_writes python -m bench.cohort

Everything happens inside one transaction that is rolled back: the programme's tables are
created in it when the database predates them, so a shared bench database is left as it was.
"""

import argparse
import asyncio
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import create_engine
from db.models import MentorshipApplication, MentorshipPair, MentorshipProgramme
from graph.services import cohort_matching
from graph.services.cohort import proposal


async def _arrange(session: AsyncSession, mentors: int, mentees: int, seed: int) -> int:
    """A programme with accepted mentors (overseas engineers) and mentees (engineers at home)."""
    connection = await session.connection()
    await connection.run_sync(
        lambda sync: MentorshipProgramme.metadata.create_all(
            sync,
            tables=[
                MentorshipProgramme.__table__,  # type: ignore[list-item]
                MentorshipApplication.__table__,  # type: ignore[list-item]
                MentorshipPair.__table__,  # type: ignore[list-item]
            ],
            checkfirst=True,
        )
    )
    chapter = await session.scalar(text("SELECT id FROM chapters ORDER BY id LIMIT 1"))
    now = datetime.now(UTC)
    programme = MentorshipProgramme(
        chapter_id=chapter,
        name="Benchmark cohort",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=180),
        capacity=mentees,
        hours_per_month=4,
        mentor_opens_at=now - timedelta(days=30),
        mentor_closes_at=now - timedelta(days=1),
        mentee_opens_at=now - timedelta(days=30),
        mentee_closes_at=now - timedelta(days=1),
    )
    session.add(programme)
    await session.flush()
    rng = random.Random(seed)
    overseas = list(
        await session.scalars(text("SELECT id FROM engineers WHERE is_overseas ORDER BY id"))
    )
    home = list(
        await session.scalars(text("SELECT id FROM engineers WHERE NOT is_overseas ORDER BY id"))
    )
    for engineer in rng.sample(overseas, mentors):
        session.add(
            MentorshipApplication(
                programme_id=programme.id,
                applicant_id=engineer,
                role="MENTOR",
                slots=rng.randint(1, 3),
                status="ACCEPTED",
                decided_at=now,
            )
        )
    for engineer in rng.sample(home, mentees):
        session.add(
            MentorshipApplication(
                programme_id=programme.id,
                applicant_id=engineer,
                role="MENTEE",
                status="ACCEPTED",
                decided_at=now,
            )
        )
    await session.flush()
    return programme.id


async def measure(url: str, runs: int, mentors: int, mentees: int) -> None:
    """Propose `runs` times and compare with greedy on the same scores."""
    engine = create_engine(url, pool_size=1)
    async with AsyncSession(engine) as session:
        engineers = await session.scalar(text("SELECT count(*) FROM engineers"))
        programme_id = await _arrange(session, mentors, mentees, seed=14)
        scoring: list[float] = []
        solving: list[float] = []
        greedy_ms: list[float] = []
        for _ in range(runs):
            started = time.perf_counter()
            assignment, by_pair = await proposal(session, programme_id)
            scoring_and_solving = (time.perf_counter() - started) * 1000
            scores = {pair: found.score for pair, found in by_pair.items()}
            mentor_slots, mentee_ids = await _slots(session, programme_id)
            started = time.perf_counter()
            best = cohort_matching.optimal(mentor_slots, mentee_ids, scores)
            solve = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            baseline = cohort_matching.greedy(mentor_slots, mentee_ids, scores)
            greedy_ms.append((time.perf_counter() - started) * 1000)
            solving.append(solve)
            scoring.append(scoring_and_solving - solve)
            assert best.pairs == assignment.pairs
        total_slots = sum(mentor_slots.values())
        gain = best.total - baseline.total
        print(f"engineers {engineers}; mentors {mentors} ({total_slots} slots), mentees {mentees}")
        print(f"scored pairs {len(scores)}; pairs proposed {len(best.pairs)}")
        print(
            f"propose (scoring statement + solver), median of {runs}:"
            f" {statistics.median(scoring) + statistics.median(solving):.0f} ms"
            f" = scoring {statistics.median(scoring):.0f} ms"
            f" + linear_sum_assignment {statistics.median(solving):.1f} ms;"
            f" greedy loop {statistics.median(greedy_ms):.1f} ms"
        )
        print(
            f"total score: optimal {best.total:.4f}, greedy {baseline.total:.4f},"
            f" gain {gain:.4f} ({gain / baseline.total * 100:.2f} %);"
            f" mean per pair optimal {best.total / len(best.pairs):.4f},"
            f" greedy {baseline.total / len(baseline.pairs):.4f};"
            f" pairs differing {len(set(best.pairs) - set(baseline.pairs))}"
        )
        assert best.total >= baseline.total
        await session.rollback()
    await engine.dispose()


async def _slots(session: AsyncSession, programme_id: int) -> tuple[dict[int, int], list[int]]:
    rows = (
        await session.execute(
            text(
                "SELECT id, role, slots FROM mentorship_applications WHERE programme_id = :p"
                " AND status = 'ACCEPTED' ORDER BY id"
            ),
            {"p": programme_id},
        )
    ).all()
    return (
        {row.id: row.slots for row in rows if row.role == "MENTOR"},
        [row.id for row in rows if row.role == "MENTEE"],
    )


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mentors", type=int, default=120)
    parser.add_argument("--mentees", type=int, default=300)
    arguments = parser.parse_args()
    asyncio.run(
        measure(os.environ["DATABASE_URL"], arguments.runs, arguments.mentors, arguments.mentees)
    )


if __name__ == "__main__":
    main()
