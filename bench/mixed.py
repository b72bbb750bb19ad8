"""Mixed workload: readers and writers at once, before (an older checkout) and after; memory.

    python -m bench.mixed --rounds 2 --seconds 10 --total 50000

One worker process of our server (uvicorn, production settings as in bench/writes.py), on
bench/writes.py's database. 48 keep-alive connections in a closed loop (bench/traffic.py):

- 44 readers running bench/compiled.py's Q1-Q6 with rotating variables (handles, chapters,
  public threads, countries, categories), the six interleaved: 22 signed in (a bearer token
  each request, rotating over engineers), 22 anonymous;
- 4 writers posting forum replies (forumPostCreate as bench/writes.py sends it, rotating over
  engineers and public threads); a refused write counts as an error.

Each round runs this checkout's server ("after") and, with `--before-checkout`, the server of
another worktree ("before": e.g. main at the commit before a change; reads have no switch to
turn off any more), alternating, each on a fresh process, `--warmup` s then `--seconds` s
measured; replies added are deleted between runs. Reported: total req/s, reads and writes
req/s with p50/p99, CPU per request (server process + its PostgreSQL backends) and errors.

Then memory: a fresh server of this checkout, its VmRSS (from /proc/PID/status) once it answers,
after one warm-up pass (every body once), and after every `--chunk` requests of the same mixed
load until `--total` requests were answered.
"""

import argparse
import asyncio
import itertools
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import orjson
import psutil

from bench.compiled import QUERIES, bodies, inputs
from bench.servers import Server
from bench.traffic import Group, Request
from bench.writes import (
    SUCCESS,
    Fixtures,
    Measured,
    Meter,
    Tokens,
    Watermark,
    bearer,
    load_average,
    measure,
    our_server,
    prepare,
    reply_requests,
    report_run,
    running,
    servers_port,
)

READERS_SIGNED_IN = 22
READERS_ANONYMOUS = 22
WRITERS = 4


def read_bodies(url: str) -> list[bytes]:
    """Q1-Q6 with rotating variables, the six queries interleaved."""
    variables = asyncio.run(inputs(url))
    per_query = [
        bodies(query, "ours", variables[query.name]) for query in QUERIES if variables[query.name]
    ]
    longest = max(len(items) for items in per_query)
    return [items[number % len(items)] for number in range(longest) for items in per_query]


def groups(reads: Sequence[bytes], found: Fixtures, tokens: dict[int, str]) -> list[Group]:
    """Signed-in readers, anonymous readers (reported together as `reads`), writers."""
    engineers = found.engineers
    signed_in = [
        Request(body, bearer(tokens[engineers[number % len(engineers)]]))
        for number, body in enumerate(reads)
    ]
    shifted = itertools.islice(itertools.cycle(reads), 7, 7 + len(reads))
    anonymous = [Request(body) for body in shifted]
    return [
        Group("signed-in readers", READERS_SIGNED_IN, signed_in, label="reads"),
        Group("anonymous readers", READERS_ANONYMOUS, anonymous, label="reads"),
        Group("writers", WRITERS, reply_requests(found, tokens, 20_000), SUCCESS, "writes"),
    ]


def vm_rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc/PID/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line (database options as bench/writes.py's)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.mixed", description=__doc__.strip().splitlines()[0]
    )
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/bg_bench_writes"
    )
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--engineers", type=int, default=10_000)
    parser.add_argument("--pool-size", type=int, default=10, help="the compiled read pool")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--total", type=int, default=50_000, help="requests for the memory run")
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument(
        "--before-checkout",
        type=Path,
        default=None,
        help="run 'before' from this worktree (e.g. `git worktree add /tmp/before <commit>`)",
    )
    parser.add_argument("--before-label", default="before", help="how the table names it")
    return parser.parse_args(argv)


def throughput(
    arguments: argparse.Namespace,
    url: str,
    reads: Sequence[bytes],
    found: Fixtures,
    tokens: Tokens,
    watermark: Watermark,
    log_dir: Path,
) -> dict[str, list[Measured]]:
    """Rounds of before/after, each on a fresh server process."""
    before = arguments.before_checkout
    names = ["before", "after"] if before is not None else ["after"]
    results: dict[str, list[Measured]] = {name: [] for name in names}
    meter = Meter(url, servers_port(url))
    try:
        for number in range(arguments.rounds):
            order = names if number % 2 == 0 else names[::-1]
            for name in order:
                asyncio.run(watermark.reset())
                server = our_server(
                    name,
                    url,
                    log_dir,
                    pool_size=arguments.pool_size,
                    checkout=before.resolve() if name == "before" and before else None,
                )
                with running([server]):
                    minted = tokens.for_engineers(found.engineers)
                    measured = measure(
                        server,
                        meter,
                        groups(reads, found, minted),
                        arguments.warmup,
                        arguments.seconds,
                        idle=[server.pid],
                    )
                results[name].append(measured)
                report_run(f"mixed round {number + 1} {name}", measured)
    finally:
        meter.close()
    return results


def memory(
    arguments: argparse.Namespace,
    url: str,
    reads: Sequence[bytes],
    found: Fixtures,
    tokens: Tokens,
    watermark: Watermark,
    log_dir: Path,
) -> list[tuple[str, int, float]]:
    """(moment, VmRSS KiB, req/s of the chunk) of a fresh compiled-on server under load."""
    asyncio.run(watermark.reset())
    server: Server = our_server("memory", url, log_dir, pool_size=arguments.pool_size)
    samples: list[tuple[str, int, float]] = []
    meter = Meter(url, servers_port(url))
    try:
        with running([server]):
            samples.append(("started, before any request", vm_rss_kib(server.pid), 0.0))
            minted = tokens.for_engineers(found.engineers)
            passes = [Group("warm-up", 1, [Request(body) for body in reads], label="reads")]
            measure(server, meter, passes, 0.0, 0.0, total=len(reads), idle=[server.pid])
            samples.append(
                (f"after one pass over the {len(reads)} read bodies", vm_rss_kib(server.pid), 0.0)
            )
            answered = 0
            while answered < arguments.total:
                chunk = min(arguments.chunk, arguments.total - answered)
                minted = tokens.for_engineers(found.engineers)
                measured = measure(
                    server,
                    meter,
                    groups(reads, found, minted),
                    0.0,
                    0.0,
                    total=chunk,
                    idle=[server.pid],
                )
                answered += measured.result.requests
                errors = sum(group.errors for group in measured.result.groups.values())
                rate = measured.result.requests / measured.result.duration
                samples.append(
                    (
                        f"after {answered:,} mixed requests ({errors} errors)",
                        vm_rss_kib(server.pid),
                        rate,
                    )
                )
                print(f"  memory: {samples[-1][0]}: VmRSS {samples[-1][1]:,} KiB", flush=True)
                asyncio.run(watermark.reset())
    finally:
        meter.close()
    return samples


def table(results: dict[str, list[Measured]], before_label: str) -> str:
    """Each server's rounds: total, reads, writes, CPU, errors."""
    lines = [
        "| server | round | total req/s | reads req/s | reads p50 / p99 ms "
        "| writes req/s | writes p50 / p99 ms | CPU ms/req (server + PG) | errors | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    names = {"before": before_label, "after": "after (this checkout)"}
    for name, runs in results.items():
        for number, measured in enumerate(runs, 1):
            reads, writes = measured.result.groups["reads"], measured.result.groups["writes"]
            total = measured.result.requests / measured.result.duration
            server_ms, database_ms = measured.cpu_ms()
            lines.append(
                f"| {names[name]} | {number} | {total:.0f} | {reads.requests_per_second:.0f} "
                f"| {reads.p50_ms:.1f} / {reads.p99_ms:.1f} | {writes.requests_per_second:.1f} "
                f"| {writes.p50_ms:.1f} / {writes.p99_ms:.1f} "
                f"| {server_ms + database_ms:.2f} ({server_ms:.2f} + {database_ms:.2f}) "
                f"| {reads.errors + writes.errors} | {measured.usage.load_before:.1f} |"
            )
    return "\n".join(lines)


def _exit_on_signal(signum: int, _: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Throughput before and after, then memory."""
    signal.signal(signal.SIGTERM, _exit_on_signal)
    arguments = parse_arguments(argv)
    url, found = prepare(arguments)
    reads = read_bodies(url)
    print(f"reads: {len(reads)} bodies over Q1-Q6; load average {load_average()}")
    watermark = Watermark(url)
    asyncio.run(watermark.take())
    tokens = Tokens(url)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-mixed-"))
    print(f"server logs in {log_dir}; {psutil.cpu_count()} cores")
    results: dict[str, list[Measured]] = {}
    samples: list[tuple[str, int, float]] = []
    try:
        if not arguments.skip_throughput:
            results = throughput(arguments, url, reads, found, tokens, watermark, log_dir)
        if not arguments.skip_memory:
            samples = memory(arguments, url, reads, found, tokens, watermark, log_dir)
    finally:
        asyncio.run(watermark.reset(restore_threads=True))
    print(f"\nload average at the end: {load_average()}")
    if results:
        print(table(results, arguments.before_label))
    if samples:
        print("\n| server | VmRSS MiB | req/s of the chunk |")
        print("|---|---:|---:|")
        for moment, kib, rate in samples:
            print(
                f"| {moment} | {kib / 1024:.1f} | {rate:.0f} |"
                if rate
                else f"| {moment} | {kib / 1024:.1f} | – |"
            )
    print(orjson.dumps({"samples": samples}).decode(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
