"""DataLoaders for consent grants and the audit log."""

from collections.abc import Sequence
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db.models import AuditLogEntry, ConsentGrant
from db.queries import consent as queries
from db.queries.pagination import PageResult, PageWindow, fetch_child_counts, fetch_child_pages
from graph.database import RequestDatabase
from graph.loaders.base import PartitionedLoader, RowByIdLoader

# audit rows outside any chapter have a NULL chapter_id, which never matches a parent id
AUDIT_CHAPTER = cast(InstrumentedAttribute[int], AuditLogEntry.chapter_id)


class ConsentGrantByIdLoader(RowByIdLoader[ConsentGrant]):
    """Consent grant rows by primary key."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_grants_by_ids)


async def _audit_page(
    session: AsyncSession, chapter_ids: Sequence[int], window: PageWindow
) -> dict[int, PageResult[AuditLogEntry]]:
    return await fetch_child_pages(
        session,
        queries.audit_log(),
        AuditLogEntry,
        AUDIT_CHAPTER,
        chapter_ids,
        queries.NEWEST_FIRST,
        window,
    )


async def _audit_count(
    session: AsyncSession, chapter_ids: Sequence[int], _: None
) -> dict[int, int]:
    return await fetch_child_counts(session, queries.audit_log(), AUDIT_CHAPTER, chapter_ids)


class AuditLogPageByChapterIdLoader(PartitionedLoader[PageWindow, PageResult[AuditLogEntry]]):
    """A page of each chapter's audit log, newest first."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _audit_page)


class AuditLogCountByChapterIdLoader(PartitionedLoader[None, int]):
    """How many audit rows each chapter has."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _audit_count)
