"""SELECTs for sectors and skills."""


from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Sector


async def list_sectors(session: AsyncSession) -> list[Sector]:
    """Every sector, by name."""
    return list((await session.scalars(select(Sector).order_by(Sector.name))).all())






