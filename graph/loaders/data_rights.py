"""Data-export loaders: rows by id, only the viewer's own (the declaration's rule)."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DataExport
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.loaders.base import RowByIdLoader
from graph.services.data_export import own_exports


class DataExportByIdLoader(RowByIdLoader[DataExport]):
    """The viewer's own data exports by primary key; None for anyone else's."""

    def __init__(self, database: RequestDatabase, viewer: Viewer) -> None:
        rule = own_exports(viewer)

        async def fetch(session: AsyncSession, ids: Sequence[int]) -> list[DataExport]:
            statement = select(DataExport).where(DataExport.id.in_(ids), rule)
            return list((await session.scalars(statement)).all())

        super().__init__(database, fetch)
