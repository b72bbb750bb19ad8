"""JWT signing keys: created on first start, stored in the database, rotatable.

Keys live in a table so every worker and host signs and verifies with the same set. Rotation
retires the active key (it stops signing) but keeps publishing it in the JWKS, and accepting
it, until every token it signed has expired. Private halves are encrypted at rest when the
server has a key-encryption secret (graph/auth/key_wrapping.py).
"""

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from joserfc.jwk import ECKey, KeySet
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import SigningKey
from db.queries import oauth as queries
from graph.auth.key_wrapping import SECRET_VARIABLE, KeyWrapper

logger = logging.getLogger(__name__)

ALGORITHM = "ES256"
RETIRED_KEY_GRACE = timedelta(hours=1)
"""How long a retired key keeps verifying: comfortably longer than an access token lives."""
RELOAD_SECONDS = 60.0
UNKNOWN_KID_RELOAD_SECONDS = 5.0


def _is_production() -> bool:
    return os.environ.get("BRAINGAIN_ENV", "development") == "production"


def _new_key() -> ECKey:
    key = ECKey.generate_key("P-256", parameters={"use": "sig", "alg": ALGORITHM})
    key.ensure_kid()
    return key


def _row_of(key: ECKey, wrapper: KeyWrapper) -> SigningKey:
    assert key.kid is not None
    return SigningKey(
        kid=key.kid,
        algorithm=ALGORITHM,
        private_jwk=wrapper.wrap(dict(key.as_dict(private=True))),
        public_jwk=dict(key.as_dict(private=False)),
    )


async def ensure_signing_key(
    session: AsyncSession, wrapper: KeyWrapper | None = None
) -> tuple[SigningKey, bool]:
    """The active key, creating one if there is none (no commit); True when created (or
    when plain keys were encrypted with the configured secret)."""
    wrapper = wrapper or KeyWrapper.from_environment()
    await queries.lock_signing_keys(session)
    active = await queries.get_active_signing_key(session)
    if active is not None:
        return active, await _encrypt_plain_keys(session, wrapper)
    row = _row_of(_new_key(), wrapper)
    session.add(row)
    await session.flush()
    return row, True


async def _encrypt_plain_keys(session: AsyncSession, wrapper: KeyWrapper) -> bool:
    """Encrypt, in place, every plain private key still verifying (a secret was just set)."""
    if not wrapper.enabled:
        return False
    rows = await queries.list_verification_keys(session, datetime.now(UTC) - RETIRED_KEY_GRACE)
    plain = [row for row in rows if not KeyWrapper.is_wrapped(row.private_jwk)]
    for row in plain:
        row.private_jwk = wrapper.wrap(dict(row.private_jwk))
    if plain:
        await session.flush()
    return bool(plain)


async def rotate_signing_key(
    session: AsyncSession, wrapper: KeyWrapper | None = None
) -> tuple[SigningKey, SigningKey | None]:
    """Retire the active key and create its successor (no commit): (new, retired)."""
    wrapper = wrapper or KeyWrapper.from_environment()
    await queries.lock_signing_keys(session)
    previous = await queries.get_active_signing_key(session)
    if previous is not None:
        previous.retired_at = datetime.now(UTC)
    row = _row_of(_new_key(), wrapper)
    session.add(row)
    await session.flush()
    return row, previous


def _import(row: SigningKey, private: bool, wrapper: KeyWrapper) -> ECKey:
    data = wrapper.unwrap(dict(row.private_jwk)) if private else row.public_jwk
    return ECKey.import_key(dict(data))


@dataclass
class KeyStore:
    """A worker's cached view of the signing keys, reloaded periodically and on unknown `kid`."""

    sessionmaker: async_sessionmaker[AsyncSession]
    signing: ECKey | None = None
    verifying: KeySet = field(default_factory=lambda: KeySet([]))
    public_jwks: list[dict[str, object]] = field(default_factory=list)
    loaded_at: float = 0.0
    warned: bool = False

    async def reload(self) -> None:
        """Read the keys (creating the first one on first start)."""
        wrapper = KeyWrapper.from_environment()
        if not wrapper.enabled and not self.warned and _is_production():
            logger.warning("%s is not set: signing keys are stored unencrypted", SECRET_VARIABLE)
            self.warned = True
        async with self.sessionmaker() as session:
            active, changed = await ensure_signing_key(session, wrapper)
            if changed:
                await session.commit()
            rows = await queries.list_verification_keys(
                session, datetime.now(UTC) - RETIRED_KEY_GRACE
            )
        self.signing = _import(active, True, wrapper)
        self.verifying = KeySet([_import(row, False, wrapper) for row in rows])
        self.public_jwks = [dict(row.public_jwk) for row in rows]
        self.loaded_at = time.monotonic()

    async def fresh(self, max_age: float = RELOAD_SECONDS) -> "KeyStore":
        """This store, reloaded first if older than `max_age` seconds."""
        if time.monotonic() - self.loaded_at > max_age or self.signing is None:
            await self.reload()
        return self

    async def verification_keys(self, kid: str | None) -> KeySet:
        """The verifying key set; reloaded (rate-limited) when `kid` is not in it."""
        await self.fresh()
        known = {key.kid for key in self.verifying.keys}
        if kid is not None and kid not in known:
            await self.fresh(UNKNOWN_KID_RELOAD_SECONDS)
        return self.verifying

    def verifies(self, kid: str) -> bool:
        """Whether the key `kid` is among the verifying keys as last loaded."""
        return any(key.kid == kid for key in self.verifying.keys)

    def signing_key(self) -> ECKey:
        """The key new tokens are signed with (call `fresh()` first)."""
        assert self.signing is not None, "KeyStore used before it was loaded"
        return self.signing
