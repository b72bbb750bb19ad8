"""Chapters and their members; institutions and their staff."""

from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.conftest import GraphQLClient

CHAPTER = """
query ($slug: String!, $first: Int, $after: String, $roles: [String!]) {
  chapter(slug: $slug) {
    slug name region countries timezone joinPolicy archivedAt
    features { forum events mentorshipProgrammes marketplace }
    members(first: $first, after: $after, roles: $roles) {
      totalCount
      edges { cursor node { role status engineer { handle } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

INSTITUTION = """
query ($slug: String!) {
  institution(slug: $slug) {
    name kind verified
    staff(first: 10) { totalCount nodes { role engineer { handle } institution { slug } } }
  }
}
"""


async def test_every_configured_chapter_is_listed(graphql: GraphQLClient) -> None:
    data = await graphql.data("{ chapters(first: 100) { totalCount nodes { slug } } }")
    slugs = {node["slug"] for node in data["chapters"]["nodes"]}
    assert data["chapters"]["totalCount"] >= 8
    assert {"gulf-uae", "uk-ireland", "north-america-east", "east-asia"} <= slugs


async def test_chapter_members_page_lists_active_members_only(
    session: AsyncSession, graphql: GraphQLClient
) -> None:
    # Given a chapter with three active members, one pending and one suspended
    chapter = await factories.chapter(session, "uk-ireland")
    handles = []
    for number in range(3):
        engineer = await factories.engineer(session, handle=f"uk-{number}")
        await factories.membership(
            session, engineer, chapter, role="moderator" if number == 1 else "member"
        )
        handles.append(engineer.handle)
    for status in ("PENDING", "SUSPENDED"):
        await factories.membership(
            session, await factories.engineer(session), chapter, status=status
        )

    # When we page the members two at a time
    first = (await graphql.data(CHAPTER, {"slug": "uk-ireland", "first": 2}))["chapter"]
    rest = (
        await graphql.data(
            CHAPTER,
            {
                "slug": "uk-ireland",
                "first": 2,
                "after": first["members"]["pageInfo"]["endCursor"],
            },
        )
    )["chapter"]

    # Then only the active members appear, oldest first, and the count agrees
    listed = [edge["node"]["engineer"]["handle"] for edge in first["members"]["edges"]] + [
        edge["node"]["engineer"]["handle"] for edge in rest["members"]["edges"]
    ]
    assert listed == handles
    assert first["members"]["totalCount"] == 3
    assert first["members"]["pageInfo"]["hasNextPage"] is True
    assert rest["members"]["pageInfo"]["hasNextPage"] is False
    assert {edge["node"]["status"] for edge in first["members"]["edges"]} == {"ACTIVE"}
    assert first["joinPolicy"] in {"OPEN", "APPROVAL", "INVITE"}
    assert first["countries"]
    assert first["timezone"]

    # And a role filter narrows the list and the count
    moderators = (
        await graphql.data(CHAPTER, {"slug": "uk-ireland", "first": 10, "roles": ["moderator"]})
    )["chapter"]["members"]
    assert moderators["totalCount"] == 1
    assert moderators["edges"][0]["node"]["engineer"]["handle"] == "uk-1"


async def test_unknown_chapter_slug_is_null(graphql: GraphQLClient) -> None:
    result = await graphql.execute(CHAPTER, {"slug": "atlantis", "first": 1})
    assert result.errors is None
    assert result.data == {"chapter": None}


async def test_institution_staff_connection(session: AsyncSession, graphql: GraphQLClient) -> None:
    university = await factories.institution(session, slug="inst-staff", name="NUST Test")
    for number in range(3):
        engineer = await factories.engineer(session, handle=f"staff-{number}")
        await factories.affiliation(session, engineer, university, role=f"Role {number}")

    data = await graphql.data(INSTITUTION, {"slug": "inst-staff"})

    staff = data["institution"]["staff"]
    assert staff["totalCount"] == 3
    assert [node["engineer"]["handle"] for node in staff["nodes"]] == [
        "staff-0",
        "staff-1",
        "staff-2",
    ]
    assert staff["nodes"][0]["institution"] == {"slug": "inst-staff"}
    assert data["institution"]["kind"] == "UNIVERSITY"


async def test_institutions_filter_by_kind_and_search(
    session: AsyncSession, graphql: GraphQLClient
) -> None:
    await factories.institution(session, slug="filter-uni", name="Zeta Filter University")
    await factories.institution(
        session, slug="filter-startup", name="Zeta Filter Labs", kind="STARTUP", verified=False
    )
    document = """
    query ($filter: InstitutionFilter) {
      institutions(first: 10, filter: $filter) { totalCount nodes { slug } }
    }
    """
    startups = await graphql.data(
        document, {"filter": {"search": "zeta filter", "kinds": ["STARTUP"]}}
    )
    everything = await graphql.data(document, {"filter": {"search": "Zeta Filter"}})
    unverified = await graphql.data(document, {"filter": {"search": "zeta", "verified": False}})

    assert startups["institutions"]["nodes"] == [{"slug": "filter-startup"}]
    assert everything["institutions"]["totalCount"] == 2
    assert unverified["institutions"]["nodes"] == [{"slug": "filter-startup"}]


async def test_search_wildcards_are_literal(session: AsyncSession, graphql: GraphQLClient) -> None:
    await factories.institution(session, slug="pct-uni", name="Hundred Percent University")
    data = await graphql.data('{ institutions(first: 5, filter: {search: "%"}) { totalCount } }')
    assert data["institutions"]["totalCount"] == 0
