"""DataLoaders for mentorship programmes (strawberry's path): rows by id, each programme's
applications page and pairs, and its report; each filtered by the same SQL rule
(graph.services.programme_access) the compiled path inlines."""

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import MentorshipApplication, MentorshipProgramme
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.loaders.base import RowByIdLoader


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
