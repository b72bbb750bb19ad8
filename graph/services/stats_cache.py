"""The per-worker statistics cache: the latest snapshot (graph/services/stats.py), kept
current by following writes, one computation at a time."""

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.stats_config import StatsConfig
from graph.chapters import ChapterRegistry
from graph.services.stats import Snapshot, compute

if TYPE_CHECKING:
    from graph.subscriptions.broker import EventBroker

logger = logging.getLogger(__name__)

FRESH_SECONDS = 1.0
"""A snapshot younger than this is served as is."""
STALE_SECONDS = 5.0
"""Older than this, a read waits for a new snapshot (otherwise it is refreshed behind it)."""
REFRESH_INTERVAL_SECONDS = 1.0
"""After writes, snapshots are recomputed at most once per this many seconds (per worker)."""
MAX_AGE_SECONDS = 60.0
"""No snapshot is served older than this."""
STATS_TOPIC = "stats"
"""The topic every write to a counted table NOTIFYs (migration 0018's statement triggers)."""


class StatsCache:
    """This worker's latest snapshot; one computation at a time, shared by whoever waits.

    With an event broker, the cache observes the `stats` topic (migration 0018's triggers
    NOTIFY it when a counted table changes): a snapshot stays current until a write
    invalidates it, and is then recomputed in the background at most once per
    REFRESH_INTERVAL_SECONDS; a read waits for the new one only when the invalidation is
    older than `stale_seconds`. Without a broker (or before it listens), snapshots live
    `fresh_seconds` and are refreshed behind reads up to `stale_seconds`. Either way no
    snapshot is older than MAX_AGE_SECONDS (deadlines pass, windows move, a NOTIFY may be
    lost while the LISTEN connection is down).
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        registry: ChapterRegistry,
        config: StatsConfig,
        *,
        broker: "EventBroker | None" = None,
        fresh_seconds: float = FRESH_SECONDS,
        stale_seconds: float = STALE_SECONDS,
        refresh_interval: float = REFRESH_INTERVAL_SECONDS,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.registry = registry
        self.config = config
        self.broker = broker
        self.fresh_seconds = fresh_seconds
        self.stale_seconds = stale_seconds
        self.refresh_interval = refresh_interval
        self.current: Snapshot | None = None
        self.computations = 0
        """Snapshots computed so far (for tests and the benchmark)."""
        self.invalidated_at = float("-inf")
        """When (time.monotonic()) the latest write this worker heard of was announced."""
        self.followers = 0
        """Dashboards following this cache's snapshots (dashboardUpdated)."""
        self._observing = False
        self._observe_failed_at = float("-inf")
        self._observe_lock = asyncio.Lock()
        self._running: asyncio.Task[Snapshot] | None = None
        self._refresher: asyncio.Task[None] | None = None
        self._published = asyncio.Event()

    async def observe(self) -> bool:
        """Start following writes (once); False when there is no broker to follow them with."""
        if self._observing or self.broker is None:
            return self._observing
        async with self._observe_lock:
            if not self._observing:
                await self.broker.observe(STATS_TOPIC, self.invalidate)
                self._observing = True
        return True

    def invalidate(self, _: object = None) -> None:
        """A write changed counted rows: refresh soon (at most once per refresh interval)."""
        self.invalidated_at = time.monotonic()
        if self._refresher is None or self._refresher.done():
            self._refresher = asyncio.ensure_future(self._refresh())

    async def _refresh(self) -> None:
        """Recompute until the snapshot began after the latest invalidation (a failure is
        logged; the next write or read tries again)."""
        try:
            while self.current is None or self.current.started < self.invalidated_at:
                last = self.current.started if self.current is not None else float("-inf")
                wait = last + self.refresh_interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                await self.newer_than(self.invalidated_at)
        except Exception:
            logger.exception("statistics snapshot refresh failed")

    async def snapshot(self) -> Snapshot:
        """A snapshot current as described above."""
        observing = await self._try_observe()
        current, now = self.current, time.monotonic()
        if current is not None and now - current.started < MAX_AGE_SECONDS:
            if observing:
                if current.started >= self.invalidated_at:
                    return current
                if now - self.invalidated_at < self.stale_seconds:
                    return current
                return await self.newer_than(self.invalidated_at)
            age = now - current.started
            if age < self.fresh_seconds:
                return current
            if age < self.stale_seconds:
                self._start()
                return current
        return await self.newer_than(now - (0 if observing else self.fresh_seconds))

    async def _try_observe(self) -> bool:
        """Follow writes when a broker can; reads fall back on ages when it cannot (and try
        again after a while)."""
        if self._observing or self.broker is None:
            return self._observing
        if time.monotonic() - self._observe_failed_at < MAX_AGE_SECONDS:
            return False
        try:
            return await self.observe()
        except Exception as error:  # the database may be unreachable for LISTEN just now
            self._observe_failed_at = time.monotonic()
            logger.warning("statistics follow no writes (LISTEN failed): %s", error)
            return False

    async def following(self, after: Snapshot) -> Snapshot:
        """The next snapshot computed after `after` (each refresh publishes one)."""
        while self.current is None or self.current.started <= after.started:
            published = self._published
            await published.wait()
        return self.current

    async def newer_than(self, moment: float) -> Snapshot:
        """A snapshot whose computation began at or after `moment` (time.monotonic())."""
        while True:
            current = self.current
            if current is not None and current.started >= moment:
                return current
            running = self._running
            if running is not None and not running.done():
                started = getattr(running, "started", 0.0)
                snapshot = await asyncio.shield(running)
                if started >= moment:
                    return snapshot
                continue
            return await asyncio.shield(self._start())

    def _start(self) -> "asyncio.Task[Snapshot]":
        """The running computation, or a new one."""
        running = self._running
        if running is not None and not running.done():
            return running
        task = asyncio.ensure_future(self._compute())
        task.started = time.monotonic()  # type: ignore[attr-defined]
        task.add_done_callback(_retrieve)
        self._running = task
        return task

    async def _compute(self) -> Snapshot:
        async with self.sessionmaker() as session:
            snapshot = await compute(session, self.registry, self.config)
        self.computations += 1
        if self.current is None or snapshot.started >= self.current.started:
            self.current = snapshot
            published, self._published = self._published, asyncio.Event()
            published.set()
        return snapshot


def _retrieve(task: "asyncio.Task[Snapshot]") -> None:
    """Collect a background computation's failure (callers awaiting it get it too)."""
    if not task.cancelled() and task.exception() is not None:
        logger.warning("statistics snapshot failed: %s", task.exception())
