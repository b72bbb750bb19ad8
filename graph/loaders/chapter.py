"""DataLoaders for chapters and memberships, including batched member pages."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

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
    """Membership rows by primary key, those the viewer may reach by id (None for the others:
    graph.services.visibility.membership_node_rule, the SQL the compiled `node` applies)."""

    def __init__(self, database: RequestDatabase, rule: ColumnElement[bool]) -> None:
        async def fetch(session: AsyncSession, ids: Sequence[int]) -> list[Membership]:
            return await queries.list_memberships_by_ids(session, ids, rule)

        super().__init__(database, fetch)


def _membership_pages(
    parent: InstrumentedAttribute[int],
) -> Callable[
    [AsyncSession, Sequence[int], MembershipSlice], Awaitable[dict[int, PageResult[Membership]]]
]:
    """A batch fetch of one page of memberships per parent (chapter or engineer)."""

    async def fetch(
        session: AsyncSession, parent_ids: Sequence[int], part: MembershipSlice
    ) -> dict[int, PageResult[Membership]]:
        assert part.window is not None
        return await fetch_child_pages(
            session,
            queries.memberships(part.scope, part.roles, part.statuses),
            Membership,
            parent,
            parent_ids,
            queries.MEMBERSHIP_ORDERING,
            part.window,
        )

    return fetch


def _membership_counts(
    parent: InstrumentedAttribute[int],
) -> Callable[[AsyncSession, Sequence[int], MembershipSlice], Awaitable[dict[int, int]]]:
    """A batch count of memberships per parent (chapter or engineer)."""

    async def fetch(
        session: AsyncSession, parent_ids: Sequence[int], part: MembershipSlice
    ) -> dict[int, int]:
        statement = queries.memberships(part.scope, part.roles, part.statuses)
        return await fetch_child_counts(session, statement, parent, parent_ids)

    return fetch


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
        super().__init__(database, _membership_pages(Membership.chapter_id))


class MembershipCountByChapterIdLoader(PartitionedLoader[MembershipSlice, int]):
    """How many memberships each chapter has in the given statuses."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _membership_counts(Membership.chapter_id))


class MembershipPageByEngineerIdLoader(PartitionedLoader[MembershipSlice, PageResult[Membership]]):
    """A page of each engineer's memberships."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _membership_pages(Membership.engineer_id))


class MembershipCountByEngineerIdLoader(PartitionedLoader[MembershipSlice, int]):
    """How many memberships each engineer has in the given statuses."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _membership_counts(Membership.engineer_id))


class ChapterPageByEngineerIdLoader(PartitionedLoader[MembershipSlice, PageResult[Chapter]]):
    """A page of the chapters each engineer belongs to."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _engineer_chapters_page)


class ChapterCountByEngineerIdLoader(PartitionedLoader[MembershipSlice, int]):
    """How many chapters each engineer belongs to."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _engineer_chapters_count)
