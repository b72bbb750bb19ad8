"""DataLoaders for mentorship programmes (strawberry's path): rows by id, each programme's
applications page and pairs, and its report; each filtered by the same SQL rule
(graph.services.programme_access) the compiled path inlines."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import MentorshipApplication, MentorshipPair, MentorshipProgramme
from db.queries import programme as queries
from db.queries.pagination import Ordering, PageWindow, fetch_child_counts, fetch_child_pages
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.loaders.base import PartitionedLoader, RowByIdLoader
from graph.services import programme_access as access


@dataclass(frozen=True)
class Slice:
    """A page window of a programme's applications or pairs (None: the count)."""

    window: PageWindow | None = None


class _Fetched(DataLoader[int, Any]):
    """Values by key from one fetch per batch."""

    def __init__(self, database: RequestDatabase, fetch: Any) -> None:
        super().__init__()
        self._database = database
        self._fetch = fetch

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Any]:
        """One statement for the batch; None for keys it did not return."""
        async with self._database.session() as session:
            found: dict[int, Any] = await self._fetch(session, list(dict.fromkeys(keys)))
        return [found.get(key) for key in keys]


class ProgrammeLoaders:
    """The mentorship programmes' loaders of one request, each built on first use."""

    def __init__(self, database: RequestDatabase, viewer: Viewer) -> None:
        self.database = database
        self.viewer = viewer

    @cached_property
    def programme_by_id(self) -> RowByIdLoader[MentorshipProgramme]:
        """Programme rows by id (programmes are public)."""

        async def fetch(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
            return list(
                await session.scalars(
                    select(MentorshipProgramme).where(MentorshipProgramme.id.in_(ids))
                )
            )

        return RowByIdLoader(self.database, fetch)

    @cached_property
    def application_by_id(self) -> RowByIdLoader[MentorshipApplication]:
        """Applications by id that the viewer may read (applicant, coordinators)."""
        visible = access.applications_visible(self.viewer)

        async def fetch(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
            return list(
                await session.scalars(
                    select(MentorshipApplication).where(MentorshipApplication.id.in_(ids), visible)
                )
            )

        return RowByIdLoader(self.database, fetch)

    @cached_property
    def application_row_by_id(self) -> RowByIdLoader[MentorshipApplication]:
        """Applications by id, unchecked: only for a pair's mentor and mentee (the pair being
        readable already)."""

        async def fetch(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
            return list(
                await session.scalars(
                    select(MentorshipApplication).where(MentorshipApplication.id.in_(ids))
                )
            )

        return RowByIdLoader(self.database, fetch)

    @cached_property
    def pair_by_id(self) -> RowByIdLoader[MentorshipPair]:
        """Pairs by id that the viewer may read."""
        visible = access.pairs_visible(self.viewer)

        async def fetch(session: AsyncSession, ids: Sequence[int]) -> Sequence[Any]:
            return list(
                await session.scalars(
                    select(MentorshipPair).where(MentorshipPair.id.in_(ids), visible)
                )
            )

        return RowByIdLoader(self.database, fetch)

    @cached_property
    def pairs_by_programme(
        self,
    ) -> tuple[PartitionedLoader[Any, Any], PartitionedLoader[Any, int]]:
        """(page, count) loaders of each programme's pairs the viewer may read."""
        statement = select(MentorshipPair).where(access.pairs_visible(self.viewer))
        return self._paged(
            statement, MentorshipPair, MentorshipPair.programme_id, queries.PAIR_ORDERING
        )

    @cached_property
    def applications_by_programme(
        self,
    ) -> tuple[PartitionedLoader[Any, Any], PartitionedLoader[Any, int]]:
        """(page, count) loaders of each programme's applications the viewer may read."""
        statement = select(MentorshipApplication).where(access.applications_visible(self.viewer))
        return self._paged(
            statement,
            MentorshipApplication,
            MentorshipApplication.programme_id,
            queries.APPLICATION_ORDERING,
        )

    def _paged(
        self, statement: Any, model: Any, parent: Any, ordering: Ordering
    ) -> tuple[PartitionedLoader[Any, Any], PartitionedLoader[Any, int]]:
        async def pages(session: AsyncSession, ids: Sequence[int], part: Slice) -> dict[int, Any]:
            assert part.window is not None
            return await fetch_child_pages(
                session, statement, model, parent, ids, ordering, part.window
            )

        async def counts(session: AsyncSession, ids: Sequence[int], _: Slice) -> dict[int, Any]:
            return await fetch_child_counts(session, statement, parent, ids)

        return PartitionedLoader(self.database, pages), PartitionedLoader(self.database, counts)

    @cached_property
    def report_by_programme_id(self) -> _Fetched:
        """Each programme's report figures, for its coordinators only (None for others)."""
        coordinates = access.coordinates(self.viewer)

        async def fetch(session: AsyncSession, ids: Sequence[int]) -> dict[int, Any]:
            allowed = list(
                await session.scalars(
                    select(MentorshipProgramme.id).where(
                        MentorshipProgramme.id.in_(ids), coordinates
                    )
                )
            )
            return await queries.reports_of(session, allowed)

        return _Fetched(self.database, fetch)
