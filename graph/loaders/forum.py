"""DataLoaders for the forum: rows by id, batched thread/post/category pages, the viewer's votes."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db.models import ForumCategory, ForumPost, ForumReport, ForumThread
from db.queries import forum as queries
from db.queries.forum import ForumScope
from db.queries.pagination import PageResult, PageWindow, fetch_child_counts, fetch_child_pages
from graph.database import RequestDatabase
from graph.loaders.base import PartitionedLoader, RowByIdLoader


@dataclass(frozen=True)
class ThreadSlice:
    """Which threads of a category a connection shows: scope, filters, order and window."""

    scope: ForumScope
    order: str = "LAST_POSTED_AT"
    tags: tuple[str, ...] = ()
    search: str | None = None
    window: PageWindow | None = None


@dataclass(frozen=True)
class ReportSlice:
    """Which reports of a category a moderation queue shows."""

    statuses: tuple[str, ...] = ()
    window: PageWindow | None = None


@dataclass(frozen=True)
class CategorySlice:
    """Which categories of a chapter a connection shows."""

    scope: ForumScope
    window: PageWindow | None = None


CHAPTER_OF_CATEGORY = cast(InstrumentedAttribute[int], ForumCategory.chapter_id)
"""The parent column of a chapter's categories (never null among the rows it selects)."""


class ForumCategoryByIdLoader(RowByIdLoader[ForumCategory]):
    """Forum category rows by primary key (unchecked: callers apply the read rule)."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_categories_by_ids)


class ForumThreadByIdLoader(RowByIdLoader[ForumThread]):
    """Forum thread rows by primary key (unchecked: callers apply the read rule)."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_threads_by_ids)


class ReadableForumCategoryByIdLoader(RowByIdLoader[ForumCategory]):
    """Forum categories by primary key that the viewer may read (None for the others): the
    scope's SQL rule, as every category list and the compiled `node` apply it."""

    def __init__(self, database: RequestDatabase, scope: ForumScope) -> None:
        rule = scope.category_predicate()

        async def fetch(session: AsyncSession, ids: Sequence[int]) -> list[ForumCategory]:
            return await queries.list_categories_by_ids(session, ids, rule)

        super().__init__(database, fetch)


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


async def _thread_pages(
    session: AsyncSession, category_ids: Sequence[int], part: ThreadSlice
) -> dict[int, PageResult[ForumThread]]:
    assert part.window is not None
    return await fetch_child_pages(
        session,
        queries.threads(part.scope, tags=part.tags, search=part.search),
        ForumThread,
        ForumThread.category_id,
        category_ids,
        queries.CATEGORY_THREAD_ORDERINGS[part.order],
        part.window,
    )


async def _thread_counts(
    session: AsyncSession, category_ids: Sequence[int], part: ThreadSlice
) -> dict[int, int]:
    statement = queries.threads(part.scope, tags=part.tags, search=part.search)
    return await fetch_child_counts(session, statement, ForumThread.category_id, category_ids)


class ForumThreadPageByCategoryIdLoader(PartitionedLoader[ThreadSlice, PageResult[ForumThread]]):
    """A page of each category's threads the viewer may read."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _thread_pages)


class ForumThreadCountByCategoryIdLoader(PartitionedLoader[ThreadSlice, int]):
    """How many threads of each category the viewer may read."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _thread_counts)


async def _post_pages(
    session: AsyncSession, thread_ids: Sequence[int], window: PageWindow
) -> dict[int, PageResult[ForumPost]]:
    return await fetch_child_pages(
        session,
        queries.posts(),
        ForumPost,
        ForumPost.thread_id,
        thread_ids,
        queries.POST_ORDERING,
        window,
    )


class ForumPostPageByThreadIdLoader(PartitionedLoader[PageWindow, PageResult[ForumPost]]):
    """A page of each thread's replies (the thread's own read rule is checked by its caller)."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _post_pages)


async def _category_pages(
    session: AsyncSession, chapter_ids: Sequence[int], part: CategorySlice
) -> dict[int, PageResult[ForumCategory]]:
    assert part.window is not None
    return await fetch_child_pages(
        session,
        queries.categories(part.scope),
        ForumCategory,
        CHAPTER_OF_CATEGORY,
        chapter_ids,
        queries.CATEGORY_ORDERING,
        part.window,
    )


async def _category_counts(
    session: AsyncSession, chapter_ids: Sequence[int], part: CategorySlice
) -> dict[int, int]:
    statement = queries.categories(part.scope)
    return await fetch_child_counts(session, statement, CHAPTER_OF_CATEGORY, chapter_ids)


class ForumCategoryPageByChapterIdLoader(
    PartitionedLoader[CategorySlice, PageResult[ForumCategory]]
):
    """A page of each chapter's forum categories the viewer may read."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _category_pages)


class ForumCategoryCountByChapterIdLoader(PartitionedLoader[CategorySlice, int]):
    """How many forum categories of each chapter the viewer may read."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _category_counts)


class ForumVoteByPostIdLoader(DataLoader[int, int]):
    """The viewer's vote (+1, -1, or 0 for none) on each post; 0 for everyone not signed in."""

    def __init__(self, database: RequestDatabase, engineer_id: int | None) -> None:
        super().__init__()
        self._database = database
        self._engineer_id = engineer_id

    async def batch_load_fn(self, keys: Sequence[int]) -> list[int]:
        """One SELECT of the viewer's votes on these posts."""
        if self._engineer_id is None:
            return [0 for _ in keys]
        async with self._database.session() as session:
            votes = await queries.list_votes_of(session, self._engineer_id, list(set(keys)))
        by_post = {vote.post_id: vote.value for vote in votes}
        return [by_post.get(key, 0) for key in keys]


REPORT_CATEGORY = ForumThread.category_id
"""The category of a report: its thread's (the thread reported, or the reply's thread)."""


async def _report_pages(
    session: AsyncSession, category_ids: Sequence[int], part: ReportSlice
) -> dict[int, PageResult[ForumReport]]:
    assert part.window is not None
    return await fetch_child_pages(
        session,
        queries.reports(part.statuses),
        ForumReport,
        REPORT_CATEGORY,
        category_ids,
        queries.REPORT_ORDERING,
        part.window,
    )


async def _report_counts(
    session: AsyncSession, category_ids: Sequence[int], part: ReportSlice
) -> dict[int, int]:
    statement = queries.reports(part.statuses)
    return await fetch_child_counts(session, statement, REPORT_CATEGORY, category_ids)


class ForumReportPageByCategoryIdLoader(PartitionedLoader[ReportSlice, PageResult[ForumReport]]):
    """A page of each category's reports (callers check the viewer moderates it)."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _report_pages)


class ForumReportCountByCategoryIdLoader(PartitionedLoader[ReportSlice, int]):
    """How many reports each category has in the given statuses."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _report_counts)
