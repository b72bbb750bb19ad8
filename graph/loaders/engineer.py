"""DataLoaders for engineers and the records they own."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Affiliation, Education, Engineer, EngineerSkill, Position, Sector, Skill
from db.queries import engineer as queries
from graph.database import RequestDatabase
from graph.loaders.base import GroupedLoader, RowByIdLoader


@dataclass(frozen=True)
class ClaimedSkill:
    """A skill with the level and years an engineer claims for it."""

    claim: EngineerSkill
    skill: Skill


class EngineerByIdLoader(RowByIdLoader[Engineer]):
    """Engineer rows by primary key."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_by_ids)


class SectorsByEngineerIdLoader(GroupedLoader[Sector]):
    """Each engineer's sectors."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(
            database,
            queries.list_sectors_by_engineer,
            parent_of=lambda pair: pair[0],
            value_of=lambda pair: pair[1],
        )


async def _claimed_skills(session: AsyncSession, ids: Sequence[int]) -> list[ClaimedSkill]:
    return [
        ClaimedSkill(claim, skill)
        for claim, skill in await queries.list_skills_by_engineer(session, ids)
    ]


class SkillsByEngineerIdLoader(GroupedLoader[ClaimedSkill]):
    """Each engineer's claimed skills, strongest first."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, _claimed_skills, parent_of=lambda item: item.claim.engineer_id)


class PositionsByEngineerIdLoader(GroupedLoader[Position]):
    """Each engineer's employment history, most recent first."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(
            database, queries.list_positions_by_engineer, parent_of=lambda row: row.engineer_id
        )


class EducationByEngineerIdLoader(GroupedLoader[Education]):
    """Each engineer's degrees."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(
            database, queries.list_education_by_engineer, parent_of=lambda row: row.engineer_id
        )


class AffiliationsByEngineerIdLoader(GroupedLoader[Affiliation]):
    """Each engineer's staff roles at institutions."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(
            database, queries.list_affiliations_by_engineer, parent_of=lambda row: row.engineer_id
        )
