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
        {
            "level": "EXPERT",
            "years": 12,
            "skill": {"slug": "power-systems-x", "name": "Power Systems X"},
        }
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


async def _handles(graphql: GraphQLClient, **variables: object) -> list[str]:
    data = await graphql.data(ENGINEERS, {"first": 100, **variables})
    return [edge["node"]["handle"] for edge in data["engineers"]["edges"]]


async def test_filters_combine_and_lists_match_any(
    session: AsyncSession, graphql: GraphQLClient
) -> None:
    # Given engineers differing in sector, discipline, country and overseas status
    water = await factories.sector(session, slug="water-x")
    solar = await factories.sector(session, slug="solar-x")
    one = await factories.engineer(session, handle="f-one", disciplines=["CIVIL"])
    two = await factories.engineer(session, handle="f-two", disciplines=["ELECTRICAL"])
    three = await factories.engineer(
        session,
        handle="f-three",
        country_code="PK",
        city="Lahore",
        is_overseas=False,
        disciplines=["CIVIL"],
        offers=[],
        seeks=["MENTORSHIP"],
    )
    await factories.join_sector(session, one, water)
    await factories.join_sector(session, two, solar)
    await factories.join_sector(session, three, water)

    # Then each filter narrows, lists match any value, and conditions combine with AND
    assert sorted(await _handles(graphql, filter={"sectors": ["water-x"]})) == [
        "f-one",
        "f-three",
    ]
    assert sorted(await _handles(graphql, filter={"sectors": ["water-x", "solar-x"]})) == [
        "f-one",
        "f-three",
        "f-two",
    ]
    assert await _handles(graphql, filter={"sectors": ["water-x"], "isOverseas": False}) == [
        "f-three"
    ]
    assert await _handles(
        graphql, filter={"sectors": ["water-x", "solar-x"], "disciplines": ["ELECTRICAL"]}
    ) == ["f-two"]
    assert await _handles(graphql, filter={"sectors": ["water-x"], "countries": ["PK"]}) == [
        "f-three"
    ]
    assert await _handles(
        graphql,
        filter={"sectors": ["water-x", "solar-x"], "offers": ["MENTORSHIP"]},
        orderBy={"field": "HANDLE", "direction": "ASC"},
    ) == ["f-one", "f-two"]


async def test_full_text_search_matches_name_headline_bio_and_skills(
    session: AsyncSession, graphql: GraphQLClient
) -> None:
    # Given engineers whose only distinguishing words sit in different fields
    skill = await factories.skill(session, slug="desalination-x", name="Desalination Membranes")
    by_skill = await factories.engineer(session, handle="s-skill", headline="Engineer")
    await factories.claim_skill(session, by_skill, skill)
    await factories.engineer(session, handle="s-headline", headline="Hydropower turbine design")
    await factories.engineer(session, handle="s-bio", bio="Spent a decade on geothermal wells.")
    await factories.engineer(session, handle="s-name", name="Zarmeena Qureshi")

    # Then search finds each by its field, with stemming ("turbines" finds "turbine")
    assert await _handles(graphql, filter={"search": "desalination membrane"}) == ["s-skill"]
    assert await _handles(graphql, filter={"search": "turbines"}) == ["s-headline"]
    assert await _handles(graphql, filter={"search": "geothermal"}) == ["s-bio"]
    assert await _handles(graphql, filter={"search": "zarmeena"}) == ["s-name"]
    assert await _handles(graphql, filter={"search": "geothermal -wells"}) == []


async def test_chapter_filter_takes_a_chapter_id(
    session: AsyncSession, graphql: GraphQLClient
) -> None:
    gulf = await factories.chapter(session, "gulf-uae")
    member = await factories.engineer(session, handle="c-member")
    pending = await factories.engineer(session, handle="c-pending")
    await factories.membership(session, member, gulf)
    await factories.membership(session, pending, gulf, status="PENDING")
    chapter_id = (await graphql.data('{ chapter(slug: "gulf-uae") { id } }'))["chapter"]["id"]

    handles = await _handles(graphql, filter={"chapter": chapter_id, "search": "engineer"})

    assert "c-member" in handles
    assert "c-pending" not in handles


async def test_chapter_filter_rejects_an_id_of_another_type(
    session: AsyncSession, graphql: GraphQLClient
) -> None:
    engineer = await factories.engineer(session)
    engineer_id = (await graphql.data(ENGINEER_BY_HANDLE, {"handle": engineer.handle}))["engineer"][
        "id"
    ]

    result = await graphql.execute(ENGINEERS, {"first": 5, "filter": {"chapter": engineer_id}})

    assert result.data is None
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert "is a Engineer, expected a Chapter" in result.errors[0].message


async def test_oversized_filter_input_is_rejected(graphql: GraphQLClient) -> None:
    too_long = await graphql.execute(ENGINEERS, {"first": 5, "filter": {"search": "x" * 201}})
    too_many = await graphql.execute(
        ENGINEERS, {"first": 5, "filter": {"sectors": [f"s{i}" for i in range(51)]}}
    )
    bad_country = await graphql.execute(ENGINEERS, {"first": 5, "filter": {"countries": ["uae"]}})

    for result in (too_long, too_many, bad_country):
        assert result.errors is not None
        assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert too_long.errors is not None
    assert "200 characters" in too_long.errors[0].message


async def test_keyset_pages_forward_and_backward_without_gaps(
    session: AsyncSession, graphql: GraphQLClient
) -> None:
    # Given seven engineers sharing a searchable word, two with the same name
    for number in range(7):
        name = "Kiran Same" if number in (3, 4) else f"Kiran {number}"
        await factories.engineer(session, handle=f"page-{number}", name=name, bio="keysetword")
    criteria = {"search": "keysetword"}

    # When we walk forward three at a time
    seen: list[str] = []
    after = None
    while True:
        data = (await graphql.data(ENGINEERS, {"first": 3, "after": after, "filter": criteria}))[
            "engineers"
        ]
        seen += [edge["node"]["handle"] for edge in data["edges"]]
        assert data["totalCount"] == 7
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]

    # Then every engineer appears once, ordered by name then id
    assert seen == ["page-0", "page-1", "page-2", "page-5", "page-6", "page-3", "page-4"]

    # And paging backward from the end yields the previous items in display order
    last_two = (await graphql.data(ENGINEERS, {"last": 2, "filter": criteria}))["engineers"]
    assert [edge["node"]["handle"] for edge in last_two["edges"]] == ["page-3", "page-4"]
    assert last_two["pageInfo"]["hasPreviousPage"] is True
    before = last_two["pageInfo"]["startCursor"]
    earlier = (await graphql.data(ENGINEERS, {"last": 3, "before": before, "filter": criteria}))[
        "engineers"
    ]
    assert [edge["node"]["handle"] for edge in earlier["edges"]] == ["page-2", "page-5", "page-6"]
    assert earlier["pageInfo"]["hasNextPage"] is True


async def test_keyset_cursor_is_stable_under_inserts(
    session: AsyncSession, graphql: GraphQLClient
) -> None:
    for number in range(4):
        await factories.engineer(
            session, handle=f"stable-{number}", name=f"Noor {number}", bio="stableword"
        )
    criteria = {"search": "stableword"}
    first_page = (await graphql.data(ENGINEERS, {"first": 2, "filter": criteria}))["engineers"]

    # When an engineer sorting before the cursor is inserted between page requests
    await factories.engineer(session, handle="stable-new", name="Noor 0a", bio="stableword")
    second_page = (
        await graphql.data(
            ENGINEERS,
            {"first": 2, "after": first_page["pageInfo"]["endCursor"], "filter": criteria},
        )
    )["engineers"]

    # Then the next page continues exactly where the first ended
    assert [edge["node"]["handle"] for edge in second_page["edges"]] == ["stable-2", "stable-3"]


async def test_order_by_handle_descending(session: AsyncSession, graphql: GraphQLClient) -> None:
    for handle in ("ord-b", "ord-a", "ord-c"):
        await factories.engineer(session, handle=handle, bio="orderword")
    handles = await _handles(
        graphql, filter={"search": "orderword"}, orderBy={"field": "HANDLE", "direction": "DESC"}
    )
    assert handles == ["ord-c", "ord-b", "ord-a"]


async def test_cursor_from_another_ordering_or_garbage_is_rejected(
    session: AsyncSession, graphql: GraphQLClient
) -> None:
    await factories.engineer(session, bio="cursorword")
    await factories.engineer(session, bio="cursorword")
    page = await graphql.data(ENGINEERS, {"first": 1, "filter": {"search": "cursorword"}})
    cursor = page["engineers"]["pageInfo"]["endCursor"]

    for bad in (cursor, "not-a-cursor", "W10"):
        result = await graphql.execute(
            ENGINEERS,
            {"first": 1, "after": bad, "orderBy": {"field": "HANDLE", "direction": "ASC"}},
        )
        assert result.errors is not None
        assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
        assert "Invalid cursor" in result.errors[0].message
