"""Over HTTP with a real client-credentials token: institution reads are compiled, and their
consent reads logged once, as strawberry logs them — even when the compiled path fails."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import StatementCounter
from db.models import AccessLogEntry
from graph.compiler.operation import BoundStatement
from graph.extensions import access_log
from graph.services import oauth_client
from graph.services.consent import log_reads
from tests import factories
from tests.compiler.served import served
from tests.compiler.test_http import PATH

PROFILE = """
query ($handle: String!) {
  engineer(handle: $handle) { handle email phone city }
  institution(slug: "http-uni") { staff(first: 5) { nodes { engineer { handle email } } } }
}
"""
PUBLIC = """
query ($handle: String!) { engineer(handle: $handle) { handle name } }
"""
MIXED = """
query ($handle: String!) {
  engineer(handle: $handle) { email }
  viewer { clientId institution { staff(first: 5) { nodes { engineer { handle city } } } } }
}
"""


@pytest.fixture
async def secret(session: AsyncSession) -> tuple[str, str]:
    """The university's client (id, secret); `hidden` granted it email and affiliations."""
    university = await factories.institution(session, slug="http-uni")
    hidden = await factories.engineer(
        session,
        handle="hidden",
        email="hidden@example.org",
        field_visibility={"email": "PRIVATE", "city": "PRIVATE", "affiliations": "PRIVATE"},
    )
    await factories.affiliation(session, hidden, university)
    await factories.consent_grant(session, hidden, university, ["email", "affiliations"])
    row, secret = await oauth_client.create_institution_client(session, "http-uni", "profiles:read")
    await session.flush()
    return row.client_id, secret


@pytest.fixture
async def app(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app over the test's transaction."""
    async with served(sessionmaker) as client:
        yield client


async def _token(client: httpx.AsyncClient, credentials: tuple[str, str]) -> str:
    response = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=credentials
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def _post(
    client: httpx.AsyncClient, token: str, request_id: str, document: str = PROFILE
) -> Any:
    return await client.post(
        "/graphql",
        json={"query": document, "variables": {"handle": "hidden"}},
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": request_id},
    )


async def _read(
    client: httpx.AsyncClient,
    credentials: tuple[str, str],
    request_id: str,
    document: str = PROFILE,
) -> Any:
    return await _post(client, await _token(client, credentials), request_id, document)


async def _log(session: AsyncSession, request_id: str) -> list[tuple[Any, ...]]:
    rows = await session.execute(
        select(
            AccessLogEntry.engineer_id,
            AccessLogEntry.institution_id,
            AccessLogEntry.consent_grant_id,
            AccessLogEntry.client_id,
            AccessLogEntry.fields,
        ).where(AccessLogEntry.request_id == request_id)
    )
    return [tuple(row) for row in rows]


async def test_an_institution_token_is_answered_compiled_and_logged(
    session: AsyncSession, app: httpx.AsyncClient, secret: tuple[str, str]
) -> None:
    # When the institution's client reads an engineer who consented to it, and its staff
    fast = await _read(app, secret, "consent-compiled")

    # Then it is compiled: consented email shown, city hidden, the staff list as allowed
    assert fast.headers[PATH] == "compiled"
    assert fast.json()["data"]["engineer"] == {
        "handle": "hidden",
        "email": "hidden@example.org",
        "phone": None,
        "city": None,
    }
    assert "@consent" not in fast.text
    assert fast.json()["extensions"]["cost"]["actualQueryCost"] > 0
    # and the request logged one row for the grant, with the fields read under it
    rows = await _log(session, "consent-compiled")
    assert [row[3:] for row in rows] == [(secret[0], ["affiliations", "email"])]


async def test_an_institution_reading_its_staff_through_viewer_logs_one_row(
    session: AsyncSession, app: httpx.AsyncClient, secret: tuple[str, str]
) -> None:
    # When the client reads an engineer and its own staff (through `viewer`) in one document
    fast = await _read(app, secret, "mixed-compiled", MIXED)

    # Then it is compiled whole and wrote one row for the grant, with the fields of both parts
    assert fast.headers[PATH] == "compiled"
    assert fast.json()["data"]["engineer"] == {"email": "hidden@example.org"}
    assert fast.json()["data"]["viewer"]["clientId"] == secret[0]
    rows = await _log(session, "mixed-compiled")
    assert [row[4] for row in rows] == [["affiliations", "email"]]


async def test_logging_costs_one_insert_and_nothing_when_nothing_was_read_under_consent(
    app: httpx.AsyncClient, secret: tuple[str, str], statements: StatementCounter
) -> None:
    # Given a token; SQLAlchemy counts what the request sends besides the compiled statement
    token = await _token(app, secret)

    # When the client reads public fields only, then the consented ones
    statements.reset()
    public = await _post(app, token, "count-public", PUBLIC)
    public_statements = list(statements.statements)
    statements.reset()
    gated = await _post(app, token, "count-gated")

    # Then both were compiled, and the consented read cost exactly one INSERT more
    assert public.headers[PATH] == gated.headers[PATH] == "compiled"
    writes = [sql for sql in statements.statements if not sql.startswith("SELECT")]
    assert all(sql.startswith("SELECT") for sql in public_statements)
    assert len(writes) == 1
    assert writes[0].startswith("INSERT INTO access_log")
    assert len(statements.statements) <= len(public_statements) + 1


@pytest.mark.parametrize("failing", ["statement", "access-log"])
async def test_a_failed_compiled_read_is_answered_by_its_rerun_and_logged_once(
    session: AsyncSession,
    app: httpx.AsyncClient,
    secret: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    failing: str,
) -> None:
    # Given the compiled statement fails once, or the compiled path's access-log write fails
    # after adding its rows to the request's session
    run = BoundStatement.run
    failed: list[BoundStatement] = []

    async def fail(statement: BoundStatement, *arguments: Any) -> Any:
        if not failed:
            failed.append(statement)
            raise RuntimeError("connection lost")
        return await run(statement, *arguments)

    calls = []

    async def log_once(*arguments: Any) -> int:
        calls.append(arguments)
        written = await log_reads(*arguments)
        if len(calls) == 1:
            raise RuntimeError("connection lost")
        return written

    if failing == "statement":
        monkeypatch.setattr(BoundStatement, "run", fail)
    else:
        monkeypatch.setattr(access_log, "log_reads", log_once)

    # When the client reads
    response = await _read(app, secret, f"consent-{failing}")

    # Then the compiled path answered it on its second attempt, and the read is logged
    # exactly once
    assert response.status_code == 200
    assert response.headers[PATH] == "compiled"
    assert response.json()["data"]["engineer"]["email"] == "hidden@example.org"
    assert [row[4] for row in await _log(session, f"consent-{failing}")] == [
        ["affiliations", "email"]
    ]
    assert len(calls) == (2 if failing == "access-log" else 0)


async def test_a_statement_failing_twice_is_an_internal_error_and_logs_nothing(
    session: AsyncSession,
    app: httpx.AsyncClient,
    secret: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the compiled statement fails every time (a bug, not an outage)
    attempts: list[BoundStatement] = []

    async def fail(statement: BoundStatement, *arguments: Any) -> Any:
        attempts.append(statement)
        raise RuntimeError("broken statement")

    monkeypatch.setattr(BoundStatement, "run", fail)

    # When the client reads
    response = await _read(app, secret, "consent-broken")

    # Then it was tried twice, and the client gets an INTERNAL error carrying the request id
    # (no other path answers reads), and no read was logged
    assert len(attempts) == 2
    assert response.status_code == 200
    body = response.json()
    assert body.get("data") is None
    (error,) = body["errors"]
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {"code": "INTERNAL", "requestId": "consent-broken"}
    assert await _log(session, "consent-broken") == []
