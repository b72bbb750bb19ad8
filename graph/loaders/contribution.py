"""DataLoaders for the contribution engine (strawberry's path): rows by id, engagements'
sessions and feedback, the Python fields' summaries, and batched pages of opportunities and
ledger entries, each filtered by the same SQL rule the compiled path inlines."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from db.queries import opportunity as queries
from db.queries.pagination import (
    PageResult,
    PageWindow,
)
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.services import ledger


@dataclass(frozen=True)
class OpportunitySlice:
    """Which opportunities of a parent a connection shows: statuses and page window."""

    statuses: tuple[str, ...] = ()
    window: PageWindow | None = None


@dataclass(frozen=True)
class Window:
    """A page window only (connections without filters)."""

    window: PageWindow | None = None


Parent = Any
"""A parent column (nullable foreign keys included: the rows selected never have it null)."""
Fetch = Callable[[AsyncSession, Sequence[int], Any], Awaitable[dict[int, Any]]]


class ContributionLoaders:
    """The contribution engine's loaders of one request, each built on first use."""

    def __init__(self, database: RequestDatabase, viewer: Viewer) -> None:
        self.database = database
        self.viewer = viewer


    @cached_property
    def summary_by_engineer_id(self) -> DataLoader[int, ledger.Summary]:
        """Each engineer's contribution summary (Engineer.contributionSummary): every
        engineer of a batch summed in one statement."""
        database = self.database

        async def load(keys: list[int]) -> list[ledger.Summary]:
            async with database.session() as session:
                found = await ledger.summaries(
                    session, list(dict.fromkeys(keys)), ledger.cpd_config()
                )
            return [found[key] for key in keys]

        return DataLoader(load)

    @cached_property
    def engagements_by_chapter_id(self) -> DataLoader[int, queries.ChapterEngagements]:
        """Each chapter's engagements in aggregate (Chapter.engagementSummary): every chapter
        of a batch in one statement."""
        database = self.database

        async def load(keys: list[int]) -> list[queries.ChapterEngagements]:
            async with database.session() as session:
                found = await queries.chapters_engagements(session, list(dict.fromkeys(keys)))
            return [found[key] for key in keys]

        return DataLoader(load)


__all__ = ["ContributionLoaders", "OpportunitySlice", "PageResult", "Window"]
