"""HTTP endpoints of the authorization server: token, authorize, revoke, metadata, JWKS."""

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import FormData, Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from db.models import Engineer, RefreshToken
from db.queries import oauth as queries
from graph.auth.authentication import verify
from graph.auth.keys import KeyStore
from graph.auth.oauth import NO_STORE, Prefetched, Server, StarletteRequest
from graph.auth.pages import consent_page, error_page
from graph.auth.scopes import Scope
from graph.auth.secrets import digest
from graph.auth.tokens import InvalidToken
from graph.extensions.unavailable import answers_unavailable
from graph.services.account import LoginOutcome, check_password
from graph.settings import Settings

MAX_PARAMETER = 2048
OAUTH_PARAMETERS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)
LOGIN_MESSAGES = {
    LoginOutcome.INVALID: "Wrong email or password.",
    LoginOutcome.THROTTLED: "Too many failed attempts. Wait a few minutes and try again.",
    LoginOutcome.UNVERIFIED: "Confirm your email address first (see the mail we sent you).",
}


@dataclass
class AuthState:
    """What the authorization endpoints need; put on `app.state.auth` by the lifespan."""

    sessionmaker: async_sessionmaker[AsyncSession]
    keys: KeyStore
    settings: Settings


def _state(request: Request) -> AuthState:
    state: AuthState = request.app.state.auth
    return state


def _strings(data: FormData | Any) -> dict[str, str]:
    """Single-valued string parameters, truncated: OAuth parameters are never repeated."""
    return {key: value[:MAX_PARAMETER] for key, value in data.items() if isinstance(value, str)}


async def _prefetch_clients(
    session: AsyncSession, store: Prefetched, headers: Headers, data: dict[str, str]
) -> None:
    candidates = {data.get("client_id")}
    basic_id, _ = extract_basic_authorization(headers)
    candidates.add(basic_id)
    for client_id in candidates - {None}:
        assert client_id is not None
        row = await queries.get_client(session, client_id[:64])
        if row is not None:
            store.clients[client_id] = row


async def _prefetch_engineer(session: AsyncSession, store: Prefetched, engineer_id: int) -> None:
    row = await session.get(Engineer, engineer_id)
    if row is not None:
        store.engineers[engineer_id] = row


async def _prefetch_family(session: AsyncSession, store: Prefetched, family_id: UUID) -> None:
    family = await session.scalars(
        select(RefreshToken).where(RefreshToken.family_id == family_id).with_for_update()
    )
    store.families[family_id] = list(family.all())


async def _prefetch_refresh(session: AsyncSession, store: Prefetched, raw: str) -> None:
    row = await queries.get_refresh_token(session, digest(raw))
    if row is None:
        return
    store.refresh_tokens[raw] = row
    store.family_id = row.family_id  # a rotated token stays in its sign-in session
    await _prefetch_family(session, store, row.family_id)
    await _prefetch_engineer(session, store, row.engineer_id)


async def _prefetch_code(session: AsyncSession, store: Prefetched, raw: str) -> None:
    row = await queries.get_authorization_code(session, digest(raw))
    if row is None:
        return
    store.codes[raw] = row
    store.family_id = uuid.uuid4()  # a fresh exchange starts a sign-in session
    if row.family_id is not None:  # a replay: load what the first exchange issued
        await _prefetch_family(session, store, row.family_id)
    await _prefetch_engineer(session, store, row.engineer_id)


async def token_endpoint(request: Request) -> Response:
    """POST /oauth/token: client_credentials, authorization_code (+PKCE), refresh_token."""
    auth = _state(request)
    form = _strings(await request.form())
    headers = request.headers
    async with auth.sessionmaker() as session:
        store = Prefetched()
        await _prefetch_clients(session, store, headers, form)
        if form.get("grant_type") == "authorization_code" and form.get("code"):
            await _prefetch_code(session, store, form["code"])
        if form.get("grant_type") == "refresh_token" and form.get("refresh_token"):
            await _prefetch_refresh(session, store, form["refresh_token"])
        await auth.keys.fresh()
        server = Server(store, auth.keys, auth.settings)
        oauth_request = StarletteRequest(
            "POST", f"{auth.settings.issuer}/oauth/token", headers, {}, form
        )
        response: Response = server.create_token_response(oauth_request)
        session.add_all(store.added)
        await session.commit()
    return response


async def revocation_endpoint(request: Request) -> Response:
    """POST /oauth/revoke (RFC 7009): refresh tokens revoke their family; access tokens by jti."""
    auth = _state(request)
    form = _strings(await request.form())
    headers = request.headers
    async with auth.sessionmaker() as session:
        store = Prefetched()
        await _prefetch_clients(session, store, headers, form)
        token = form.get("token", "")
        if token.count(".") == 2:
            try:
                claims = await verify(token, auth.keys, auth.settings)
            except InvalidToken:
                pass  # unknown or expired tokens are "revoked" already (RFC 7009 §2.2)
            else:
                store.access_token_ids[token] = (
                    claims.client_id,
                    (claims.token_id, claims.expires_at),
                )
        elif token:
            await _prefetch_refresh(session, store, token)
        server = Server(store, auth.keys, auth.settings)
        oauth_request = StarletteRequest(
            "POST", f"{auth.settings.issuer}/oauth/revoke", headers, {}, form
        )
        response: Response = server.create_endpoint_response("revocation", oauth_request)
        for row in store.added:
            await session.merge(row)
        await session.commit()
    return response


def _error_response(error: OAuth2Error) -> Response:
    """Send a validated-redirect error back to the app; otherwise show it on our page."""
    if error.redirect_uri:
        _, _, headers = error()
        return RedirectResponse(dict(headers)["Location"], status_code=302)
    return error_page(error.get_error_description() or error.error, 400)


async def authorize_endpoint(request: Request) -> Response:
    """GET shows the sign-in and consent page; POST checks the password and decides."""
    auth = _state(request)
    query = _strings(request.query_params)
    form = _strings(await request.form()) if request.method == "POST" else {}
    parameters = {
        name: (form or query)[name] for name in OAUTH_PARAMETERS if name in (form or query)
    }
    headers = request.headers
    async with auth.sessionmaker() as session:
        store = Prefetched()
        await _prefetch_clients(session, store, headers, parameters)
        server = Server(store, auth.keys, auth.settings)
        oauth_request = StarletteRequest(
            request.method, f"{auth.settings.issuer}/oauth/authorize", headers, parameters, {}
        )
        try:
            grant = server.get_consent_grant(oauth_request)
        except OAuth2Error as error:
            return _error_response(error)
        client = store.clients[parameters["client_id"]]
        scopes = (oauth_request.scope or "").split()
        if request.method == "GET":
            return consent_page(client_name=client.name, scopes=scopes, parameters=parameters)
        if form.get("decision") != "approve":
            response: Response = server.create_authorization_response(
                oauth_request, grant_user=None, grant=grant
            )
            return response
        address = request.client.host if request.client else "unknown"
        outcome, account = await check_password(
            session, form.get("email", ""), form.get("password", ""), address
        )
        if outcome is not LoginOutcome.OK or account is None:
            await session.commit()  # keep the failed attempt: it feeds the throttle
            return consent_page(
                client_name=client.name,
                scopes=scopes,
                parameters=parameters,
                email=form.get("email", ""),
                error=LOGIN_MESSAGES[outcome],
                status_code=429 if outcome is LoginOutcome.THROTTLED else 401,
            )
        engineer = await session.get_one(Engineer, account.engineer_id)
        response = server.create_authorization_response(
            oauth_request, grant_user=engineer, grant=grant
        )
        session.add_all(store.added)
        await session.commit()
    return response


async def metadata_endpoint(request: Request) -> Response:
    """RFC 8414 authorization server metadata."""
    issuer = _state(request).settings.issuer
    return JSONResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/oauth/authorize",
            "token_endpoint": f"{issuer}/oauth/token",
            "revocation_endpoint": f"{issuer}/oauth/revoke",
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "scopes_supported": [scope.value for scope in Scope],
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "revocation_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "code_challenge_methods_supported": ["S256"],
        }
    )


async def jwks_endpoint(request: Request) -> Response:
    """The public keys that verify our access tokens (current and recently retired)."""
    keys = await _state(request).keys.fresh()
    return JSONResponse({"keys": keys.public_jwks}, headers={"Cache-Control": "max-age=300"})


def routes() -> list[Route]:
    """The authorization server's routes."""
    return [
        Route("/oauth/token", answers_unavailable(token_endpoint), methods=["POST"]),
        Route("/oauth/revoke", answers_unavailable(revocation_endpoint), methods=["POST"]),
        Route("/oauth/authorize", answers_unavailable(authorize_endpoint), methods=["GET", "POST"]),
        Route("/.well-known/oauth-authorization-server", metadata_endpoint),
        Route("/.well-known/jwks.json", answers_unavailable(jwks_endpoint)),
    ]


__all__ = ["NO_STORE", "AuthState", "KeyStore", "routes"]
