"""DataLoaders for chapters and memberships, including batched member pages."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Chapter, Membership
from db.queries import chapter as queries
from db.queries.chapter import MembershipScope
from db.queries.pagination import (
    PageResult,
    PageWindow,
    fetch_child_counts,
    fetch_child_pages,
)
from graph.database import RequestDatabase
from graph.loaders.base import PartitionedLoader, RowByIdLoader


@dataclass(frozen=True)
class MembershipSlice:
    """Which memberships a nested connection shows: viewer scope, filters, page window."""

    scope: MembershipScope
    roles: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    window: PageWindow | None = None


class ChapterByIdLoader(RowByIdLoader[Chapter]):
    """Chapter rows by primary key."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_by_ids)


class MembershipByIdLoader(RowByIdLoader[Membership]):
    """Membership rows by primary key."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_memberships_by_ids)


async def _members_page(
    session: AsyncSession, chapter_ids: Sequence[int], part: MembershipSlice
) -> dict[int, PageResult[Membership]]:
    assert part.window is not None
    return await fetch_child_pages(
        session,
        queries.memberships(part.scope, part.roles, part.statuses),
        Membership,
        Membership.chapter_id,
        chapter_ids,
        queries.MEMBERSHIP_ORDERING,
        part.window,
    )


async def _members_count(
    session: AsyncSession, chapter_ids: Sequence[int], part: MembershipSlice
) -> dict[int, int]:
    return await fetch_child_counts(
        session,
        queries.memberships(part.scope, part.roles, part.statuses),
        Membership.chapter_id,
        chapter_ids,
    )


async def _engineer_memberships_page(
    session: AsyncSession, engineer_ids: Sequence[int], part: MembershipSlice
) -> dict[int, PageResult[Membership]]:
    assert part.window is not None
    return await fetch_child_pages(
        session,
        queries.memberships(part.scope, part.roles, part.statuses),
        Membership,
        Membership.engineer_id,
        engineer_ids,
        queries.MEMBERSHIP_ORDERING,
        part.window,
    )


async def _engineer_memberships_count(
    session: AsyncSession, engineer_ids: Sequence[int], part: MembershipSlice
) -> dict[int, int]:
    return await fetch_child_counts(
        session,
        queries.memberships(part.scope, part.roles, part.statuses),
        Membership.engineer_id,
        engineer_ids,
    )


async def _engineer_chapters_page(
    session: AsyncSession, engineer_ids: Sequence[int], part: MembershipSlice
) -> dict[int, PageResult[Chapter]]:
    assert part.window is not None
    return await fetch_child_pages(
        session,
        queries.chapters_of_engineers(part.scope.public_statuses),
        Chapter,
        Membership.engineer_id,
        engineer_ids,
        queries.CHAPTER_ORDERINGS["NAME_ASC"],
        part.window,
    )


async def _engineer_chapters_count(
    session: AsyncSession, engineer_ids: Sequence[int], part: MembershipSlice
) -> dict[int, int]:
    return await fetch_child_counts(
        session,
        queries.chapters_of_engineers(part.scope.public_statuses),
        Membership.engineer_id,
        engineer_ids,
    )


class MembershipPageByChapterIdLoader(PartitionedLoader[MembershipSlice, PageResult[Membership]]):
    """A page of each chapter's memberships."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _members_page)


class MembershipCountByChapterIdLoader(PartitionedLoader[MembershipSlice, int]):
    """How many memberships each chapter has in the given statuses."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _members_count)


class MembershipPageByEngineerIdLoader(PartitionedLoader[MembershipSlice, PageResult[Membership]]):
    """A page of each engineer's memberships."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _engineer_memberships_page)


class MembershipCountByEngineerIdLoader(PartitionedLoader[MembershipSlice, int]):
    """How many memberships each engineer has in the given statuses."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _engineer_memberships_count)


class ChapterPageByEngineerIdLoader(PartitionedLoader[MembershipSlice, PageResult[Chapter]]):
    """A page of the chapters each engineer belongs to."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _engineer_chapters_page)


class ChapterCountByEngineerIdLoader(PartitionedLoader[MembershipSlice, int]):
    """How many chapters each engineer belongs to."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _engineer_chapters_count)
