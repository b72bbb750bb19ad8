"""SELECTs for engineers and the records they own."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import MembershipStatus, ProfileField
from db.models import (
    Engineer,
    EngineerSector,
    EngineerSkill,
    Membership,
    Sector,
    Skill,
)
from db.queries.pagination import Ordering

ORDERINGS: dict[str, Ordering] = {
    "HANDLE_ASC": Ordering("HANDLE_ASC", ("handle",)),
    "HANDLE_DESC": Ordering("HANDLE_DESC", ("handle",), descending=True),
    "NAME_ASC": Ordering("NAME_ASC", ("name", "id")),
    "NAME_DESC": Ordering("NAME_DESC", ("name", "id"), descending=True),
    "CREATED_AT_ASC": Ordering("CREATED_AT_ASC", ("created_at", "id")),
    "CREATED_AT_DESC": Ordering("CREATED_AT_DESC", ("created_at", "id"), descending=True),
}


@dataclass(frozen=True)
class EngineerFilter:
    """Conditions on engineers; lists match any of their values, conditions all apply."""

    sector_slugs: Sequence[str] = ()
    skill_slugs: Sequence[str] = ()
    disciplines: Sequence[str] = ()
    country_codes: Sequence[str] = ()
    chapter_id: int | None = None
    offers: Sequence[str] = ()
    is_overseas: bool | None = None
    pec_verified: bool | None = None
    search: str | None = None


FieldShown = Callable[[ProfileField], ColumnElement[bool]]
"""Builds the SQL predicate "the viewer may see this profile field of the engineers row"."""


def filtered(criteria: EngineerFilter, shows: FieldShown) -> Select[Engineer]:
    """SELECT engineers matching `criteria` (no ordering).

    Conditions on maskable fields match only where `shows` says the viewer may see the field,
    so that a filter cannot reveal what the profile hides.
    """
    stmt = select(Engineer)
    if criteria.sector_slugs:
        stmt = stmt.where(
            exists()
            .where(EngineerSector.engineer_id == Engineer.id)
            .where(EngineerSector.sector_id == Sector.id)
            .where(Sector.slug.in_(criteria.sector_slugs)),
            shows(ProfileField.SECTORS),
        )
    if criteria.skill_slugs:
        stmt = stmt.where(
            exists()
            .where(EngineerSkill.engineer_id == Engineer.id)
            .where(EngineerSkill.skill_id == Skill.id)
            .where(Skill.slug.in_(criteria.skill_slugs)),
            shows(ProfileField.SKILLS),
        )
    if criteria.disciplines:
        stmt = stmt.where(Engineer.disciplines.overlap(list(criteria.disciplines)))
    if criteria.offers:
        stmt = stmt.where(Engineer.offers.overlap(list(criteria.offers)))
    if criteria.country_codes:
        stmt = stmt.where(Engineer.country_code.in_(criteria.country_codes))
    if criteria.chapter_id is not None:
        stmt = stmt.where(
            exists().where(
                and_(
                    Membership.engineer_id == Engineer.id,
                    Membership.chapter_id == criteria.chapter_id,
                    Membership.status == MembershipStatus.ACTIVE,
                )
            )
        )
    if criteria.is_overseas is not None:
        stmt = stmt.where(Engineer.is_overseas.is_(criteria.is_overseas))
    if criteria.pec_verified is not None:
        verified = Engineer.pec_status == "VERIFIED"
        stmt = stmt.where(verified if criteria.pec_verified else ~verified)
    if criteria.search:
        query = func.websearch_to_tsquery("english", criteria.search)
        skills_shown = shows(ProfileField.SKILLS)
        stmt = stmt.where(
            or_(
                and_(skills_shown, Engineer.search_vector.op("@@")(query)),
                and_(~skills_shown, Engineer.search_vector_without_skills.op("@@")(query)),
            )
        )
    return stmt


async def get_by_handle(session: AsyncSession, handle: str) -> Engineer | None:
    """The engineer with this handle (handles are stored lower-case)."""
    return await session.scalar(select(Engineer).where(Engineer.handle == handle.lower()))


async def list_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Engineer]:
    """Engineers with these primary keys, in no particular order."""
    return list((await session.scalars(select(Engineer).where(Engineer.id.in_(ids)))).all())










