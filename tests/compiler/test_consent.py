"""Consent on the compiled path: grants lift the same masks, and reads are logged as strawberry
logs them — same rows (engineer, institution, grant, client, fields, request id)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Engineer, Institution
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.ids import encode_id
from graph.services import consent as consent_service
from tests import factories
from tests.compiler.conftest import BothPaths

PROFILE = """
query ($handle: String!) {
  engineer(handle: $handle) { handle email phone city skills { years } }
}
"""
SEVERAL_TIMES = """
query ($handle: String!, $id: ID!, $slug: String!) {
  a: engineer(handle: $handle) { email }
  b: engineer(handle: $handle) { mail: email phone again: phone }
  nodes(ids: [$id, $id]) { ... on Engineer { city } }
  institution(slug: $slug) {
    staff(first: 5) { edges { node { engineer { email skills { years } } } } }
  }
}
"""
STAFF_COUNT = """
query ($slug: String!, $first: Int, $last: Int) {
  institution(slug: $slug) { staff(first: $first, last: $last) { totalCount } }
}
"""
MIXED = """
query ($handle: String!) {
  engineer(handle: $handle) { email }
  viewer { institution { staff(first: 5) { nodes { engineer { handle phone } } } } }
}
"""
PAGE = """
query ($first: Int!) {
  engineers(first: $first, orderBy: {field: HANDLE}) {
    nodes { handle email phone city capacity { hoursPerMonth } }
  }
}
"""
HIDDEN = {"email": "PRIVATE", "phone": "PRIVATE", "city": "MEMBERS", "affiliations": "PRIVATE"}


def client(institution: Institution, scopes: frozenset[Scope] | None = None) -> Viewer:
    """The institution's client-credentials viewer."""
    return Viewer(
        client_id=f"bgc_{institution.slug}",
        institution_id=institution.id,
        scopes=scopes if scopes is not None else frozenset({Scope.PROFILES_READ}),
    )


@pytest.fixture
async def people(session: AsyncSession) -> dict[str, Any]:
    """`guarded` hides contact details, city and affiliations; `open` hides nothing. Both
    work at the university; a second institution stands by."""
    university = await factories.institution(session, slug="consent-uni")
    other = await factories.institution(session, slug="consent-other")
    guarded = await factories.engineer(
        session,
        handle="guarded",
        email="guarded@example.org",
        phone=None,
        field_visibility=HIDDEN,
    )
    opened = await factories.engineer(session, handle="open")
    await factories.affiliation(session, guarded, university)
    await factories.affiliation(session, opened, university)
    return {"university": university, "other": other, "guarded": guarded, "open": opened}


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        ("live", True),
        ("revoked", False),
        ("expired", False),
        ("other institution", False),
        ("field not granted", False),
        ("no profiles:read", False),
    ],
)
async def test_consent_gated_fields_denied_and_allowed(
    both: BothPaths, session: AsyncSession, people: dict[str, Any], state: str, allowed: bool
) -> None:
    # Given a grant of email and city in one state
    now = datetime.now(UTC)
    overrides = {
        "revoked": {"revoked_at": now},
        "expired": {"expires_at": now - timedelta(seconds=1)},
    }.get(state, {})
    to = people["other"] if state == "other institution" else people["university"]
    fields = ["pec_registration_number"] if state == "field not granted" else ["email", "city"]
    grant = await factories.consent_grant(session, people["guarded"], to, fields, **overrides)
    scopes = frozenset({Scope.CHAPTERS_READ}) if state == "no profiles:read" else None
    viewer = client(people["university"], scopes)

    # When the university's client reads the profile through both paths
    data, rows = await both.compare_logged(PROFILE, {"handle": "guarded"}, viewer)

    # Then the granted fields show only under a live grant to this institution, and only
    # then is the read logged, with the grant it was read under
    profile = data["engineer"]
    shown = (profile["email"], profile["city"])
    assert shown == (("guarded@example.org", "Dubai") if allowed else (None, None))
    assert profile["phone"] is None
    assert profile["skills"] == []
    expected = [
        (
            people["guarded"].id,
            people["university"].id,
            grant.id,
            "bgc_consent-uni",
            ("city", "email"),
        )
    ]
    assert [row[:5] for row in rows] == (expected if allowed else [])
    assert both.last_statement_count == (2 if allowed else 1)


async def test_a_revoked_grant_is_not_seen_by_the_next_request(
    both: BothPaths, session: AsyncSession, people: dict[str, Any]
) -> None:
    # Given a live grant the client has read under
    guarded: Engineer = people["guarded"]
    grant = await factories.consent_grant(session, guarded, people["university"], ["email"])
    viewer = client(people["university"])
    before = await both.compiled_data(PROFILE, {"handle": "guarded"}, viewer)
    assert before is not None
    mark = await both.last_log_id()

    # When the engineer revokes it and the client reads again (the same cached statement)
    await consent_service.revoke(session, guarded.id, grant.id)
    after, rows = await both.compare_logged(PROFILE, {"handle": "guarded"}, viewer)

    # Then the field is hidden and nothing more is logged
    assert before["engineer"]["email"] == "guarded@example.org"
    assert after["engineer"]["email"] is None
    assert rows == []
    assert await both.log_since(mark) == []


async def test_an_engineer_read_several_times_is_one_row_with_every_field(
    both: BothPaths, session: AsyncSession, people: dict[str, Any]
) -> None:
    # Given grants for contact details, city and affiliations (two grants name email)
    guarded: Engineer = people["guarded"]
    university: Institution = people["university"]
    first = await factories.consent_grant(
        session, guarded, university, ["email", "phone", "affiliations"]
    )
    second = await factories.consent_grant(session, guarded, university, ["email", "city"])
    variables = {
        "handle": "guarded",
        "id": encode_id("Engineer", guarded.id),
        "slug": "consent-uni",
    }

    # When one operation reads them through aliases, nodes(ids:) twice and the staff list
    data, rows = await both.compare_logged(SEVERAL_TIMES, variables, client(university))

    # Then each grant has one row holding every field read under it (the lower id wins)
    assert data["b"] == {"mail": "guarded@example.org", "phone": None, "again": None}
    assert data["nodes"] == [{"city": "Dubai"}, {"city": "Dubai"}]
    assert [(row[2], row[4]) for row in rows] == [
        (first.id, ("affiliations", "email", "phone")),
        (second.id, ("city",)),
    ]
    assert both.last_statement_count == 2


@pytest.mark.parametrize(
    ("page", "logged"),
    [({"first": 1}, {"guarded"}), ({"first": 5}, {"guarded", "shy"}), ({"last": 1}, {"shy"})],
)
async def test_a_staff_list_logs_the_rows_of_its_page_whatever_is_selected(
    both: BothPaths,
    session: AsyncSession,
    people: dict[str, Any],
    page: dict[str, int],
    logged: set[str],
) -> None:
    # Given the university holds consent to guarded's affiliations and a second hidden
    # engineer's; only totalCount is asked for
    university: Institution = people["university"]
    shy = await factories.engineer(session, handle="shy", field_visibility=HIDDEN)
    await factories.affiliation(session, shy, university)
    for who in (people["guarded"], shy):
        await factories.consent_grant(session, who, university, ["affiliations"])

    # When the client counts the staff
    data, rows = await both.compare_logged(
        STAFF_COUNT, {"slug": "consent-uni", **page}, client(university)
    )

    # Then both paths logged the affiliations of the consented engineers on the page alone
    ids = {"guarded": people["guarded"].id, "shy": shy.id}
    assert data["institution"]["staff"]["totalCount"] == 3
    assert [(row[0], row[4]) for row in rows] == sorted(
        (ids[handle], ("affiliations",)) for handle in logged
    )


async def test_a_mixed_operation_logs_both_halves_in_one_row(
    both: BothPaths, session: AsyncSession, people: dict[str, Any]
) -> None:
    # Given a grant of email, phone and affiliations
    guarded: Engineer = people["guarded"]
    university: Institution = people["university"]
    grant = await factories.consent_grant(
        session, guarded, university, ["email", "phone", "affiliations"]
    )

    # When one operation reads email compiled and the staff list (phone) through strawberry
    data, rows = await both.compare_logged(MIXED, {"handle": "guarded"}, client(university))

    # Then the two halves' reads of the grant make one row, as strawberry alone writes it
    assert data["engineer"] == {"email": "guarded@example.org"}
    assert [(row[2], row[4]) for row in rows] == [(grant.id, ("affiliations", "email", "phone"))]


async def test_an_institution_page_is_one_statement_and_one_insert(
    both: BothPaths, session: AsyncSession, people: dict[str, Any]
) -> None:
    # Given a hundred engineers, every one hiding contact details, ten granting them
    university: Institution = people["university"]
    crowd = [
        Engineer(
            handle=f"crowd-{number:03d}",
            name=f"Crowd {number}",
            country_code="AE",
            city="Dubai",
            email=f"crowd-{number}@example.org",
            field_visibility=HIDDEN,
        )
        for number in range(100)
    ]
    session.add_all(crowd)
    await session.flush()
    for engineer in crowd[::10]:
        await factories.consent_grant(session, engineer, university, ["email", "city"])

    # When the client reads a page of ten and of a hundred, and anonymous reads the same
    small, small_rows = await both.compare_logged(PAGE, {"first": 10}, client(university))
    small_count = both.last_statement_count
    large, large_rows = await both.compare_logged(PAGE, {"first": 100}, client(university))
    large_count = both.last_statement_count
    anonymous = await both.compare(PAGE, {"first": 100})

    # Then the read is one statement and the log one more, whatever the page size
    assert len(small["engineers"]["nodes"]) == 10
    assert len(large["engineers"]["nodes"]) == 100
    assert small_count == large_count == 2
    assert both.last_statement_count == 1
    assert len(large_rows) >= len(small_rows) > 0
    assert anonymous["engineers"]["nodes"][0]["email"] is None


async def test_an_object_at_the_key_limit_still_carries_its_marker(
    both: BothPaths, session: AsyncSession, people: dict[str, Any]
) -> None:
    # Given a grant, and fifty keys on one engineer (the planner's limit; json_build_object
    # takes fifty pairs, so the marker is joined on as text) — more aliases than the
    # document limits admit over HTTP, so the compiled path alone is asked
    await factories.consent_grant(session, people["guarded"], people["university"], ["email"])
    keys = " ".join(f"e{index}: email" for index in range(49))
    document = f'{{ engineer(handle: "guarded") {{ handle {keys} }} }}'
    mark = await both.last_log_id()

    # When the client reads it
    data = await both.compiled_data(document, None, client(people["university"]), "limit")
    assert data is not None

    # Then every key is there in order, no marker, and the read is logged
    assert list(data["engineer"]) == ["handle", *(f"e{index}" for index in range(49))]
    assert set(data["engineer"].values()) == {"guarded", "guarded@example.org"}
    assert [(row[4], row[5]) for row in await both.log_since(mark)] == [(("email",), "limit")]


async def test_viewers_without_consent_get_statements_without_markers(
    both: BothPaths, people: dict[str, Any]
) -> None:
    university: Institution = people["university"]
    for viewer in (client(university, frozenset({Scope.CHAPTERS_READ})), Viewer()):
        statement = both.compiled.statement(PROFILE, None, {"handle": "guarded"}, viewer)
        assert statement is not None
        assert not statement.consent
        assert "@consent" not in statement.sql
        assert "consent_grants" not in statement.sql
    granted = both.compiled.statement(PROFILE, None, {"handle": "guarded"}, client(university))
    assert granted is not None
    assert granted.consent


async def test_markers_never_reach_the_response(
    both: BothPaths, session: AsyncSession, people: dict[str, Any]
) -> None:
    guarded: Engineer = people["guarded"]
    await factories.consent_grant(session, guarded, people["university"], ["email", "affiliations"])
    variables = {
        "handle": "guarded",
        "id": encode_id("Engineer", guarded.id),
        "slug": "consent-uni",
    }
    data = await both.compiled_data(SEVERAL_TIMES, variables, client(people["university"]))
    assert data is not None
    assert "@consent" not in repr(data)
