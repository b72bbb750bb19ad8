"""The test database: TEST_DATABASE_URL when set, otherwise an embedded server in a temp dir."""

import asyncio
import os
import tempfile
from pathlib import Path

import asyncpg

from db.engine import DatabaseLocation, start_embedded, to_libpq_url

TEST_DATABASE = "braingain_test"


async def _recreate(admin_url: str, name: str) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def provision() -> DatabaseLocation:
    """A fresh, empty test database; the embedded server's data dir is temporary."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        libpq = to_libpq_url(url)
        base, _, name = libpq.rpartition("/")
        name = name.split("?")[0] or TEST_DATABASE
        asyncio.run(_recreate(f"{base}/postgres", name))
        return DatabaseLocation(url=f"{base}/{name}")
    directory = Path(tempfile.mkdtemp(prefix="braingain-test-"))
    return start_embedded(directory, TEST_DATABASE, delete_on_stop=True)
