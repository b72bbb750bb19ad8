"""Verified tokens are remembered until they expire, and only while their key still verifies."""

import time

import pytest
from joserfc.jwk import ECKey, KeySet
from sqlalchemy.ext.asyncio import async_sessionmaker

from graph.auth.keys import KeyStore
from graph.auth.tokens import InvalidToken, issue_access_token
from graph.auth.verified import VerifiedTokens
from graph.settings import Settings

SETTINGS = Settings(
    database_url=None, environment="test", max_body_bytes=1_000_000, log_level="WARNING"
)


def _key() -> ECKey:
    key = ECKey.generate_key("P-256", parameters={"use": "sig", "alg": "ES256"})
    key.ensure_kid()
    return key


class StaticKeys(KeyStore):
    """The verifying keys as set by the test (no database)."""

    async def reload(self) -> None:
        """Nothing to read: the test sets the keys."""
        self.loaded_at = time.monotonic()


def _keys(*keys: ECKey) -> StaticKeys:
    store = StaticKeys(async_sessionmaker())
    store.signing = keys[0]
    store.verifying = KeySet(list(keys))
    store.loaded_at = time.monotonic()
    return store


def _token(key: ECKey, lifetime: int = 60, now: int | None = None) -> str:
    token, _ = issue_access_token(
        key,
        issuer=SETTINGS.issuer,
        audience=SETTINGS.audience,
        subject="RW5naW5lZXI6MQ",
        client_id="braingain-cli",
        scopes=[],
        lifetime_seconds=lifetime,
        now=now,
    )
    return token


async def test_a_token_is_verified_once_then_remembered() -> None:
    # Given a worker's cache and a valid token
    key = _key()
    keys, verified = _keys(key), VerifiedTokens()
    token = _token(key)

    # When it is presented three times
    first = await verified.claims(token, keys, SETTINGS)
    again = [await verified.claims(token, keys, SETTINGS) for _ in range(2)]

    # Then it was verified once and the same claims came back every time
    assert verified.verifications == 1
    assert again == [first, first]


async def test_an_invalid_token_is_refused_every_time_and_never_remembered() -> None:
    # Given a token signed by a key the server does not know
    keys, verified = _keys(_key()), VerifiedTokens()
    token = _token(_key())

    # When it is presented twice, then it is refused twice, and nothing is kept
    for _ in range(2):
        with pytest.raises(InvalidToken):
            await verified.claims(token, keys, SETTINGS)
    assert verified.verifications == 0
    assert not verified.entries


async def test_a_remembered_token_stops_at_its_expiry(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a token remembered while it was valid
    key = _key()
    keys, verified = _keys(key), VerifiedTokens()
    token = _token(key, lifetime=60)
    claims = await verified.claims(token, keys, SETTINGS)

    # When the clock passes its expiry (beyond the verifier's leeway)
    later = claims.expires_at + 31
    monkeypatch.setattr(time, "time", lambda: float(later))

    # Then it is verified again, and refused
    with pytest.raises(InvalidToken):
        await verified.claims(token, keys, SETTINGS)
    assert not verified.entries


async def test_a_remembered_token_stops_when_its_key_is_removed() -> None:
    # Given a token remembered, signed by one of two keys
    old, new = _key(), _key()
    keys, verified = _keys(old, new), VerifiedTokens()
    token = _token(old)
    await verified.claims(token, keys, SETTINGS)

    # When the signing key leaves the verifying set
    keys.verifying = KeySet([new])

    # Then the token is refused at once
    with pytest.raises(InvalidToken):
        await verified.claims(token, keys, SETTINGS)


async def test_the_cache_is_bounded_and_forgets_the_oldest_first() -> None:
    # Given room for two tokens
    key = _key()
    keys, verified = _keys(key), VerifiedTokens(size=2)
    tokens = [_token(key) for _ in range(3)]

    # When three are presented, then the first is forgotten (verified again when it returns)
    for token in tokens:
        await verified.claims(token, keys, SETTINGS)
    assert len(verified.entries) == 2
    await verified.claims(tokens[0], keys, SETTINGS)
    assert verified.verifications == 4
    await verified.claims(tokens[2], keys, SETTINGS)
    assert verified.verifications == 4
