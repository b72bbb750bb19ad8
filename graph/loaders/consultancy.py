"""DataLoaders for the consultancy marketplace (strawberry's path): RFPs by opportunity, pages
of sealed proposals, contract milestones and listing sectors — every proposal read through the
seal of graph.reads.consultancy.proposals_visible, the predicate the compiled path inlines."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ConsultancyProposal, ConsultancyRfp, ContractMilestone, Milestone, Sector
from db.queries import consultancy as queries
from db.queries.pagination import PageResult, PageWindow, fetch_child_counts, fetch_child_pages
from graph.auth.viewer import Viewer
from graph.database import RequestDatabase
from graph.loaders.base import GroupedLoader, PartitionedLoader, RowByIdLoader
from graph.reads.consultancy import proposals_visible

RfpRow = tuple[ConsultancyRfp, str, bool]
"""An RFP with its stage and whether bidding has closed, both read in SQL."""


@dataclass(frozen=True)
class ProposalSlice:
    """Which proposals of an RFP a connection shows: criteria, order, page window."""

    criteria: queries.ProposalFilter
    ordering: str = "PRICE"
    window: PageWindow | None = None


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

    def _proposals(self, part: ProposalSlice) -> Any:
        return queries.filtered_proposals(part.criteria, proposals_visible(self.viewer))

    @cached_property
    def proposals_by_rfp(
        self,
    ) -> tuple[PartitionedLoader[Any, Any], PartitionedLoader[Any, int]]:
        """(page, count) loaders of each RFP's proposals the viewer may read (the seal)."""

        async def pages(
            session: AsyncSession, parent_ids: Sequence[int], part: ProposalSlice
        ) -> dict[int, PageResult[ConsultancyProposal]]:
            assert part.window is not None
            return await fetch_child_pages(
                session,
                self._proposals(part),
                ConsultancyProposal,
                ConsultancyProposal.opportunity_id,
                parent_ids,
                queries.PROPOSAL_ORDERINGS[part.ordering],
                part.window,
            )

        async def counts(
            session: AsyncSession, parent_ids: Sequence[int], part: ProposalSlice
        ) -> dict[int, int]:
            return await fetch_child_counts(
                session, self._proposals(part), ConsultancyProposal.opportunity_id, parent_ids
            )

        return (
            PartitionedLoader(self.database, pages),
            PartitionedLoader(self.database, counts),
        )

    @cached_property
    def contract_milestones_by_engagement_id(self) -> GroupedLoader[ContractMilestone]:
        """Each contract's priced milestones, in the order they were set."""

        async def fetch(session: AsyncSession, ids: Sequence[int]) -> list[ContractMilestone]:
            rows = await session.scalars(
                select(ContractMilestone)
                .where(ContractMilestone.engagement_id.in_(ids))
                .order_by(ContractMilestone.engagement_id, ContractMilestone.milestone_id)
            )
            return list(rows)

        return GroupedLoader(self.database, fetch, parent_of=lambda row: row.engagement_id)

    @cached_property
    def milestone_by_id(self) -> RowByIdLoader[Milestone]:
        """Engagement milestones by id (reached through a readable contract)."""

        async def fetch(session: AsyncSession, ids: Sequence[int]) -> list[Milestone]:
            return list(await session.scalars(select(Milestone).where(Milestone.id.in_(ids))))

        return RowByIdLoader(self.database, fetch)

    @cached_property
    def sectors_by_listing_id(self) -> GroupedLoader[Sector]:
        """Each service listing's sectors, by name."""

        async def fetch(session: AsyncSession, ids: Sequence[int]) -> list[Any]:
            return list((await session.execute(queries.sectors_of_listings(ids))).all())

        return GroupedLoader(
            self.database, fetch, parent_of=lambda row: row[0], value_of=lambda row: row[1]
        )
