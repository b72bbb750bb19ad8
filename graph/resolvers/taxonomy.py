"""Query fields for the sector vocabulary."""

from db.queries import taxonomy as queries
from graph.context import Info
from graph.types.taxonomy import Sector


async def sectors(info: Info) -> list[Sector]:
    """Every sector, by name (a small, closed vocabulary, so a plain list)."""
    async with info.context.database.session() as session:
        rows = await queries.list_sectors(session)
    return [Sector.from_model(row) for row in rows]
