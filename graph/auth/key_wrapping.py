"""Signing keys encrypted at rest with a server secret (JWE, `dir` + A256GCM).

With `BRAINGAIN_KEY_ENCRYPTION_KEY` set (32 random bytes, base64url — `python -c "import
secrets; print(secrets.token_urlsafe(32))"`), the private half of every signing key is stored
as a JWE the database alone cannot open: a leaked dump or backup does not let anyone mint
tokens. Without it keys are stored as plain JWKs (development), and a production server logs a
warning. Plain keys found while a secret is set are encrypted in place on the next load;
encrypted keys with no secret configured stop the server with an error naming the variable.
"""

import base64
import binascii
import os
from dataclasses import dataclass
from typing import Any

import orjson
from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

SECRET_VARIABLE = "BRAINGAIN_KEY_ENCRYPTION_KEY"
WRAPPED = "wrapped"
"""The single member of a stored private JWK that is encrypted: its JWE compact serialisation."""
PROTECTED_HEADER = {"alg": "dir", "enc": "A256GCM"}


class KeyEncryptionError(RuntimeError):
    """The signing keys cannot be opened (no secret, or the wrong one), or the secret is bad."""


@dataclass(frozen=True)
class KeyWrapper:
    """Encrypts and decrypts private JWKs with the server secret, if there is one."""

    secret: OctKey | None = None

    @classmethod
    def from_environment(cls) -> "KeyWrapper":
        """The wrapper for BRAINGAIN_KEY_ENCRYPTION_KEY (none when unset)."""
        raw = os.environ.get(SECRET_VARIABLE, "").strip()
        if not raw:
            return cls()
        try:
            secret = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        except (binascii.Error, ValueError):
            raise KeyEncryptionError(f"{SECRET_VARIABLE} is not base64url.") from None
        if len(secret) != 32:
            raise KeyEncryptionError(
                f"{SECRET_VARIABLE} must be 32 bytes (base64url), not {len(secret)}."
            )
        return cls(OctKey.import_key(secret))

    @property
    def enabled(self) -> bool:
        """Whether keys are encrypted at rest."""
        return self.secret is not None

    def wrap(self, private_jwk: dict[str, Any]) -> dict[str, Any]:
        """What to store for a private JWK: encrypted with the secret, else as it is."""
        if self.secret is None:
            return private_jwk
        token = jwe.encrypt_compact(PROTECTED_HEADER, orjson.dumps(private_jwk), self.secret)
        return {WRAPPED: token}

    def unwrap(self, stored: dict[str, Any]) -> dict[str, Any]:
        """The private JWK from what was stored."""
        if WRAPPED not in stored:
            return stored
        if self.secret is None:
            raise KeyEncryptionError(
                f"The signing keys are encrypted: set {SECRET_VARIABLE} to the secret they "
                "were encrypted with."
            )
        try:
            plaintext = jwe.decrypt_compact(stored[WRAPPED], self.secret).plaintext
        except (JoseError, ValueError):
            raise KeyEncryptionError(
                f"{SECRET_VARIABLE} does not open the stored signing keys."
            ) from None
        assert plaintext is not None
        jwk: dict[str, Any] = orjson.loads(plaintext)
        return jwk

    @staticmethod
    def is_wrapped(stored: dict[str, Any]) -> bool:
        """Whether a stored private JWK is encrypted."""
        return WRAPPED in stored
