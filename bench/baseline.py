"""A hand-written asyncpg endpoint answering Q1-Q4 and Q7 with the same JSON as our GraphQL server.

It is the yardstick of the benchmark: one SQL statement per request, rows turned into the
response dicts by hand and serialised with orjson. It does not parse GraphQL; it dispatches on
`operationName` and trusts the document to be the one in bench/queries.py.

Run it with `DATABASE_URL=... uvicorn bench.baseline:app --workers 1`.
"""

import base64
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import asyncpg
import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Handler = Callable[[asyncpg.Pool, dict[str, Any]], Awaitable[dict[str, Any]]]

MAX_HANDLE_LENGTH = 64  # the server answers null without a query for longer handles

# Anonymous requests only: masked profile fields (city, skills, positions) are shown when the
# engineer's engineers.field_visibility level for them is PUBLIC, which is the default.


def public(field: str) -> str:
    """SQL: anonymous viewers may see this profile field (its visibility, default PUBLIC).

    A key holding anything but "PUBLIC" (JSON null and unknown levels included) hides the
    field, as graph.services.visibility.level_of does.
    """
    return f"(NOT e.field_visibility ? '{field}' OR e.field_visibility ->> '{field}' = 'PUBLIC')"


ENGINEER_WITH_CHAPTERS = """
SELECT e.id, e.handle, e.name, e.headline, e.country_code,
  CASE WHEN {city} THEN e.city END AS city,
  (SELECT count(*) FROM memberships m JOIN chapters c ON c.id = m.chapter_id
    WHERE m.engineer_id = e.id AND m.status = 'ACTIVE' AND c.archived_at IS NULL) AS total,
  ARRAY(SELECT ROW(c.id, c.slug, c.name) FROM memberships m JOIN chapters c ON c.id = m.chapter_id
    WHERE m.engineer_id = e.id AND m.status = 'ACTIVE' AND c.archived_at IS NULL
    ORDER BY c.name, c.id LIMIT 10) AS chapters
FROM engineers e WHERE e.handle = $1
""".format(city=public("city"))

ENGINEER_PAGE = """
SELECT e.id, e.handle, e.name, e.headline,
  ARRAY(SELECT ROW(m.role, m.since, c.slug, c.name) FROM memberships m
    JOIN chapters c ON c.id = m.chapter_id
    WHERE m.engineer_id = e.id AND m.status = 'ACTIVE' ORDER BY m.since, m.id LIMIT 10)
    AS memberships,
  CASE WHEN {skills} THEN ARRAY(SELECT ROW(es.level, es.years, s.slug, s.name)
    FROM engineer_skills es JOIN skills s ON s.id = es.skill_id
    WHERE es.engineer_id = e.id ORDER BY es.years DESC, s.name) END AS skills,
  CASE WHEN {positions} THEN ARRAY(SELECT ROW(p.title, p.organization, p.start_date, p.end_date)
    FROM positions p WHERE p.engineer_id = e.id
    ORDER BY p.end_date DESC NULLS FIRST, p.start_date DESC, p.id) END AS positions
FROM engineers e ORDER BY e.name, e.id LIMIT $1
""".format(skills=public("skills"), positions=public("positions"))

CHAPTER_WITH_MEMBERS = """
SELECT c.id, c.name,
  (SELECT count(*) FROM memberships m WHERE m.chapter_id = c.id AND m.status = 'ACTIVE') AS total,
  ARRAY(SELECT ROW(m.id, m.role, m.since, e.handle, e.name)
    FROM (SELECT id, role, since, engineer_id FROM memberships
      WHERE chapter_id = c.id AND status = 'ACTIVE' ORDER BY since, id LIMIT 100) m
    JOIN engineers e ON e.id = m.engineer_id ORDER BY m.since, m.id) AS members
FROM chapters c WHERE c.slug = $1
"""

THREAD_PAGE = """
SELECT t.title, t.body, t.tags, t.created_at, t.post_count, a.handle, a.name,
  ARRAY(SELECT ROW(p.id, CASE WHEN p.hidden THEN NULL ELSE p.body END, p.created_at, p.score,
      e.id, e.handle, e.name, e.headline)
    FROM (SELECT id, body, hidden, created_at, score, author_id FROM forum_posts
      WHERE thread_id = t.id ORDER BY created_at, id LIMIT 51) p
    LEFT JOIN engineers e ON e.id = p.author_id ORDER BY p.created_at, p.id) AS posts
FROM forum_threads t JOIN forum_categories c ON c.id = t.category_id
LEFT JOIN engineers a ON a.id = t.author_id
WHERE t.id = $1 AND NOT t.hidden AND NOT c.members_only
"""
"""Q4 for anonymous viewers: members-only categories and hidden threads read as null, hidden
replies keep their place with a null body; the total is the thread's maintained reply count."""


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, as our endpoint writes it."""
    return orjson.dumps(value)


def global_id(type_name: str, key: int) -> str:
    """The server's opaque ID: unpadded base64url of "<Type>:<pk>"."""
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def cursor(ordering: str, *key: Any) -> str:
    """The server's keyset cursor: unpadded base64url of the JSON [ordering, [key...]]."""
    return base64.urlsafe_b64encode(orjson.dumps([ordering, list(key)])).decode().rstrip("=")


async def engineer_with_chapters(pool: asyncpg.Pool, variables: dict[str, Any]) -> dict[str, Any]:
    """Q1: one engineer by handle with the first 10 chapters it is an active member of."""
    handle = str(variables["handle"])
    if len(handle) > MAX_HANDLE_LENGTH:
        return {"engineer": None}
    row = await pool.fetchrow(ENGINEER_WITH_CHAPTERS, handle.lower())
    if row is None:
        return {"engineer": None}
    return {
        "engineer": {
            "id": global_id("Engineer", row["id"]),
            "handle": row["handle"],
            "name": row["name"],
            "headline": row["headline"],
            "city": row["city"],
            "countryCode": row["country_code"],
            "chapters": {
                "totalCount": row["total"],
                "nodes": [
                    {"id": global_id("Chapter", key), "slug": slug, "name": name}
                    for key, slug, name in row["chapters"]
                ],
            },
        }
    }


async def engineer_page(pool: asyncpg.Pool, variables: dict[str, Any]) -> dict[str, Any]:
    """Q2: the first 50 engineers by name with memberships' chapters, skills and positions."""
    del variables
    size = 50
    rows = await pool.fetch(ENGINEER_PAGE, size + 1)
    edges = [
        {
            "cursor": cursor("NAME_ASC", row["name"], row["id"]),
            "node": {
                "id": global_id("Engineer", row["id"]),
                "handle": row["handle"],
                "name": row["name"],
                "headline": row["headline"],
                "memberships": {
                    "nodes": [
                        {"role": role, "since": since, "chapter": {"slug": slug, "name": name}}
                        for role, since, slug, name in row["memberships"]
                    ]
                },
                "skills": None
                if row["skills"] is None
                else [
                    {"level": level, "years": years, "skill": {"slug": slug, "name": name}}
                    for level, years, slug, name in row["skills"]
                ],
                "positions": None
                if row["positions"] is None
                else [
                    {
                        "title": title,
                        "organization": organization,
                        "startDate": start,
                        "endDate": end,
                    }
                    for title, organization, start, end in row["positions"]
                ],
            },
        }
        for row in rows[:size]
    ]
    return {
        "engineers": {
            "edges": edges,
            "pageInfo": {
                "hasNextPage": len(rows) > size,
                "endCursor": edges[-1]["cursor"] if edges else None,
            },
        }
    }


async def chapter_with_members(pool: asyncpg.Pool, variables: dict[str, Any]) -> dict[str, Any]:
    """Q3: one chapter by slug with its first 100 active members and their count."""
    row = await pool.fetchrow(CHAPTER_WITH_MEMBERS, str(variables["slug"]))
    if row is None:
        return {"chapter": None}
    return {
        "chapter": {
            "id": global_id("Chapter", row["id"]),
            "name": row["name"],
            "members": {
                "totalCount": row["total"],
                "edges": [
                    {
                        "cursor": cursor("SINCE_ASC", since, key),
                        "node": {
                            "role": role,
                            "since": since,
                            "engineer": {"handle": handle, "name": name},
                        },
                    }
                    for key, role, since, handle, name in row["members"]
                ],
            },
        }
    }


def thread_key(value: str) -> int | None:
    """The primary key inside a ForumThread global ID; None for anything else."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    type_name, _, key = raw.partition(":")
    if type_name != "ForumThread" or not key.isdigit() or not 0 < int(key) < 2**31:
        return None
    return int(key)


async def thread_page(pool: asyncpg.Pool, variables: dict[str, Any]) -> dict[str, Any]:
    """Q4: a forum thread by global ID with its first 50 replies (oldest first) and authors."""
    key = thread_key(str(variables["id"]))
    if key is None:
        return {"node": None}
    row = await pool.fetchrow(THREAD_PAGE, key)
    if row is None:
        return {"node": None}
    size = 50
    posts = row["posts"]
    edges = [
        {
            "cursor": cursor("CREATED_AT", created, post_id),
            "node": {
                "id": global_id("ForumPost", post_id),
                "body": body,
                "createdAt": created,
                "score": score,
                "author": None
                if author_id is None
                else {"handle": handle, "name": name, "headline": headline},
            },
        }
        for post_id, body, created, score, author_id, handle, name, headline in posts[:size]
    ]
    return {
        "node": {
            "id": global_id("ForumThread", key),
            "title": row["title"],
            "body": row["body"],
            "tags": row["tags"],
            "createdAt": row["created_at"],
            "author": None
            if row["handle"] is None
            else {"handle": row["handle"], "name": row["name"]},
            "posts": {
                "totalCount": row["post_count"],
                "edges": edges,
                "pageInfo": {
                    "hasNextPage": len(posts) > size,
                    "endCursor": edges[-1]["cursor"] if edges else None,
                },
            },
        }
    }


OPPORTUNITY_SEARCH = """
WITH found AS (
  SELECT o.* FROM opportunities o
  WHERE o.visibility = 'PUBLIC' AND o.status = 'OPEN'
    AND (o.deadline IS NULL OR o.deadline > now())
    AND o.kind = $2
    AND o.id IN (SELECT os.opportunity_id FROM opportunity_sectors os
                 JOIN sectors s ON s.id = os.sector_id WHERE s.slug = $1)
)
SELECT (SELECT count(*) FROM found) AS total,
  ARRAY(
    SELECT ROW(o.id, o.title, o.kind, o.hours_per_month, o.deadline,
      e.handle, e.name, i.slug, i.name,
      ARRAY(SELECT ROW(k.minimum_level, sk.slug, sk.name)
            FROM opportunity_skills k JOIN skills sk ON sk.id = k.skill_id
            WHERE k.opportunity_id = o.id ORDER BY sk.name, k.skill_id))
    FROM (SELECT * FROM found ORDER BY created_at DESC, id DESC LIMIT 20) o
    LEFT JOIN engineers e ON e.id = o.poster_id
    LEFT JOIN institutions i ON i.id = o.institution_id
    ORDER BY o.created_at DESC, o.id DESC
  ) AS page
"""
"""Q7 for anonymous viewers: PUBLIC opportunities OPEN as read (not past their deadline) of
one kind in one sector, newest first, with poster, institution and wanted skills."""


async def opportunity_search(pool: asyncpg.Pool, variables: dict[str, Any]) -> dict[str, Any]:
    """Q7: the first 20 open opportunities of a kind in a sector, and how many there are."""
    row = await pool.fetchrow(OPPORTUNITY_SEARCH, str(variables["sector"]), str(variables["kind"]))
    assert row is not None
    return {
        "opportunities": {
            "totalCount": row["total"],
            "nodes": [
                {
                    "id": global_id("Opportunity", key),
                    "title": title,
                    "kind": kind,
                    "hoursPerMonth": hours,
                    "deadline": deadline,
                    "poster": None if handle is None else {"handle": handle, "name": name},
                    "institution": None if slug is None else {"slug": slug, "name": institution},
                    "skills": [
                        {"minimumLevel": level, "skill": {"slug": skill_slug, "name": skill}}
                        for level, skill_slug, skill in skills
                    ],
                }
                for (
                    key,
                    title,
                    kind,
                    hours,
                    deadline,
                    handle,
                    name,
                    slug,
                    institution,
                    skills,
                ) in (row["page"])
            ],
        }
    }


HANDLERS: dict[str, Handler] = {
    "Q1": engineer_with_chapters,
    "Q2": engineer_page,
    "Q3": chapter_with_members,
    "Q4": thread_page,
    "Q7": opportunity_search,
}


def database_url() -> str:
    """DATABASE_URL in the libpq form asyncpg wants."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("DATABASE_URL is not set")
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


class BaselineApp:
    """Raw ASGI: POST /graphql for Q1-Q4, GET /healthz; an asyncpg pool opened at startup.

    The pool grows to 20 connections, like our server's (10 plus 10 overflow), but keeps them.
    """

    def __init__(self, pool_size: int = 20) -> None:
        self.pool_size = pool_size
        self.pool: asyncpg.Pool | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
        elif scope["type"] == "http":
            await self.http(scope, receive, send)

    async def lifespan(self, receive: Receive, send: Send) -> None:
        """Open the pool on startup, close it on shutdown."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.pool = await asyncpg.create_pool(
                    database_url(),
                    min_size=2,
                    max_size=self.pool_size,
                    server_settings={"application_name": "braingain-bench-baseline"},
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.pool is not None:
                    await self.pool.close()
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
        handler = HANDLERS.get(request.get("operationName") or "")
        if handler is None or self.pool is None:
            await respond(send, 400, b'{"errors":[{"message":"unknown operation"}]}')
            return
        data = await handler(self.pool, request.get("variables") or {})
        await respond(send, 200, dumps({"data": data}))


async def respond(send: Send, status: int, body: bytes) -> None:
    """Send a complete JSON response."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


app = BaselineApp()
