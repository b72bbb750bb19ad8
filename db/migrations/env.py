"""Alembic environment: runs migrations over asyncpg against the configured URL."""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

import db.models  # noqa: F401  (registers every table on Base.metadata)
from db.base import Base
from db.engine import create_engine

target_metadata = Base.metadata


def run_on_connection(connection: Connection) -> None:
    """Configure the context on a sync connection and run the migrations."""
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_async() -> None:
    """Open an async engine and hand a sync connection to Alembic."""
    url = context.config.attributes.get("url") or context.config.get_main_option("sqlalchemy.url")
    assert url, "no database URL configured for migrations"
    # Migrations may rewrite whole tables (e.g. recomputing search vectors): no statement timeout.
    engine = create_engine(url, pool_size=1, statement_timeout_ms=0)
    async with engine.connect() as connection:
        await connection.run_sync(run_on_connection)
        await connection.commit()
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_on_connection(connection)
else:
    asyncio.run(run_async())
