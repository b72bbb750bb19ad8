"""Signed-in reads across many distinct chapter-role sets: statements rendered and their cost.

    python -m bench.role_sets [--database-url postgresql://postgres@127.0.0.1:5432/braingain_bench]
        [--viewers 40] [--rounds 3]

Picks `--viewers` engineers of the scale-10 seed whose chapter roles differ (coordinators,
moderators, events leads, members, of different chapters), builds each one's Viewer as
sign-in does (roles from the chapters' configs, every scope on the token), and sends each
signed-in read (a chapter's members page with every status and their profile fields, and
fifty engineers with their memberships) once per viewer through the compiled read path, in
process. Reports, per document: the distinct statement texts the viewers needed, how many
times the plan was rendered and the Python render time per render, the time to answer a
viewer's first request (bind + render + PostgreSQL prepare and run) and a later one.
The database is only read.
"""

import argparse
import asyncio
import time
from statistics import mean, median
from typing import Any

import asyncpg

from graph.auth.authentication import engineer_viewer
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.chapters import load_registry
from graph.compiler import visibility
from graph.compiler.operation import CompiledQueries
from graph.compiler.render import Renderer
from graph.schema import schema

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/braingain_bench"

MEMBERS = """query Members($slug: String!) {
  chapter(slug: $slug) {
    name
    members(first: 50, statuses: [ACTIVE, PENDING]) {
      totalCount
      nodes { role status since engineer { handle name email phone pecRegistrationNumber } }
    }
  }
}"""

ENGINEERS = """query Engineers {
  engineers(first: 50) {
    nodes {
      handle name email pecRegistrationNumber
      memberships(first: 5) { nodes { role status chapter { slug } } }
    }
  }
}"""

ROLE_SETS = """
SELECT engineer_id FROM (
  SELECT engineer_id,
         string_agg(chapter_id || ':' || role, ',' ORDER BY chapter_id, role) AS roles,
         bool_or(role <> 'member') AS officer
  FROM memberships WHERE status = 'ACTIVE' GROUP BY engineer_id
) held
WHERE engineer_id IN (
  SELECT min(engineer_id) FROM (
    SELECT engineer_id,
           string_agg(chapter_id || ':' || role, ',' ORDER BY chapter_id, role) AS roles
    FROM memberships WHERE status = 'ACTIVE' GROUP BY engineer_id
  ) sets GROUP BY roles
)
ORDER BY officer DESC, engineer_id
LIMIT $1
"""


class RenderClock:
    """Counts and times Renderer.render (the Python cost of a new statement text)."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.cpu: list[float] = []
        self._render = Renderer.render

    def __enter__(self) -> "RenderClock":
        clock = self
        original = self._render

        def timed(renderer: Any) -> Any:
            start, cpu = time.perf_counter(), time.process_time()
            try:
                return original(renderer)
            finally:
                clock.times.append(time.perf_counter() - start)
                clock.cpu.append(time.process_time() - cpu)

        setattr(Renderer, "render", timed)  # noqa: B010  # patching a method for the run
        return self

    def __exit__(self, *_: object) -> None:
        setattr(Renderer, "render", self._render)  # noqa: B010  # the original back


async def _viewers(database_url: str, count: int) -> list[Viewer]:
    from db.engine import create_engine, create_sessionmaker

    registry = load_registry()
    engine = create_engine(database_url)
    viewers = []
    try:
        connection = await asyncpg.connect(database_url)
        try:
            ids = [row[0] for row in await connection.fetch(ROLE_SETS, count)]
        finally:
            await connection.close()
        async with create_sessionmaker(engine)() as session:
            for engineer_id in ids:
                viewers.append(
                    await engineer_viewer(session, engineer_id, registry, frozenset(Scope))
                )
    finally:
        await engine.dispose()
    return viewers


async def _run(database_url: str, count: int, rounds: int) -> None:
    registry = load_registry()
    viewers = await _viewers(database_url, count)
    role_sets = {
        tuple(sorted((role.chapter_id, role.role) for role in viewer.chapter_roles.values()))
        for viewer in viewers
    }
    print(f"{len(viewers)} signed-in viewers, {len(role_sets)} distinct chapter-role sets")
    connection = await asyncpg.connect(database_url, statement_cache_size=1024)
    slug = await connection.fetchval("SELECT slug FROM chapters ORDER BY id LIMIT 1")
    documents = {"members page": (MEMBERS, {"slug": slug}), "engineers": (ENGINEERS, {})}
    try:
        for label, (document, variables) in documents.items():
            visibility.clear_cache()  # each document renders its rules afresh
            compiled = CompiledQueries(schema._schema, registry=registry)
            texts: set[str] = set()
            first: list[float] = []
            later: list[float] = []
            with RenderClock() as clock:
                for round_ in range(rounds):
                    for viewer in viewers:
                        start = time.perf_counter()
                        bound = compiled.statement(document, None, variables, viewer)
                        assert bound is not None, label
                        await bound.run(connection)
                        elapsed = time.perf_counter() - start
                        (first if round_ == 0 else later).append(elapsed)
                        texts.add(bound.sql)
            renders = clock.times
            print(
                f"{label}: {len(texts)} distinct statements, {len(renders)} renders"
                f" ({1000 * mean(renders) if renders else 0:.2f} ms Python each,"
                f" {1000 * sum(renders):.1f} ms in all, {1000 * sum(clock.cpu):.1f} ms CPU);"
                f" a viewer's first request {1000 * mean(first):.2f} ms mean"
                f" ({1000 * median(first):.2f} median), later ones"
                f" {1000 * mean(later) if later else 0:.2f} ms mean"
            )
    finally:
        await connection.close()


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--viewers", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(_run(arguments.database_url, arguments.viewers, arguments.rounds))


if __name__ == "__main__":
    main()
