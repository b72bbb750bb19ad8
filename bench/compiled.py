"""Compiled read path vs a hand-written asyncpg endpoint vs PostGraphile 5.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/braingain_compiler_bench \
        python -m bench.compiled --rounds 2 --seconds 5

Servers, each a single process on the same database (scale-10 seed): (a) our server (reads have
one path, the compiled one), (b) bench/baseline.py (hand-written asyncpg; BASELINE_ROOT names
the checkout holding it), with `--before-checkout DIR` our server from another worktree as
"before" (an older commit, measured in the same run), (c) PostGraphile 5 from
bench/postgraphile (`npm install` there first; it brings its own Node 22). Load is wrk, closed
loop, rotating realistic variables; rounds interleave the servers so drift on a shared machine
hits every server alike. CPU per request is the server process plus every PostgreSQL process,
sampled from /proc around the measured window.

Q4 is the forum-thread page (the thread and its first 50 replies with authors); the variables
carry both our global ID and the row id PostGraphile's lookup takes. PostGraphile knows nothing
of hidden replies (it shows their bodies) or members-only categories: the inputs are public
threads, so only hidden replies differ. Q6 is a forum category's first 20 threads. The engineer
search (Q5) filters by country and overseas status, the filter PostGraphile's `condition` can
express.
"""

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import asyncpg
import orjson

from bench.baseline import global_id

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Query:
    """One benchmarked read, as our API spells it and as PostGraphile spells it."""

    name: str
    ours: str
    postgraphile: str
    summary: str
    baseline: bool = True


Q1 = Query(
    "Q1",
    """query Q1($handle: String!) {
  engineer(handle: $handle) {
    id handle name headline city countryCode
    chapters(first: 10) { totalCount nodes { id slug name } }
  }
}""",
    """query Q1($handle: String!) {
  engineerByHandle(handle: $handle) {
    id handle name headline city countryCode
    membershipsByEngineerId(first: 10, condition: {status: "ACTIVE"},
                            orderBy: [SINCE_ASC, PRIMARY_KEY_ASC]) {
      totalCount nodes { chapterByChapterId { id slug name } }
    }
  }
}""",
    "one engineer by handle with its chapters",
)
Q2 = Query(
    "Q2",
    """query Q2 {
  engineers(first: 50) {
    edges {
      cursor
      node {
        id handle name headline
        memberships(first: 10) { nodes { role since chapter { slug name } } }
        skills { level years skill { slug name } }
        positions { title organization startDate endDate }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}""",
    """query Q2 {
  allEngineers(first: 50, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) {
    edges {
      cursor
      node {
        id handle name headline
        membershipsByEngineerId(first: 10, condition: {status: "ACTIVE"},
                                orderBy: [SINCE_ASC, PRIMARY_KEY_ASC]) {
          nodes { role since chapterByChapterId { slug name } }
        }
        engineerSkillsByEngineerId(orderBy: [YEARS_DESC, PRIMARY_KEY_ASC]) {
          nodes { level years skillBySkillId { slug name } }
        }
        positionsByEngineerId(orderBy: [END_DATE_DESC, START_DATE_DESC, PRIMARY_KEY_ASC]) {
          nodes { title organization startDate endDate }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}""",
    "50 engineers with memberships' chapters, skills, positions",
)
Q3 = Query(
    "Q3",
    """query Q3($slug: String!) {
  chapter(slug: $slug) {
    id name
    members(first: 100) {
      totalCount
      edges { cursor node { role since engineer { handle name } } }
    }
  }
}""",
    """query Q3($slug: String!) {
  chapterBySlug(slug: $slug) {
    id name
    membershipsByChapterId(first: 100, condition: {status: "ACTIVE"},
                           orderBy: [SINCE_ASC, PRIMARY_KEY_ASC]) {
      totalCount
      edges { cursor node { role since engineerByEngineerId { handle name } } }
    }
  }
}""",
    "a chapter with its first 100 members and totalCount",
)
Q4 = Query(
    "Q4",
    """query Q4($id: ID!) {
  node(id: $id) {
    ... on ForumThread {
      id title body tags createdAt
      author { handle name }
      posts(first: 50) {
        totalCount
        edges { cursor node { id body createdAt score author { handle name headline } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}""",
    """query Q4($rowId: Int!) {
  forumThreadByRowId(rowId: $rowId) {
    id title body tags createdAt
    engineerByAuthorId { handle name }
    forumPostsByThreadId(first: 50, orderBy: [CREATED_AT_ASC, PRIMARY_KEY_ASC]) {
      totalCount
      edges {
        cursor
        node { id body createdAt score engineerByAuthorId { handle name headline } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}""",
    "a forum thread page: the thread and its first 50 replies with their authors",
)
Q6 = Query(
    "Q6",
    """query Q6($slug: String!) {
  forumCategory(slug: $slug) {
    id name
    threads(first: 20) {
      totalCount
      edges { cursor node { id title tags pinned lastPostedAt author { handle name } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}""",
    """query Q6($slug: String!) {
  forumCategoryBySlug(slug: $slug) {
    id name
    forumThreadsByCategoryId(first: 20, condition: {hidden: false},
                             orderBy: [PINNED_DESC, LAST_POSTED_AT_DESC, PRIMARY_KEY_DESC]) {
      totalCount
      edges { cursor node { id title tags pinned lastPostedAt engineerByAuthorId { handle name } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}""",
    "a forum category's first 20 threads (pinned first) with authors and the total",
    baseline=False,
)
Q5 = Query(
    "Q5",
    """query Q5($country: String!) {
  engineers(first: 20, filter: {countries: [$country], isOverseas: true}) {
    totalCount
    nodes { id handle name headline city countryCode skills { level skill { name } } }
  }
}""",
    """query Q5($country: String!) {
  allEngineers(first: 20, condition: {countryCode: $country, isOverseas: true},
               orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) {
    totalCount
    nodes {
      id handle name headline city countryCode
      engineerSkillsByEngineerId(orderBy: [YEARS_DESC, PRIMARY_KEY_ASC]) {
        nodes { level skillBySkillId { name } }
      }
    }
  }
}""",
    "engineer search: 20 overseas engineers in a country, with skills, and the total",
    baseline=False,
)
Q7 = Query(
    "Q7",
    """query Q7($sector: String!, $kind: EngagementKind!) {
  opportunities(first: 20, filter: {sectors: [$sector], kinds: [$kind], status: [OPEN]}) {
    totalCount
    nodes {
      id title kind hoursPerMonth deadline
      poster { handle name }
      institution { slug name }
      skills { minimumLevel skill { slug name } }
    }
  }
}""",
    """query Q7($sector: String!, $kind: String!) {
  benchOpenOpportunities(sectorSlug: $sector, wantedKind: $kind, first: 20) {
    totalCount
    nodes {
      id title kind hoursPerMonth deadline
      engineerByPosterId { handle name }
      institutionByInstitutionId { slug name }
      opportunitySkillsByOpportunityId(orderBy: [PRIMARY_KEY_ASC]) {
        nodes { minimumLevel skillBySkillId { slug name } }
      }
    }
  }
}""",
    "opportunity search: 20 open opportunities of a kind in a sector, with seeker and skills",
)
QUERIES = (Q1, Q2, Q3, Q4, Q5, Q6, Q7)

GRAPHILE_SEARCH = """
CREATE OR REPLACE FUNCTION bench_open_opportunities(sector_slug text, wanted_kind text)
RETURNS SETOF opportunities LANGUAGE sql STABLE AS $$
  SELECT o.* FROM opportunities o
  WHERE o.visibility = 'PUBLIC' AND o.status = 'OPEN'
    AND (o.deadline IS NULL OR o.deadline > now()) AND o.kind = wanted_kind
    AND o.id IN (SELECT os.opportunity_id FROM opportunity_sectors os
                 JOIN sectors s ON s.id = os.sector_id WHERE s.slug = sector_slug)
  ORDER BY o.created_at DESC, o.id DESC
$$
"""
"""Q7 for PostGraphile: its `condition` cannot reach through opportunity_sectors nor read
EXPIRED from the deadline, so the benchmark database gets the custom query a PostGraphile user
would write (a STABLE SQL function it exposes as a root connection). Created before the servers
start; nothing in our schema or migrations uses it."""

WRK_SCRIPT = r"""
local bodies = {}
local index = 0
init = function(args)
  for line in io.lines(os.getenv("BENCH_BODIES")) do bodies[#bodies + 1] = line end
  index = math.random(#bodies)
end
request = function()
  index = index % #bodies + 1
  return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json"}, bodies[index])
end
"""


def free_port() -> int:
    """A TCP port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A server under test, run in its own process group."""

    name: str
    command: list[str]
    environment: dict[str, str]
    cwd: Path
    dialect: str  # "ours" or "postgraphile": which spelling of the queries it takes
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self, log_directory: Path) -> None:
        """Launch it."""
        log = (log_directory / f"{self.name}.log").open("wb")
        self.process = subprocess.Popen(
            [*self.command, *self._port_arguments()],
            env={**os.environ, **self.environment, "PORT": str(self.port)},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.cwd,
            start_new_session=True,
        )

    def _port_arguments(self) -> list[str]:
        return ["--port", str(self.port)] if "uvicorn" in self.command else []

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until a trivial query answers."""
        body = orjson.dumps({"query": "{ __typename }"})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            try:
                post(self.port, body)
                return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self) -> None:
        """Stop its process group."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


def post(port: int, body: bytes) -> tuple[int, bytes]:
    """A blocking POST /graphql."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/graphql", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def process_tree_ticks(pid: int) -> int:
    """utime+stime of `pid` and its descendants, in clock ticks."""
    total = 0
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        stats[int(entry.name)] = fields
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    stack = [pid]
    while stack:
        current = stack.pop()
        if current in stats:
            total += int(stats[current][11]) + int(stats[current][12])
        stack.extend(children.get(current, ()))
    return total


def postgres_ticks() -> dict[int, int]:
    """utime+stime of every PostgreSQL process on the machine, by pid."""
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        if "(postgres" not in raw[: raw.index(")") + 1]:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        found[int(entry.name)] = int(fields[11]) + int(fields[12])
    return found


def ticks_since(before: dict[int, int], after: dict[int, int]) -> int:
    """CPU spent between two samples by the processes alive at the second one."""
    return sum(ticks - before.get(pid, 0) for pid, ticks in after.items())


@dataclass
class Measurement:
    """One wrk run against one server."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float
    database_cpu_ms: float
    errors: int


def run_python_load(
    server: Server, bodies_path: Path, connections: int, seconds: float, warmup: float
) -> Measurement:
    """As run_wrk, with bench/load.py's client (where wrk is not installed): it opens its
    measured window after the warm-up, and CPU is sampled exactly around that window."""
    from bench.load import run_python

    assert server.process is not None
    process = server.process
    samples: dict[str, tuple[int, dict[int, int]]] = {}

    def sample(name: str) -> None:
        samples[name] = (process_tree_ticks(process.pid), postgres_ticks())

    result = run_python(
        f"http://127.0.0.1:{server.port}/graphql",
        bodies_path.read_bytes().splitlines(),
        connections,
        warmup,
        seconds,
        on_start=lambda: sample("start"),
        on_stop=lambda: sample("stop"),
    )
    (server_before, database_before), (server_after, database_after) = (
        samples["start"],
        samples["stop"],
    )
    per_request = 1000 / TICKS / max(result.requests, 1)
    return Measurement(
        requests_per_second=result.requests_per_second,
        p50_ms=result.p50_ms,
        p99_ms=result.p99_ms,
        server_cpu_ms=(server_after - server_before) * per_request,
        database_cpu_ms=ticks_since(database_before, database_after) * per_request,
        errors=result.errors,
    )


def run_wrk(
    server: Server, bodies_path: Path, connections: int, seconds: float, warmup: float
) -> Measurement:
    """Warm up, then one measured wrk run with CPU sampled around it (bench/load.py's client
    when wrk is not installed)."""
    if shutil.which("wrk") is None:
        return run_python_load(server, bodies_path, connections, seconds, warmup)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    base = ["wrk", "-t2", f"-c{connections}", "--timeout", "30s", "--latency", "-s", script.name]
    url = f"http://127.0.0.1:{server.port}"
    environment = {**os.environ, "BENCH_BODIES": str(bodies_path)}
    subprocess.run(
        [*base, f"-d{max(1, round(warmup))}s", url], env=environment, capture_output=True
    )
    assert server.process is not None
    server_before, database_before = process_tree_ticks(server.process.pid), postgres_ticks()
    output = subprocess.run(
        [*base, f"-d{round(seconds)}s", url], env=environment, capture_output=True, text=True
    ).stdout
    server_after, database_after = process_tree_ticks(server.process.pid), postgres_ticks()
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    per_request = 1000 / TICKS / max(total, 1)
    return Measurement(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=_latency(output, "50%"),
        p99_ms=_latency(output, "99%"),
        server_cpu_ms=(server_after - server_before) * per_request,
        database_cpu_ms=ticks_since(database_before, database_after) * per_request,
        errors=(int(errors.group(1)) if errors else 0)
        + (sum(int(count) for count in socket_errors.groups()) if socket_errors else 0),
    )


def _latency(output: str, percentile: str) -> float:
    match = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if match is None:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


async def inputs(url: str) -> dict[str, list[dict[str, Any]]]:
    """Variables to rotate over, per query."""
    connection = await asyncpg.connect(url)
    try:
        handles = await connection.fetch(
            "SELECT handle FROM engineers e WHERE EXISTS (SELECT 1 FROM memberships m"
            " WHERE m.engineer_id = e.id AND m.status = 'ACTIVE') ORDER BY md5(handle) LIMIT 200"
        )
        slugs = await connection.fetch(
            "SELECT slug FROM chapters WHERE archived_at IS NULL ORDER BY slug"
        )
        threads = await connection.fetch(
            "SELECT t.id FROM forum_threads t JOIN forum_categories c ON c.id = t.category_id"
            " WHERE NOT t.hidden AND NOT c.members_only ORDER BY t.post_count DESC, t.id LIMIT 100"
        )
        categories = await connection.fetch(
            "SELECT slug FROM forum_categories WHERE NOT members_only ORDER BY position, id"
        )
        searches = await connection.fetch(
            "SELECT s.slug, o.kind FROM opportunities o"
            " JOIN opportunity_sectors os ON os.opportunity_id = o.id"
            " JOIN sectors s ON s.id = os.sector_id"
            " WHERE o.status = 'OPEN' AND o.visibility = 'PUBLIC' AND o.deadline > now()"
            " GROUP BY 1, 2 HAVING count(*) >= 5 ORDER BY count(*) DESC, 1, 2 LIMIT 40"
        )
        countries = await connection.fetch(
            "SELECT country_code FROM engineers WHERE is_overseas GROUP BY 1"
            " HAVING count(*) >= 20 ORDER BY 1"
        )
    finally:
        await connection.close()
    return {
        "Q1": [{"handle": row["handle"]} for row in handles],
        "Q2": [{}],
        "Q3": [{"slug": row["slug"]} for row in slugs],
        "Q4": [{"id": global_id("ForumThread", row["id"]), "rowId": row["id"]} for row in threads],
        "Q5": [{"country": row["country_code"]} for row in countries],
        "Q6": [{"slug": row["slug"]} for row in categories],
        "Q7": [{"sector": row["slug"], "kind": row["kind"]} for row in searches],
    }


async def prepare(url: str) -> None:
    """Create PostGraphile's custom query for Q7 (GRAPHILE_SEARCH) in the benchmark database."""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(GRAPHILE_SEARCH)
    finally:
        await connection.close()


def bodies(query: Query, dialect: str, variables: Sequence[dict[str, Any]]) -> list[bytes]:
    """One request body per variable set, in the server's dialect."""
    document = query.ours if dialect == "ours" else query.postgraphile
    return [
        orjson.dumps({"query": document, "operationName": query.name, "variables": values})
        for values in variables
    ]


def servers(
    url: str, baseline_root: Path, pool_size: int, before: Path | None = None
) -> list[Server]:
    """The servers: ours, ours from `before` (another worktree) when given, the hand-written
    endpoint and PostGraphile."""
    uvicorn = [
        sys.executable,
        "-m",
        "uvicorn",
        "--host",
        "127.0.0.1",
        "--workers",
        "1",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    common = {
        "DATABASE_URL": url,
        "BRAINGAIN_ENV": "production",
        "BRAINGAIN_COMPILED_POOL_SIZE": str(pool_size),
        # The hardened endpoint charges every request to the client's rate budget: one client
        # (wrk) at full speed would be throttled, so the budget is large enough never to run
        # out — still charged and refunded per request (in-process store: no REDIS_URL).
        "BRAINGAIN_BUDGET_CAPACITY": "1000000000",
        "BRAINGAIN_BUDGET_RESTORE_RATE": "1000000",
        "REDIS_URL": "",
    }
    found = [
        Server("compiled", [*uvicorn, "graph.asgi:app"], common, ROOT, "ours"),
    ]
    if before is not None:
        found.append(Server("before", [*uvicorn, "graph.asgi:app"], common, before, "ours"))
    if (baseline_root / "bench" / "baseline.py").exists():
        found.append(
            Server("handwritten", [*uvicorn, "bench.baseline:app"], common, baseline_root, "ours")
        )
    graphile = ROOT / "bench" / "postgraphile"
    if (graphile / "node_modules" / "postgraphile").exists():
        found.append(
            Server(
                "postgraphile",
                [str(graphile / "serve.sh")],
                {"DATABASE_URL": url, "POOL_SIZE": str(pool_size)},
                graphile,
                "postgraphile",
            )
        )
    return found


def check(servers_: Sequence[Server], variables: dict[str, list[dict[str, Any]]]) -> None:
    """Our server answers every benchmarked request with data and no error (the answers
    themselves are pinned by tests/compiler/test_golden.py); Q7's as the yardstick does."""
    ours = {server.name: server for server in servers_}
    for query in QUERIES:
        for body in bodies(query, "ours", variables[query.name])[:20]:
            fast = post(ours["compiled"].port, body)
            assert fast[0] == 200, (query.name, fast)
            fast_body = orjson.loads(fast[1])
            assert list(fast_body) == ["data", "extensions"], fast[1][:200]
            if query is Q7 and "handwritten" in ours:  # the yardstick answers the same
                hand = orjson.loads(post(ours["handwritten"].port, body)[1])
                assert hand["data"] == fast_body["data"], (query.name, hand, fast_body)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--queries", nargs="+", default=[query.name for query in QUERIES])
    parser.add_argument("--pool-size", type=int, default=20, help="as bench/baseline.py's pool")
    parser.add_argument(
        "--before-checkout",
        type=Path,
        default=None,
        help="also run our server from this worktree (an older commit), as 'before'",
    )
    arguments = parser.parse_args(argv)
    url = os.environ["DATABASE_URL"]
    baseline_root = Path(os.environ.get("BASELINE_ROOT", str(ROOT)))
    asyncio.run(prepare(url))
    variables = asyncio.run(inputs(url))
    before = arguments.before_checkout.resolve() if arguments.before_checkout else None
    running = servers(url, baseline_root, arguments.pool_size, before)
    logs = Path(tempfile.mkdtemp(prefix="bench-compiled-"))
    results: dict[tuple[str, str, int], list[Measurement]] = {}
    try:
        for server in running:
            server.start(logs)
        for server in running:
            server.wait_ready()
        check(running, variables)
        paths: dict[tuple[str, str], Path] = {}
        for query in QUERIES:
            for dialect in ("ours", "postgraphile"):
                path = logs / f"{query.name}-{dialect}.jsonl"
                path.write_bytes(b"\n".join(bodies(query, dialect, variables[query.name])) + b"\n")
                paths[(query.name, dialect)] = path
        selected = [query for query in QUERIES if query.name in arguments.queries]
        for round_number in range(arguments.rounds):
            for connections in arguments.concurrency:
                for query in selected:
                    order = running if round_number % 2 == 0 else list(reversed(running))
                    for server in order:
                        if server.name == "handwritten" and not query.baseline:
                            continue
                        measured = run_wrk(
                            server,
                            paths[(query.name, server.dialect)],
                            connections,
                            arguments.seconds,
                            arguments.warmup,
                        )
                        results.setdefault((query.name, server.name, connections), []).append(
                            measured
                        )
                        print(
                            f"round {round_number + 1} c={connections} {query.name} "
                            f"{server.name}: {measured.requests_per_second:.0f} req/s",
                            file=sys.stderr,
                        )
    finally:
        for server in running:
            server.stop()
    report(results, [server.name for server in running], arguments)
    print(f"(server logs in {logs})")
    return 0


def report(
    results: dict[tuple[str, str, int], list[Measurement]],
    names: Sequence[str],
    arguments: argparse.Namespace,
) -> None:
    """Medians over rounds, then ratios against PostGraphile and the hand-written endpoint."""
    print(
        "| query | c | server | req/s | p50 ms | p99 ms | CPU ms/req (server + PG) "
        "| ×PostGraphile | ×hand-written |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for query in QUERIES:
        if query.name not in arguments.queries:
            continue
        for connections in arguments.concurrency:
            medians: dict[str, dict[str, float]] = {}
            for name in names:
                runs = results.get((query.name, name, connections))
                if not runs:
                    continue
                medians[name] = {
                    "rps": median(run.requests_per_second for run in runs),
                    "p50": median(run.p50_ms for run in runs),
                    "p99": median(run.p99_ms for run in runs),
                    "server": median(run.server_cpu_ms for run in runs),
                    "db": median(run.database_cpu_ms for run in runs),
                    "errors": sum(run.errors for run in runs),
                }
            for name, row in medians.items():
                versus_graphile = _ratio(row, medians.get("postgraphile"))
                versus_hand = _ratio(row, medians.get("handwritten"))
                errors = f" ({int(row['errors'])} errors)" if row["errors"] else ""
                print(
                    f"| {query.name} | {connections} | {name}{errors} | {row['rps']:.0f} "
                    f"| {row['p50']:.1f} | {row['p99']:.1f} "
                    f"| {row['server'] + row['db']:.2f} ({row['server']:.2f} + {row['db']:.2f}) "
                    f"| {versus_graphile} | {versus_hand} |"
                )


def _ratio(row: dict[str, float], reference: dict[str, float] | None) -> str:
    if reference is None or not reference["rps"]:
        return "–"
    return f"{row['rps'] / reference['rps']:.2f}"


if __name__ == "__main__":
    raise SystemExit(main())
