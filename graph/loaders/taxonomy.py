"""DataLoaders for sectors and skills."""

from db.models import Sector, Skill
from db.queries import taxonomy as queries
from graph.database import RequestDatabase
from graph.loaders.base import RowByIdLoader


class SectorByIdLoader(RowByIdLoader[Sector]):
    """Sector rows by primary key."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_sectors_by_ids)


class SkillByIdLoader(RowByIdLoader[Skill]):
    """Skill rows by primary key."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_skills_by_ids)
