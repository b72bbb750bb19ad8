"""DataLoaders for the forum: rows by id, batched thread/post/category pages, the viewer's votes."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ForumPost, ForumThread
from db.queries import forum as queries
from db.queries.forum import ForumScope
from graph.database import RequestDatabase
from graph.loaders.base import RowByIdLoader


class ReadableForumThreadByIdLoader(RowByIdLoader[ForumThread]):
    """Forum threads by primary key that the viewer may read (None for the others): the
    scope's SQL rule (readable category, hidden only to its moderators)."""

    def __init__(self, database: RequestDatabase, scope: ForumScope) -> None:
        rule = scope.thread_predicate()

        async def fetch(session: AsyncSession, ids: Sequence[int]) -> list[ForumThread]:
            return await queries.list_threads_by_ids(session, ids, rule)

        super().__init__(database, fetch)


class ForumPostByIdLoader(RowByIdLoader[ForumPost]):
    """Forum post rows by primary key (unchecked: callers apply their thread's read rule)."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_posts_by_ids)
