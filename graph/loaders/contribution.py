"""DataLoaders of the contribution engine's Python fields: each engineer's contribution
summary and each chapter's engagements in aggregate, a batch in one statement."""

from functools import cached_property

from aiodataloader import DataLoader

from db.queries import opportunity as queries
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.services import ledger


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


__all__ = ["ContributionLoaders"]
