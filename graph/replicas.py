"""Read replicas: reads go to a streaming standby, writes to the primary, and a viewer who just
wrote reads their own writes.

`BRAINGAIN_READ_REPLICA_URLS` (comma-separated) names the standbys. Each worker keeps, per
replica, a lean asyncpg pool for the compiled path and a SQLAlchemy sessionmaker for
strawberry's queries. A health check (every `BRAINGAIN_REPLICA_CHECK_SECONDS`, not a probe per
request) reads each replica's replay position and the primary's WAL position; a replica that is
unreachable, not in recovery, or more than `BRAINGAIN_REPLICA_MAX_LAG_BYTES` behind is skipped
until a later check finds it well.

Read-your-writes: after an operation that may have written (a mutation), the endpoint reads the
primary's WAL position and remembers it for the viewer (bounded, in this process) and returns it
as the `X-Braingain-LSN` response header. The viewer's next reads use a replica only if its last
known replay position has reached that LSN; otherwise the primary. Behind a load balancer that
spreads one viewer over several processes, a client echoes the header as
`X-Braingain-Min-LSN`, which every worker honours the same way.
"""

import asyncio
import contextlib
import itertools
import logging
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import create_engine, create_sessionmaker
from graph.compiler.connections import create_pool, pooled

logger = logging.getLogger(__name__)

LSN_HEADER = "x-braingain-lsn"
MIN_LSN_HEADER = "x-braingain-min-lsn"
MAX_REMEMBERED_WRITERS = 10_000
PRIMARY_POSITION = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"
REPLICA_STATE = (
    "SELECT pg_is_in_recovery() AS standby,"
    " pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint AS position"
)


@dataclass(frozen=True)
class ReplicaSettings:
    """Which standbys serve reads, and how far behind one may be."""

    urls: tuple[str, ...] = ()
    max_lag_bytes: int = 16 * 1024 * 1024
    check_seconds: float = 1.0

    @classmethod
    def from_environment(cls) -> "ReplicaSettings":
        """Read BRAINGAIN_READ_REPLICA_URLS, _REPLICA_MAX_LAG_BYTES, _REPLICA_CHECK_SECONDS."""
        urls = os.environ.get("BRAINGAIN_READ_REPLICA_URLS", "")
        return cls(
            urls=tuple(url.strip() for url in urls.split(",") if url.strip()),
            max_lag_bytes=int(
                os.environ.get("BRAINGAIN_REPLICA_MAX_LAG_BYTES", str(cls.max_lag_bytes))
            ),
            check_seconds=float(
                os.environ.get("BRAINGAIN_REPLICA_CHECK_SECONDS", str(cls.check_seconds))
            ),
        )


@dataclass
class Replica:
    """One standby: its connections and what the last health check saw."""

    url: str
    pool: Any = None
    engine: AsyncEngine | None = None
    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    healthy: bool = False
    replay_position: int = -1
    acquire: Callable[[], Any] | None = field(default=None, repr=False)


class ReplicaSet:
    """The standbys of one worker, their health, and the viewers' last writes."""

    def __init__(self, settings: ReplicaSettings, primary_url: str, pool_size: int) -> None:
        self.settings = settings
        self.primary_url = primary_url
        self.pool_size = pool_size
        self.replicas = [Replica(url) for url in settings.urls]
        self.primary_pool: Any = None
        self.writes: OrderedDict[str, int] = OrderedDict()
        self._turn = itertools.count()
        self._checking: asyncio.Task[None] | None = None

    async def open(self) -> None:
        """Connect to the primary (for WAL positions) and start the health checks."""
        self.primary_pool = await create_pool(self.primary_url, size=1)
        await self.check()
        self._checking = asyncio.get_running_loop().create_task(self._check_forever())

    async def close(self) -> None:
        """Stop checking and close every pool and engine."""
        if self._checking is not None:
            self._checking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checking
        for replica in self.replicas:
            await self._disconnect(replica)
        if self.primary_pool is not None:
            await self.primary_pool.close()

    async def primary_position(self) -> int:
        """The primary's current WAL position (bytes)."""
        async with self.primary_pool.acquire() as connection:
            return int(await connection.fetchval(PRIMARY_POSITION))

    async def check(self) -> None:
        """Look at every replica once: reachable, in recovery, close enough behind."""
        try:
            primary = await self.primary_position()
        except Exception as error:  # the primary is down: nothing to compare with
            logger.warning("replica check: primary unavailable: %s", error)
            return
        for replica in self.replicas:
            await self._check(replica, primary)

    async def _check(self, replica: Replica, primary: int) -> None:
        try:
            if replica.pool is None:
                await self._connect(replica)
            async with asyncio.timeout(2):
                async with replica.pool.acquire() as connection:
                    row = await connection.fetchrow(REPLICA_STATE)
        except Exception as error:
            if replica.healthy:
                logger.warning("replica %s skipped: %s", _where(replica.url), error)
            replica.healthy = False
            await self._disconnect(replica)
            return
        position = int(row["position"]) if row["position"] is not None else -1
        well = bool(row["standby"]) and primary - position <= self.settings.max_lag_bytes
        if well != replica.healthy:
            logger.warning(
                "replica %s %s (%d bytes behind)",
                _where(replica.url),
                "serving reads" if well else "skipped",
                primary - position,
            )
        replica.healthy = well
        replica.replay_position = position

    async def _connect(self, replica: Replica) -> None:
        replica.pool = await create_pool(replica.url, size=self.pool_size)
        replica.acquire = pooled(replica.pool)
        replica.engine = create_engine(replica.url, pool_size=self.pool_size)
        replica.sessionmaker = create_sessionmaker(replica.engine)

    async def _disconnect(self, replica: Replica) -> None:
        pool, engine = replica.pool, replica.engine
        replica.pool = replica.engine = replica.sessionmaker = replica.acquire = None
        if pool is not None:
            with contextlib.suppress(Exception):
                pool.terminate()
        if engine is not None:
            with contextlib.suppress(Exception):
                await engine.dispose()

    async def _check_forever(self) -> None:
        while True:
            await asyncio.sleep(self.settings.check_seconds)
            await self.check()

    def choose(self, viewer_key: str | None, client_minimum: int | None = None) -> Replica | None:
        """A healthy replica that has replayed the viewer's last write; None: the primary."""
        minimum = max(self.writes.get(viewer_key, -1) if viewer_key else -1, client_minimum or -1)
        candidates = [
            replica
            for replica in self.replicas
            if replica.healthy
            and replica.acquire is not None
            and replica.replay_position >= minimum
        ]
        if not candidates:
            return None
        return candidates[next(self._turn) % len(candidates)]

    async def note_write(self, viewer_key: str | None) -> int:
        """Remember the primary's position after this viewer's write; returns it."""
        position = await self.primary_position()
        if viewer_key is not None:
            self.writes[viewer_key] = position
            self.writes.move_to_end(viewer_key)
            while len(self.writes) > MAX_REMEMBERED_WRITERS:
                self.writes.popitem(last=False)
        return position


def client_minimum(value: str | None) -> int | None:
    """The position a client echoed (`X-Braingain-Min-LSN`), if it is one."""
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 20:
        return None
    return int(value)


def _where(url: str) -> str:
    """A URL without credentials, for logs."""
    return url.split("@")[-1]
