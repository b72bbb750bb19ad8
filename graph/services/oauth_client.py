"""Registering OAuth clients and minting tokens for operators (the CLI uses these)."""

import secrets
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OAuthClient
from db.queries import institution as institution_queries
from db.queries import oauth as oauth_queries
from graph.auth.roles import GLOBAL_ROLE_SCOPES, INSTITUTION_CLIENT_SCOPES, parse_scopes
from graph.auth.scopes import Scope
from graph.auth.secrets import digest, new_token
from graph.auth.viewer import Viewer

CLI_CLIENT_ID = "braingain-cli"


class ClientError(Exception):
    """The client cannot be registered as asked."""


def _scopes(value: str, allowed: frozenset[Scope]) -> list[str]:
    names = value.split()
    unknown = [name for name in names if name not in {scope.value for scope in Scope}]
    if unknown:
        raise ClientError(f"unknown scopes: {', '.join(unknown)}")
    chosen = parse_scopes(value) or allowed
    if not chosen <= allowed:
        extra = ", ".join(sorted(scope.value for scope in chosen - allowed))
        raise ClientError(f"not allowed for this kind of client: {extra}")
    return sorted(scope.value for scope in chosen)


async def create_institution_client(
    session: AsyncSession, institution_slug: str, scopes: str, name: str | None = None
) -> tuple[OAuthClient, str]:
    """A confidential client-credentials client for an institution: (row, secret shown once)."""
    institution = await institution_queries.get_by_slug(session, institution_slug)
    if institution is None:
        raise ClientError(f"no institution {institution_slug!r}")
    secret = new_token("bgs_")
    row = OAuthClient(
        client_id="bgc_" + secrets.token_hex(12),
        secret_hash=digest(secret),
        name=name or institution.name,
        institution_id=institution.id,
        is_public=False,
        grant_types=["client_credentials"],
        scopes=_scopes(scopes, INSTITUTION_CLIENT_SCOPES),
    )
    session.add(row)
    await session.flush()
    return row, secret


async def create_app_client(
    session: AsyncSession, name: str, redirect_uris: list[str], scopes: str, public: bool
) -> tuple[OAuthClient, str | None]:
    """A first-party app (authorization code + PKCE, refresh tokens): (row, secret or None)."""
    if not redirect_uris:
        raise ClientError("an app needs at least one --redirect-uri")
    secret = None if public else new_token("bgs_")
    row = OAuthClient(
        client_id="bgc_" + secrets.token_hex(12),
        secret_hash=digest(secret) if secret else None,
        name=name,
        is_public=public,
        grant_types=["authorization_code", "refresh_token"],
        redirect_uris=redirect_uris,
        scopes=_scopes(scopes, frozenset(Scope)),
    )
    session.add(row)
    await session.flush()
    return row, secret


def scopes_an_engineer_can_use(viewer: Viewer) -> frozenset[Scope]:
    """Every scope the engineer's global and chapter roles grant somewhere."""
    granted = set(GLOBAL_ROLE_SCOPES[viewer.global_role] if viewer.global_role else ())
    for role in viewer.chapter_roles.values():
        granted |= role.scopes
    return frozenset(granted)


async def list_clients(session: AsyncSession) -> list[OAuthClient]:
    """Every registered client (revoked ones too), for operators."""
    return await oauth_queries.list_clients(session)


async def revoke_client(session: AsyncSession, client_id: str) -> OAuthClient:
    """Revoke a client: it gets no new tokens, and every access token it was issued (engineer
    tokens of a first-party app included) stops working on its next request."""
    row = await oauth_queries.get_client_any(session, client_id)
    if row is None:
        raise ClientError(f"no client {client_id!r}")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        await session.flush()
    return row
