"""Notification loaders: rows by id, only those the viewer may read (the declaration's rule)."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Notification
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.loaders.base import RowByIdLoader
from graph.services.notification import own_notifications


class NotificationByIdLoader(RowByIdLoader[Notification]):
    """The viewer's own notifications by primary key; None for anyone else's."""

    def __init__(self, database: RequestDatabase, viewer: Viewer) -> None:
        rule = own_notifications(viewer)

        async def fetch(session: AsyncSession, ids: Sequence[int]) -> list[Notification]:
            statement = select(Notification).where(Notification.id.in_(ids), rule)
            return list((await session.scalars(statement)).all())

        super().__init__(database, fetch)
