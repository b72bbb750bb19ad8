"""Database side of the seed: emptiness checks, truncation, COPY loads, triggers, sequences."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.models import Chapter
from db.seed.geography import ChapterTarget
from db.seed.tables import Row

SEEDED_TABLES = ("sectors", "skills", "institutions", "engineers")
SEARCH_TABLES = ("engineers", "engineer_skills")
SEQUENCED_TABLES = (
    *SEEDED_TABLES,
    "forum_categories",
    "forum_threads",
    "forum_posts",
    "forum_reports",
)
KEPT_TABLES = ("chapters", "alembic_version")


async def occupied_tables(connection: AsyncConnection) -> list[str]:
    """The seeded tables that already hold rows."""
    occupied: list[str] = []
    for table in SEEDED_TABLES:
        if (await connection.execute(text(f"SELECT EXISTS (SELECT 1 FROM {table})"))).scalar():
            occupied.append(table)
    return occupied


async def truncate_data(connection: AsyncConnection) -> list[str]:
    """Empty every table of the schema except chapters; returns the tables emptied."""
    result = await connection.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
            " AND NOT c.relispartition AND c.relname <> ALL(:kept) ORDER BY c.relname"
        ),
        {"kept": list(KEPT_TABLES)},
    )
    tables = list(result.scalars())
    if tables:
        quoted = ", ".join(f'"{table}"' for table in tables)
        await connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    return tables


async def active_chapters(connection: AsyncConnection) -> list[ChapterTarget]:
    """Chapters that are not archived, in slug order."""
    rows = await connection.execute(
        select(Chapter.id, Chapter.slug, Chapter.countries, Chapter.timezone)
        .where(Chapter.archived_at.is_(None))
        .order_by(Chapter.slug)
    )
    return [ChapterTarget(row.id, row.slug, tuple(row.countries), row.timezone) for row in rows]


async def driver_connection(connection: AsyncConnection) -> Any:
    """The asyncpg connection under `connection`, for COPY (inside the same transaction)."""
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def copy_rows(driver: Any, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
    """Bulk-load `rows` into `table` with COPY."""
    if rows:
        await driver.copy_records_to_table(table, records=rows, columns=list(columns))


async def suspend_search_triggers(connection: AsyncConnection) -> None:
    """Stop per-batch search-vector work while loading; `refresh_search` does it once at the end."""
    for table in SEARCH_TABLES:
        await connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))


async def refresh_search(connection: AsyncConnection) -> None:
    """Re-enable the triggers and recompute every search vector in one statement."""
    for table in SEARCH_TABLES:
        await connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    await analyze(connection, ["skills", "engineer_skills"])
    await connection.execute(text("UPDATE engineers SET search_vector = NULL"))


async def advance_sequences(connection: AsyncConnection) -> None:
    """Move id sequences past the ids the seed assigned itself."""
    for table in SEQUENCED_TABLES:
        await connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                " HAVING max(id) IS NOT NULL"
            )
        )


async def analyze(connection: AsyncConnection, tables: Sequence[str]) -> None:
    """Refresh planner statistics for `tables`."""
    await connection.execute(text(f"ANALYZE {', '.join(tables)}"))


async def vacuum_analyze(connection: AsyncConnection, tables: Sequence[str]) -> None:
    """Vacuum `tables` (dead rows gone, pages marked all-visible for index-only scans) and
    refresh their statistics; `connection` must be in autocommit."""
    await connection.execute(text(f"VACUUM (ANALYZE) {', '.join(sorted(set(tables)))}"))
