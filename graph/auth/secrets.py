"""Secrets we hand out once and store only as hashes: passwords (argon2id) and random tokens."""

import hashlib
import hmac
import secrets

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

PASSWORD_HASHER = PasswordHasher()  # argon2id with the library's current recommended cost
DUMMY_HASH = PASSWORD_HASHER.hash("not a real password: equalises timing for unknown emails")


def new_token(prefix: str = "") -> str:
    """A fresh random secret (256 bits), URL-safe, with an optional recognisable prefix."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 hex of a high-entropy secret: enough for random tokens (not for passwords)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def digest_matches(secret: str, expected: str | None) -> bool:
    """Constant-time comparison of a secret with a stored digest."""
    return expected is not None and hmac.compare_digest(digest(secret), expected)


async def hash_password(password: str) -> str:
    """argon2id hash of a password, computed off the event loop."""
    return await anyio.to_thread.run_sync(PASSWORD_HASHER.hash, password)


async def verify_password(password: str, stored: str | None) -> bool:
    """Check a password against its argon2 hash (a dummy hash when there is none)."""

    def check() -> bool:
        try:
            return PASSWORD_HASHER.verify(stored or DUMMY_HASH, password) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(check)
