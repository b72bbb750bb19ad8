"""Signing keys at rest: encrypted with the server secret when one is set."""

import secrets

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graph.auth.key_wrapping import SECRET_VARIABLE, KeyEncryptionError, KeyWrapper
from graph.auth.keys import KeyStore, rotate_signing_key
from graph.auth.tokens import issue_access_token, verify_access_token

ISSUER = "https://braingain.test"
AUDIENCE = "https://braingain.test/graphql"


def _secret() -> str:
    return secrets.token_urlsafe(32)


async def _token_round_trip(store: KeyStore) -> None:
    token, _ = issue_access_token(
        store.signing_key(),
        issuer=ISSUER,
        audience=AUDIENCE,
        subject="engineer:1",
        client_id="test",
        scopes=[],
        lifetime_seconds=60,
    )
    claims = verify_access_token(
        token, store.verifying, issuer=ISSUER, audience=AUDIENCE, max_lifetime_seconds=600
    )
    assert claims.subject == "engineer:1"


async def test_with_a_secret_the_private_key_is_stored_encrypted_and_still_signs(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a server secret
    monkeypatch.setenv(SECRET_VARIABLE, _secret())

    # When a key is made
    new, _ = await rotate_signing_key(session)
    await session.flush()

    # Then the database holds no private key material, only a JWE
    stored = orjson.dumps(new.private_jwk).decode()
    assert list(new.private_jwk) == ["wrapped"]
    assert '"d"' not in stored
    # And the server loads it and signs tokens that verify
    store = KeyStore(sessionmaker)
    await store.reload()
    assert store.signing_key().kid == new.kid
    await _token_round_trip(store)


async def test_plain_keys_are_encrypted_when_a_secret_is_set(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a key stored before the server had a secret
    monkeypatch.delenv(SECRET_VARIABLE, raising=False)
    plain, _ = await rotate_signing_key(session)
    await session.flush()
    assert "d" in plain.private_jwk

    # When the server starts with a secret
    monkeypatch.setenv(SECRET_VARIABLE, _secret())
    store = KeyStore(sessionmaker)
    await store.reload()

    # Then the key was encrypted in place and keeps signing
    await session.refresh(plain)
    assert KeyWrapper.is_wrapped(plain.private_jwk)
    assert store.signing_key().kid == plain.kid
    await _token_round_trip(store)


async def test_encrypted_keys_without_the_secret_stop_the_server_with_a_clear_error(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SECRET_VARIABLE, _secret())
    await rotate_signing_key(session)
    await session.flush()

    monkeypatch.delenv(SECRET_VARIABLE)
    with pytest.raises(KeyEncryptionError, match=SECRET_VARIABLE):
        await KeyStore(sessionmaker).reload()

    monkeypatch.setenv(SECRET_VARIABLE, _secret())  # a different secret
    with pytest.raises(KeyEncryptionError, match="does not open"):
        await KeyStore(sessionmaker).reload()


@pytest.mark.parametrize("value", ["not base64 !!", secrets.token_urlsafe(16)])
def test_a_malformed_secret_is_refused(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_VARIABLE, value)
    with pytest.raises(KeyEncryptionError, match=SECRET_VARIABLE):
        KeyWrapper.from_environment()
