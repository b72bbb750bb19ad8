"""RFC 9068 JWT access tokens: issue (joserfc, ES256) and verify with everything pinned."""

import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet
from joserfc.jwt import JWTClaimsRegistry

from graph.auth.keys import ALGORITHM
from graph.auth.roles import format_scopes, parse_scopes
from graph.auth.scopes import Scope

TOKEN_TYPE = "at+jwt"
ACCEPTED_TYPES = {"at+jwt", "application/at+jwt"}
MAX_TOKEN_LENGTH = 4096


class InvalidToken(Exception):
    """The bearer token is malformed, forged, expired or not meant for this API."""


@dataclass(frozen=True)
class AccessTokenClaims:
    """The claims of a verified access token that the API relies on."""

    subject: str
    client_id: str
    scopes: frozenset[Scope]
    token_id: str
    expires_at: int
    session_id: str | None = None
    """The sign-in session (refresh-token family) the token was issued in, if any."""


def issue_access_token(
    key: ECKey,
    *,
    issuer: str,
    audience: str,
    subject: str,
    client_id: str,
    scopes: Iterable[Scope],
    lifetime_seconds: int,
    now: int | None = None,
    session_id: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """A signed access token and its claims (`typ: at+jwt`, `kid` in the header).

    `session_id` (claim `sid`) ties the token to a sign-in session: revoking the session's
    refresh-token family revokes the token too.
    """
    issued = int(time.time()) if now is None else now
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "client_id": client_id,
        "scope": format_scopes(set(scopes)),
        "iat": issued,
        "nbf": issued,
        "exp": issued + lifetime_seconds,
        "jti": secrets.token_urlsafe(16),
    }
    if session_id is not None:
        claims["sid"] = session_id
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": TOKEN_TYPE}
    return jwt.encode(header, claims, key, algorithms=[ALGORITHM], default_type=None), claims


def unverified_kid(token: str) -> str | None:
    """The `kid` named in a token's header, for choosing keys (never trusted otherwise)."""
    try:
        header = jws.extract_compact(token.encode()).headers()
    except (JoseError, ValueError, UnicodeError):
        return None
    kid = header.get("kid")
    return kid if isinstance(kid, str) else None


LEEWAY_SECONDS = 30


def verify_access_token(
    token: str,
    keys: KeySet,
    *,
    issuer: str,
    audience: str,
    max_lifetime_seconds: int,
    now: int | None = None,
    kid: str | None = None,
) -> AccessTokenClaims:
    """Verify signature (ES256 only), `kid`, `typ`, `iss`, `aud`, `exp`/`nbf`, the required
    claims, and a lifetime no longer than we ever issue (`max_lifetime_seconds`): a token
    minted with a leaked key to last until 9999, or issued in the future, is refused. `kid`:
    the token's unverified_kid when the caller read it already."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("malformed token")
    if (kid or unverified_kid(token)) is None:
        raise InvalidToken("no key id (kid) in the header")
    try:
        decoded = jwt.decode(token, keys, algorithms=[ALGORITHM])
    except (JoseError, ValueError, TypeError, UnicodeError) as error:
        raise InvalidToken(f"signature or format rejected ({type(error).__name__})") from None
    if decoded.header.get("alg") != ALGORITHM:
        raise InvalidToken("unexpected algorithm")
    typ = decoded.header.get("typ")
    if not isinstance(typ, str) or typ.lower() not in ACCEPTED_TYPES:
        raise InvalidToken("not an access token (typ must be at+jwt)")
    registry = JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": audience},
        exp={"essential": True},
        sub={"essential": True},
        client_id={"essential": True},
        jti={"essential": True},
        iat={"essential": True},
    )
    try:
        registry.validate(decoded.claims)
    except JoseError as error:
        raise InvalidToken(f"claims rejected ({error.error})") from None
    claims = decoded.claims
    scope = claims.get("scope", "")
    session_id = claims.get("sid")
    if (
        not isinstance(scope, str)
        or not all(isinstance(claims[name], str) for name in ("sub", "client_id", "jti"))
        or not (session_id is None or isinstance(session_id, str))
    ):
        raise InvalidToken("claims have the wrong types")
    issued_at, expires_at = claims["iat"], claims["exp"]
    current = int(time.time()) if now is None else now
    if (
        not isinstance(issued_at, int)
        or not isinstance(expires_at, int)
        or issued_at > current + LEEWAY_SECONDS
        or expires_at - issued_at > max_lifetime_seconds
    ):
        raise InvalidToken("lifetime longer than this server issues")
    return AccessTokenClaims(
        subject=claims["sub"],
        client_id=claims["client_id"],
        scopes=parse_scopes(scope),
        token_id=claims["jti"],
        expires_at=int(claims["exp"]),
        session_id=session_id,
    )
