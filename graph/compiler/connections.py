"""Where the compiled path gets its asyncpg connection: a lean pool, or the request's session."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import connect_args, to_libpq_url
from db.lean import sqlalchemy_codecs
from graph.compiler.operation import Connection
from graph.compiler.pool import LeanPool


async def create_pool(
    url: str, *, size: int = 10, statement_timeout_ms: int | None = None
) -> LeanPool:
    """A lean pool (graph.compiler.pool) for single-statement reads, connected.

    Each request runs one read-only statement outside a transaction, so there is no
    BEGIN/ROLLBACK and nothing (SET, LISTEN, advisory locks) for a reset to undo.
    """
    args = connect_args(url)
    if statement_timeout_ms is not None:
        args = connect_args(url, statement_timeout_ms)
    pool = LeanPool(
        size,
        dsn=to_libpq_url(url).split("?")[0],
        server_settings=args["server_settings"],
        **{key: args[key] for key in ("host", "port") if key in args},
    )
    await pool.open()
    return pool


WRITE_POOL_SIZE = 10
"""Connections of a worker's lean write transactions (db.lean), as many as the engine's pool
keeps (db.engine.create_engine); each connects when first needed."""


def write_pool(url: str, statement_timeout_ms: int, size: int = WRITE_POOL_SIZE) -> LeanPool:
    """A lean pool for compiled mutations' lean transactions (db.lean): connections set up as
    the engine's are (server settings, SQLAlchemy's json codecs), connected lazily."""
    args = connect_args(url, statement_timeout_ms)
    pool = LeanPool(
        size,
        init=sqlalchemy_codecs,
        dsn=to_libpq_url(url).split("?")[0],
        server_settings=args["server_settings"],
        **{key: args[key] for key in ("host", "port") if key in args},
    )
    pool.open_lazily()
    return pool


def engine_url(engine: AsyncEngine) -> str:
    """The URL an engine connects to, password included."""
    return engine.url.render_as_string(hide_password=False)


def pooled(pool: LeanPool) -> Any:
    """An `acquire()` over a lean pool: connections handed out first come, first served.

    (asyncpg's own pool queues waiters in an asyncio.Queue, which lets a newcomer take a
    connection released for a woken waiter; under load a few unlucky requests waited for many
    turns. The lean pool hands a returned connection straight to the longest waiter.)
    """
    return pool.acquire


def sessions(sessionmaker: async_sessionmaker[AsyncSession]) -> Any:
    """An `acquire()` borrowing the driver connection of a fresh session (tests share one)."""

    @asynccontextmanager
    async def acquire() -> AsyncIterator[Connection]:
        async with sessionmaker() as session:
            connection = await session.connection()
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            yield driver

    return acquire


def tune_gc() -> None:
    """Fewer collections: freeze what startup allocated and raise the young threshold.

    A compiled request allocates a few hundred short-lived objects and no cycles; the default
    threshold (700) runs a generation-0 collection every couple of requests.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
