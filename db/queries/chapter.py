"""SELECTs for chapters and memberships."""

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Chapter, Membership
from db.queries.pagination import Ordering

CHAPTER_ORDERINGS: dict[str, Ordering] = {
    "NAME_ASC": Ordering("NAME_ASC", ("name", "id")),
    "NAME_DESC": Ordering("NAME_DESC", ("name", "id"), descending=True),
}
MEMBERSHIP_ORDERING = Ordering("SINCE_ASC", ("since", "id"))


def chapters(*, include_archived: bool = False) -> Select[Chapter]:
    """SELECT chapters, live ones only unless asked."""
    stmt = select(Chapter)
    if not include_archived:
        stmt = stmt.where(Chapter.archived_at.is_(None))
    return stmt


def memberships(statuses: Sequence[str], roles: Sequence[str] = ()) -> Select[Membership]:
    """SELECT memberships in the given statuses (and roles, when given)."""
    stmt = select(Membership).where(Membership.status.in_(statuses))
    if roles:
        stmt = stmt.where(Membership.role.in_(roles))
    return stmt


def chapters_of_engineers(statuses: Sequence[str]) -> Select[Chapter]:
    """SELECT chapters joined to memberships (for an engineer's chapters)."""
    return (
        select(Chapter)
        .join(Membership, Membership.chapter_id == Chapter.id)
        .where(Membership.status.in_(statuses), Chapter.archived_at.is_(None))
    )


async def get_by_slug(session: AsyncSession, slug: str) -> Chapter | None:
    """The chapter with this slug, archived or not."""
    return await session.scalar(select(Chapter).where(Chapter.slug == slug))


async def list_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Chapter]:
    """Chapters with these primary keys."""
    return list((await session.scalars(select(Chapter).where(Chapter.id.in_(ids)))).all())


async def list_memberships_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Membership]:
    """Memberships with these primary keys."""
    stmt = select(Membership).where(Membership.id.in_(ids))
    return list((await session.scalars(stmt)).all())
