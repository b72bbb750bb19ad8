"""The seed's last step leaves rewritten tables all-visible, so counts the indexes can answer
alone are index-only scans on a freshly seeded database (db.seed.bulk.vacuum_analyze)."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.seed import bulk

SCRATCH = "seed_vacuum_scratch"


async def test_vacuum_analyze_marks_rewritten_pages_all_visible(engine: AsyncEngine) -> None:
    async with engine.connect() as plain:
        connection = await plain.execution_options(isolation_level="AUTOCOMMIT")
        try:
            # Given a table whose every row was rewritten after it was loaded, as the seed
            # rewrites every engineer's search vector
            await connection.execute(text(f"CREATE TABLE {SCRATCH} (id int, note text)"))
            await connection.execute(
                text(f"INSERT INTO {SCRATCH} SELECT n, 'x' FROM generate_series(1, 5000) n")
            )
            await connection.execute(text(f"UPDATE {SCRATCH} SET note = 'y'"))

            # When the seed's last step runs on it
            await bulk.vacuum_analyze(connection, [SCRATCH, SCRATCH])

            # Then every page is all-visible and the planner knows its rows
            pages, visible, rows = (
                await connection.execute(
                    text(
                        "SELECT relpages, relallvisible, reltuples FROM pg_class "
                        f"WHERE relname = '{SCRATCH}'"
                    )
                )
            ).one()
            assert pages > 0
            assert visible == pages
            assert rows == 5000
        finally:
            await connection.execute(text(f"DROP TABLE IF EXISTS {SCRATCH}"))
