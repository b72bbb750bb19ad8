"""Benchmark CLI: seed, start both servers, check they agree, then measure Q1-Q3.

python -m bench.run --scale 10 --duration 10 --concurrency 16 64
"""

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):  # `python bench/run.py`: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg

from bench import servers
from bench.baseline import global_id
from bench.check import compare, sample_bodies
from bench.cpu import BackendProbe, CpuMeter, CpuUsage, wait_idle, wait_quiet
from bench.load import LoadResult, run_load, wrk_available
from bench.queries import OPERATIONS, Inputs
from bench.report import (
    CPU_HEADER,
    THROUGHPUT_HEADER,
    Aggregate,
    Comparison,
    cpu_rows,
    markdown_table,
    text_table,
    throughput_rows,
)
from bench.servers import Server

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/braingain_bench"
# application_name of each server's PostgreSQL connections: ours sets "braingain" on its
# SQLAlchemy pool (db.engine.connect_args) and "braingain-budget" on its rate-budget pool.
OURS_APPLICATION_NAMES = ("braingain", "braingain-budget")
BASELINE_APPLICATION_NAMES = ("braingain-bench-baseline",)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line grammar."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scale", type=float, default=10.0, help="seed scale (1 = 2,000 engineers)"
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=10.0,
        help="measured seconds per server, query and concurrency",
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="split the duration into this many rounds, alternating the servers",
    )
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument(
        "--queries", nargs="+", choices=sorted(OPERATIONS), default=sorted(OPERATIONS)
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="created when missing (default: %(default)s)",
    )
    parser.add_argument("--skip-seed", action="store_true", help="use the data already there")
    parser.add_argument(
        "--reset", action="store_true", help="wipe and reseed (braingain seed --reset)"
    )
    parser.add_argument(
        "--handles", type=int, default=300, help="Q1 rotates over this many handles"
    )
    parser.add_argument(
        "--load",
        choices=["python", "wrk"],
        default="python",
        help="load generator (default: the asyncio client in bench/load.py; see its docstring)",
    )
    parser.add_argument(
        "--ours",
        choices=["serve", "uvicorn"],
        default="serve",
        help="start ours with `braingain serve` or plain uvicorn graph.asgi:app",
    )
    parser.add_argument(
        "--check-only", action="store_true", help="stop after the equivalence check"
    )
    parser.add_argument(
        "--ignore-mismatch",
        action="store_true",
        help="measure even when the baseline's JSON differs from ours",
    )
    parser.add_argument(
        "--no-statements",
        action="store_true",
        help="skip counting our SQL statements per operation",
    )
    parser.add_argument(
        "--quiet-cores",
        type=float,
        default=0.3,
        help="before each round, wait until other processes use at most this many cores",
    )
    parser.add_argument(
        "--quiet-timeout",
        type=float,
        default=20.0,
        help="but wait at most this many seconds (0: do not wait)",
    )
    parser.add_argument("--output", type=Path, help="also write the results as JSON here")
    return parser.parse_args(argv)


def libpq_url(url: str) -> str:
    """asyncpg/libpq form of a SQLAlchemy-style URL."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def ensure_database(url: str) -> bool:
    """Create the database named in `url` if it does not exist; True when it was created."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = parts._replace(path="/postgres").geturl()
    connection = await asyncpg.connect(maintenance)
    try:
        if await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return False
        await connection.execute(f'CREATE DATABASE "{name}"')
        return True
    finally:
        await connection.close()


def seed(url: str, scale: float, reset: bool) -> None:
    """`braingain seed --scale N` against `url` (it skips when data exists)."""
    command = [sys.executable, "-m", "graph.cli", "seed", "--scale", str(scale)]
    if reset:
        command.append("--reset")
    started = time.monotonic()
    environment = {**os.environ, "DATABASE_URL": url}
    completed = subprocess.run(command, env=environment, cwd=servers.ROOT)
    if completed.returncode != 0:
        raise SystemExit(f"seeding failed ({' '.join(command)}), exit {completed.returncode}")
    print(f"seed: done in {time.monotonic() - started:.1f}s")


PUBLIC_THREADS = """
SELECT t.id FROM forum_threads t JOIN forum_categories c ON c.id = t.category_id
WHERE NOT t.hidden AND NOT c.members_only ORDER BY t.post_count DESC, t.id LIMIT 100
"""
"""Threads anonymous viewers can read, the longest first."""


async def fetch_inputs(url: str, handles: int) -> Inputs:
    """A fixed pseudo-random spread of handles, every live chapter slug, and public forum
    threads (longest first: the page of 50 replies is the point)."""
    connection = await asyncpg.connect(url)
    try:
        handle_rows = await connection.fetch(
            "SELECT handle FROM engineers ORDER BY md5(handle) LIMIT $1", handles
        )
        slug_rows = await connection.fetch(
            "SELECT slug FROM chapters WHERE archived_at IS NULL ORDER BY slug"
        )
        engineers = await connection.fetchval("SELECT count(*) FROM engineers")
        thread_rows = await connection.fetch(PUBLIC_THREADS)
    finally:
        await connection.close()
    print(f"data: {engineers} engineers, {len(slug_rows)} live chapters")
    return Inputs(
        [row["handle"] for row in handle_rows],
        [row["slug"] for row in slug_rows],
        [global_id("ForumThread", row["id"]) for row in thread_rows],
    )


async def warn_about_connections(url: str) -> None:
    """Say so when the PostgreSQL server may run out of connections (both pools need 20)."""
    connection = await asyncpg.connect(url)
    try:
        limit = int(await connection.fetchval("SHOW max_connections"))
        used = int(await connection.fetchval("SELECT count(*) FROM pg_stat_activity"))
    finally:
        await connection.close()
    if limit - used < 45:
        print(
            f"WARNING: {used} of max_connections={limit} PostgreSQL connections in use; "
            "the servers may fail with 'too many clients' (see the errors column)"
        )


def timed_run(
    server: Server,
    meter: CpuMeter,
    bodies: list[bytes],
    concurrency: int,
    arguments: argparse.Namespace,
    tool: str,
    idle: Sequence[int],
) -> tuple[LoadResult, CpuUsage]:
    """One round against one server: wait for quiet, warm up, measure (CPU around the window)."""
    wait_idle(idle)
    if arguments.quiet_timeout > 0:
        load = wait_quiet(arguments.quiet_cores, arguments.quiet_timeout)
        if load > arguments.quiet_cores:
            print(f"  (machine still busy with other work: {load:.2f} cores)", flush=True)
    seconds = max(1.0, arguments.duration / arguments.rounds)
    usage: list[CpuUsage] = []
    result = run_load(
        server.url,
        bodies,
        concurrency,
        arguments.warmup,
        seconds,
        tool,
        on_start=meter.start,
        on_stop=lambda: usage.append(meter.stop()),
    )
    return result, usage[0]


def measure(
    arguments: argparse.Namespace,
    inputs: Inputs,
    ours: Server,
    baseline: Server,
    url: str,
    tool: str,
) -> list[Comparison]:
    """Every query at every concurrency, the servers alternating round by round."""
    probe = BackendProbe(url)
    meters = {
        ours.name: CpuMeter(ours.pid, probe, OURS_APPLICATION_NAMES),
        baseline.name: CpuMeter(baseline.pid, probe, BASELINE_APPLICATION_NAMES),
    }
    comparisons = []
    try:
        for query in arguments.queries:
            comparisons += measure_query(arguments, inputs, query, (ours, baseline), meters, tool)
    finally:
        probe.close()
    return comparisons


def measure_query(
    arguments: argparse.Namespace,
    inputs: Inputs,
    query: str,
    pair: tuple[Server, Server],
    meters: dict[str, CpuMeter],
    tool: str,
) -> list[Comparison]:
    """One query at every concurrency, the two servers alternating round by round."""
    ours, baseline = pair
    bodies = inputs.bodies(query)
    comparisons = []
    for concurrency in arguments.concurrency:
        rounds: dict[str, list[tuple[LoadResult, CpuUsage]]] = {ours.name: [], baseline.name: []}
        for number in range(arguments.rounds):
            for server in pair if number % 2 == 0 else pair[::-1]:
                measured = timed_run(
                    server,
                    meters[server.name],
                    bodies,
                    concurrency,
                    arguments,
                    tool,
                    idle=(ours.pid, baseline.pid),
                )
                rounds[server.name].append(measured)
                print_round(
                    f"{query} c={concurrency} round {number + 1} {server.name:8s}", *measured
                )
        comparisons.append(
            Comparison(
                query,
                concurrency,
                Aggregate.of(rounds[ours.name]),
                Aggregate.of(rounds[baseline.name]),
            )
        )
    return comparisons


def print_round(label: str, result: LoadResult, cpu: CpuUsage) -> None:
    """One line of progress per round."""
    print(
        f"  {label} {result.requests_per_second:8.1f} req/s  p50 {result.p50_ms:7.1f} ms  "
        f"p99 {result.p99_ms:7.1f} ms  app {cpu.server / cpu.wall:.2f} cores  "
        f"db {cpu.database / cpu.wall:.2f} cores  machine {cpu.machine_busy / cpu.wall:.2f} cores",
        flush=True,
    )


def check(inputs: Inputs, ours: Server, baseline: Server) -> bool:
    """Compare both servers' JSON on the sample requests; print what differs."""
    report = compare(ours.url, baseline.url, sample_bodies(inputs))
    print(
        f"check: {report.compared} requests, {report.compared - len(report.differences)} "
        f"without differences, {report.byte_identical} byte-identical (but for `extensions`)"
    )
    if report.extensions:
        print(f"  ours also sends extensions {sorted(report.extensions)} (not compared), e.g.")
        print(f"    {json.dumps(report.extensions)}")
    for operation, (mine, theirs) in sorted(report.sizes.items()):
        print(f"  {operation}: largest response {mine} bytes (ours), {theirs} bytes (baseline)")
    for difference in report.differences:
        print(f"  DIFFERENCE {difference}")
    return report.ok


def count_statements(inputs: Inputs, url: str) -> dict[str, int]:
    """Statements our server sends for one request of each operation."""
    from bench.statements import count_statements as count

    samples = [
        (name, operation.body(variables))
        for name, operation, variables in (
            ("Q1", OPERATIONS["Q1"], {"handle": inputs.handles[0]}),
            ("Q2", OPERATIONS["Q2"], None),
            ("Q3", OPERATIONS["Q3"], {"slug": inputs.slugs[0]}),
            *([("Q4", OPERATIONS["Q4"], {"id": inputs.threads[0]})] if inputs.threads else []),
        )
    ]
    return count(url, samples)


def print_results(comparisons: list[Comparison], statements: dict[str, int], tool: str) -> None:
    """The comparison tables, as text and as Markdown."""
    throughput, cpu = throughput_rows(comparisons), cpu_rows(comparisons)
    print(f"\nthroughput (load: {tool}; ratio = ours req/s / baseline req/s)")
    print(text_table(THROUGHPUT_HEADER, throughput))
    print("\nCPU per request (ms) in each server process and its PostgreSQL backends")
    print(text_table(CPU_HEADER, cpu))
    if statements:
        counted = ", ".join(f"{name} {count}" for name, count in statements.items())
        print(
            f"\nSQL statements per request, ours: {counted}, each run between BEGIN and ROLLBACK,"
            " plus one rate-budget spend on its own pool (baseline: 1 each)"
        )
    print("\nMarkdown:\n")
    print(markdown_table(THROUGHPUT_HEADER, throughput))
    print()
    print(markdown_table(CPU_HEADER, cpu))


def _exit_on_signal(signum: int, _: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the whole benchmark."""
    # Interrupted or terminated (even as a background job, which ignores SIGINT), still run the
    # `finally` that stops both servers.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGINT, _exit_on_signal)
    arguments = parse_arguments(argv)
    url = libpq_url(arguments.database_url)
    tool = arguments.load
    if tool == "wrk" and not wrk_available():
        raise SystemExit("wrk is not installed (apt-get install wrk), use --load python")
    if asyncio.run(ensure_database(url)):
        print(f"created database {urlsplit(url).path.lstrip('/')}")
    if not arguments.skip_seed:
        seed(url, arguments.scale, arguments.reset)
    inputs = asyncio.run(fetch_inputs(url, arguments.handles))
    if not inputs.threads and "Q4" in arguments.queries:
        print("no public forum threads: Q4 skipped (seed a database with the forum)")
        arguments.queries = [name for name in arguments.queries if name != "Q4"]
    if not inputs.handles or not inputs.slugs:
        raise SystemExit("no engineers or chapters to query: seed first")
    statements = {} if arguments.no_statements else count_statements(inputs, url)
    if statements:
        print(
            "SQLAlchemy statements per request (ours): "
            + ", ".join(f"{k} {v}" for k, v in statements.items())
        )

    log_dir = Path(tempfile.mkdtemp(prefix="bench-logs-"))
    ours = servers.ours(servers.free_port(), url, arguments.scale, log_dir, arguments.ours)
    baseline = servers.baseline(servers.free_port(), url, log_dir)
    try:
        for server in (ours, baseline):
            server.start()
        for server in (ours, baseline):
            server.wait_ready(timeout=900)
        print(
            f"servers: ours pid {ours.pid} :{ours.port}, baseline pid {baseline.pid} "
            f":{baseline.port} (logs in {log_dir})"
        )
        asyncio.run(warn_about_connections(url))
        if not check(inputs, ours, baseline) and not arguments.ignore_mismatch:
            print("the baseline does not match our server; fix it or pass --ignore-mismatch")
            return 1
        if arguments.check_only:
            return 0
        comparisons = measure(arguments, inputs, ours, baseline, url, tool)
    finally:
        for server in (ours, baseline):
            server.stop()
    print_results(comparisons, statements, tool)
    if arguments.output is not None:
        arguments.output.write_text(
            json.dumps(
                {
                    "arguments": {key: str(value) for key, value in vars(arguments).items()},
                    "statements": statements,
                    "results": [
                        {
                            "query": item.query,
                            "concurrency": item.concurrency,
                            "ratio": item.ratio,
                            "ours": vars(item.ours),
                            "baseline": vars(item.baseline),
                        }
                        for item in comparisons
                    ],
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
