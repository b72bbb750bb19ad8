"""DataLoaders for project supervision: teams, revisions, milestones and rubrics by id (the node
fetchers) under the same SQL rules the compiled path inlines; pages of a topic's teams; an
institution's rubrics and a rubric's criteria."""

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ProjectTeam
from db.queries import supervision as queries
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.loaders.base import RowByIdLoader
from graph.services import supervision_access as access


class _Keyed:
    """A (row, flags...) tuple with the row's id, for RowByIdLoader."""

    def __init__(self, row: Any) -> None:
        self.id = row[0].id
        self.row = tuple(row)


def _keyed(fetch: Any) -> Any:
    async def keyed(session: AsyncSession, ids: Sequence[int]) -> list[_Keyed]:
        return [_Keyed(row) for row in await fetch(session, ids)]

    return keyed


class SupervisionLoaders:
    """Project supervision loaders of one request, each built on first use."""

    def __init__(self, database: RequestDatabase, viewer: Viewer) -> None:
        self.database = database
        self.viewer = viewer

    def teams(self) -> Select[Any]:
        """The teams the viewer may see."""
        return select(ProjectTeam).where(access.teams_visible(self.viewer))

    def own(self) -> Select[Any]:
        """The teams the viewer is in or supervises."""
        return select(ProjectTeam).where(access.own_teams(self.viewer))

    @cached_property
    def team_by_id(self) -> Any:
        """(team, proposal overdue, overdue) by id (unchecked: reached through a readable
        parent or checked by the node fetcher)."""
        return _TupleLoader(self.database, queries.list_teams_by_ids)


class _TupleLoader(RowByIdLoader[Any]):
    """RowByIdLoader over statements selecting (row, flags...): loads the tuples."""

    def __init__(self, database: RequestDatabase, fetch: Any) -> None:
        super().__init__(database, _keyed(fetch))

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Any]:
        """The tuples, in the keys' order (None where missing)."""
        found = await super().batch_load_fn(keys)
        return [item.row if item is not None else None for item in found]
