"""SELECTs for sectors and skills."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Sector, Skill


async def list_sectors(session: AsyncSession) -> list[Sector]:
    """Every sector, by name."""
    return list((await session.scalars(select(Sector).order_by(Sector.name))).all())


async def list_sectors_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Sector]:
    """Sectors with these primary keys."""
    return list((await session.scalars(select(Sector).where(Sector.id.in_(ids)))).all())


async def list_skills_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Skill]:
    """Skills with these primary keys."""
    return list((await session.scalars(select(Skill).where(Skill.id.in_(ids)))).all())


async def list_skills_by_sector(session: AsyncSession, sector_ids: Sequence[int]) -> list[Skill]:
    """Skills filed under these sectors, by name."""
    stmt = select(Skill).where(Skill.sector_id.in_(sector_ids)).order_by(Skill.name)
    return list((await session.scalars(stmt)).all())
