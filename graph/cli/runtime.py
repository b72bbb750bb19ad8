"""What every database command shares: an up-to-date database, one session, one commit."""

import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import (
    DatabaseLocation,
    create_engine,
    create_sessionmaker,
    resolve_database,
    stop_embedded,
)
from graph.observability.logging import json_logging_configured

logger = logging.getLogger("braingain.cli")
ResultT = TypeVar("ResultT")


@contextmanager
def migrated_database() -> Iterator[DatabaseLocation]:
    """The configured (or embedded) database at the latest migration; stopped afterwards."""
    from db.migrate import upgrade

    location = resolve_database()
    if location.embedded is not None:
        status(
            f"embedded PostgreSQL running ({os.environ.get('BRAINGAIN_DATA_DIR', '.braingain')})"
        )
    try:
        upgrade(location.url)
        yield location
    finally:
        stop_embedded(location)


async def in_session(url: str, work: Callable[[AsyncSession], Awaitable[ResultT]]) -> ResultT:
    """Run `work` in one session on a throwaway engine and commit once if it succeeds."""
    engine = create_engine(url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session:
            result = await work(session)
            await session.commit()
            return result
    finally:
        await engine.dispose()


def status(message: str) -> None:
    """A line for the operator (progress, what happened) on stderr: stdout carries only data,
    so `TOKEN=$(braingain token …)` captures the token and nothing else. A JSON log line
    instead where logs are JSON at INFO (`braingain serve`)."""
    if json_logging_configured() and logger.isEnabledFor(logging.INFO):
        logger.info(message)
        return
    print(message, file=sys.stderr, flush=True)


def fail(message: str) -> int:
    """Print an operator-facing error and return the failing exit status."""
    print(f"error: {message}", file=sys.stderr)
    return 1
