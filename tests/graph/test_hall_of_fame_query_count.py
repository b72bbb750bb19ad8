"""No N+1 in Hall of Fame reads: inductees with their nominee, round, tally and evidence of
every kind cost strawberry the same statements for one or many; the compiled path one."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import StatementCounter
from db.models import HallOfFameEvidence, HallOfFameNomination, HallOfFameVote
from graph.chapters import ChapterRegistry
from graph.ids import decode_id
from tests import factories, hall_of_fame_world
from tests.auth.test_hall_of_fame_access import HALL_OF_FAME
from tests.conftest import GraphQLClient

EVIDENCE = {
    "ledger": ("LEDGER_ENTRY", "ledger_entry_id"),
    "engagement": ("ENGAGEMENT", "engagement_id"),
    "public-event": ("EVENT_SPOKEN_AT", "event_id"),
    "answer": ("ACCEPTED_ANSWER", "forum_post_id"),
}


async def test_the_hall_of_fame_costs_the_same_for_one_inductee_or_many(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    graphql: GraphQLClient,
    statements: StatementCounter,
    registry: ChapterRegistry,
) -> None:
    world = await hall_of_fame_world.build(session, registry)
    for number in range(8):
        nominee = await factories.engineer(session, handle=f"hof-count-{number}")
        row = HallOfFameNomination(
            round_id=world.round_id,
            year=2026,
            nominee_id=nominee.id,
            nominator_id=world.engineers["seeker"].id,
            citation=f"Citation {number} for years of giving back.",
            status="INDUCTED",
        )
        session.add(row)
        await session.flush()
        for position, (name, (kind, column)) in enumerate(EVIDENCE.items()):
            values = {column: decode_id(world.ids[name]).key}
            session.add(
                HallOfFameEvidence(nomination_id=row.id, position=position, kind=kind, **values)
            )
        session.add(
            HallOfFameVote(
                nomination_id=row.id, voter_id=world.engineers["admin"].id, in_favour=True
            )
        )
    await session.flush()
    viewer = world.viewers["admin"]

    statements.reset()
    small = await graphql.data(HALL_OF_FAME, {"first": 1}, viewer)
    small_count = statements.count
    statements.reset()
    large = await graphql.data(HALL_OF_FAME, {"first": 8}, viewer)
    large_count = statements.count

    assert len(small["hallOfFame"]["edges"]) == 1
    assert len(large["hallOfFame"]["edges"]) == 8
    assert all(edge["node"]["evidence"]["totalCount"] == 4 for edge in large["hallOfFame"]["edges"])
    assert all(edge["node"]["votesInFavour"] == 1 for edge in large["hallOfFame"]["edges"])
    assert small_count == large_count == 1, statements.statements
