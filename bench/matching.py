"""Matching latency: `Opportunity.matches(first: 20)` (the one statement behind it) over a seeded
database, p50/p95 per scale, and the EXPLAIN ANALYZE of one run.

    DATABASE_URL=postgresql://… python -m bench.matching --runs 200 [--explain]
"""

import argparse
import asyncio
import os
import statistics
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import create_engine
from db.queries import matching
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.chapters import load_registry
from graph.services.matching import audience


async def measure(url: str, runs: int, explain: bool) -> None:
    """Time the matching statement for open opportunities, each as its poster sees it."""
    engine = create_engine(url, pool_size=1)
    registry = load_registry()
    async with AsyncSession(engine) as session:
        engineers = await session.scalar(text("SELECT count(*) FROM engineers"))
        targets = (
            await session.execute(
                text(
                    "SELECT id, poster_id FROM opportunities WHERE status = 'OPEN'"
                    " AND poster_id IS NOT NULL AND deadline > now() ORDER BY id LIMIT :runs"
                ),
                {"runs": runs},
            )
        ).all()
        timings: list[float] = []
        rows = 0
        for opportunity_id, poster_id in targets:
            viewer = Viewer(engineer_id=poster_id, scopes=frozenset({Scope.PROFILES_READ}))
            started = time.perf_counter()
            found = await matching.list_contributors(
                session, opportunity_id, audience(viewer, registry), limit=21
            )
            timings.append((time.perf_counter() - started) * 1000)
            rows += len(found)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"engineers {engineers}: {len(timings)} opportunities, {rows / len(timings):.1f} rows"
            f" each; p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms,"
            f" max {timings[-1]:.1f} ms"
        )
        if explain and targets:
            opportunity_id, poster_id = targets[0]
            viewer = Viewer(engineer_id=poster_id, scopes=frozenset({Scope.PROFILES_READ}))
            statement = matching.contributors_statement(audience(viewer, registry))
            plan = await session.execute(
                text(f"EXPLAIN (ANALYZE, BUFFERS) {statement}"),
                matching.parameters_for(21, None, opportunity_id=opportunity_id),
            )
            print("\n".join(row[0] for row in plan))
    await engine.dispose()


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--explain", action="store_true")
    arguments = parser.parse_args()
    asyncio.run(measure(os.environ["DATABASE_URL"], arguments.runs, arguments.explain))


if __name__ == "__main__":
    main()
