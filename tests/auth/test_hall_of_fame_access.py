"""Hall of Fame reads, denied and allowed: inductees are public, nominations under review
show to the council and their nominator only, the tally to the council only, and each piece
of evidence only as far as the cited item's own read rule allows — the same on both paths."""

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import HallOfFameEvidence, HallOfFameNomination
from graph.chapters import ChapterRegistry
from graph.compiler.operation import CompiledQueries
from graph.ids import decode_id, encode_id
from graph.schema import schema
from tests import hall_of_fame_world
from tests.compiler.conftest import BothPaths
from tests.conftest import GraphQLClient
from tests.hall_of_fame_world import HallOfFameWorld

NOMINATION_DETAILS = """
fragment Nomination on HallOfFameNomination {
  id year citation status createdAt decidedAt
  nominee { handle } nominator { handle } round { id year status openedAt closedAt }
  votesInFavour votesAgainst viewerVote
  evidence(first: 10) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        kind ledgerEntry { id minutes } engagement { id status }
        event { id title } forumPost { id }
      }
    }
  }
}
"""
HALL_OF_FAME = (
    """
query ($first: Int!, $filter: HallOfFameFilter) {
  hallOfFame(first: $first, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ...Nomination } }
  }
}
"""
    + NOMINATION_DETAILS
)
NOMINATIONS = (
    """
query ($first: Int!, $filter: NominationFilter) {
  hallOfFameNominations(first: $first, filter: $filter) {
    totalCount nodes { ...Nomination }
  }
}
"""
    + NOMINATION_DETAILS
)
NOMINATION_NODE = (
    """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on HallOfFameNomination { ...Nomination }
    ... on HallOfFameRound { year roundStatus: status openedAt closedAt }
  }
}
"""
    + NOMINATION_DETAILS
)
NOMINATION_NODES = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) { ... on HallOfFameNomination { status nominee { handle } } }
}
"""
ROUNDS = "query { hallOfFameRounds { id year status openedAt closedAt } }"


@pytest.fixture
def both(
    sessionmaker: async_sessionmaker[AsyncSession], session: AsyncSession, registry: ChapterRegistry
) -> BothPaths:
    """The app's path and the compiled statement over the test's transaction."""
    client = GraphQLClient(sessionmaker, session, registry)
    return BothPaths(client, session, CompiledQueries(schema._schema, registry=registry))


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> HallOfFameWorld:
    """The Hall of Fame of tests/hall_of_fame_world.py."""
    return await hall_of_fame_world.build(session, registry)


async def _nomination(
    session: AsyncSession, world: HallOfFameWorld, status: str, nominator: str = "seeker"
) -> str:
    """A nomination of `member` citing the four items, inserted as the service would."""
    row = HallOfFameNomination(
        round_id=world.round_id,
        year=2026,
        nominee_id=world.engineers["member"].id,
        nominator_id=world.engineers[nominator].id,
        citation="Mentored dozens of students in grid studies.",
        status=status,
    )
    session.add(row)
    await session.flush()
    cited = ("ledger", "engagement", "members-event", "answer")
    columns = {
        "LedgerEntry": ("LEDGER_ENTRY", "ledger_entry_id"),
        "Engagement": ("ENGAGEMENT", "engagement_id"),
        "Event": ("EVENT_SPOKEN_AT", "event_id"),
        "ForumPost": ("ACCEPTED_ANSWER", "forum_post_id"),
    }
    for position, name in enumerate(cited):
        decoded = decode_id(world.ids[name])
        kind, column = columns[decoded.type_name]
        values: dict[str, Any] = {column: decoded.key}
        session.add(
            HallOfFameEvidence(nomination_id=row.id, position=position, kind=kind, **values)
        )
    await session.flush()
    return encode_id("HallOfFameNomination", row.id)


def _kinds(nomination: dict[str, Any]) -> list[str]:
    return [edge["node"]["kind"] for edge in nomination["evidence"]["edges"]]


EVIDENCE_SEEN = {
    "anonymous": ["LEDGER_ENTRY", "ACCEPTED_ANSWER"],
    "outsider": ["LEDGER_ENTRY", "ACCEPTED_ANSWER"],
    "seeker": ["LEDGER_ENTRY", "ENGAGEMENT", "ACCEPTED_ANSWER"],
    "attendee": ["LEDGER_ENTRY", "EVENT_SPOKEN_AT", "ACCEPTED_ANSWER"],
    "member": ["LEDGER_ENTRY", "ENGAGEMENT", "EVENT_SPOKEN_AT", "ACCEPTED_ANSWER"],
    "admin": ["LEDGER_ENTRY", "ENGAGEMENT", "EVENT_SPOKEN_AT", "ACCEPTED_ANSWER"],
}
"""Who sees which evidence of an inductee: the private engagement its parties and council
admins; the members-only workshop gulf members and council admins."""


@pytest.mark.parametrize(("who", "kinds"), EVIDENCE_SEEN.items())
async def test_inductees_are_public_and_each_evidence_item_keeps_its_own_visibility(
    both: BothPaths, world: HallOfFameWorld, session: AsyncSession, who: str, kinds: list[str]
) -> None:
    inductee = await _nomination(session, world, "INDUCTED")
    viewer = world.viewers[who]
    listed = await both.compare(HALL_OF_FAME, {"first": 10}, viewer)
    assert listed["hallOfFame"]["totalCount"] == 1
    node = listed["hallOfFame"]["edges"][0]["node"]
    assert node["nominee"] == {"handle": "ev-member"}
    assert _kinds(node) == kinds
    assert node["evidence"]["totalCount"] == len(kinds)
    fetched = await both.compare(NOMINATION_NODE, {"id": inductee}, viewer)
    assert _kinds(fetched["node"]) == kinds


@pytest.mark.parametrize("who", ["seeker", "admin", "council2"])
async def test_a_nomination_under_review_shows_to_its_nominator_and_the_council(
    both: BothPaths, world: HallOfFameWorld, session: AsyncSession, who: str
) -> None:
    pending = await _nomination(session, world, "UNDER_REVIEW")
    viewer = world.viewers[who]
    fetched = await both.compare(NOMINATION_NODE, {"id": pending}, viewer)
    assert fetched["node"]["status"] == "UNDER_REVIEW"
    many = await both.compare(NOMINATION_NODES, {"ids": [pending]}, viewer)
    assert many["nodes"] == [{"status": "UNDER_REVIEW", "nominee": {"handle": "ev-member"}}]
    listed = await both.compare(NOMINATIONS, {"first": 5}, viewer)
    assert listed["hallOfFameNominations"]["totalCount"] == 1
    public = await both.compare(HALL_OF_FAME, {"first": 5}, viewer)
    assert public["hallOfFame"]["totalCount"] == 0


@pytest.mark.parametrize("who", ["anonymous", "member", "outsider", "organiser", "attendee"])
async def test_a_nomination_under_review_is_invisible_to_everyone_else(
    both: BothPaths, world: HallOfFameWorld, session: AsyncSession, who: str
) -> None:
    pending = await _nomination(session, world, "UNDER_REVIEW")
    declined = await _nomination(session, world, "NOT_INDUCTED", nominator="outsider")
    viewer = world.viewers[who]
    fetched = await both.compare(NOMINATION_NODE, {"id": pending}, viewer)
    assert fetched["node"] is None
    many = await both.compare(NOMINATION_NODES, {"ids": [pending, declined]}, viewer)
    expected = [None, {"status": "NOT_INDUCTED", "nominee": {"handle": "ev-member"}}]
    assert many["nodes"] == (expected if who == "outsider" else [None, None])
    listed = await both.compare(NOMINATIONS, {"first": 5}, viewer)
    assert listed["hallOfFameNominations"]["totalCount"] == (1 if who == "outsider" else 0)


@pytest.mark.parametrize(
    ("who", "shown"), [("admin", True), ("seeker", False), ("anonymous", False)]
)
async def test_the_tally_shows_to_the_council_only(
    both: BothPaths, world: HallOfFameWorld, session: AsyncSession, who: str, shown: bool
) -> None:
    inductee = await _nomination(session, world, "INDUCTED")
    fetched = await both.compare(NOMINATION_NODE, {"id": inductee}, world.viewers[who])
    assert fetched["node"]["votesInFavour"] == (0 if shown else None)
    assert fetched["node"]["votesAgainst"] == (0 if shown else None)


async def test_rounds_are_public_and_filters_narrow_the_hall_of_fame(
    both: BothPaths, world: HallOfFameWorld, session: AsyncSession
) -> None:
    await _nomination(session, world, "INDUCTED")
    rounds = await both.compare(ROUNDS, None, world.viewers["anonymous"])
    assert [(row["year"], row["status"]) for row in rounds["hallOfFameRounds"]] == [(2026, "OPEN")]
    node = await both.compare(
        NOMINATION_NODE, {"id": world.ids["round"]}, world.viewers["anonymous"]
    )
    assert node["node"]["year"] == 2026
    for filter_, count in (
        ({"year": 2026}, 1),
        ({"year": 2025}, 0),
        ({"chapter": "gulf-uae"}, 1),
        ({"chapter": "uk-ireland"}, 0),
        ({"sector": "no-such-sector"}, 0),
    ):
        found = await both.compare(HALL_OF_FAME, {"first": 5, "filter": filter_})
        assert found["hallOfFame"]["totalCount"] == count, filter_
