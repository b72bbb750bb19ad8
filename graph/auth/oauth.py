"""The OAuth2 authorization server: authlib's grants, adapted to Starlette and async SQLAlchemy.

authlib's server API is synchronous and has no Starlette integration. We keep it off the
database entirely: everything a request can touch (client, code, refresh-token family,
engineer) is loaded asynchronously *before* authlib runs; authlib's hooks then read those rows
and change them in memory (or `session.add` new ones), and the caller commits afterwards.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from authlib.oauth2 import rfc6749
from authlib.oauth2.rfc6749 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import grants as authlib_grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError, InvalidScopeError
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from starlette.responses import JSONResponse, Response

from db.models import AuthorizationCode, Engineer, OAuthClient, RefreshToken, RevokedAccessToken
from graph.auth.authentication import engineer_subject
from graph.auth.keys import KeyStore
from graph.auth.roles import format_scopes, parse_scopes
from graph.auth.scopes import Scope
from graph.auth.secrets import digest, digest_matches, new_token
from graph.auth.tokens import issue_access_token
from graph.settings import Settings

AUTHORIZATION_CODE_LIFETIME = timedelta(minutes=5)
REFRESH_TOKEN_LIFETIME = timedelta(days=30)
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class Client(rfc6749.ClientMixin):  # type: ignore[misc]
    """authlib's view of an oauth_clients row."""

    def __init__(self, row: OAuthClient) -> None:
        self.row = row

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.row.redirect_uris[0] if self.row.redirect_uris else None

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = frozenset(self.row.scopes)
        requested = set(scope_to_list(scope) or []) if scope else set(allowed)
        return format_scopes(parse_scopes(" ".join(requested & allowed)))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.row.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return digest_matches(client_secret, self.row.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.row.is_public:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.row.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.row.grant_types


class Code(rfc6749.AuthorizationCodeMixin):  # type: ignore[misc]
    """authlib's view of an authorization_codes row."""

    def __init__(self, row: AuthorizationCode) -> None:
        self.row = row
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope


class Refresh(rfc6749.TokenMixin):  # type: ignore[misc]
    """authlib's view of a refresh_tokens row."""

    def __init__(self, row: RefreshToken) -> None:
        self.row = row

    def check_client(self, client: Client) -> bool:
        return self.row.client_id == client.row.id

    def get_scope(self) -> str:
        return self.row.scope

    def get_expires_in(self) -> int:
        return int((self.row.expires_at - self.row.created_at).total_seconds())

    def is_expired(self) -> bool:
        return self.row.expires_at <= datetime.now(UTC)

    def is_revoked(self) -> bool:
        return self.row.revoked_at is not None or self.row.used_at is not None


@dataclass
class Prefetched:
    """Rows loaded before authlib runs, plus the rows it asks us to add."""

    clients: dict[str, OAuthClient] = field(default_factory=dict)
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    families: dict[uuid.UUID, list[RefreshToken]] = field(default_factory=dict)
    engineers: dict[int, Engineer] = field(default_factory=dict)
    access_token_ids: dict[str, tuple[str, tuple[str, int]]] = field(default_factory=dict)
    added: list[Any] = field(default_factory=list)
    family_id: uuid.UUID | None = None
    """The sign-in session (refresh-token family) that tokens issued now belong to."""


class StarletteRequest(OAuth2Request):  # type: ignore[misc]
    """An OAuth2Request built from an already-read Starlette request."""

    def __init__(
        self,
        method: str,
        uri: str,
        headers: Mapping[str, str],
        query: dict[str, str],
        form: dict[str, str],
    ) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self._query = query
        self._form = form
        self.payload = BasicOAuth2Payload({**query, **form})

    @property
    def args(self) -> dict[str, str]:
        return self._query

    @property
    def form(self) -> dict[str, str]:
        return self._form


class ClientCredentialsGrant(authlib_grants.ClientCredentialsGrant):  # type: ignore[misc]
    """Institution servers: a token for the client itself, within its registered scopes."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def validate_token_request(self) -> None:
        super().validate_token_request()
        requested = set(scope_to_list(self.request.payload.scope) or [])
        if not requested <= set(self.request.client.row.scopes):
            raise InvalidScopeError("The client may not request these scopes.")


class AuthorizationCodeGrant(authlib_grants.AuthorizationCodeGrant):  # type: ignore[misc]
    """First-party apps: a signed-in engineer's consent becomes a single-use code (PKCE S256)."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    @property
    def store(self) -> Prefetched:
        return self.server.store  # type: ignore[no-any-return]

    def validate_authorization_request(self) -> str:
        if self.request.payload.data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with code_challenge_method=S256 is required.")
        return super().validate_authorization_request()  # type: ignore[no-any-return]

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        row = AuthorizationCode(
            code_hash=digest(code),
            client_id=request.client.row.id,
            engineer_id=request.user.id,
            redirect_uri=request.payload.redirect_uri or request.client.get_default_redirect_uri(),
            scope=request.scope or "",
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            expires_at=datetime.now(UTC) + AUTHORIZATION_CODE_LIFETIME,
        )
        self.store.added.append(row)

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        row = self.store.codes.get(code)
        if row is None or row.client_id != client.row.id:
            return None
        now = datetime.now(UTC)
        if row.used_at is not None:  # replayed: revoke what it bought (RFC 6749 §4.1.2)
            for member in self.store.families.get(row.family_id, []) if row.family_id else []:
                member.revoked_at = member.revoked_at or now
            return None
        if row.expires_at <= now:
            return None
        return Code(row)

    def delete_authorization_code(self, authorization_code: Code) -> None:
        authorization_code.row.used_at = datetime.now(UTC)
        authorization_code.row.family_id = self.store.family_id

    def authenticate_user(self, authorization_code: Code) -> Engineer | None:
        return self.store.engineers.get(authorization_code.row.engineer_id)


class RefreshTokenGrant(authlib_grants.RefreshTokenGrant):  # type: ignore[misc]
    """Rotating refresh tokens: each use issues a new one; reusing an old one kills the family."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    @property
    def store(self) -> Prefetched:
        return self.server.store  # type: ignore[no-any-return]

    def authenticate_refresh_token(self, refresh_token: str) -> Refresh | None:
        row = self.store.refresh_tokens.get(refresh_token)
        if row is None or row.revoked_at is not None:
            return None
        now = datetime.now(UTC)
        if row.used_at is not None:  # replayed: whoever holds the family is suspect
            for member in self.store.families.get(row.family_id, []):
                member.revoked_at = member.revoked_at or now
            return None
        if row.expires_at <= now:
            return None
        return Refresh(row)

    def authenticate_user(self, refresh_token: Refresh) -> Engineer | None:
        return self.store.engineers.get(refresh_token.row.engineer_id)

    def revoke_old_credential(self, refresh_token: Refresh) -> None:
        refresh_token.row.used_at = datetime.now(UTC)


class Revocation(RevocationEndpoint):  # type: ignore[misc]
    """RFC 7009: revoke a refresh token (and its family) or an access token (by `jti`)."""

    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    @property
    def store(self) -> Prefetched:
        return self.server.store  # type: ignore[no-any-return]

    def query_token(self, token_string: str, token_type_hint: str | None) -> Any:
        refresh = self.store.refresh_tokens.get(token_string)
        if refresh is not None:
            return Refresh(refresh)
        access = self.store.access_token_ids.get(token_string)
        if access is not None:
            return access
        return None

    def authenticate_token(self, request: OAuth2Request, client: Client) -> Any:
        self.check_params(request, client)
        token = self.query_token(request.form["token"], request.form.get("token_type_hint"))
        if isinstance(token, Refresh) and not token.check_client(client):
            return None  # RFC 7009: not this client's token; answer 200 without revoking
        if isinstance(token, tuple) and token[0] != client.row.client_id:
            return None
        return token

    def revoke_token(self, token: Any, request: OAuth2Request) -> None:
        now = datetime.now(UTC)
        if isinstance(token, Refresh):
            for member in self.store.families.get(token.row.family_id, [token.row]):
                member.revoked_at = member.revoked_at or now
            return
        jti, expires_at = token[1]
        self.store.added.append(
            RevokedAccessToken(jti=jti, expires_at=datetime.fromtimestamp(expires_at, UTC))
        )


class Server(AuthorizationServer):  # type: ignore[misc]
    """authlib's AuthorizationServer for one request, over rows prefetched into `store`."""

    def __init__(self, store: Prefetched, keys: KeyStore, settings: Settings) -> None:
        super().__init__(scopes_supported=[scope.value for scope in Scope])
        self.store = store
        self.keys = keys
        self.settings = settings
        self.register_grant(ClientCredentialsGrant)
        self.register_grant(AuthorizationCodeGrant, [CodeChallenge(required=True)])
        self.register_grant(RefreshTokenGrant)
        self.register_endpoint(Revocation)
        self.register_token_generator("default", self._generate)

    def query_client(self, client_id: str) -> Client | None:
        row = self.store.clients.get(client_id)
        return Client(row) if row is not None else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        raw = token.get("refresh_token")
        if raw is None or request.user is None:
            return
        assert self.store.family_id is not None, "token endpoint sets the family first"
        now = datetime.now(UTC)
        self.store.added.append(
            RefreshToken(
                token_hash=digest(raw),
                family_id=self.store.family_id,
                client_id=request.client.row.id,
                engineer_id=request.user.id,
                scope=token.get("scope", ""),
                created_at=now,
                expires_at=now + REFRESH_TOKEN_LIFETIME,
            )
        )

    def _generate(
        self,
        grant_type: str,
        client: Client,
        user: Engineer | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        scopes = parse_scopes(client.get_allowed_scope(scope))
        subject = client.row.client_id if user is None else engineer_subject(user.id)
        family = self.store.family_id if user is not None else None
        lifetime = self.settings.access_token_seconds
        access_token, _ = issue_access_token(
            self.keys.signing_key(),
            issuer=self.settings.issuer,
            audience=self.settings.audience,
            subject=subject,
            client_id=client.row.client_id,
            scopes=scopes,
            lifetime_seconds=lifetime,
            session_id=str(family) if family is not None else None,
        )
        token: dict[str, Any] = {
            "token_type": "Bearer",
            "access_token": access_token,
            "expires_in": lifetime,
            "scope": format_scopes(scopes),
        }
        if include_refresh_token and user is not None:
            token["refresh_token"] = new_token("bgr_")
        return token

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def create_json_request(self, request: Any) -> Any:
        raise NotImplementedError("JSON requests are not used")

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        merged = {**dict(headers or []), **NO_STORE}
        if isinstance(body, dict):
            merged.pop("Content-Type", None)
            return JSONResponse(body, status_code=status, headers=merged)
        return Response(body or b"", status_code=status, headers=merged)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """authlib's signals are not used."""
