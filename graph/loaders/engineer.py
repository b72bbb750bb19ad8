"""DataLoaders for engineers and the records they own."""

from collections.abc import Sequence
from dataclasses import dataclass

from aiodataloader import DataLoader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import ProfileField
from db.models import Affiliation, Education, Engineer, EngineerSkill, Position, Sector, Skill
from db.queries import engineer as queries
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.database import RequestDatabase
from graph.loaders.base import GroupedLoader, RowByIdLoader
from graph.services.visibility import consent_grant_for, field_visible


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


@dataclass(frozen=True)
class FieldAccess:
    """Whether the viewer sees one profile field: by relationship, or under a consent grant."""

    visible: bool
    consent_grant_id: int | None = None


class ProfileAccessByEngineerIdLoader(DataLoader[int, dict[ProfileField, FieldAccess]]):
    """Per engineer, which maskable fields the request's viewer may see (one SELECT a batch)."""

    def __init__(
        self, database: RequestDatabase, viewer: Viewer, registry: ChapterRegistry
    ) -> None:
        super().__init__()
        self._database = database
        self._viewer = viewer
        self._registry = registry

    async def batch_load_fn(self, keys: Sequence[int]) -> list[dict[ProfileField, FieldAccess]]:
        """SELECT id, <visible per field>, <consent grant per field> FROM engineers."""
        fields = list(ProfileField)
        columns = [field_visible(self._viewer, self._registry, field) for field in fields]
        columns += [consent_grant_for(self._viewer, field) for field in fields]
        stmt = select(Engineer.id, *columns).where(Engineer.id.in_(list(dict.fromkeys(keys))))
        async with self._database.session() as session:
            rows = (await session.execute(stmt)).all()
        count = len(fields)
        by_id = {
            row[0]: {
                field: FieldAccess(bool(row[1 + index]), row[1 + count + index])
                for index, field in enumerate(fields)
            }
            for row in rows
        }
        hidden = {field: FieldAccess(False) for field in fields}
        return [by_id.get(key, hidden) for key in keys]
