"""Bearer token → Viewer: verify the JWT, then load the principal's live roles."""

from types import MappingProxyType
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import GlobalRole
from db.queries import account as account_queries
from db.queries import oauth as oauth_queries
from graph.auth.keys import KeyStore
from graph.auth.roles import parse_scopes
from graph.auth.scopes import Scope
from graph.auth.tokens import AccessTokenClaims, InvalidToken, unverified_kid, verify_access_token
from graph.auth.viewer import ANONYMOUS, ChapterRole, Viewer
from graph.chapters import ChapterRegistry
from graph.errors import BadUserInput
from graph.ids import decode_id_of, encode_id
from graph.settings import Settings

BEARER = "bearer"


def engineer_subject(engineer_id: int) -> str:
    """The `sub` of tokens issued for an engineer: their global ID."""
    return encode_id("Engineer", engineer_id)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer` header; None when there is no header.

    Raises InvalidToken for any other scheme or a malformed header.
    """
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != BEARER or not token.strip() or " " in token.strip():
        raise InvalidToken("expected `Authorization: Bearer <token>`")
    return token.strip()


async def verify(
    token: str, keys: KeyStore, settings: Settings, kid: str | None = None
) -> AccessTokenClaims:
    """Verify a token against the current keys (reloading them for an unknown `kid`; pass the
    token's unverified_kid when it was read already)."""
    kid = kid or unverified_kid(token)
    keyset = await keys.verification_keys(kid)
    return verify_access_token(
        token,
        keyset,
        issuer=settings.issuer,
        audience=settings.audience,
        max_lifetime_seconds=settings.access_token_seconds,
        kid=kid,
    )


async def load_viewer(
    session: AsyncSession, claims: AccessTokenClaims, registry: ChapterRegistry
) -> Viewer:
    """The Viewer a verified token stands for; InvalidToken when it no longer does.

    Checked on every request: the token's revocation (its `jti`, client or sign-in session),
    then the principal — for an engineer in the same statement as their roles."""
    family_id = session_family(claims)
    engineer_id = engineer_of(claims)
    if engineer_id is not None:
        found = await account_queries.engineer_standing_unless_revoked(
            session, engineer_id, claims.token_id, family_id, claims.client_id
        )
        if found is not None:
            return engineer_viewer_unless_revoked(engineer_id, found, claims, registry)
    if await oauth_queries.is_access_token_revoked(
        session, claims.token_id, family_id, claims.client_id
    ):
        raise InvalidToken("token was revoked")
    if claims.subject == claims.client_id:
        client = await oauth_queries.get_client(session, claims.client_id)
        if client is None:
            raise InvalidToken("client is unknown or revoked")
        return Viewer(
            client_id=client.client_id,
            institution_id=client.institution_id,
            scopes=claims.scopes & parse_scopes(" ".join(client.scopes)),
            token_id=claims.token_id,
        )
    if engineer_id is None:
        raise InvalidToken("unknown subject")
    raise InvalidToken("engineer no longer exists")


def engineer_viewer_unless_revoked(
    engineer_id: int,
    found: tuple[bool, account_queries.Standing],
    claims: AccessTokenClaims,
    registry: ChapterRegistry,
) -> Viewer:
    """The engineer's Viewer from what db.queries.account.standing_unless_revoked read;
    InvalidToken when the token was revoked."""
    revoked, standing = found
    if revoked:
        raise InvalidToken("token was revoked")
    return _engineer_viewer(
        engineer_id, standing, registry, claims.scopes, claims.client_id, claims.token_id
    )


def session_family(claims: AccessTokenClaims) -> UUID | None:
    """The refresh-token family (sign-in session) a token names; InvalidToken when malformed."""
    try:
        return UUID(claims.session_id) if claims.session_id is not None else None
    except ValueError:
        raise InvalidToken("malformed sid") from None


def engineer_of(claims: AccessTokenClaims) -> int | None:
    """The engineer a token was issued for; None for a client's own token or a bad subject."""
    if claims.subject == claims.client_id:
        return None
    try:
        return decode_id_of(claims.subject, "Engineer")
    except BadUserInput:
        return None


async def engineer_viewer(
    session: AsyncSession,
    engineer_id: int,
    registry: ChapterRegistry,
    scopes: frozenset[Scope],
    client_id: str | None = None,
    token_id: str | None = None,
) -> Viewer:
    """The Viewer of an engineer acting with `scopes`: global role and chapter roles loaded."""
    standing = await account_queries.engineer_standing(session, engineer_id)
    if standing is None:
        raise InvalidToken("engineer no longer exists")
    return _engineer_viewer(engineer_id, standing, registry, scopes, client_id, token_id)


def _engineer_viewer(
    engineer_id: int,
    standing: account_queries.Standing,
    registry: ChapterRegistry,
    scopes: frozenset[Scope],
    client_id: str | None,
    token_id: str | None,
) -> Viewer:
    institution_id, global_role, chapter_roles = standing
    roles: dict[int, ChapterRole] = {}
    for chapter_id, slug, role in chapter_roles:
        config = registry.get(slug)
        granted = config.scopes_for(role) if config is not None else frozenset()
        roles[chapter_id] = ChapterRole(chapter_id, slug, role, granted)
    return Viewer(
        engineer_id=engineer_id,
        client_id=client_id,
        institution_id=institution_id,
        scopes=frozenset(scopes),
        global_role=GlobalRole(global_role) if global_role is not None else GlobalRole.MEMBER,
        chapter_roles=MappingProxyType(roles),
        token_id=token_id,
    )


__all__ = ["ANONYMOUS", "InvalidToken", "bearer_token", "load_viewer", "verify"]
