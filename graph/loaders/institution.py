"""DataLoaders for institutions and their staff."""

from collections.abc import Callable, Sequence

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Affiliation, Institution
from db.queries import institution as queries
from db.queries.pagination import PageResult, PageWindow, fetch_child_counts, fetch_child_pages
from graph.database import RequestDatabase
from graph.loaders.base import PartitionedLoader, RowByIdLoader


class AffiliationByIdLoader(RowByIdLoader[Affiliation]):
    """Affiliation (staff role) rows by primary key."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_affiliations_by_ids)


class InstitutionByIdLoader(RowByIdLoader[Institution]):
    """Institution rows by primary key."""

    def __init__(self, database: RequestDatabase) -> None:
        super().__init__(database, queries.list_by_ids)


class StaffPageByInstitutionIdLoader(PartitionedLoader[PageWindow, PageResult[Affiliation]]):
    """A page of each institution's staff whose affiliations the viewer may see."""

    def __init__(self, database: RequestDatabase, shown: Callable[[], ColumnElement[bool]]) -> None:
        async def fetch(
            session: AsyncSession, institution_ids: Sequence[int], window: PageWindow
        ) -> dict[int, PageResult[Affiliation]]:
            return await fetch_child_pages(
                session,
                queries.affiliations(shown()),
                Affiliation,
                Affiliation.institution_id,
                institution_ids,
                queries.AFFILIATION_ORDERING,
                window,
            )

        super().__init__(database, fetch)


class StaffCountByInstitutionIdLoader(PartitionedLoader[None, int]):
    """How many staff each institution lists, counting only affiliations the viewer may see."""

    def __init__(self, database: RequestDatabase, shown: Callable[[], ColumnElement[bool]]) -> None:
        async def fetch(
            session: AsyncSession, institution_ids: Sequence[int], _: None
        ) -> dict[int, int]:
            return await fetch_child_counts(
                session, queries.affiliations(shown()), Affiliation.institution_id, institution_ids
            )

        super().__init__(database, fetch)
