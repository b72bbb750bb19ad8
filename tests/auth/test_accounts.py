"""Account mutations: sign-up, email verification and password reset, with their bad input."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Account, AccountToken, Engineer, OutboxEmail, RefreshToken
from graph.auth.secrets import hash_password, verify_password
from graph.services import oauth_client
from tests import factories
from tests.conftest import GraphQLClient

SIGN_UP = """
mutation ($input: AccountSignUpInput!) {
  accountSignUp(input: $input) {
    engineer { handle name countryCode isOverseas }
    userErrors { field code message }
  }
}
"""
VERIFY = """
mutation ($token: String!) {
  accountVerifyEmail(input: {token: $token}) { ok userErrors { field code } }
}
"""
REQUEST_RESET = """
mutation ($email: String!) {
  accountRequestPasswordReset(input: {email: $email}) { ok userErrors { code } }
}
"""
RESET = """
mutation ($token: String!, $password: String!) {
  accountResetPassword(input: {token: $token, password: $password}) {
    ok userErrors { field code }
  }
}
"""
PASSWORD = "correct horse battery"
TOKEN = re.compile(r"token=([A-Za-z0-9_\-]+)")


def _form(**overrides: Any) -> dict[str, Any]:
    form = {
        "email": "Amina.Khan@Example.org ",
        "password": PASSWORD,
        "handle": "amina-khan",
        "name": "Amina Khan",
        "countryCode": "GB",
        "city": "London",
        "isOverseas": True,
    }
    form.update(overrides)
    return form


async def _counts(session: AsyncSession) -> tuple[int, ...]:
    """Rows in every table the account mutations write."""
    counts = [
        await session.scalar(select(func.count()).select_from(model))
        for model in (Engineer, Account, AccountToken, OutboxEmail)
    ]
    return tuple(int(count or 0) for count in counts)


async def _mailed_token(session: AsyncSession, recipient: str) -> str:
    """The token in the newest mail to `recipient`."""
    mail = await session.scalar(
        select(OutboxEmail)
        .where(OutboxEmail.recipient == recipient)
        .order_by(OutboxEmail.id.desc())
        .limit(1)
    )
    assert mail is not None, f"no mail to {recipient}"
    found = TOKEN.search(mail.body)
    assert found is not None, mail.body
    return found.group(1)


async def _account(session: AsyncSession, email: str) -> Account:
    row = await session.scalar(
        select(Account).where(Account.email == email).execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def test_sign_up_creates_the_engineer_an_account_and_a_verification_mail(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # When a new engineer signs up
    data = await graphql.data(SIGN_UP, {"input": _form()})

    # Then the profile and an unverified account exist, and a mail carries the token
    assert data["accountSignUp"] == {
        "engineer": {
            "handle": "amina-khan",
            "name": "Amina Khan",
            "countryCode": "GB",
            "isOverseas": True,
        },
        "userErrors": [],
    }
    account = await _account(session, "amina.khan@example.org")
    assert account.email_verified_at is None
    assert account.password_hash is not None
    assert account.password_hash != PASSWORD
    assert await verify_password(PASSWORD, account.password_hash)
    token = await _mailed_token(session, "amina.khan@example.org")
    stored = await session.scalar(select(AccountToken).where(AccountToken.account_id == account.id))
    assert stored is not None
    assert stored.purpose == "VERIFY_EMAIL"
    assert stored.token_hash != token  # only the hash is kept


async def test_verification_token_is_single_use(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # Given a fresh sign-up and its mailed token
    await graphql.data(SIGN_UP, {"input": _form()})
    token = await _mailed_token(session, "amina.khan@example.org")

    # When the token is used twice, and a made-up one once
    first = await graphql.data(VERIFY, {"token": token})
    again = await graphql.data(VERIFY, {"token": token})
    made_up = await graphql.data(VERIFY, {"token": "bgt_not-a-real-token"})
    empty = await graphql.data(VERIFY, {"token": ""})

    # Then only the first use verifies; the others are userErrors
    assert first["accountVerifyEmail"] == {"ok": True, "userErrors": []}
    invalid = {"ok": False, "userErrors": [{"field": ["input", "token"], "code": "INVALID_TOKEN"}]}
    assert again["accountVerifyEmail"] == invalid
    assert made_up["accountVerifyEmail"] == invalid
    assert empty["accountVerifyEmail"] == invalid
    assert (await _account(session, "amina.khan@example.org")).email_verified_at is not None


async def test_expired_verification_token_is_refused_and_changes_nothing(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # Given a sign-up whose token is more than a day old
    await graphql.data(SIGN_UP, {"input": _form()})
    token = await _mailed_token(session, "amina.khan@example.org")
    await session.execute(
        update(AccountToken).values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
    )

    # When it is used
    data = await graphql.data(VERIFY, {"token": token})

    # Then it is refused as expired and the account stays unverified
    assert data["accountVerifyEmail"] == {
        "ok": False,
        "userErrors": [{"field": ["input", "token"], "code": "EXPIRED_TOKEN"}],
    }
    assert (await _account(session, "amina.khan@example.org")).email_verified_at is None
    assert (await session.scalar(select(AccountToken.used_at))) is None


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"password": "short"}, [(["input", "password"], "WEAK_PASSWORD")]),
        ({"password": "x" * 257}, [(["input", "password"], "WEAK_PASSWORD")]),
        ({"email": "not-an-email"}, [(["input", "email"], "INVALID_EMAIL")]),
        ({"email": "two@@example.org"}, [(["input", "email"], "INVALID_EMAIL")]),
        ({"email": "taken@example.org"}, [(["input", "email"], "EMAIL_TAKEN")]),
        ({"email": "TAKEN@example.org"}, [(["input", "email"], "EMAIL_TAKEN")]),
        ({"email": "contact@example.org"}, [(["input", "email"], "EMAIL_TAKEN")]),
        ({"handle": "Not A Handle"}, [(["input", "handle"], "INVALID_HANDLE")]),
        ({"handle": "taken"}, [(["input", "handle"], "HANDLE_TAKEN")]),
        ({"countryCode": "gb"}, [(["input", "countryCode"], "INVALID")]),
        (
            {"email": "nope", "password": "short", "name": " "},
            [
                (["input", "email"], "INVALID_EMAIL"),
                (["input", "password"], "WEAK_PASSWORD"),
                (["input", "name"], "INVALID"),
            ],
        ),
    ],
)
async def test_sign_up_bad_input_gives_user_errors_and_changes_nothing(
    graphql: GraphQLClient,
    session: AsyncSession,
    overrides: dict[str, Any],
    expected: list[tuple[list[str], str]],
) -> None:
    # Given an account using taken@example.org with handle `taken`, and a profile without an
    # account whose contact email is contact@example.org
    owner = await factories.engineer(session, handle="taken")
    await factories.account(session, owner, email="taken@example.org")
    await factories.engineer(session, handle="no-account", email="contact@example.org")
    await session.flush()
    before = await _counts(session)

    # When someone signs up with bad input
    data = await graphql.data(SIGN_UP, {"input": _form(**overrides)})

    # Then each problem is a userError with a code, and no row was written
    payload = data["accountSignUp"]
    assert payload["engineer"] is None
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == expected
    assert all(error["message"] for error in payload["userErrors"])
    assert await _counts(session) == before


async def _signed_in_account(session: AsyncSession) -> tuple[Account, RefreshToken]:
    """A verified account with an old password and a live refresh token (a signed-in app)."""
    engineer = await factories.engineer(session, handle="resetter")
    account = await factories.account(
        session,
        engineer,
        email="resetter@example.org",
        password_hash=await hash_password("old password is long"),
    )
    app, _ = await oauth_client.create_app_client(
        session, "Portal", ["https://portal.example.org/cb"], "", public=True
    )
    refresh = RefreshToken(
        token_hash="0" * 64,
        family_id=uuid.uuid4(),
        client_id=app.id,
        engineer_id=engineer.id,
        scope="",
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )
    session.add(refresh)
    await session.flush()
    return account, refresh


async def test_password_reset_sets_the_password_and_signs_out_everywhere(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # Given a signed-in engineer who asks for a reset
    account, refresh = await _signed_in_account(session)
    asked = await graphql.data(REQUEST_RESET, {"email": " Resetter@Example.org"})
    token = await _mailed_token(session, "resetter@example.org")

    # When they reset with the mailed token, then try the token again
    done = await graphql.data(RESET, {"token": token, "password": "a brand new password"})
    again = await graphql.data(RESET, {"token": token, "password": "another new password"})

    # Then the new password works, the old one does not, and every refresh token is revoked
    assert asked["accountRequestPasswordReset"] == {"ok": True, "userErrors": []}
    assert done["accountResetPassword"] == {"ok": True, "userErrors": []}
    assert again["accountResetPassword"] == {
        "ok": False,
        "userErrors": [{"field": ["input", "token"], "code": "INVALID_TOKEN"}],
    }
    account = await _account(session, "resetter@example.org")
    assert await verify_password("a brand new password", account.password_hash)
    assert not await verify_password("old password is long", account.password_hash)
    await session.refresh(refresh)
    assert refresh.revoked_at is not None


async def test_password_reset_request_for_unknown_email_answers_ok_and_mails_nothing(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    before = await _counts(session)
    data = await graphql.data(REQUEST_RESET, {"email": "nobody@example.org"})
    assert data["accountRequestPasswordReset"] == {"ok": True, "userErrors": []}
    assert await _counts(session) == before


@pytest.mark.parametrize(
    ("token", "password", "code", "field"),
    [
        ("mailed", "short", "WEAK_PASSWORD", "password"),
        ("made-up", "a brand new password", "INVALID_TOKEN", "token"),
        ("expired", "a brand new password", "EXPIRED_TOKEN", "token"),
        ("verification", "a brand new password", "INVALID_TOKEN", "token"),
    ],
)
async def test_password_reset_bad_input_changes_nothing(
    graphql: GraphQLClient,
    session: AsyncSession,
    token: str,
    password: str,
    code: str,
    field: str,
) -> None:
    # Given a signed-in engineer with a mailed reset token (and a verification token)
    account, refresh = await _signed_in_account(session)
    await graphql.data(REQUEST_RESET, {"email": "resetter@example.org"})
    mailed = await _mailed_token(session, "resetter@example.org")
    await graphql.data(SIGN_UP, {"input": _form()})
    tokens = {
        "mailed": mailed,
        "expired": mailed,
        "made-up": "bgt_not-a-real-token",
        "verification": await _mailed_token(session, "amina.khan@example.org"),
    }
    if token == "expired":
        await session.execute(
            update(AccountToken).values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    old_hash = account.password_hash

    # When the reset is attempted with bad input
    data = await graphql.data(RESET, {"token": tokens[token], "password": password})

    # Then it is a userError, the password is unchanged and nobody is signed out
    assert data["accountResetPassword"] == {
        "ok": False,
        "userErrors": [{"field": ["input", field], "code": code}],
    }
    assert (await _account(session, "resetter@example.org")).password_hash == old_hash
    await session.refresh(refresh)
    assert refresh.revoked_at is None
    if token == "mailed":  # a refused password does not spend the token
        retried = await graphql.data(RESET, {"token": mailed, "password": "long enough now"})
        assert retried["accountResetPassword"]["ok"] is True


@pytest.mark.parametrize(
    ("lost_check", "taken", "code"),
    [
        ("is_email_taken", {"email": "amina.khan@example.org"}, "EMAIL_TAKEN"),
        ("get_by_handle", {"handle": "amina-khan"}, "HANDLE_TAKEN"),
    ],
)
async def test_sign_up_losing_a_race_gets_a_user_error_not_a_crash(
    session: AsyncSession,
    graphql: GraphQLClient,
    monkeypatch: pytest.MonkeyPatch,
    lost_check: str,
    taken: dict[str, str],
    code: str,
) -> None:
    # Given another sign-up committed the same email/handle after our checks looked
    from db.queries import account as account_queries
    from db.queries import engineer as engineer_queries

    await factories.engineer(session, **taken)
    module = account_queries if lost_check == "is_email_taken" else engineer_queries

    async def saw_nothing(*_: object) -> None:
        return None

    monkeypatch.setattr(module, lost_check, saw_nothing)
    before = await _counts(session)

    # When the sign-up goes ahead
    data = await graphql.data(SIGN_UP, {"input": _form()})

    # Then the database's unique constraint turns into the same user error, and nothing changed
    assert data["accountSignUp"]["engineer"] is None
    assert [error["code"] for error in data["accountSignUp"]["userErrors"]] == [code]
    assert await _counts(session) == before
