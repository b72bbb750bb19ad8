"""No N+1 in marketplace reads: RFPs with their proposals, contracts, milestones and reviews
cost the same number of statements for one page or a bigger one (strawberry), and one
statement compiled."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import StatementCounter
from graph.chapters import ChapterRegistry
from tests import consultancy_world, factories, viewers
from tests.conftest import GraphQLClient

NESTED_RFPS = """
query ($first: Int!) {
  opportunities(first: $first, filter: {kinds: [CONSULTANCY]}) {
    totalCount
    nodes {
      title
      rfp {
        stage sealed budgetMin
        proposals(first: 5) {
          totalCount
          nodes {
            price status bidder { handle }
            engagement { status }
            milestones { amount milestone { title status } }
            reviews { rating author { handle } }
          }
        }
      }
    }
  }
  serviceListings(first: $first) {
    totalCount nodes { title sectors { slug } contributor { handle } }
  }
}
"""


async def test_nested_marketplace_reads_do_not_grow_with_the_page(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    graphql: GraphQLClient,
    statements: StatementCounter,
    registry: ChapterRegistry,
) -> None:
    # Given two institutions' marketplaces, and a staff member of both
    first = await consultancy_world.build(session, "cnt-a")
    second = await consultancy_world.build(session, "cnt-b")
    await factories.affiliation(session, first.staff, second.institution)
    viewer = await viewers.engineer(session, registry, first.staff)

    # When the staff member reads three RFPs, then eight, with everything nested
    statements.reset()
    small = await graphql.data(NESTED_RFPS, {"first": 3}, viewer)
    small_count = statements.count
    statements.reset()
    large = await graphql.data(NESTED_RFPS, {"first": 8}, viewer)
    large_count = statements.count

    # Then each page is one statement, and every stage shows
    assert len(small["opportunities"]["nodes"]) == 3
    stages = sorted(node["rfp"]["stage"] for node in large["opportunities"]["nodes"])
    assert stages == ["AWARDED"] * 2 + ["CLOSED"] * 2 + ["COMPLETED"] * 2 + ["OPEN"] * 2
    assert small_count == large_count == 1, statements.statements
