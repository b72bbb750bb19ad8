"""Sealed proposals, denied/allowed, on both read paths: `node`, `nodes`, the RFP's proposals,
the root list with its search, and every totalCount — one predicate, every path."""

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from graph.auth.scopes import Scope
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import consultancy_world, viewers
from tests.compiler.conftest import BothPaths

PROPOSAL = """
query ($id: ID!) {
  node(id: $id) {
    __typename
    ... on ConsultancyProposal {
      id price currency approach timeline status createdAt
      bidder { handle }
      opportunity { title rfp { stage } }
      engagement { status }
      milestones { amount currency reworkCount reworkNote submissionNote submittedAt
        milestone { title status dueOn } }
      reviews { rating comment author { handle } subject { handle } }
    }
  }
}
"""
PROPOSALS_BY_ID = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) { __typename ... on ConsultancyProposal { id price bidder { handle } } }
}
"""
RFP = """
query ($id: ID!, $order: ProposalOrder!, $search: String) {
  node(id: $id) {
    ... on Opportunity {
      title status
      rfp {
        budgetMin budgetMax currency closesAt closedAt awardedAt stage sealed
        opportunity { title }
        proposals(first: 10, orderBy: $order, filter: {search: $search}) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { cursor node { price status bidder { handle } } }
        }
      }
    }
  }
}
"""
MY_PROPOSALS = """
query ($search: String, $status: [ProposalStatus!]) {
  consultancyProposals(first: 20, filter: {search: $search, status: $status}) {
    totalCount
    nodes { price status opportunity { title } bidder { handle } }
  }
}
"""
LISTINGS = """
query ($sectors: [String!], $search: String, $contributor: String) {
  serviceListings(
    first: 10, filter: {sectors: $sectors, search: $search, contributor: $contributor}
  ) {
    totalCount
    nodes {
      id title description rateMin rateMax currency active createdAt
      contributor { handle } sectors { slug }
    }
  }
}
"""
OPPORTUNITY_RFP = """
query ($id: ID!) {
  node(id: $id) { ... on Opportunity { title rfp { stage sealed currency } } }
}
"""

RFPS = ("open", "closed", "awarded", "completed")
ALL = [
    "open-0",
    "open-1",
    "closed-0",
    "closed-1",
    "closed-2",
    "awarded-0",
    "awarded-1",
    "completed-0",
]
SEEKER_SEES = ["closed-0", "closed-1", "closed-2", "awarded-0", "awarded-1", "completed-0"]
"""What the institution reads: every proposal of a closed RFP, none of the open one."""
BIDDER_SEES = {
    0: ["open-0", "closed-0", "awarded-0"],
    1: ["open-1", "closed-1", "awarded-1"],
    2: ["closed-2", "completed-0"],
}


async def _viewers(
    session: AsyncSession, registry: ChapterRegistry, market: consultancy_world.Market
) -> dict[str, tuple[Viewer, list[str]]]:
    """Each viewer and the proposals they may read."""
    found: dict[str, tuple[Viewer, list[str]]] = {
        "anonymous": (ANONYMOUS, []),
        "stranger": (await viewers.engineer(session, registry, market.stranger), []),
        "staff": (await viewers.engineer(session, registry, market.staff), SEEKER_SEES),
        "client": (
            viewers.client(market.institution.id, frozenset(Scope)),
            SEEKER_SEES,
        ),
        "other-client": (viewers.client(market.institution.id + 999, frozenset(Scope)), []),
        "council-admin": (
            await viewers.engineer(session, registry, await _admin(session), frozenset(Scope)),
            [],
        ),
    }
    for number, bidder in enumerate(market.bidders):
        found[f"bidder-{number}"] = (
            await viewers.engineer(session, registry, bidder),
            BIDDER_SEES[number],
        )
    return found


async def _admin(session: AsyncSession) -> Any:
    from tests import factories

    admin = await factories.engineer(session, handle="mkt-admin")
    await factories.account(session, admin, global_role="COUNCIL_ADMIN")
    return admin


@pytest.fixture
async def market(session: AsyncSession) -> consultancy_world.Market:
    """The marketplace world."""
    return await consultancy_world.build(session)


async def test_node_and_nodes_show_a_proposal_only_to_whom_the_seal_allows(
    both: BothPaths,
    session: AsyncSession,
    registry: ChapterRegistry,
    market: consultancy_world.Market,
) -> None:
    for name, (viewer, allowed) in (await _viewers(session, registry, market)).items():
        for proposal in ALL:
            # When the viewer fetches the proposal by ID (both paths answer alike)
            data = await both.compare(PROPOSAL, {"id": market.id_of(proposal)}, viewer)
            # Then it is there exactly when the seal allows (denied: null, as if absent)
            assert (data["node"] is not None) == (proposal in allowed), (name, proposal)
        data = await both.compare(PROPOSALS_BY_ID, {"ids": [market.id_of(p) for p in ALL]}, viewer)
        shown = [p for p, node in zip(ALL, data["nodes"], strict=True) if node is not None]
        assert shown == allowed, name


async def test_an_rfps_proposals_and_their_total_are_sealed_until_the_close(
    both: BothPaths,
    session: AsyncSession,
    registry: ChapterRegistry,
    market: consultancy_world.Market,
) -> None:
    for name, (viewer, allowed) in (await _viewers(session, registry, market)).items():
        for rfp in RFPS:
            for order in ("PRICE", "PRICE_DESC", "NEWEST"):
                data = await both.compare(
                    RFP, {"id": market.id_of(rfp), "order": order, "search": None}, viewer
                )
                if data["node"] is None:
                    continue
                terms = data["node"]["rfp"]
                expected = [p for p in allowed if p.startswith(rfp + "-")]
                assert terms["proposals"]["totalCount"] == len(expected), (name, rfp)
                prices = [edge["node"]["price"] for edge in terms["proposals"]["edges"]]
                if order == "PRICE":
                    assert prices == sorted(prices, key=float), (name, rfp)
                assert terms["sealed"] == (rfp == "open")
            # And a search that matches every proposal finds no sealed one either
            data = await both.compare(
                RFP, {"id": market.id_of(rfp), "order": "PRICE", "search": "load-flow"}, viewer
            )
            if data["node"] is not None:
                expected = [p for p in allowed if p.startswith(rfp + "-")]
                assert data["node"]["rfp"]["proposals"]["totalCount"] == len(expected)


async def test_the_root_list_search_and_total_never_reveal_a_sealed_proposal(
    both: BothPaths,
    session: AsyncSession,
    registry: ChapterRegistry,
    market: consultancy_world.Market,
) -> None:
    for name, (viewer, allowed) in (await _viewers(session, registry, market)).items():
        for variables in (
            {"search": None, "status": None},
            {"search": "load-flow modelling", "status": None},
            {"search": '"approach open"', "status": None},
            {"search": None, "status": ["SUBMITTED"]},
        ):
            data = await both.compare(MY_PROPOSALS, variables, viewer)
            listed = data["consultancyProposals"]
            assert listed["totalCount"] == len(listed["nodes"])
            assert len(listed["nodes"]) <= len(allowed), (name, variables)
        data = await both.compare(MY_PROPOSALS, {"search": None, "status": None}, viewer)
        assert data["consultancyProposals"]["totalCount"] == len(allowed), name


async def test_stages_listings_and_rfp_terms_match_on_both_paths(
    both: BothPaths,
    session: AsyncSession,
    registry: ChapterRegistry,
    market: consultancy_world.Market,
) -> None:
    stages = {}
    for rfp in RFPS:
        data = await both.compare(OPPORTUNITY_RFP, {"id": market.id_of(rfp)})
        stages[rfp] = data["node"]["rfp"]["stage"]
    assert stages == {
        "open": "OPEN",
        "closed": "CLOSED",
        "awarded": "AWARDED",
        "completed": "COMPLETED",
    }
    plain = await both.compare(OPPORTUNITY_RFP, {"id": encode_id("Opportunity", 2_000_000_000)})
    assert plain["node"] is None
    owner = await viewers.engineer(session, registry, market.bidders[1])
    for viewer, count in ((ANONYMOUS, 1), (owner, 2)):
        data = await both.compare(LISTINGS, {}, viewer)
        assert data["serviceListings"]["totalCount"] >= count
        mine = await both.compare(LISTINGS, {"contributor": "mkt-bidder-1"}, viewer)
        assert mine["serviceListings"]["totalCount"] == count - 1
    found = await both.compare(LISTINGS, {"sectors": ["mkt-water"], "search": "relay"})
    assert [n["title"] for n in found["serviceListings"]["nodes"]] == [
        "Mkt grid protection studies"
    ]
