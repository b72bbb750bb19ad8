"""`stats` (public figures, from this worker's snapshot) and `dashboardUpdated` (the figures
again whenever a write changed them, at most once a second per dashboard)."""

import asyncio
import time
from collections.abc import AsyncIterator
from functools import cache
from typing import Annotated

import strawberry

from db.stats_config import StatsConfig, load_stats_config
from graph.auth.scopes import Scope
from graph.context import Context, Info
from graph.errors import NotFound
from graph.resolvers.forum_subscriptions import SubscriptionsUnavailable, event_context
from graph.services import stats
from graph.services.stats_cache import StatsCache
from graph.subscriptions.execution import Delivery
from graph.types.stats import Stats, StatsView

UPDATE_INTERVAL_SECONDS = 1.0
"""A dashboard receives at most one update per this many seconds, however many writes."""

CHAPTER = Annotated[
    str | None,
    strawberry.argument(description="A chapter's slug; null (the default): the whole portal."),
]
STATS = (
    "Public statistics: supply vs demand, the engagement funnel, hours per month, time to first "
    "response, engineers by country, forum activity and chapter scorecards; for the portal, or "
    "for one chapter (null when no live chapter has that slug). Figures about too few people "
    "are suppressed, except for a chapter's coordinators reading their own chapter (the "
    "`members:read` scope there). Current within seconds (a snapshot per server process)."
)
DASHBOARD_UPDATED = (
    "The figures of a dashboard (the portal's, or a chapter's) each time a write changed "
    "them: at most one update per second however many writes, none when a write changed "
    "nothing this dashboard shows. Read `stats` first, then follow this. Refused with "
    "NOT_FOUND when no live chapter has that slug. Over WebSocket only (graphql-transport-ws)."
)


@cache
def stats_config() -> StatsConfig:
    """contributions_config/stats.toml, validated once per process."""
    return load_stats_config()


async def current_snapshot(context: Context) -> stats.Snapshot:
    """The worker's cached snapshot; without a cache, computed in the request's session (tests,
    which see their own uncommitted rows)."""
    if context.stats is not None:
        return await context.stats.snapshot()
    async with context.database.session() as session:
        return await stats.compute(session, context.registry, stats_config())


def is_exact_for(context: Context, chapter_id: int | None) -> bool:
    """Whether the viewer reads this scope's figures unsuppressed: its coordinators (the
    `members:read` scope inside the chapter, as for Chapter.engagementSummary)."""
    return chapter_id is not None and context.viewer.has_chapter_scope(
        Scope.MEMBERS_READ, chapter_id
    )


def view_for(context: Context, snapshot: stats.Snapshot, chapter_id: int | None) -> Stats:
    """The figures as this viewer may read them."""
    exact = is_exact_for(context, chapter_id)
    minimum = stats_config().minimum_cell_size
    return Stats(view=StatsView(snapshot, chapter_id, minimum, exact))


def shown_figures(
    context: Context, snapshot: stats.Snapshot, chapter_id: int | None
) -> tuple[object, ...]:
    """What this viewer's dashboard shows, for change detection."""
    minimum = stats_config().minimum_cell_size
    return stats.figures_of(snapshot, chapter_id, minimum, is_exact_for(context, chapter_id))


async def resolve_stats(info: Info, chapter: CHAPTER = None) -> Stats | None:
    """The scope's figures; null for an unknown chapter."""
    context = info.context
    snapshot = await current_snapshot(context)
    if chapter is None:
        return view_for(context, snapshot, None)
    chapter_id = snapshot.chapter_id(chapter)
    if chapter_id is None:
        return None
    return view_for(context, snapshot, chapter_id)


async def dashboard_updated(info: Info, chapter: CHAPTER = None) -> AsyncIterator[Stats]:
    """Check the chapter and start following writes now (errors come back before any update);
    then push."""
    context = info.context
    cache = context.stats
    if cache is None or not await cache.observe():
        raise SubscriptionsUnavailable("Subscriptions are not served here.")
    snapshot = await cache.snapshot()
    chapter_id = None if chapter is None else snapshot.chapter_id(chapter)
    if chapter is not None and chapter_id is None:
        raise NotFound("No such chapter.", argument="chapter")
    shown = shown_figures(context, snapshot, chapter_id)
    return _updates(context, cache, snapshot, chapter_id, shown)  # type: ignore[return-value]


async def _updates(
    context: Context,
    cache: StatsCache,
    snapshot: stats.Snapshot,
    chapter_id: int | None,
    shown: tuple[object, ...],
) -> AsyncIterator[Delivery]:
    """Each new snapshot of the worker's cache (recomputed after writes, at most once a
    second), pushed when what this reader sees of it changed, never twice within a second."""
    last_push = float("-inf")
    cache.followers += 1
    try:
        while True:
            snapshot = await cache.following(snapshot)
            wait = last_push + UPDATE_INTERVAL_SECONDS - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
                snapshot = cache.current or snapshot
            current = await event_context(context)
            try:
                figures = shown_figures(current, snapshot, chapter_id)
                if figures == shown:
                    continue
                shown, last_push = figures, time.monotonic()
                yield Delivery(view_for(current, snapshot, chapter_id), current)
            finally:
                await current.database.close()
    finally:
        cache.followers -= 1
