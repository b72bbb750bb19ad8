"""How long a data export takes for the busiest seeded engineer (and a typical one).

Runs the export's own statement (db.queries.data_export.BUILD: the whole JSON document built
inside PostgreSQL and stored on the export's row) against a seeded database, without changing
it: the export row goes into a temporary `data_exports` table (which shadows any real one for
this session only) and the transaction is rolled back. Usage:

    python -m bench.export --database-url postgresql://postgres@127.0.0.1:5432/bg_bench_writes
"""

import argparse
import asyncio
import statistics
import time
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.engine import create_engine
from db.queries.data_export import BUILD, SIZE

BUSIEST = """
SELECT id, rows FROM (
  SELECT e.id,
    coalesce(n.c, 0) + coalesce(p.c, 0) + coalesce(v.c, 0) + coalesce(l.c, 0)
      + coalesce(r.c, 0) AS rows
  FROM engineers e
  LEFT JOIN (SELECT recipient_id AS id, count(*) c FROM notifications GROUP BY 1) n USING (id)
  LEFT JOIN (SELECT author_id AS id, count(*) c FROM forum_posts GROUP BY 1) p USING (id)
  LEFT JOIN (SELECT engineer_id AS id, count(*) c FROM forum_votes GROUP BY 1) v USING (id)
  LEFT JOIN (SELECT engineer_id AS id, count(*) c FROM ledger_entries GROUP BY 1) l USING (id)
  LEFT JOIN (SELECT engineer_id AS id, count(*) c FROM event_registrations GROUP BY 1) r
    USING (id)
) ranked ORDER BY rows DESC, id LIMIT 1
"""
"""The engineer holding the most rows in the largest parts of an export."""

MEDIAN = """
SELECT id FROM engineers ORDER BY id OFFSET (SELECT count(*) / 2 FROM engineers) LIMIT 1
"""

SCRATCH = """
CREATE TEMP TABLE data_exports (
  id serial PRIMARY KEY, engineer_id int NOT NULL, status varchar(16) NOT NULL,
  token_hash varchar(64) NOT NULL, requested_at timestamptz NOT NULL DEFAULT now(),
  claimed_by varchar(100), claimed_at timestamptz, ready_at timestamptz, expires_at timestamptz,
  document jsonb, byte_size int, last_error text
) ON COMMIT DROP
"""


async def _measure(connection: AsyncConnection, engineer_id: int, runs: int) -> dict[str, float]:
    export_id = (
        await connection.execute(
            text(
                "INSERT INTO data_exports (engineer_id, status, token_hash)"
                " VALUES (:id, 'PENDING', 'bench') RETURNING id"
            ),
            {"id": engineer_id},
        )
    ).scalar_one()
    timings = []
    parameters = {"id": engineer_id, "export_id": export_id, "lifetime": timedelta(days=7)}
    for _ in range(runs):
        started = time.perf_counter()
        await connection.execute(BUILD, parameters)
        timings.append((time.perf_counter() - started) * 1000)
    size = (
        await connection.execute(
            text("SELECT byte_size FROM data_exports WHERE id = :id"), {"id": export_id}
        )
    ).scalar_one()
    rows = (await connection.execute(SIZE, {"id": engineer_id})).scalar_one()
    timings.sort()
    return {
        "engineer_id": engineer_id,
        "rows": rows,
        "bytes": size,
        "median_ms": statistics.median(timings),
        "p95_ms": timings[min(len(timings) - 1, int(len(timings) * 0.95))],
        "max_ms": timings[-1],
    }


async def main(url: str, runs: int) -> None:
    """Measure and print one line per engineer measured."""
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            transaction = await connection.begin()
            await connection.execute(text(SCRATCH))
            busiest, _ = (await connection.execute(text(BUSIEST))).one()
            median = (await connection.execute(text(MEDIAN))).scalar_one()
            for label, engineer_id in (("busiest", busiest), ("median", median)):
                result = await _measure(connection, engineer_id, runs)
                print(
                    f"{label}: engineer {result['engineer_id']}, {result['rows']} rows in the"
                    f" largest sections, {result['bytes']} bytes; build median"
                    f" {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms,"
                    f" max {result['max_ms']:.1f} ms over {runs} runs"
                )
            await transaction.rollback()
    finally:
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/bg_bench_writes"
    )
    parser.add_argument("--runs", type=int, default=30)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.database_url, arguments.runs))
