"""Writes: forumPostCreate and chapterJoin, ours (and an older checkout) vs hand-written.

    python -m bench.writes --scale 10 --rounds 2 --seconds 5 --concurrency 16 64

Up to three servers, each one process (uvicorn, one worker) on the same database: our server
("after": the payload is read by the compiled path, graph/compiler/objects.py, inside the
mutation's transaction), and, with `--before-checkout`, the same from another worktree (an
older commit: "before"; reads have no switch to turn off any more), both with the production
settings bench/compiled.py uses
(`BRAINGAIN_ENV=production`, budget lifted so one client is not throttled); and
bench/baseline_writes.py, the hand-written asyncpg endpoint. Writes go through our SQLAlchemy
pool (10 + 10 overflow = at most 20 connections; the compiled pool, `--read-pool-size`, serves
reads only), and the baseline's asyncpg pool holds at most 20 (`--pool-size`). The check runs
with the three servers up; then each measured run starts its server afresh and stops it after
(three full pools at once exhaust PostgreSQL's 100 connections on a shared machine).

The database is `--database-url` (default bg_bench_writes, created when missing and seeded at
`--scale` unless data is there). Every request is signed in: access tokens are minted with the
database's signing key for thousands of engineers (re-minted before they expire). A reply
rotates over engineers, public unlocked threads of global and sector categories and bodies; a
join takes the next unused (engineer, chapter) pair of the open chapters, each pair once.
Before each run the rows earlier runs added are deleted (memberships, replies — the reply
counter trigger counts them back down), so every run starts from the same data; at the end
the threads' `last_posted_at` are restored too.

Before measuring, the check: each of eight requests (a reply, a reply to a locked thread, a
blank reply, a malformed thread ID; a join of an open chapter, of an approval chapter, of an
invitation-only chapter, and a second join) is sent to every server from the same state (the
id sequences set back between servers, so new rows get the same ids); the `data` must be
equal, `createdAt` apart (the time differs, its format must not), and so must the events
NOTIFY delivered on commit.

Load is bench/traffic.py (closed loop, keep-alive connections, a token per request): for each
mutation and concurrency, `--rounds` rounds alternate the servers, each run `--warmup` s then
`--seconds` s measured; a refused write (non-empty userErrors) counts as an error. CPU per
request is the server process plus the PostgreSQL backends serving it (found by the client
ports of the server's connections), from /proc around the measured window; the load average
is printed with every run (the machine is shared).
"""

import argparse
import asyncio
import itertools
import os
import re
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import asyncpg
import orjson
import psutil

from bench.baseline import global_id
from bench.cpu import wait_idle
from bench.run import ensure_database, libpq_url, seed
from bench.servers import UNTHROTTLED, Server, free_port, uvicorn_command
from bench.traffic import Group, Request, TrafficResult, run

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/bg_bench_writes"
TOKEN_REFRESH_SECONDS = 300.0
"""Tokens live 10 minutes (BRAINGAIN_ACCESS_TOKEN_SECONDS); re-mint after 5."""

REPLY = """mutation Reply($input: ForumPostCreateInput!) {
  forumPostCreate(input: $input) {
    post {
      id body createdAt
      author { handle name }
      thread { title posts(first: 1) { totalCount } }
    }
    userErrors { field code message }
  }
}"""
JOIN = """mutation Join($input: ChapterMembershipInput!) {
  chapterJoin(input: $input) {
    membership { id status role chapter { slug name } engineer { handle } }
    userErrors { field code message }
  }
}"""
SUCCESS = '"userErrors":[]'
"""What an accepted write's response contains (refused ones list their userErrors)."""

BODIES = (
    "Thanks, this matches what we saw on the coastal project: the revised load tables helped.",
    "Could you share the reference for the 2024 guidance? Our chapter is reviewing it next week.",
    "We ran into the same issue with the permits; the municipality accepted the phased plan.",
    "Good point about the retrofit costs. Has anyone compared the two suppliers on lead times?",
)

OPEN_THREADS = """
SELECT t.id FROM forum_threads t JOIN forum_categories c ON c.id = t.category_id
WHERE c.chapter_id IS NULL AND NOT c.members_only AND NOT t.hidden AND NOT t.locked
ORDER BY t.id
"""
"""Threads any engineer may reply to: public, unlocked, in global and sector categories."""

JOIN_PAIRS = """
SELECT e.id AS engineer_id, c.id AS chapter_id
FROM (SELECT id, handle FROM engineers ORDER BY md5(handle) LIMIT $1) e
CROSS JOIN chapters c
WHERE c.join_policy = 'OPEN' AND c.archived_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.engineer_id = e.id AND m.chapter_id = c.id)
ORDER BY md5(e.handle || c.slug)
"""
"""(engineer, chapter) pairs a join succeeds for: open chapters the engineer is not in."""


@dataclass(frozen=True)
class Fixtures:
    """What the requests are made of."""

    engineers: list[int]
    threads: list[int]
    pairs: list[tuple[int, int]]
    locked_thread: int | None
    approval_chapter: int | None
    invite_chapter: int | None


async def fixtures(url: str, engineers: int) -> Fixtures:
    """Engineers (a fixed pseudo-random spread), open threads, join pairs, check targets."""
    connection = await asyncpg.connect(url)
    try:
        engineer_rows = await connection.fetch(
            "SELECT id FROM engineers ORDER BY md5(handle) LIMIT $1", engineers
        )
        threads = await connection.fetch(OPEN_THREADS)
        pairs = await connection.fetch(JOIN_PAIRS, engineers)
        locked = await connection.fetchval(
            "SELECT t.id FROM forum_threads t JOIN forum_categories c ON c.id = t.category_id"
            " WHERE c.chapter_id IS NULL AND NOT t.hidden AND t.locked ORDER BY t.id LIMIT 1"
        )
        policies = {
            row["join_policy"]: row["id"]
            for row in await connection.fetch(
                "SELECT DISTINCT ON (join_policy) join_policy, id FROM chapters"
                " WHERE archived_at IS NULL ORDER BY join_policy, id"
            )
        }
    finally:
        await connection.close()
    return Fixtures(
        engineers=[row["id"] for row in engineer_rows],
        threads=[row["id"] for row in threads],
        pairs=[(row["engineer_id"], row["chapter_id"]) for row in pairs],
        locked_thread=locked,
        approval_chapter=policies.get("APPROVAL"),
        invite_chapter=policies.get("INVITE"),
    )


class Tokens:
    """Access tokens for engineers, signed with the database's key as our server issues them."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.tokens: dict[int, str] = {}
        self.minted_at = 0.0

    def for_engineers(self, engineer_ids: Sequence[int]) -> dict[int, str]:
        """A live token for each engineer (all minted again when the batch is getting old)."""
        stale = time.monotonic() - self.minted_at > TOKEN_REFRESH_SECONDS
        if stale or any(key not in self.tokens for key in engineer_ids):
            self.tokens = asyncio.run(self._mint(list(dict.fromkeys(engineer_ids))))
            self.minted_at = time.monotonic()
        return self.tokens

    async def _mint(self, engineer_ids: Sequence[int]) -> dict[int, str]:
        from sqlalchemy.ext.asyncio import async_sessionmaker

        from db.engine import create_engine
        from graph.auth.authentication import engineer_subject
        from graph.auth.keys import KeyStore
        from graph.auth.roles import MEMBER_SCOPES
        from graph.auth.tokens import issue_access_token
        from graph.services.oauth_client import CLI_CLIENT_ID
        from graph.settings import Settings

        settings = Settings.from_environment()
        engine = create_engine(self.url)
        try:
            keys = KeyStore(async_sessionmaker(engine))
            await keys.reload()
            key = keys.signing_key()
            return {
                engineer_id: issue_access_token(
                    key,
                    issuer=settings.issuer,
                    audience=settings.audience,
                    subject=engineer_subject(engineer_id),
                    client_id=CLI_CLIENT_ID,
                    scopes=MEMBER_SCOPES,
                    lifetime_seconds=settings.access_token_seconds,
                )[0]
                for engineer_id in engineer_ids
            }
        finally:
            await engine.dispose()


def bearer(token: str) -> str:
    """The Authorization header value."""
    return f"Bearer {token}"


def reply_body(thread_id: int, text: str) -> bytes:
    """A forumPostCreate request."""
    variables = {"input": {"thread": global_id("ForumThread", thread_id), "body": text}}
    return orjson.dumps({"query": REPLY, "operationName": "Reply", "variables": variables})


def join_body(chapter_id: int) -> bytes:
    """A chapterJoin request."""
    variables = {"input": {"chapter": global_id("Chapter", chapter_id)}}
    return orjson.dumps({"query": JOIN, "operationName": "Join", "variables": variables})


def reply_requests(fixtures: Fixtures, tokens: dict[int, str], count: int) -> list[Request]:
    """Replies rotating over engineers, threads and bodies."""
    engineers, threads = fixtures.engineers, fixtures.threads
    return [
        Request(
            reply_body(threads[(number * 7) % len(threads)], BODIES[number % len(BODIES)]),
            bearer(tokens[engineers[number % len(engineers)]]),
        )
        for number in range(count)
    ]


def join_requests(fixtures: Fixtures, tokens: dict[int, str]) -> list[Request]:
    """One join per unused (engineer, chapter) pair."""
    return [
        Request(join_body(chapter), bearer(tokens[engineer]))
        for engineer, chapter in fixtures.pairs
    ]


# --- the database between runs ------------------------------------------------------------


class Watermark:
    """The data as it was at the start: rows added later are deleted again."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.memberships = 0
        self.posts = 0
        self.last_posted: list[tuple[int, Any]] = []

    async def take(self) -> None:
        """Remember the highest ids and every thread's last_posted_at."""
        connection = await asyncpg.connect(self.url)
        try:
            self.memberships = await connection.fetchval(
                "SELECT coalesce(max(id), 0) FROM memberships"
            )
            self.posts = await connection.fetchval("SELECT coalesce(max(id), 0) FROM forum_posts")
            self.last_posted = [
                (row["id"], row["last_posted_at"])
                for row in await connection.fetch("SELECT id, last_posted_at FROM forum_threads")
            ]
        finally:
            await connection.close()

    async def reset(self, restore_threads: bool = False) -> int:
        """Delete what the runs added; the number of rows deleted."""
        connection = await asyncpg.connect(self.url)
        try:
            async with connection.transaction():
                memberships = await connection.execute(
                    "DELETE FROM memberships WHERE id > $1", self.memberships
                )
                posts = await connection.execute(
                    "DELETE FROM forum_posts WHERE id > $1", self.posts
                )
                if restore_threads:
                    await connection.executemany(
                        "UPDATE forum_threads SET last_posted_at = $2"
                        " WHERE id = $1 AND last_posted_at IS DISTINCT FROM $2",
                        self.last_posted,
                    )
        finally:
            await connection.close()
        return int(memberships.split()[-1]) + int(posts.split()[-1])


# --- servers and CPU -------------------------------------------------------------------------


def our_server(
    name: str,
    url: str,
    log_dir: Path,
    pool_size: int,
    checkout: Path | None = None,
) -> Server:
    """Our GraphQL server, one uvicorn worker, production settings;
    from another `checkout` (a worktree: uvicorn imports the app from its working directory)
    when given."""
    port = free_port()
    environment = dict(
        os.environ,
        DATABASE_URL=url,
        BRAINGAIN_ENV="production",
        BRAINGAIN_LOG_LEVEL="WARNING",
        BRAINGAIN_COMPILED_POOL_SIZE=str(pool_size),
        REDIS_URL="",
    )
    environment.update(UNTHROTTLED)
    return Server(
        name,
        uvicorn_command("graph.asgi:app", port),
        port,
        environment,
        log_dir / f"{name}.log",
        checkout=checkout,
    )


def handwritten_server(url: str, log_dir: Path, pool_size: int) -> Server:
    """bench/baseline_writes.py, one uvicorn worker."""
    port = free_port()
    environment = dict(os.environ, DATABASE_URL=url, BENCH_POOL_SIZE=str(pool_size))
    return Server(
        "handwritten",
        uvicorn_command("bench.baseline_writes:app", port),
        port,
        environment,
        log_dir / "handwritten.log",
    )


BACKENDS_BY_PORT = """
SELECT pid FROM pg_stat_activity
WHERE datname = current_database() AND client_port = ANY($1::int[]) AND pid <> pg_backend_pid()
"""


def _cpu_seconds(pid: int) -> float:
    try:
        times = psutil.Process(pid).cpu_times()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return 0.0
    return float(times.user + times.system)


@dataclass
class Usage:
    """CPU seconds spent in a window by a server and its backends, and the load average."""

    server: float = 0.0
    database: float = 0.0
    load_before: float = 0.0
    load_after: float = 0.0


class Meter:
    """CPU of one server process and of the PostgreSQL backends serving its connections.

    Our two servers both name their connections `braingain`, so backends are matched to a
    server by the client port of each of its TCP connections to PostgreSQL.
    """

    def __init__(self, url: str, database_port: int) -> None:
        self.database_port = database_port
        self._loop = asyncio.new_event_loop()
        self._connection = self._loop.run_until_complete(asyncpg.connect(url))
        self._start: dict[int, float] = {}
        self._server = 0.0
        self.usage = Usage()

    def backends(self, server_pid: int) -> list[int]:
        """Backend pids of the server's current connections."""
        try:
            connections = psutil.Process(server_pid).net_connections("tcp")
        except psutil.NoSuchProcess:
            return []
        ports = [
            item.laddr.port
            for item in connections
            if item.raddr and item.raddr.port == self.database_port
        ]
        rows = self._loop.run_until_complete(self._connection.fetch(BACKENDS_BY_PORT, ports))
        return [row["pid"] for row in rows]

    def start(self, server_pid: int) -> None:
        """Counters at the window's start."""
        self.usage = Usage(load_before=os.getloadavg()[0])
        self._start = {pid: _cpu_seconds(pid) for pid in self.backends(server_pid)}
        self._server = _cpu_seconds(server_pid)

    def stop(self, server_pid: int) -> None:
        """CPU since start() (backends opened meanwhile count in full), into `usage`."""
        self.usage.server = _cpu_seconds(server_pid) - self._server
        self.usage.database = sum(
            _cpu_seconds(pid) - self._start.get(pid, 0.0) for pid in self.backends(server_pid)
        )
        self.usage.load_after = os.getloadavg()[0]

    def close(self) -> None:
        """Close the probe connection."""
        self._loop.run_until_complete(self._connection.close())
        self._loop.close()


@dataclass
class Measured:
    """One run against one server."""

    result: TrafficResult
    usage: Usage

    def cpu_ms(self) -> tuple[float, float]:
        """(server, database) CPU milliseconds per successful request."""
        done = self.result.requests or 1
        return self.usage.server * 1e3 / done, self.usage.database * 1e3 / done


def measure(
    server: Server,
    meter: Meter,
    groups: Sequence[Group],
    warmup: float,
    seconds: float,
    total: int | None = None,
    idle: Sequence[int] = (),
) -> Measured:
    """Wait until the servers are idle, then one run with CPU sampled around its window."""
    wait_idle([*idle, server.pid])
    result = run(
        server.url,
        groups,
        warmup,
        seconds,
        total,
        on_start=lambda: meter.start(server.pid),
        on_stop=lambda: meter.stop(server.pid),
    )
    return Measured(result, meter.usage)


@contextmanager
def running(started: Sequence[Server]) -> Iterator[None]:
    """Start the servers, wait until they answer, stop them however the block ends."""
    try:
        for server in started:
            server.start()
        for server in started:
            server.wait_ready(timeout=300)
        yield
    finally:
        for server in started:
            server.stop()


# --- the equivalence check -------------------------------------------------------------------

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\+00:00$")


@dataclass
class Case:
    """One check request: its name, body and engineer."""

    name: str
    body: bytes
    engineer: int
    seen: dict[str, Any] = field(default_factory=dict)


def check_cases(fixtures: Fixtures) -> list[Case]:
    """Success and refusal paths of both mutations."""
    engineer, (joiner, chapter) = fixtures.engineers[0], fixtures.pairs[0]
    thread = fixtures.threads[0]
    cases = [
        Case("reply", reply_body(thread, BODIES[0]), engineer),
        Case("reply, blank body", reply_body(thread, "   "), engineer),
        Case(
            "reply, malformed thread ID",
            orjson.dumps(
                {
                    "query": REPLY,
                    "operationName": "Reply",
                    "variables": {"input": {"thread": "Rm9ydW1UaHJlYWQ6MDE", "body": "x"}},
                }
            ),
            engineer,
        ),
        Case("join, open chapter", join_body(chapter), joiner),
    ]
    if fixtures.locked_thread is not None:
        cases.append(
            Case("reply, locked thread", reply_body(fixtures.locked_thread, BODIES[1]), engineer)
        )
    if fixtures.approval_chapter is not None:
        cases.append(Case("join, approval chapter", join_body(fixtures.approval_chapter), joiner))
    if fixtures.invite_chapter is not None:
        cases.append(Case("join, invitation only", join_body(fixtures.invite_chapter), joiner))
    cases.append(Case("join again", join_body(chapter), joiner))
    return cases


async def _send(server: Server, body: bytes, token: str) -> tuple[int, Any]:
    import httpx

    async with httpx.AsyncClient(timeout=60) as client:
        response = await client.post(
            server.url,
            content=body,
            headers={"Content-Type": "application/json", "Authorization": bearer(token)},
        )
    return response.status_code, orjson.loads(response.content)


def _normalised(data: Any) -> Any:
    """`data` with each createdAt replaced by its format (the time itself differs)."""
    if isinstance(data, dict):
        return {
            key: (
                "<timestamp>"
                if key == "createdAt" and isinstance(value, str) and TIMESTAMP.match(value)
                else _normalised(value)
            )
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_normalised(item) for item in data]
    return data


def _without_ids(event: str) -> str:
    """A NOTIFY payload without the live event's and the notification's own ids (each server
    writes its rows in turn, so the sequences differ; the rest must be equal)."""
    decoded = orjson.loads(event)
    decoded.pop("id", None)
    if isinstance(decoded.get("ids"), dict):
        decoded["ids"].pop("notification", None)
    return orjson.dumps(decoded, option=orjson.OPT_SORT_KEYS).decode()


async def check(
    url: str, started: Sequence[Server], fixtures: Fixtures, tokens: dict[int, str]
) -> list[str]:
    """Every case on every server from the same state; the differences found (none: equal)."""
    cases = check_cases(fixtures)
    differences: list[str] = []
    listener = await asyncpg.connect(url)
    events: list[str] = []
    await listener.add_listener("braingain_events", lambda *args: events.append(args[3]))
    try:
        for case in cases:
            # "join again": the same engineer joins the same chapter twice
            first = None
            if case.name == "join again":
                first = next(item for item in cases if item.name == "join, open chapter")
            for server in started:
                start = await _sequences(listener)
                if first is not None:
                    await _send(server, first.body, tokens[first.engineer])
                events.clear()
                status, answer = await _send(server, case.body, tokens[case.engineer])
                await asyncio.sleep(0.2)  # let NOTIFY arrive
                seen = [_without_ids(event) for event in events]
                case.seen[server.name] = (status, _normalised(answer.get("data")), seen)
                await _rewind(listener, start)
            reference = case.seen[started[0].name]
            for server in started[1:]:
                if case.seen[server.name] != reference:
                    differences.append(
                        f"{case.name}: {started[0].name} {reference} != "
                        f"{server.name} {case.seen[server.name]}"
                    )
            print(f"  check {case.name}: {orjson.dumps(reference[1]).decode()[:150]}")
            if reference[2]:
                print(f"    event {reference[2][0]}")
    finally:
        await listener.close()
    return differences


async def _sequences(connection: asyncpg.Connection) -> tuple[int, int]:
    posts = await connection.fetchval("SELECT coalesce(max(id), 0) FROM forum_posts")
    memberships = await connection.fetchval("SELECT coalesce(max(id), 0) FROM memberships")
    await _set_sequences(connection, posts, memberships)
    return posts, memberships


async def _set_sequences(connection: asyncpg.Connection, posts: int, memberships: int) -> None:
    await connection.execute("SELECT setval('forum_posts_id_seq', $1)", posts)
    await connection.execute("SELECT setval('memberships_id_seq', $1)", memberships)


async def _rewind(connection: asyncpg.Connection, start: tuple[int, int]) -> None:
    """Delete what one check request added and set the id sequences back."""
    posts, memberships = start
    await connection.execute("DELETE FROM forum_posts WHERE id > $1", posts)
    await connection.execute("DELETE FROM memberships WHERE id > $1", memberships)
    await _set_sequences(connection, posts, memberships)


# --- the benchmark ---------------------------------------------------------------------------


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.writes", description=__doc__.strip().splitlines()[0]
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument(
        "--mutations", nargs="+", choices=["forumPostCreate", "chapterJoin"], default=None
    )
    parser.add_argument("--engineers", type=int, default=10_000, help="engineers with tokens")
    parser.add_argument(
        "--pool-size", type=int, default=20, help="the baseline's (ours: SQLAlchemy's 10 + 10)"
    )
    parser.add_argument(
        "--read-pool-size", type=int, default=4, help="our compiled read pool (no writes on it)"
    )
    parser.add_argument("--check-only", action="store_true")
    parser.add_argument(
        "--before-checkout",
        type=Path,
        default=None,
        help="run 'before' from this worktree (e.g. main at an older commit); without it "
        "there is no 'before'",
    )
    parser.add_argument(
        "--before-label", default="main", help="how the table names --before-checkout"
    )
    return parser.parse_args(argv)


def prepare(arguments: argparse.Namespace) -> tuple[str, Fixtures]:
    """Database, seed, fixtures."""
    url = libpq_url(arguments.database_url)
    if asyncio.run(ensure_database(url)):
        print(f"created the database of {url}")
    if not arguments.skip_seed:
        seed(url, arguments.scale, reset=False)
    found = asyncio.run(fixtures(url, arguments.engineers))
    print(
        f"fixtures: {len(found.engineers)} engineers, {len(found.threads)} open threads, "
        f"{len(found.pairs)} join pairs"
    )
    if len(found.pairs) < 2 or not found.threads:
        raise SystemExit("nothing to write to: seed the database first")
    return url, found


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _exit_on_signal(signum: int, _: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Check, measure, print the table."""
    signal.signal(signal.SIGTERM, _exit_on_signal)
    arguments = parse_arguments(argv)
    url, found = prepare(arguments)
    watermark = Watermark(url)
    asyncio.run(watermark.take())
    tokens = Tokens(url)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-writes-"))
    before = arguments.before_checkout
    if before is not None:
        NAMES["before"] = f"before ({arguments.before_label})"
        NAMES["after"] = "after (this branch)"
    started = [
        *(
            [
                our_server(
                    "before",
                    url,
                    log_dir,
                    pool_size=arguments.read_pool_size,
                    checkout=before.resolve(),
                )
            ]
            if before is not None
            else []
        ),
        our_server("after", url, log_dir, pool_size=arguments.read_pool_size),
        handwritten_server(url, log_dir, arguments.pool_size),
    ]
    results: dict[tuple[str, int, str], list[Measured]] = {}
    print(f"load average at start: {load_average()} ({psutil.cpu_count()} cores)")
    try:
        with running(started):
            print(f"servers up (logs in {log_dir})")
            minted = tokens.for_engineers(found.engineers)
            differences = asyncio.run(check(url, started, found, minted))
        asyncio.run(watermark.reset())
        for difference in differences:
            print(f"DIFFERENCE {difference}")
        if differences:
            return 1
        print("check: every server gave the same answers and events")
        if arguments.check_only:
            return 0
        results = benchmark(arguments, url, started, found, tokens, watermark)
    finally:
        asyncio.run(watermark.reset(restore_threads=True))
    print(f"\nload average at the end: {load_average()}")
    print(table(results, arguments))
    return 0


def benchmark(
    arguments: argparse.Namespace,
    url: str,
    started: Sequence[Server],
    found: Fixtures,
    tokens: Tokens,
    watermark: Watermark,
) -> dict[tuple[str, int, str], list[Measured]]:
    """Every mutation at every concurrency, the servers alternating round by round.

    Each run has its server to itself, freshly started: three servers with full pools would
    hold 70-90 of PostgreSQL's 100 connections, which other work on a shared machine needs
    too (a refused connection is a failed request), and an idle server still spends CPU on
    every NOTIFY the others' replies send.
    """
    meter = Meter(url, servers_port(url))
    results: dict[tuple[str, int, str], list[Measured]] = {}
    mutations = arguments.mutations or ["forumPostCreate", "chapterJoin"]
    try:
        for mutation, concurrency, number in itertools.product(
            mutations, arguments.concurrency, range(arguments.rounds)
        ):
            order = started if number % 2 == 0 else list(reversed(started))
            for server in order:
                asyncio.run(watermark.reset())
                minted = tokens.for_engineers(found.engineers)
                requests = (
                    reply_requests(found, minted, 20_000)
                    if mutation == "forumPostCreate"
                    else join_requests(found, minted)
                )
                group = Group(mutation, concurrency, requests, expect=SUCCESS)
                with running([server]):
                    measured = measure(server, meter, [group], arguments.warmup, arguments.seconds)
                results.setdefault((mutation, concurrency, server.name), []).append(measured)
                report_run(f"{mutation} c={concurrency} round {number + 1} {server.name}", measured)
    finally:
        meter.close()
    return results


def servers_port(url: str) -> int:
    """The PostgreSQL port of a URL."""
    from urllib.parse import urlsplit

    return urlsplit(url).port or 5432


def report_run(label: str, measured: Measured) -> None:
    """One progress line."""
    server_ms, database_ms = measured.cpu_ms()
    for name, group in measured.result.groups.items():
        failures = f"  failures: {group.failures[:1]}" if group.errors else ""
        print(
            f"  {label} [{name}]: {group.requests_per_second:7.1f} req/s  p50 {group.p50_ms:6.1f}"
            f"  p99 {group.p99_ms:7.1f} ms  errors {group.errors}{failures}",
            flush=True,
        )
    print(
        f"    CPU {server_ms:.2f} + {database_ms:.2f} ms/req; load average "
        f"{measured.usage.load_before:.2f} -> {measured.usage.load_after:.2f}; "
        f"client {measured.result.generator_cpu:.2f} cores",
        flush=True,
    )


NAMES = {
    "before": "before",
    "after": "after",
    "handwritten": "hand-written",
}


def table(results: dict[tuple[str, int, str], list[Measured]], arguments: Any) -> str:
    """Medians over rounds; ratios against the hand-written endpoint."""
    lines = [
        "| mutation | c | server | req/s | p50 ms | p99 ms | CPU ms/req (server + PG) "
        "| ×hand-written | errors | load avg |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    keys = sorted({(mutation, concurrency) for mutation, concurrency, _ in results})
    for mutation, concurrency in keys:
        rows: dict[str, dict[str, float]] = {}
        for name in NAMES:
            runs = results.get((mutation, concurrency, name))
            if not runs:
                continue
            groups = [next(iter(run.result.groups.values())) for run in runs]
            cpu = [run.cpu_ms() for run in runs]
            rows[name] = {
                "rps": median(group.requests_per_second for group in groups),
                "p50": median(group.p50_ms for group in groups),
                "p99": median(group.p99_ms for group in groups),
                "server": median(item[0] for item in cpu),
                "db": median(item[1] for item in cpu),
                "errors": sum(group.errors for group in groups),
                "load": median(run.usage.load_before for run in runs),
            }
        reference = rows.get("handwritten")
        for name, row in rows.items():
            ratio = (
                f"{row['rps'] / reference['rps']:.2f}" if reference and reference["rps"] else "–"
            )
            lines.append(
                f"| {mutation} | {concurrency} | {NAMES[name]} | {row['rps']:.0f} "
                f"| {row['p50']:.1f} | {row['p99']:.1f} "
                f"| {row['server'] + row['db']:.2f} ({row['server']:.2f} + {row['db']:.2f}) "
                f"| {ratio} | {int(row['errors'])} | {row['load']:.1f} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
