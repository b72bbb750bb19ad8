"""SELECTs for institutions and their staff."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Affiliation, Engineer, Institution
from db.queries.pagination import Ordering

INSTITUTION_ORDERINGS: dict[str, Ordering] = {
    "NAME_ASC": Ordering("NAME_ASC", ("name", "id")),
    "NAME_DESC": Ordering("NAME_DESC", ("name", "id"), descending=True),
}
AFFILIATION_ORDERING = Ordering("SINCE_ASC", ("since", "id"))


@dataclass(frozen=True)
class InstitutionFilter:
    """Conditions on institutions."""

    kinds: Sequence[str] = ()
    verified: bool | None = None
    country_codes: Sequence[str] = ()
    search: str | None = None


def filtered(criteria: InstitutionFilter) -> Select[Institution]:
    """SELECT institutions matching `criteria`."""
    stmt = select(Institution)
    if criteria.kinds:
        stmt = stmt.where(Institution.kind.in_(criteria.kinds))
    if criteria.verified is not None:
        stmt = stmt.where(Institution.verified.is_(criteria.verified))
    if criteria.country_codes:
        stmt = stmt.where(Institution.country_code.in_(criteria.country_codes))
    if criteria.search:
        pattern = (
            "%"
            + criteria.search.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
            + "%"
        )
        stmt = stmt.where(
            or_(Institution.name.ilike(pattern), func.lower(Institution.slug).like(pattern.lower()))
        )
    return stmt


def affiliations(shown: ColumnElement[bool]) -> Select[Affiliation]:
    """SELECT affiliations (staff roles) of engineers for whom `shown` holds (a predicate on
    the engineers row: may the viewer see this engineer's affiliations?)."""
    return (
        select(Affiliation).join(Engineer, Engineer.id == Affiliation.engineer_id).where(shown)
    )


async def get_by_slug(session: AsyncSession, slug: str) -> Institution | None:
    """The institution with this slug."""
    return await session.scalar(select(Institution).where(Institution.slug == slug))


async def list_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Institution]:
    """Institutions with these primary keys."""
    return list((await session.scalars(select(Institution).where(Institution.id.in_(ids)))).all())


