"""SELECTs and small writes for the authorization server's tables."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, String, Uuid, bindparam, exists, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AuthorizationCode,
    OAuthClient,
    RefreshToken,
    RevokedAccessToken,
    SigningKey,
)

SIGNING_KEY_LOCK = 0x6B657973  # pg_advisory_xact_lock key serialising key creation and rotation


async def lock_signing_keys(session: AsyncSession) -> None:
    """Serialise key creation/rotation across workers for the rest of the transaction."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SIGNING_KEY_LOCK})


async def get_active_signing_key(session: AsyncSession) -> SigningKey | None:
    """The newest key that is not retired."""
    stmt = (
        select(SigningKey)
        .where(SigningKey.retired_at.is_(None))
        .order_by(SigningKey.created_at.desc())
        .limit(1)
    )
    return await session.scalar(stmt)


async def list_verification_keys(
    session: AsyncSession, retired_after: datetime
) -> list[SigningKey]:
    """Keys that still verify: active ones and those retired after `retired_after`."""
    stmt = select(SigningKey).where(
        (SigningKey.retired_at.is_(None)) | (SigningKey.retired_at > retired_after)
    )
    return list((await session.scalars(stmt.order_by(SigningKey.created_at))).all())


async def get_client(session: AsyncSession, client_id: str) -> OAuthClient | None:
    """The live (not revoked) client with this public identifier."""
    stmt = select(OAuthClient).where(
        OAuthClient.client_id == client_id, OAuthClient.revoked_at.is_(None)
    )
    return await session.scalar(stmt)


async def get_authorization_code(session: AsyncSession, code_hash: str) -> AuthorizationCode | None:
    """An authorization code by the hash of its value (used or not), locked until commit so
    that two concurrent exchanges cannot both spend it."""
    return await session.scalar(
        select(AuthorizationCode).where(AuthorizationCode.code_hash == code_hash).with_for_update()
    )


async def get_refresh_token(session: AsyncSession, token_hash: str) -> RefreshToken | None:
    """A refresh token by the hash of its value (rotated or revoked ones too)."""
    return await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))


def access_token_revoked(*, client: bool, family: bool) -> ColumnElement[bool]:
    """SQL: the access token with `jti` (a bound parameter) was revoked, its sign-in session was
    (when `family`: a revoked refresh token in family `family_id`: revocation, replay, password
    reset), or the client it was issued to (when `client`: `client_id`) was revoked."""
    reasons: list[ColumnElement[bool]] = [
        exists().where(RevokedAccessToken.jti == bindparam("jti", type_=String))
    ]
    if client:
        reasons.append(
            exists().where(
                OAuthClient.client_id == bindparam("client_id", type_=String),
                OAuthClient.revoked_at.is_not(None),
            )
        )
    if family:
        reasons.append(
            exists().where(
                RefreshToken.family_id == bindparam("family_id", type_=Uuid),
                RefreshToken.revoked_at.is_not(None),
            )
        )
    return or_(*reasons)


def revocation_parameters(
    jti: str, family_id: UUID | None, client_id: str | None
) -> dict[str, object]:
    """The bound values of access_token_revoked."""
    return {"jti": jti, "client_id": client_id, "family_id": family_id}


_REVOKED = {
    (client, family): select(access_token_revoked(client=client, family=family))
    for client in (False, True)
    for family in (False, True)
}
"""The revocation check by which parts a token has, built once."""


async def is_access_token_revoked(
    session: AsyncSession, jti: str, family_id: UUID | None = None, client_id: str | None = None
) -> bool:
    """True when the access token was revoked (access_token_revoked). One statement."""
    stmt = _REVOKED[client_id is not None, family_id is not None]
    parameters = revocation_parameters(jti, family_id, client_id)
    return bool(await session.scalar(stmt, parameters))


async def revoke_engineer_refresh_tokens(
    session: AsyncSession, engineer_id: int, now: datetime
) -> None:
    """Revoke every refresh token issued for an engineer (sign out everywhere)."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.engineer_id == engineer_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def list_clients(session: AsyncSession) -> list[OAuthClient]:
    """Every registered client, revoked ones too, oldest first."""
    return list(await session.scalars(select(OAuthClient).order_by(OAuthClient.id)))


async def get_client_any(session: AsyncSession, client_id: str) -> OAuthClient | None:
    """The client with this public identifier, revoked or not, locked until commit."""
    return await session.scalar(
        select(OAuthClient).where(OAuthClient.client_id == client_id).with_for_update()
    )
