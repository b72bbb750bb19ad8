"""Field visibility, profile mutations and consent: who sees which profile field."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AccessLogEntry, Engineer
from graph.auth.scopes import Scope
from graph.auth.viewer import ANONYMOUS
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import factories, viewers
from tests.conftest import GraphQLClient

PROFILE = """
query ($handle: String!) {
  engineer(handle: $handle) { handle email phone city pecRegistrationNumber skills { years } }
}
"""
GRANT = """
mutation ($input: ConsentGrantInput!) {
  consentGrant(input: $input) { consentGrant { id fields isLive } userErrors { field code } }
}
"""
REVOKE = """
mutation ($id: ID!) {
  consentRevoke(input: {consentGrant: $id}) { consentGrant { isLive } userErrors { code } }
}
"""
VISIBILITY = """
mutation ($settings: [ProfileFieldVisibilityInput!]!) {
  engineerUpdateVisibility(input: {settings: $settings}) {
    engineer { fieldVisibilities { field visibility } } userErrors { code }
  }
}
"""
MINE = """
{ viewer { consentGrants(first: 5) { totalCount }
           accessLog(first: 5) { nodes { fields clientId institution { slug } } } } }
"""


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> dict[str, Any]:
    """An engineer in gulf-uae with contact details; a fellow member; an outsider member; an
    institution with its client."""
    gulf = await factories.chapter(session, "gulf-uae")
    owner = await factories.engineer(
        session,
        handle="owner",
        email="owner@example.org",
        phone="+971 50 1234567",
        pec_registration_number="ELECT/12345",
        pec_status="VERIFIED",
        field_visibility={"phone": "CHAPTER", "city": "MEMBERS"},
    )
    await factories.membership(session, owner, gulf)
    fellow = await factories.engineer(session, handle="fellow")
    await factories.membership(session, fellow, gulf)
    outsider = await factories.engineer(session, handle="outsider")
    university = await factories.institution(session, slug="nust")
    return {
        "owner_row": owner,
        "university": university,
        "anonymous": ANONYMOUS,
        "owner": await viewers.engineer(session, registry, owner),
        "fellow": await viewers.engineer(session, registry, fellow),
        "outsider": await viewers.engineer(session, registry, outsider),
        "client": viewers.client(university.id),
        "client_no_scope": viewers.client(university.id, frozenset({Scope.CHAPTERS_READ})),
    }


@pytest.mark.parametrize(
    ("who", "email", "phone", "city", "pec"),
    [
        ("anonymous", None, None, None, None),
        ("client", None, None, None, None),
        ("outsider", None, None, "Dubai", "ELECT/12345"),
        ("fellow", None, "+971 50 1234567", "Dubai", "ELECT/12345"),
        ("owner", "owner@example.org", "+971 50 1234567", "Dubai", "ELECT/12345"),
    ],
)
async def test_fields_follow_visibility(
    graphql: GraphQLClient,
    world: dict[str, Any],
    who: str,
    email: Any,
    phone: Any,
    city: Any,
    pec: Any,
) -> None:
    data = await graphql.data(PROFILE, {"handle": "owner"}, world[who])
    profile = data["engineer"]
    assert (profile["email"], profile["phone"], profile["city"]) == (email, phone, city)
    assert profile["pecRegistrationNumber"] == pec
    assert profile["skills"] == []  # public by default


async def test_consent_gates_institution_reads_and_logs_them(
    graphql: GraphQLClient, session: AsyncSession, world: dict[str, Any]
) -> None:
    # Given the owner grants the university their email and phone
    expires = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    granted = await graphql.data(
        GRANT,
        {
            "input": {
                "institution": encode_id("Institution", world["university"].id),
                "fields": ["EMAIL", "PHONE"],
                "purpose": "Faculty recruitment",
                "expiresAt": expires,
            }
        },
        world["owner"],
    )
    grant = granted["consentGrant"]["consentGrant"]
    assert grant["isLive"] is True

    # When the university's client reads the profile (and one without profiles:read does)
    read = await graphql.data(PROFILE, {"handle": "owner"}, world["client"])
    unscoped = await graphql.data(PROFILE, {"handle": "owner"}, world["client_no_scope"])

    # Then the consented fields show, the rest stay hidden, and the read is logged
    assert read["engineer"]["email"] == "owner@example.org"
    assert read["engineer"]["phone"] == "+971 50 1234567"
    assert read["engineer"]["pecRegistrationNumber"] is None
    assert unscoped["engineer"]["email"] is None
    log = (await session.scalars(select(AccessLogEntry))).all()
    assert [sorted(entry.fields) for entry in log] == [["email", "phone"]]
    mine = await graphql.data(MINE, viewer=world["owner"])
    assert mine["viewer"]["consentGrants"]["totalCount"] == 1
    assert mine["viewer"]["accessLog"]["nodes"][0]["institution"] == {"slug": "nust"}

    # When the owner revokes, the next request sees nothing
    revoked = await graphql.data(REVOKE, {"id": grant["id"]}, world["owner"])
    again = await graphql.data(PROFILE, {"handle": "owner"}, world["client"])
    assert revoked["consentRevoke"]["consentGrant"] == {"isLive": False}
    assert again["engineer"]["email"] is None


async def test_consent_bad_input_and_strangers(
    graphql: GraphQLClient, world: dict[str, Any]
) -> None:
    bad = await graphql.data(
        GRANT,
        {
            "input": {
                "institution": encode_id("Institution", world["university"].id),
                "fields": [],
                "purpose": "",
                "expiresAt": "2001-01-01T00:00:00+00:00",
            }
        },
        world["owner"],
    )
    assert {error["code"] for error in bad["consentGrant"]["userErrors"]} == {
        "NO_FIELDS",
        "INVALID_PURPOSE",
        "INVALID_EXPIRY",
    }
    anonymous = await graphql.execute(MINE)
    client = await graphql.execute(MINE, viewer=world["client"])
    assert anonymous.errors[0].extensions["code"] == "FORBIDDEN"
    assert client.errors[0].extensions["code"] == "FORBIDDEN"


async def test_visibility_update_allowed_denied_and_bad_input(
    graphql: GraphQLClient, session: AsyncSession, world: dict[str, Any]
) -> None:
    settings = [{"field": "EMAIL", "visibility": "PUBLIC"}]
    anonymous = await graphql.execute(VISIBILITY, {"settings": settings})
    client = await graphql.execute(VISIBILITY, {"settings": settings}, world["client"])
    duplicate = await graphql.data(VISIBILITY, {"settings": settings * 2}, world["owner"])
    done = await graphql.data(VISIBILITY, {"settings": settings}, world["owner"])
    public = await graphql.data(PROFILE, {"handle": "owner"})

    assert anonymous.errors[0].extensions["code"] == "UNAUTHENTICATED"
    assert client.errors[0].extensions["code"] == "FORBIDDEN"
    assert duplicate["engineerUpdateVisibility"]["userErrors"] == [{"code": "DUPLICATE_FIELD"}]
    settings_now = done["engineerUpdateVisibility"]["engineer"]["fieldVisibilities"]
    assert {"field": "EMAIL", "visibility": "PUBLIC"} in settings_now
    assert public["engineer"]["email"] == "owner@example.org"


async def test_profile_update_changes_only_the_viewer_and_rejects_bad_input(
    graphql: GraphQLClient, session: AsyncSession, world: dict[str, Any]
) -> None:
    update = """
    mutation ($input: EngineerUpdateProfileInput!) {
      engineerUpdateProfile(input: $input) {
        engineer { handle headline } userErrors { field code }
      }
    }
    """
    ok = await graphql.data(update, {"input": {"headline": "Grid architect"}}, world["owner"])
    bad = await graphql.data(
        update, {"input": {"headline": "x", "timezone": "Mars/Olympus"}}, world["owner"]
    )
    denied = await graphql.execute(update, {"input": {"headline": "hacked"}}, world["anonymous"])

    assert ok["engineerUpdateProfile"]["engineer"] == {
        "handle": "owner",
        "headline": "Grid architect",
    }
    assert bad["engineerUpdateProfile"]["userErrors"] == [
        {"field": ["input", "timezone"], "code": "UNKNOWN_TIMEZONE"}
    ]
    assert denied.errors[0].extensions["code"] == "UNAUTHENTICATED"
    row = await session.scalar(select(Engineer.headline).where(Engineer.handle == "owner"))
    assert row == "Grid architect"
