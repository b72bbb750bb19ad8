"""Engineers: lookup by handle, filtered and ordered lists, keyset paging."""

from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.conftest import GraphQLClient

ENGINEER_BY_HANDLE = """
query ($handle: String!) {
  engineer(handle: $handle) {
    id handle name city countryCode isOverseas disciplines offers isPecVerified
    capacity { hoursPerMonth maxMentees }
    skills { level years skill { slug name } }
    sectors { slug }
    positions { title organization isCurrent }
    chapters(first: 5) { totalCount nodes { slug } }
  }
}
"""

ENGINEERS = """
query ($first: Int, $after: String, $last: Int, $before: String,
       $filter: EngineerFilter, $orderBy: EngineerOrder) {
  engineers(first: $first, after: $after, last: $last, before: $before,
            filter: $filter, orderBy: $orderBy) {
    totalCount
    edges { cursor node { handle } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def test_engineer_by_handle_returns_profile_with_nested_records(
    session: AsyncSession, graphql: GraphQLClient
) -> None:
    # Given an engineer with a skill, a sector, a position and a chapter membership
    engineer = await factories.engineer(session, handle="ayesha-k", name="Ayesha Khan")
    skill = await factories.skill(session, slug="power-systems-x", name="Power Systems X")
    sector = await factories.sector(session, slug="renewables-x", name="Renewables X")
    await factories.claim_skill(session, engineer, skill, level="EXPERT", years=12)
    await factories.join_sector(session, engineer, sector)
    await factories.position(session, engineer, title="Grid Lead")
    await factories.membership(session, engineer, await factories.chapter(session, "gulf-uae"))

    # When we look her up by handle (any case)
    data = await graphql.data(ENGINEER_BY_HANDLE, {"handle": "Ayesha-K"})

    # Then the profile and its nested records come back
    profile = data["engineer"]
    assert profile["name"] == "Ayesha Khan"
    assert profile["skills"] == [
        {"level": "EXPERT", "years": 12, "skill": {"slug": "power-systems-x", "name": "Power Systems X"}}
    ]
    assert profile["sectors"] == [{"slug": "renewables-x"}]
    assert profile["positions"] == [
        {"title": "Grid Lead", "organization": "Siemens Energy", "isCurrent": True}
    ]
    assert profile["chapters"] == {"totalCount": 1, "nodes": [{"slug": "gulf-uae"}]}
    assert profile["capacity"] == {"hoursPerMonth": 8, "maxMentees": 2}


async def test_unknown_handle_is_null_without_error(graphql: GraphQLClient) -> None:
    result = await graphql.execute(ENGINEER_BY_HANDLE, {"handle": "nobody-here"})
    assert result.errors is None
    assert result.data == {"engineer": None}
