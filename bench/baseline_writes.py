"""A hand-written asyncpg endpoint doing the writes of `forumPostCreate` and `chapterJoin`.

The yardstick of bench/writes.py, as bench/baseline.py is for reads: raw ASGI, one asyncpg
pool, hand-written SQL, orjson. It answers two documents only (bench/writes.py's REPLY and
JOIN, dispatched on `operationName`, the selection trusted to be theirs) with the same `data`
as our server, and does what our mutations do (graph/resolvers/forum_mutations.py and
graph/services/forum_writing.py create_post; graph/resolvers/membership.py and
graph/services/membership.py join):

- the bearer token is verified as graph/auth/tokens.py verifies it (joserfc, ES256, the
  public keys of the `signing_keys` table, loaded at start and again for an unknown `kid`;
  `typ`, `iss`, `aud`, `exp`/`nbf`, the required claims, the longest lifetime issued) and
  checked against revocation (its `jti`, its client, its sign-in session) in the first
  statement, which also loads the engineer and, for replies, their global role and active
  chapter roles (scopes from chapters_config/, as graph/auth/authentication.py does);
- the same checks in the same order with the same userErrors (global ID, thread or chapter
  not found or not readable, forum:write in the category, body 1-20,000 characters after
  stripping, locked thread unless moderator, chapter forum switched off; archived chapter,
  invitation only, already a member, suspended);
- one transaction (BEGIN ... COMMIT): a reply is an INSERT whose row triggers already in the
  database count (forum_threads.post_count, last_posted_at); the FORUM_REPLY notification to
  the thread's author when they may read the category (our fan-out statement: their channel
  preference, the row, its live event, a mail for EMAIL; the bench's bodies mention nobody);
  the thread's live event (its trigger NOTIFYs on commit, as ours); then the payload read
  after the trigger ran; a join is one INSERT (ACTIVE for open chapters, PENDING where
  approval is needed). A join writes no audit, outbox or notification rows in our server, so
  neither does this.

Statements per request: a reply BEGIN, 3, COMMIT; a join BEGIN, 2, COMMIT. What it leaves out
(as bench/baseline.py does): GraphQL parsing and validation, cost analysis, the rate budget,
metrics, access logs.

Run it with `DATABASE_URL=... uvicorn bench.baseline_writes:app --workers 1`.
"""

import base64
import binascii
import os
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet
from joserfc.jwt import JWTClaimsRegistry

from bench.baseline import Receive, Scope, Send, database_url, respond
from graph.chapters import load_registry
from graph.services.forum_writing import EXCERPT_MAX
from graph.services.notification import _FAN_OUT, FAN_OUT_PARAMETERS, MAIL_FOOTER

ALGORITHM = "ES256"
ACCEPTED_TYPES = {"at+jwt", "application/at+jwt"}
MAX_TOKEN_LENGTH = 4096
LEEWAY_SECONDS = 30
BODY_MAX = 20_000
MAX_PRIMARY_KEY = 2**31 - 1
EVENTS_CHANNEL = "braingain_events"
_DECODED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):([1-9][0-9]*)")

FORUM_WRITE, FORUM_MODERATE, CHAPTERS_READ = "forum:write", "forum:moderate", "chapters:read"
MEMBERSHIPS_WRITE = "memberships:write"
MEMBER_SCOPES = frozenset(
    {
        "profiles:read",
        "profiles:write",
        "chapters:read",
        "memberships:write",
        "forum:write",
        "opportunities:read",
        "opportunities:write",
        "engagements:read",
        "engagements:write",
        "consent:manage",
    }
)
"""graph/auth/roles.py MEMBER_SCOPES: what a MEMBER's global role grants everywhere (council
admins hold every scope)."""

VERIFICATION_KEYS = """
SELECT public_jwk FROM signing_keys
WHERE retired_at IS NULL OR retired_at > now() - interval '1 hour' ORDER BY created_at
"""

REVOKED = """(
  EXISTS (SELECT 1 FROM revoked_access_tokens WHERE jti = $1)
  OR EXISTS (SELECT 1 FROM oauth_clients WHERE client_id = $2 AND revoked_at IS NOT NULL)
  OR ($3::uuid IS NOT NULL
      AND EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = $3 AND revoked_at IS NOT NULL))
)"""
"""The token was revoked, or its client, or its sign-in session (db/queries/oauth.py)."""

REPLY_CONTEXT = f"""
SELECT {REVOKED} AS revoked, e.handle, e.name, a.global_role,
  ARRAY(SELECT ROW(m.chapter_id, c.slug, m.role) FROM memberships m
    JOIN chapters c ON c.id = m.chapter_id
    WHERE m.engineer_id = e.id AND m.status = 'ACTIVE' AND c.archived_at IS NULL) AS roles,
  t.id AS thread_id, t.title, t.hidden, t.locked, k.members_only, k.chapter_id,
  t.author_id AS thread_author,
  t.author_id IS NOT NULL AND t.author_id <> e.id AND (NOT k.members_only OR k.chapter_id IS NULL
    OR EXISTS (SELECT 1 FROM memberships r WHERE r.chapter_id = k.chapter_id
               AND r.engineer_id = t.author_id AND r.status = 'ACTIVE')) AS notify_author,
  ch.archived_at IS NULL AND coalesce(ch.features -> 'forum' = 'true'::jsonb, false) AS forum_on
FROM engineers e
LEFT JOIN accounts a ON a.engineer_id = e.id
LEFT JOIN forum_threads t ON t.id = $5
LEFT JOIN forum_categories k ON k.id = t.category_id
LEFT JOIN chapters ch ON ch.id = k.chapter_id
WHERE e.id = $4
"""
"""Revocation, the engineer, their roles, and the thread with its category and chapter."""

INSERT_REPLY = """
INSERT INTO forum_posts (thread_id, author_id, body) VALUES ($1, $2, $3)
RETURNING id, thread_id, created_at
"""
"""The reply."""

PUBLISH_REPLY = """
INSERT INTO live_events (topic, ids, change)
VALUES ('forum-thread:' || $1::int, jsonb_build_object('thread', $1::int, 'post', $2::int),
        'POST_ADDED')
"""
"""The event for the thread's subscribers (sent when the transaction commits)."""

REPLY_COUNT = "SELECT post_count FROM forum_threads WHERE id = $1"
"""The thread's reply count after the trigger counted the new reply."""

JOIN_CONTEXT = f"""
SELECT {REVOKED} AS revoked, e.handle, a.global_role,
  c.id AS chapter_id, c.slug, c.name, c.archived_at IS NOT NULL AS archived, c.join_policy,
  (SELECT m.status FROM memberships m WHERE m.chapter_id = c.id AND m.engineer_id = e.id)
    AS existing
FROM engineers e
LEFT JOIN accounts a ON a.engineer_id = e.id
LEFT JOIN chapters c ON c.id = $5
WHERE e.id = $4
"""
"""Revocation, the engineer, the chapter, and any membership they already hold there."""

INSERT_MEMBERSHIP = """
INSERT INTO memberships (chapter_id, engineer_id, role, status) VALUES ($1, $2, 'member', $3)
ON CONFLICT (chapter_id, engineer_id) DO NOTHING
RETURNING id
"""
"""The membership; nothing when a concurrent request made one first (ALREADY_MEMBER then)."""


class Refused(Exception):
    """A request our server answers with a top-level error (HTTP 401 for bad tokens)."""

    def __init__(self, message: str, code: str, status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class Claims:
    """What the verified token says."""

    engineer_id: int
    client_id: str
    scopes: frozenset[str]
    token_id: str
    session_id: str | None


def encode_id(type_name: str, key: int) -> str:
    """graph/ids.py encode_id."""
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def decode_id(value: str, expected: str) -> int | None:
    """The key of the canonical global ID of an `expected` object; None for anything else."""
    if not value or len(value) > 64:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    match = _DECODED.fullmatch(raw)
    if match is None or match[1] != expected or int(match[2]) > MAX_PRIMARY_KEY:
        return None
    key = int(match[2])
    return key if encode_id(expected, key) == value else None


def user_error(code: str, message: str, *field: str) -> dict[str, Any]:
    """One entry of `userErrors`."""
    return {"field": list(field) or None, "code": code, "message": message}


class Keys:
    """The verifying keys, read from `signing_keys` (again, at most every 5 s, for a new kid)."""

    def __init__(self) -> None:
        self.keyset = KeySet([])
        self.kids: set[str] = set()
        self.loaded_at = 0.0

    async def load(self, pool: asyncpg.Pool) -> None:
        """Read the public keys."""
        rows = await pool.fetch(VERIFICATION_KEYS)
        keys = [ECKey.import_key(orjson.loads(row["public_jwk"])) for row in rows]
        self.keyset = KeySet(list(keys))
        self.kids = {key.kid for key in keys if key.kid is not None}
        self.loaded_at = time.monotonic()

    async def verify(self, pool: asyncpg.Pool, token: str, settings: Mapping[str, Any]) -> Claims:
        """The claims of a valid access token; Refused (401) otherwise."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise Refused("Invalid access token: malformed token.", "UNAUTHENTICATED", 401)
        try:
            kid = jws.extract_compact(token.encode()).headers().get("kid")
        except (JoseError, ValueError, UnicodeError):
            kid = None
        if not isinstance(kid, str):
            raise Refused("Invalid access token: no key id.", "UNAUTHENTICATED", 401)
        if kid not in self.kids and time.monotonic() - self.loaded_at > 5:
            await self.load(pool)
        try:
            decoded = jwt.decode(token, self.keyset, algorithms=[ALGORITHM])
        except (JoseError, ValueError, TypeError, UnicodeError):
            raise Refused("Invalid access token: signature.", "UNAUTHENTICATED", 401) from None
        typ = decoded.header.get("typ")
        if decoded.header.get("alg") != ALGORITHM or not (
            isinstance(typ, str) and typ.lower() in ACCEPTED_TYPES
        ):
            raise Refused("Invalid access token: not an access token.", "UNAUTHENTICATED", 401)
        claims = decoded.claims
        try:
            JWTClaimsRegistry(
                leeway=LEEWAY_SECONDS,
                iss={"essential": True, "value": settings["issuer"]},
                aud={"essential": True, "value": settings["audience"]},
                exp={"essential": True},
                sub={"essential": True},
                client_id={"essential": True},
                jti={"essential": True},
                iat={"essential": True},
            ).validate(claims)
        except JoseError:
            raise Refused("Invalid access token: claims.", "UNAUTHENTICATED", 401) from None
        issued, expires, scope = claims["iat"], claims["exp"], claims.get("scope", "")
        session = claims.get("sid")
        if (
            not isinstance(scope, str)
            or not all(isinstance(claims[name], str) for name in ("sub", "client_id", "jti"))
            or not (session is None or isinstance(session, str))
            or not isinstance(issued, int)
            or not isinstance(expires, int)
            or issued > time.time() + LEEWAY_SECONDS
            or expires - issued > settings["lifetime"]
        ):
            raise Refused("Invalid access token: claims.", "UNAUTHENTICATED", 401)
        engineer_id = decode_id(claims["sub"], "Engineer")
        if engineer_id is None:
            raise Refused("Invalid access token: unknown subject.", "UNAUTHENTICATED", 401)
        return Claims(
            engineer_id, claims["client_id"], frozenset(scope.split()), claims["jti"], session
        )


@dataclass(frozen=True)
class Viewer:
    """The engineer acting, with what their token, global role and chapter roles grant."""

    scopes: frozenset[str]
    admin: bool
    chapter_scopes: Mapping[int, frozenset[str]]

    def has_scope(self, scope: str) -> bool:
        """graph/auth/viewer.py Viewer.has_scope for an engineer."""
        return scope in self.scopes and (self.admin or scope in MEMBER_SCOPES)

    def in_chapter(self, scope: str, chapter_id: int) -> bool:
        """A chapter role grants `scope` there (chapters_with_scope)."""
        return scope in self.scopes and scope in self.chapter_scopes.get(chapter_id, ())

    def moderates(self, chapter_id: int | None) -> bool:
        """db/queries/forum.py ForumScope.moderates."""
        if chapter_id is None:
            return self.has_scope(FORUM_MODERATE)
        return self.has_scope(FORUM_MODERATE) or self.in_chapter(FORUM_MODERATE, chapter_id)


Handler = Callable[["WritesApp", Claims, dict[str, Any]], Awaitable[dict[str, Any]]]


REPLY_NOTIFICATION = _FAN_OUT
"""graph.services.notification's one fan-out statement (preferences, row, live event, mail)."""


async def _notify_reply(
    connection: Any, row: Any, engineer_id: int, post_id: int, body: str
) -> None:
    """The FORUM_REPLY notification our server writes (mentions: the bench's bodies have none)."""
    excerpt = body if len(body) <= EXCERPT_MAX else body[: EXCERPT_MAX - 1] + "…"
    line = f"@{row['handle']} replied to your thread “{row['title']}”"
    payload = {"summary": line, "excerpt": excerpt}
    values = {
        "default_channel": "EMAIL_DIGEST",
        "recipients": [row["thread_author"]],
        "kind": "FORUM_REPLY",
        "opportunity_id": None,
        "application_id": None,
        "engagement_id": None,
        "thread_id": row["thread_id"],
        "post_id": post_id,
        "chapter_id": row["chapter_id"],
        "event_id": None,
        "announcement_id": None,
        "actor_id": engineer_id,
        "payload": orjson.dumps(payload).decode(),
        "subject": line[:200],
        "body": line + f"\n\n{excerpt}" + MAIL_FOOTER,
        "then_topic": None,  # the thread's event goes in its own statement (PUBLISH_REPLY)
        "then_ids": None,
        "then_change": None,
    }
    await connection.execute(REPLY_NOTIFICATION, *[values[name] for name in FAN_OUT_PARAMETERS])


async def forum_post_create(app: "WritesApp", claims: Claims, variables: dict[str, Any]) -> Any:
    """forumPostCreate with `post { id body createdAt author { handle name } thread { title
    posts(first: 1) { totalCount } } } userErrors { field code message }`."""
    data = variables.get("input") or {}
    thread_key = decode_id(str(data.get("thread", "")), "ForumThread")
    if thread_key is None:
        message = "Not the ID of a ForumThread."
        return _refused(
            "forumPostCreate", "post", user_error("NOT_FOUND", message, "input", "thread")
        )
    async with app.pool.acquire() as connection, connection.transaction():
        row = await connection.fetchrow(
            REPLY_CONTEXT,
            claims.token_id,
            claims.client_id,
            claims.session_id,
            claims.engineer_id,
            thread_key,
        )
        viewer = app.viewer(row, claims)
        category = row["chapter_id"]
        readable = row["thread_id"] is not None and (
            not row["members_only"]
            or (viewer.admin and CHAPTERS_READ in viewer.scopes)
            or viewer.in_chapter(CHAPTERS_READ, category)
        )
        if not readable or (row["hidden"] and not viewer.moderates(category)):
            error = user_error("NOT_FOUND", "No such thread.", "input", "thread")
            return _refused("forumPostCreate", "post", error)
        if FORUM_WRITE not in claims.scopes:
            message = "The access token lacks the `forum:write` scope."
            raise Refused(message, "INSUFFICIENT_SCOPE")
        allowed = (
            viewer.has_scope(FORUM_WRITE)
            if category is None
            else viewer.admin or viewer.in_chapter(FORUM_WRITE, category)
        )
        if not allowed:
            raise Refused("Only the chapter's active members can write in its forum.", "FORBIDDEN")
        body = str(data.get("body", "")).strip()
        if not 1 <= len(body) <= BODY_MAX:
            message = f"A body has 1 to {BODY_MAX} characters."
            return _refused(
                "forumPostCreate", "post", user_error("INVALID_BODY", message, "input", "body")
            )
        if row["locked"] and not viewer.moderates(category):
            error = user_error("LOCKED", "The thread is locked.", "input", "thread")
            return _refused("forumPostCreate", "post", error)
        if category is not None and not row["forum_on"]:
            error = user_error("FORUM_DISABLED", "The chapter's forum is switched off.", "input")
            return _refused("forumPostCreate", "post", error)
        post = await connection.fetchrow(INSERT_REPLY, thread_key, claims.engineer_id, body)
        if row["notify_author"]:  # the thread's author hears of the reply, as they chose
            await _notify_reply(connection, row, claims.engineer_id, post["id"], body)
        await connection.execute(PUBLISH_REPLY, thread_key, post["id"])
        total = await connection.fetchval(REPLY_COUNT, thread_key)
    return {
        "forumPostCreate": {
            "post": {
                "id": encode_id("ForumPost", post["id"]),
                "body": body,
                "createdAt": post["created_at"],
                "author": {"handle": row["handle"], "name": row["name"]},
                "thread": {"title": row["title"], "posts": {"totalCount": total}},
            },
            "userErrors": [],
        }
    }


async def chapter_join(app: "WritesApp", claims: Claims, variables: dict[str, Any]) -> Any:
    """chapterJoin with `membership { id status role chapter { slug name } engineer { handle } }
    userErrors { field code message }`."""
    if MEMBERSHIPS_WRITE not in claims.scopes:
        message = "The access token lacks the `memberships:write` scope."
        raise Refused(message, "INSUFFICIENT_SCOPE")
    chapter_key = decode_id(str((variables.get("input") or {}).get("chapter", "")), "Chapter")
    if chapter_key is None:
        error = user_error("NOT_FOUND", "Not the ID of a Chapter.", "input", "chapter")
        return _refused("chapterJoin", "membership", error)
    async with app.pool.acquire() as connection, connection.transaction():
        row = await connection.fetchrow(
            JOIN_CONTEXT,
            claims.token_id,
            claims.client_id,
            claims.session_id,
            claims.engineer_id,
            chapter_key,
        )
        app.viewer(row, claims, roles=False)
        if row["chapter_id"] is None:
            error = user_error("NOT_FOUND", "No such chapter.", "input", "chapter")
            return _refused("chapterJoin", "membership", error)
        if row["archived"]:
            error = user_error("ARCHIVED", "The chapter is archived.", "input", "chapter")
            return _refused("chapterJoin", "membership", error)
        if row["join_policy"] == "INVITE":
            message = "This chapter admits by invitation."
            error = user_error("INVITE_ONLY", message, "input", "chapter")
            return _refused("chapterJoin", "membership", error)
        status = "ACTIVE" if row["join_policy"] == "OPEN" else "PENDING"
        key = None
        if row["existing"] is None:
            key = await connection.fetchval(
                INSERT_MEMBERSHIP, chapter_key, claims.engineer_id, status
            )
        if key is None:
            if row["existing"] == "SUSPENDED":
                message = "Your membership is suspended."
                error = user_error("SUSPENDED", message, "input", "chapter")
            else:
                message = "You are a member or have asked to join."
                error = user_error("ALREADY_MEMBER", message, "input", "chapter")
            return _refused("chapterJoin", "membership", error)
    return {
        "chapterJoin": {
            "membership": {
                "id": encode_id("Membership", key),
                "status": status,
                "role": "member",
                "chapter": {"slug": row["slug"], "name": row["name"]},
                "engineer": {"handle": row["handle"]},
            },
            "userErrors": [],
        }
    }


def _refused(field: str, payload: str, error: dict[str, Any]) -> dict[str, Any]:
    return {field: {payload: None, "userErrors": [error]}}


HANDLERS: dict[str, Handler] = {"Reply": forum_post_create, "Join": chapter_join}


class WritesApp:
    """Raw ASGI: POST /graphql for the two mutations, GET /healthz; a pool of `pool_size`."""

    def __init__(self, pool_size: int = 20) -> None:
        self.pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        self.keys = Keys()
        issuer = os.environ.get("BRAINGAIN_ISSUER", "http://127.0.0.1:8000").rstrip("/")
        self.settings = {
            "issuer": issuer,
            "audience": f"{issuer}/graphql",
            "lifetime": int(os.environ.get("BRAINGAIN_ACCESS_TOKEN_SECONDS", "600")),
        }
        registry = load_registry()
        self.role_scopes: dict[tuple[str, str], frozenset[str]] = {
            (slug, role): frozenset(scope.value for scope in config.scopes)
            for slug, chapter in registry.items()
            for role, config in chapter.roles.items()
        }

    @property
    def pool(self) -> asyncpg.Pool:
        """The connection pool (open after startup)."""
        assert self._pool is not None, "used before startup"
        return self._pool

    def viewer(self, row: Any, claims: Claims, roles: bool = True) -> Viewer:
        """The viewer of a context row; Refused (401) when the token is revoked or the engineer
        gone, as graph/auth/authentication.py load_viewer refuses it."""
        if row is None:
            raise Refused(
                "Invalid access token: engineer no longer exists.", "UNAUTHENTICATED", 401
            )
        if row["revoked"]:
            raise Refused("Invalid access token: token was revoked.", "UNAUTHENTICATED", 401)
        chapter_scopes = (
            {
                chapter_id: self.role_scopes.get((slug, role), frozenset())
                for chapter_id, slug, role in row["roles"]
            }
            if roles
            else {}
        )
        return Viewer(claims.scopes, row["global_role"] == "COUNCIL_ADMIN", chapter_scopes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
        elif scope["type"] == "http":
            await self.http(scope, receive, send)

    async def lifespan(self, receive: Receive, send: Send) -> None:
        """Open the pool and read the keys on startup, close the pool on shutdown."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._pool = await asyncpg.create_pool(
                    database_url(),
                    min_size=2,
                    max_size=self.pool_size,
                    server_settings={"application_name": "braingain-bench-baseline-writes"},
                )
                await self.keys.load(self._pool)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._pool is not None:
                    await self._pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Route one request."""
        if scope["path"] == "/healthz":
            await respond(send, 200, b'{"status":"ok"}')
            return
        if scope["path"] != "/graphql" or scope["method"] != "POST":
            await respond(send, 404, b'{"error":"not found"}')
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        request = orjson.loads(body)
        name = request.get("operationName") or ""
        handler = HANDLERS.get(name)
        if handler is None:
            await respond(send, 400, b'{"errors":[{"message":"unknown operation"}]}')
            return
        try:
            claims = await self.keys.verify(self.pool, _bearer(scope), self.settings)
            data = await handler(self, claims, request.get("variables") or {})
        except Refused as refused:
            error = {"message": str(refused), "extensions": {"code": refused.code}}
            await respond(send, refused.status, orjson.dumps({"errors": [error], "data": None}))
            return
        await respond(send, 200, orjson.dumps({"data": data}))


def _bearer(scope: Scope) -> str:
    """The token of the `Authorization: Bearer` header (mutations need one)."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            kind, _, token = bytes(value).decode("latin-1").strip().partition(" ")
            if kind.lower() == "bearer" and token.strip() and " " not in token.strip():
                return token.strip()
            break
    raise Refused("Sign in: this operation needs an access token.", "UNAUTHENTICATED", 401)


app = WritesApp(int(os.environ.get("BENCH_POOL_SIZE", "20")))
