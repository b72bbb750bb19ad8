"""Lists and filters cannot reveal hidden profile fields: staff lists, sector and skill
filters and full-text search over skills each follow the engineer's visibility settings."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AccessLogEntry, ConsentGrant
from graph.auth.scopes import Scope
from graph.chapters import ChapterRegistry
from tests import factories, viewers
from tests.conftest import GraphQLClient

STAFF = """
query ($slug: String!) {
  institution(slug: $slug) { staff(first: 10) { totalCount nodes { engineer { handle } } } }
}
"""
BY_SECTOR = """
query ($sector: String!) {
  engineers(first: 10, filter: {sectors: [$sector]}) { totalCount nodes { handle } }
}
"""
BY_SKILL = """
query ($skill: String!) {
  engineers(first: 10, filter: {skills: [$skill]}) { totalCount nodes { handle } }
}
"""
SEARCH = """
query ($search: String!) {
  engineers(first: 10, filter: {search: $search}) { totalCount nodes { handle } }
}
"""


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> dict[str, Any]:
    """At one university: `open` shows everything; `shy` hides affiliations, sectors and skills
    (PRIVATE); `guarded` shows them to signed-in members only. Each has the sector
    `tidal-power` and the skill `wave-modelling`; `guarded` has a bio that says 'tidal'."""
    university = await factories.institution(session, slug="tidal-university")
    sector = await factories.sector(session, slug="tidal-power", name="Tidal power")
    skill = await factories.skill(
        session, slug="wave-modelling", name="Wavemodelling", sector_id=sector.id
    )
    hidden = {"affiliations": "PRIVATE", "sectors": "PRIVATE", "skills": "PRIVATE"}
    members = {"affiliations": "MEMBERS", "sectors": "MEMBERS", "skills": "MEMBERS"}
    rows = {
        "open": await factories.engineer(session, handle="open", bio="Builds dams."),
        "shy": await factories.engineer(
            session, handle="shy", bio="Builds dams.", field_visibility=hidden
        ),
        "guarded": await factories.engineer(
            session, handle="guarded", bio="Tidal barrages.", field_visibility=members
        ),
    }
    for row in rows.values():
        await factories.affiliation(session, row, university)
        await factories.join_sector(session, row, sector)
        await factories.claim_skill(session, row, skill)
    outsider = await factories.engineer(session, handle="outsider")
    return {
        "rows": rows,
        "university": university,
        "shy": await viewers.engineer(session, registry, rows["shy"]),
        "member": await viewers.engineer(session, registry, outsider),
        "client": viewers.client(university.id),
    }


def _handles(connection: dict[str, Any]) -> set[str]:
    return {node["handle"] for node in connection["nodes"]}


def _staff(data: dict[str, Any]) -> tuple[int, set[str]]:
    staff = data["institution"]["staff"]
    return staff["totalCount"], {node["engineer"]["handle"] for node in staff["nodes"]}


async def test_staff_lists_only_engineers_whose_affiliations_the_viewer_may_see(
    graphql: GraphQLClient, world: dict[str, Any]
) -> None:
    # Given the world; when anonymous, a member and the shy engineer list the staff
    anonymous = await graphql.data(STAFF, {"slug": "tidal-university"})
    member = await graphql.data(STAFF, {"slug": "tidal-university"}, world["member"])
    shy = await graphql.data(STAFF, {"slug": "tidal-university"}, world["shy"])

    # Then each sees exactly the affiliations visible to them, and the count agrees
    assert _staff(anonymous) == (1, {"open"})
    assert _staff(member) == (2, {"open", "guarded"})
    assert _staff(shy) == (3, {"open", "shy", "guarded"})  # shy is a signed-in member too


async def test_staff_shown_under_consent_is_logged(
    graphql: GraphQLClient, session: AsyncSession, world: dict[str, Any]
) -> None:
    # Given the institution's client; denied without consent
    before = await graphql.data(STAFF, {"slug": "tidal-university"}, world["client"])
    assert _staff(before) == (1, {"open"})

    # When shy grants the university consent to read their affiliations
    grant = ConsentGrant(
        engineer_id=world["rows"]["shy"].id,
        institution_id=world["university"].id,
        fields=["affiliations"],
        purpose="Staff directory",
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )
    session.add(grant)
    after = await graphql.data(STAFF, {"slug": "tidal-university"}, world["client"])

    # Then the client sees shy on the staff list, and the read is in shy's access log
    assert _staff(after) == (2, {"open", "shy"})
    log = (await session.scalars(select(AccessLogEntry))).all()
    assert [(row.engineer_id, row.consent_grant_id, row.fields) for row in log] == [
        (world["rows"]["shy"].id, grant.id, ["affiliations"])
    ]


@pytest.mark.parametrize(("document", "key"), [(BY_SECTOR, "sector"), (BY_SKILL, "skill")])
async def test_sector_and_skill_filters_match_only_visible_values(
    graphql: GraphQLClient, world: dict[str, Any], document: str, key: str
) -> None:
    variables = {"sector": "tidal-power"} if key == "sector" else {"skill": "wave-modelling"}

    anonymous = (await graphql.data(document, variables))["engineers"]
    member = (await graphql.data(document, variables, world["member"]))["engineers"]
    shy = (await graphql.data(document, variables, world["shy"]))["engineers"]

    assert (anonymous["totalCount"], _handles(anonymous)) == (1, {"open"})
    assert (member["totalCount"], _handles(member)) == (2, {"open", "guarded"})
    assert (shy["totalCount"], _handles(shy)) == (3, {"open", "shy", "guarded"})


async def test_search_matches_skills_only_where_they_are_visible(
    graphql: GraphQLClient, world: dict[str, Any]
) -> None:
    # When searching for the skill's name
    anonymous = (await graphql.data(SEARCH, {"search": "wavemodelling"}))["engineers"]
    member = (await graphql.data(SEARCH, {"search": "wavemodelling"}, world["member"]))["engineers"]
    shy = (await graphql.data(SEARCH, {"search": "wavemodelling"}, world["shy"]))["engineers"]
    # and for words of the always-public bio, alone and together with the skill
    bio = (await graphql.data(SEARCH, {"search": "tidal"}))["engineers"]
    both = (await graphql.data(SEARCH, {"search": "tidal wavemodelling"}))["engineers"]
    both_member = (await graphql.data(SEARCH, {"search": "tidal wavemodelling"}, world["member"]))[
        "engineers"
    ]

    # Then skills match only for viewers who may see them; public text matches for everyone
    assert _handles(anonymous) == {"open"}
    assert _handles(member) == {"open", "guarded"}
    assert _handles(shy) == {"open", "shy", "guarded"}
    assert _handles(bio) == {"guarded"}
    assert _handles(both) == set()
    assert _handles(both_member) == {"guarded"}


async def test_sector_filter_honours_consent_for_institution_clients(
    graphql: GraphQLClient, session: AsyncSession, world: dict[str, Any]
) -> None:
    # Given the university's client: without consent it matches only public sectors
    before = (await graphql.data(BY_SECTOR, {"sector": "tidal-power"}, world["client"]))[
        "engineers"
    ]

    # When shy grants the university consent to read their sectors
    session.add(
        ConsentGrant(
            engineer_id=world["rows"]["shy"].id,
            institution_id=world["university"].id,
            fields=["sectors"],
            purpose="Research partners",
            expires_at=datetime.now(UTC) + timedelta(days=30),
        )
    )
    after = (await graphql.data(BY_SECTOR, {"sector": "tidal-power"}, world["client"]))["engineers"]

    # Then the filter matches shy too (guarded's MEMBERS sectors stay hidden from clients)
    assert _handles(before) == {"open"}
    assert _handles(after) == {"open", "shy"}


async def test_a_client_without_profiles_read_filters_on_public_values_only(
    graphql: GraphQLClient, session: AsyncSession, world: dict[str, Any]
) -> None:
    # Given shy's consent to the university, and its client's token without profiles:read
    session.add(
        ConsentGrant(
            engineer_id=world["rows"]["shy"].id,
            institution_id=world["university"].id,
            fields=["sectors", "skills"],
            purpose="Research partners",
            expires_at=datetime.now(UTC) + timedelta(days=30),
        )
    )
    unscoped = viewers.client(world["university"].id, frozenset({Scope.CHAPTERS_READ}))

    # When it filters and searches on the gated fields
    sector = (await graphql.data(BY_SECTOR, {"sector": "tidal-power"}, unscoped))["engineers"]
    search = (await graphql.data(SEARCH, {"search": "wavemodelling"}, unscoped))["engineers"]

    # Then it matches public values only (consent needs profiles:read), without an error
    assert _handles(sector) == {"open"}
    assert _handles(search) == {"open"}
