"""DataLoaders for the consultancy marketplace: an opportunity's RFP terms (graph.types.
consultancy.rfp_of)."""

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ConsultancyRfp
from db.queries import consultancy as queries
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.loaders.base import GroupedLoader

RfpRow = tuple[ConsultancyRfp, str, bool]
"""An RFP with its stage and whether bidding has closed, both read in SQL."""


class ConsultancyLoaders:
    """The consultancy marketplace's loaders of one request, each built on first use."""

    def __init__(self, database: RequestDatabase, viewer: Viewer) -> None:
        self.database = database
        self.viewer = viewer

    @cached_property
    def rfp_by_opportunity_id(self) -> GroupedLoader[RfpRow]:
        """Each opportunity's RFP terms (none for other opportunities)."""

        async def fetch(session: AsyncSession, ids: Sequence[int]) -> list[Any]:
            rows = await session.execute(
                select(ConsultancyRfp, queries.rfp_stage(), queries.rfp_closed()).where(
                    ConsultancyRfp.opportunity_id.in_(ids)
                )
            )
            return [(rfp, stage, bool(closed)) for rfp, stage, closed in rows]

        return GroupedLoader(self.database, fetch, parent_of=lambda row: row[0].opportunity_id)
