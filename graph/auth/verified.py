"""Verified access tokens remembered until they expire: one ES256 verification per token.

A client sends the same bearer token with every request for its whole lifetime (minutes), and
verifying it — the signature, the header, the claims — costs more CPU than many a request.
What verification concludes cannot change while the token lives: its signature, issuer,
audience, claims and lifetime are fixed, and time only moves towards its expiry. So the
claims are kept, by a digest of the token, until the token's `exp` (without the verifier's
leeway: a remembered token is never accepted later than verifying it again would be), and
only while the key that signed it is still among the verifying keys (a removed key stops
every token it signed at once, as before).

What can change is whether the token still stands for anyone — revoked, its client or
sign-in session revoked, the engineer gone, their roles changed — and that is checked on
every request as before (graph.auth.authentication.load_viewer), never remembered here.
"""

import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass

from graph.auth.authentication import verify
from graph.auth.keys import KeyStore
from graph.auth.tokens import AccessTokenClaims, unverified_kid
from graph.settings import Settings

MAX_TOKENS = 10_000
"""Tokens remembered per worker (the oldest forgotten first when full; an expired one is
forgotten when it is next presented)."""


@dataclass(frozen=True)
class Verified:
    """A verified token's claims and the key that signed it."""

    claims: AccessTokenClaims
    kid: str


class VerifiedTokens:
    """A bounded map of token digest → claims, each entry living until its token expires."""

    def __init__(self, size: int = MAX_TOKENS) -> None:
        self.size = size
        self.entries: OrderedDict[bytes, Verified] = OrderedDict()
        self.verifications = 0
        """Tokens verified in full by this worker (tests read it)."""

    async def claims(self, token: str, keys: KeyStore, settings: Settings) -> AccessTokenClaims:
        """The token's claims: remembered, or verified now (InvalidToken when it is not valid)."""
        digest = hashlib.sha256(token.encode()).digest()
        found = self.entries.get(digest)
        if found is not None:
            await keys.fresh()
            if time.time() < found.claims.expires_at and keys.verifies(found.kid):
                return found.claims
            del self.entries[digest]
        kid = unverified_kid(token)
        claims = await verify(token, keys, settings, kid)
        self.verifications += 1
        if kid is not None:  # verify() refuses a token without one
            self._remember(digest, Verified(claims, kid))
        return claims

    def _remember(self, digest: bytes, verified: Verified) -> None:
        """Keep it; when full, forget the oldest (tokens live alike: it expires first)."""
        while len(self.entries) >= self.size:
            self.entries.popitem(last=False)
        self.entries[digest] = verified
