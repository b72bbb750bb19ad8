"""The authorization server and bearer tokens over HTTP: flows, metadata and token attacks."""

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from joserfc import jws, jwt
from joserfc.jwk import ECKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from db.models import OutboxEmail
from graph.app import create_app
from graph.auth.authentication import engineer_subject
from graph.auth.secrets import hash_password
from graph.auth.tokens import issue_access_token
from graph.chapters import ChapterRegistry
from graph.services import oauth_client
from graph.settings import Settings
from tests import factories

SETTINGS = Settings(database_url=None, environment="test", max_body_bytes=100_000, log_level="INFO")
VIEWER = "{ viewer { isAuthenticated clientId scopes engineer { handle } } }"
REDIRECT = "https://portal.example.org/callback"


@pytest.fixture
async def app(
    sessionmaker: async_sessionmaker[AsyncSession], registry: ChapterRegistry
) -> AsyncIterator[Starlette]:
    """The app with lifespan run (signing key created) inside the test's transaction."""
    application = create_app(SETTINGS, sessionmaker=sessionmaker, registry=registry)
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def _signing_key(app: Starlette) -> ECKey:
    return app.state.auth.keys.signing_key()  # type: ignore[no-any-return]


async def _graphql(client: httpx.AsyncClient, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return await client.post("/graphql", json={"query": VIEWER}, headers=headers)


async def test_metadata_and_jwks(client: httpx.AsyncClient, app: Starlette) -> None:
    metadata = (await client.get("/.well-known/oauth-authorization-server")).json()
    keys = (await client.get("/.well-known/jwks.json")).json()["keys"]
    assert metadata["issuer"] == SETTINGS.issuer
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert {"client_credentials", "authorization_code", "refresh_token"} <= set(
        metadata["grant_types_supported"]
    )
    assert [key["kid"] for key in keys] == [_signing_key(app).kid]
    assert all("d" not in key for key in keys)  # public parts only


async def test_client_credentials_token_reads_the_api(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    # Given an institution client with profiles:read
    institution = await factories.institution(session, slug="lums")
    row, secret = await oauth_client.create_institution_client(session, "lums", "profiles:read")
    await session.flush()
    assert institution.id == row.institution_id
    assert row.secret_hash != secret  # only the hash is stored

    # When it asks for a token with its secret, and then with a wrong one
    response = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(row.client_id, secret)
    )
    assert response.status_code == 200, response.text
    wrong = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(row.client_id, "nope")
    )
    too_much = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "members:manage"},
        auth=(row.client_id, secret),
    )

    # Then it gets a short-lived RFC 9068 token that the API accepts
    token = response.json()
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] <= 3600
    assert "refresh_token" not in token
    header = jws.extract_compact(token["access_token"].encode()).headers()
    assert header["typ"] == "at+jwt"
    assert header["alg"] == "ES256"
    assert header["kid"]
    assert wrong.status_code == 401
    assert too_much.json()["error"] == "invalid_scope"
    viewer = (await _graphql(client, token["access_token"])).json()["data"]["viewer"]
    assert viewer == {
        "isAuthenticated": True,
        "clientId": row.client_id,
        "scopes": ["profiles:read"],
        "engineer": None,
    }


def _forge(app: Starlette, header: dict[str, Any], claims: dict[str, Any]) -> str:
    key = _signing_key(app)
    return jwt.encode(header, claims, key, algorithms=["ES256"], default_type=None)


def _claims(engineer_id: int, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": SETTINGS.issuer,
        "aud": SETTINGS.audience,
        "sub": engineer_subject(engineer_id),
        "client_id": "test",
        "scope": "profiles:read",
        "iat": now,
        "exp": now + 300,
        "jti": secrets.token_hex(8),
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(claims: dict[str, Any]) -> str:
    header = _b64(json.dumps({"alg": "none", "typ": "at+jwt"}).encode())
    return f"{header}.{_b64(json.dumps(claims).encode())}."


async def test_token_attacks_are_rejected_with_401(
    client: httpx.AsyncClient, app: Starlette, session: AsyncSession
) -> None:
    engineer = await factories.engineer(session, handle="target")
    await session.flush()
    key = _signing_key(app)
    good_header = {"alg": "ES256", "kid": key.kid, "typ": "at+jwt"}
    good = _forge(app, good_header, _claims(engineer.id))
    # the classic confusion attack: HMAC keyed with the public key (joserfc refuses to build it)
    public_pem = key.as_pem(private=False)
    signing_input = (
        _b64(json.dumps({"alg": "HS256", "kid": key.kid, "typ": "at+jwt"}).encode())
        + "."
        + _b64(json.dumps(_claims(engineer.id)).encode())
    )
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    hs256 = f"{signing_input}.{_b64(mac)}"
    head, _payload, signature = good.split(".")
    tampered_payload = _b64(json.dumps(_claims(engineer.id, scope="council:admin")).encode())
    attacks = {
        "alg none": _unsigned(_claims(engineer.id)),
        "HS256 with the public key": hs256,
        "wrong iss": _forge(app, good_header, _claims(engineer.id, iss="https://evil.example")),
        "wrong aud": _forge(app, good_header, _claims(engineer.id, aud="https://other.api")),
        "expired": _forge(app, good_header, _claims(engineer.id, iat=1, exp=100)),
        "missing typ": _forge(app, {"alg": "ES256", "kid": key.kid}, _claims(engineer.id)),
        "JWT typ": _forge(app, {**good_header, "typ": "JWT"}, _claims(engineer.id)),
        "unknown kid": _forge(app, {**good_header, "kid": "not-a-key"}, _claims(engineer.id)),
        # signed with our own key, but not as we ever sign
        "no kid": _forge(app, {"alg": "ES256", "typ": "at+jwt"}, _claims(engineer.id)),
        "expires in 9999": _forge(app, good_header, _claims(engineer.id, exp=253402300799)),
        "lifetime over the maximum": _forge(
            app,
            good_header,
            _claims(engineer.id, exp=int(time.time()) + SETTINGS.access_token_seconds + 60),
        ),
        "issued in the future": _forge(
            app,
            good_header,
            _claims(engineer.id, iat=int(time.time()) + 3600, exp=int(time.time()) + 3900),
        ),
        "tampered payload": f"{head}.{tampered_payload}.{signature}",
        "garbage": "not-a-token",
    }

    assert (await _graphql(client, good)).json()["data"]["viewer"]["engineer"] == {
        "handle": "target"
    }
    for name, token in attacks.items():
        response = await _graphql(client, token)
        assert response.status_code == 401, name
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", name
        assert "data" not in response.json(), name
    anonymous = (await _graphql(client, None)).json()["data"]["viewer"]
    assert anonymous["isAuthenticated"] is False
    basic = await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": "Basic abc"}
    )
    assert basic.status_code == 401


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = _b64(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge


async def test_authorization_code_pkce_refresh_rotation_and_reuse(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    # Given a verified engineer account and a public first-party app
    engineer = await factories.engineer(session, handle="signer")
    await factories.account(
        session,
        engineer,
        email="signer@example.org",
        password_hash=await hash_password("correct horse battery"),
    )
    app_client, _ = await oauth_client.create_app_client(
        session, "Portal", [REDIRECT], "profiles:read consent:manage", public=True
    )
    await session.flush()
    verifier, challenge = _pkce()
    parameters = {
        "response_type": "code",
        "client_id": app_client.client_id,
        "redirect_uri": REDIRECT,
        "scope": "profiles:read",
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }

    # When the engineer opens the consent page, fails once, then signs in and allows
    page = await client.get("/oauth/authorize", params=parameters)
    no_pkce = await client.get(
        "/oauth/authorize", params={**parameters, "code_challenge_method": "plain"}
    )
    failed = await client.post(
        "/oauth/authorize",
        data={
            **parameters,
            "email": "signer@example.org",
            "password": "wrong",
            "decision": "approve",
        },
    )
    allowed = await client.post(
        "/oauth/authorize",
        data={
            **parameters,
            "email": "signer@example.org",
            "password": "correct horse battery",
            "decision": "approve",
        },
    )

    assert page.status_code == 200
    assert "Portal" in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert no_pkce.status_code in (302, 400)
    assert failed.status_code == 401
    assert allowed.status_code == 302
    location = allowed.headers["location"]
    assert location.startswith(REDIRECT)
    assert "state=xyz" in location
    code = re.search(r"code=([^&]+)", location)
    assert code is not None

    # Then the code (with the verifier) buys tokens (replays: see the test below)
    exchange = {
        "grant_type": "authorization_code",
        "code": code.group(1),
        "redirect_uri": REDIRECT,
        "client_id": app_client.client_id,
    }
    missing_verifier = await client.post("/oauth/token", data=exchange)
    tokens = (
        await client.post("/oauth/token", data={**exchange, "code_verifier": verifier})
    ).json()
    assert missing_verifier.status_code == 400
    viewer = (await _graphql(client, tokens["access_token"])).json()["data"]["viewer"]
    assert viewer["engineer"] == {"handle": "signer"}
    assert viewer["scopes"] == ["profiles:read"]

    # And the refresh token rotates; reusing the old one revokes the whole family
    refresh = {"grant_type": "refresh_token", "client_id": app_client.client_id}
    rotated = (
        await client.post(
            "/oauth/token", data={**refresh, "refresh_token": tokens["refresh_token"]}
        )
    ).json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    reuse = await client.post(
        "/oauth/token", data={**refresh, "refresh_token": tokens["refresh_token"]}
    )
    after_reuse = await client.post(
        "/oauth/token", data={**refresh, "refresh_token": rotated["refresh_token"]}
    )
    assert reuse.status_code == 400
    assert reuse.json()["error"] == "invalid_grant"
    assert after_reuse.status_code == 400

    # And revoking an access token takes effect on the next request
    revoke = await client.post(
        "/oauth/revoke", data={"token": rotated["access_token"], "client_id": app_client.client_id}
    )
    assert revoke.status_code == 200
    assert (await _graphql(client, rotated["access_token"])).status_code == 401


async def test_login_is_throttled(client: httpx.AsyncClient, session: AsyncSession) -> None:
    engineer = await factories.engineer(session, handle="guessed")
    await factories.account(
        session,
        engineer,
        email="guessed@example.org",
        password_hash=await hash_password("correct horse battery"),
    )
    app_client, _ = await oauth_client.create_app_client(
        session, "Portal", [REDIRECT], "", public=True
    )
    await session.flush()
    _, challenge = _pkce()
    parameters = {
        "response_type": "code",
        "client_id": app_client.client_id,
        "redirect_uri": REDIRECT,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "decision": "approve",
        "email": "guessed@example.org",
    }
    statuses = [
        (
            await client.post("/oauth/authorize", data={**parameters, "password": f"guess-{n}"})
        ).status_code
        for n in range(6)
    ]
    right = await client.post(
        "/oauth/authorize", data={**parameters, "password": "correct horse battery"}
    )
    assert statuses == [401] * 5 + [429]
    assert right.status_code == 429  # even the right password waits out the window


async def test_signing_key_rotation_keeps_old_tokens_valid(
    client: httpx.AsyncClient, app: Starlette, session: AsyncSession
) -> None:
    from graph.auth.keys import rotate_signing_key

    engineer = await factories.engineer(session, handle="rotated")
    await session.flush()
    old_key = _signing_key(app)
    old_token, _ = issue_access_token(
        old_key,
        issuer=SETTINGS.issuer,
        audience=SETTINGS.audience,
        subject=engineer_subject(engineer.id),
        client_id="test",
        scopes=[],
        lifetime_seconds=300,
    )
    new, retired = await rotate_signing_key(session)
    await session.flush()
    await app.state.auth.keys.reload()

    jwks = (await client.get("/.well-known/jwks.json")).json()["keys"]
    assert retired is not None
    assert {key["kid"] for key in jwks} == {old_key.kid, new.kid}
    assert _signing_key(app).kid == new.kid
    assert (await _graphql(client, old_token)).status_code == 200


async def _code_for(
    client: httpx.AsyncClient, session: AsyncSession, handle: str
) -> tuple[dict[str, str], str]:
    """Sign `handle` in through the consent page; (token-exchange form, code verifier)."""
    engineer = await factories.engineer(session, handle=handle)
    await factories.account(
        session,
        engineer,
        email=f"{handle}@example.org",
        password_hash=await hash_password("correct horse battery"),
    )
    app_client, _ = await oauth_client.create_app_client(
        session, "Portal", [REDIRECT], "profiles:read", public=True
    )
    await session.flush()
    verifier, challenge = _pkce()
    allowed = await client.post(
        "/oauth/authorize",
        data={
            "response_type": "code",
            "client_id": app_client.client_id,
            "redirect_uri": REDIRECT,
            "scope": "profiles:read",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "email": f"{handle}@example.org",
            "password": "correct horse battery",
            "decision": "approve",
        },
    )
    code = re.search(r"code=([^&]+)", allowed.headers["location"])
    assert code is not None
    exchange = {
        "grant_type": "authorization_code",
        "code": code.group(1),
        "redirect_uri": REDIRECT,
        "client_id": app_client.client_id,
        "code_verifier": verifier,
    }
    return exchange, app_client.client_id


async def test_replaying_a_code_revokes_the_tokens_it_bought(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    # Given tokens bought with a code, and a refresh that rotated them once
    exchange, client_id = await _code_for(client, session, "replayed")
    first = (await client.post("/oauth/token", data=exchange)).json()
    refresh = {"grant_type": "refresh_token", "client_id": client_id}
    rotated = (
        await client.post("/oauth/token", data={**refresh, "refresh_token": first["refresh_token"]})
    ).json()
    assert (await _graphql(client, first["access_token"])).status_code == 200
    assert (await _graphql(client, rotated["access_token"])).status_code == 200

    # When someone replays the code (RFC 6749 §4.1.2: the code leaked)
    replay = await client.post("/oauth/token", data=exchange)

    # Then the replay is refused and every token of that sign-in is revoked
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert (await _graphql(client, first["access_token"])).status_code == 401
    assert (await _graphql(client, rotated["access_token"])).status_code == 401
    after = await client.post(
        "/oauth/token", data={**refresh, "refresh_token": rotated["refresh_token"]}
    )
    assert after.status_code == 400


async def test_a_code_replay_leaves_other_sign_ins_alone(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    # Given two sign-ins of different engineers
    replayed, _ = await _code_for(client, session, "leaky")
    untouched, _ = await _code_for(client, session, "careful")
    leaky = (await client.post("/oauth/token", data=replayed)).json()
    careful = (await client.post("/oauth/token", data=untouched)).json()

    # When one code is replayed
    assert (await client.post("/oauth/token", data=replayed)).status_code == 400

    # Then only that sign-in's tokens die
    assert (await _graphql(client, leaky["access_token"])).status_code == 401
    viewer = (await _graphql(client, careful["access_token"])).json()["data"]["viewer"]
    assert viewer["engineer"] == {"handle": "careful"}


async def test_revoking_a_refresh_token_signs_its_access_tokens_out(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    # Given a sign-in's tokens
    exchange, client_id = await _code_for(client, session, "leaving")
    tokens = (await client.post("/oauth/token", data=exchange)).json()
    assert (await _graphql(client, tokens["access_token"])).status_code == 200

    # When the app revokes the refresh token (sign out)
    revoke = await client.post(
        "/oauth/revoke", data={"token": tokens["refresh_token"], "client_id": client_id}
    )

    # Then the access token of that sign-in stops working at once
    assert revoke.status_code == 200
    assert (await _graphql(client, tokens["access_token"])).status_code == 401


async def test_sign_in_waits_for_the_email_to_be_verified(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    # Given an engineer who signed up over GraphQL but has not confirmed the email yet
    sign_up = """
    mutation { accountSignUp(input: {email: "new@example.org", password: "correct horse battery",
      handle: "newcomer", name: "New Comer", countryCode: "AE", city: "Dubai", isOverseas: true})
      { userErrors { code } } }
    """
    assert (await client.post("/graphql", json={"query": sign_up})).json()["data"] == {
        "accountSignUp": {"userErrors": []}
    }
    app_client, _ = await oauth_client.create_app_client(
        session, "Portal", [REDIRECT], "", public=True
    )
    await session.flush()
    _, challenge = _pkce()
    form = {
        "response_type": "code",
        "client_id": app_client.client_id,
        "redirect_uri": REDIRECT,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "decision": "approve",
        "email": "new@example.org",
        "password": "correct horse battery",
    }

    # When they sign in before and after following the mailed link
    before = await client.post("/oauth/authorize", data=form)
    mail = await session.scalar(select(OutboxEmail).where(OutboxEmail.recipient == form["email"]))
    assert mail is not None
    token = re.search(r"token=([A-Za-z0-9_\-]+)", mail.body)
    assert token is not None
    verify = "mutation ($t: String!) { accountVerifyEmail(input: {token: $t}) { ok } }"
    verified = await client.post(
        "/graphql", json={"query": verify, "variables": {"t": token.group(1)}}
    )
    after = await client.post("/oauth/authorize", data=form)

    # Then the first attempt asks them to confirm the email; the second signs them in
    assert before.status_code == 401
    assert "Confirm your email" in before.text
    assert verified.json()["data"] == {"accountVerifyEmail": {"ok": True}}
    assert after.status_code == 302
    assert "code=" in after.headers["location"]


async def test_revoking_a_first_party_client_signs_out_the_engineer_tokens_it_obtained(
    client: httpx.AsyncClient, app: Starlette, session: AsyncSession
) -> None:
    # Given an engineer signed in through a first-party app, and another app's token
    engineer = await factories.engineer(session, handle="app-user")
    portal, _ = await oauth_client.create_app_client(
        session, "Portal web", [REDIRECT], "profiles:read", public=True
    )
    other, _ = await oauth_client.create_app_client(
        session, "Mobile", [REDIRECT], "profiles:read", public=True
    )
    await session.flush()

    def token_from(client_id: str) -> str:
        token, _ = issue_access_token(
            _signing_key(app),
            issuer=SETTINGS.issuer,
            audience=SETTINGS.audience,
            subject=engineer_subject(engineer.id),
            client_id=client_id,
            scopes=[],
            lifetime_seconds=300,
        )
        return token

    through_portal, through_other = token_from(portal.client_id), token_from(other.client_id)
    assert (await _graphql(client, through_portal)).status_code == 200

    # When an operator revokes the portal client
    await oauth_client.revoke_client(session, portal.client_id)

    # Then its token stops working on the next request; the other app's token still works
    refused = await _graphql(client, through_portal)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    still = await _graphql(client, through_other)
    assert still.json()["data"]["viewer"]["engineer"] == {"handle": "app-user"}
