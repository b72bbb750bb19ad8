"""Statistics latency and dashboard fan-out over a scale-10 database (results: bench/stats.md).

    python -m bench.stats --database-url postgresql://postgres@127.0.0.1:5432/<db> \
        [--requests 300] [--subscribers 1 10 50] [--writes 40]

The database must hold the scale-10 seed (`braingain seed --scale 10`) and be migrated
(`braingain db upgrade`: migration 0018's triggers announce writes). One server process
(uvicorn, one worker, as bench/servers.py starts it) is measured over HTTP:

1. the snapshot's cost: every aggregate statement computed in-process, cold, a few times;
2. each `stats` query (the dashboard page's whole document, and each figure alone, for the
   portal and for a chapter) sent `--requests` times one after another, after a warm-up:
   p50/p95/p99 of the client-side latency; then the same while a writer commits ten
   writes a second (the snapshot is recomputed behind the reads, at most once a second);
3. fan-out: N WebSocket subscribers follow `dashboardUpdated` while `--writes` writes are
   committed at 20 a second (subscriptions multiplexed over ten sockets): updates per
   subscriber, the smallest gap between two updates of one subscriber, and the delay from the
   last write's commit to each subscriber's last update.

Every write is an open public opportunity committed in its own transaction, deleted at the end.
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psutil
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from websockets.asyncio.client import ClientConnection, connect

from bench import servers
from db.engine import to_async_url
from db.models import Engineer, Opportunity, OpportunitySector, Sector
from graph.chapters import load_registry
from graph.resolvers.stats import stats_config
from graph.services import stats

SCOPE = "query ($chapter: String) {{ stats(chapter: $chapter) {{ {fields} }} }}"
FIELDS = {
    "page": (
        "chapterSlug computedAt minimumCellSize exact"
        " supplyDemand(groupBy: REGION) { sectorName region chapterName"
        " supply { count suppressed } demand }"
        " funnel { stage count people suppressed }"
        " hoursByMonth { month hours contributors suppressed }"
        " firstResponse { medianHours p90Hours responded awaiting suppressed }"
        " byCountry { countryCode engineers { count suppressed }"
        " contributors { count suppressed } hours }"
        " scorecards { chapterSlug chapterName targetsMet eventsHeld { value target met }"
        " activeMembers { value target met } engagements { value target met }"
        " medianResponseHours { value target met } }"
    ),
    "supplyDemand": (
        "supplyDemand(kind: MENTORSHIP) { sectorSlug chapterSlug supply { count } demand }"
    ),
    "funnel": "funnel { stage count people suppressed }",
    "hoursByMonth": "hoursByMonth { month hours contributors }",
    "firstResponse": "firstResponse { medianHours p90Hours responded awaiting }",
    "byCountry": "byCountry { countryCode engineers { count } contributors { count } hours }",
    "forumActivity": "forumActivity { month threads posts authors }",
    "scorecards": "scorecards { chapterSlug targetsMet eventsHeld { value } }",
}
SUBSCRIPTION = (
    "subscription ($chapter: String) { dashboardUpdated(chapter: $chapter) "
    "{ computedAt supplyDemand(kind: MENTORSHIP) { sectorSlug chapterSlug demand } } }"
)
PROTOCOL = "graphql-transport-ws"


def process_seconds(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far."""
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def percentile(values: list[float], share: float) -> float:
    """The share-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def snapshot_cost(url: str, rounds: int = 5) -> list[float]:
    """Milliseconds to compute every figure, in-process."""
    engine = create_async_engine(to_async_url(url))
    registry = load_registry()
    took = []
    try:
        for _ in range(rounds):
            async with AsyncSession(engine) as session:
                started = time.perf_counter()
                await stats.compute(session, registry, stats_config())
                took.append((time.perf_counter() - started) * 1000)
    finally:
        await engine.dispose()
    return took


async def latencies(
    client: httpx.AsyncClient, document: str, chapter: str | None, requests: int, pid: int
) -> tuple[list[float], float]:
    """Client-side milliseconds of `requests` sequential requests (after 20 unmeasured), and
    the server process's CPU milliseconds per measured request."""
    body = {"query": document, "variables": {"chapter": chapter}}
    measured = []
    cpu = 0.0
    for index in range(requests + 20):
        if index == 20:
            cpu = process_seconds(pid)
        started = time.perf_counter()
        response = await client.post("/graphql", json=body)
        took = (time.perf_counter() - started) * 1000
        payload = response.json()
        if response.status_code != 200 or payload.get("errors"):
            raise RuntimeError(f"{response.status_code}: {payload}")
        if index >= 20:
            measured.append(took)
    return measured, (process_seconds(pid) - cpu) * 1000 / requests


class Writer:
    """Commits open public opportunities in a bench sector, one per transaction."""

    def __init__(self, engine: AsyncEngine, sector_id: int, poster_id: int) -> None:
        self.engine = engine
        self.sector_id = sector_id
        self.poster_id = poster_id
        self.committed: list[float] = []

    async def write(self) -> None:
        async with AsyncSession(self.engine) as session:
            row = Opportunity(
                kind="MENTORSHIP",
                title="Bench: mentor a final-year student",
                poster_id=self.poster_id,
                hours_per_month=4,
                duration_months=6,
                deadline=datetime.now(UTC) + timedelta(days=30),
                status="OPEN",
            )
            session.add(row)
            await session.flush()
            session.add(OpportunitySector(opportunity_id=row.id, sector_id=self.sector_id))
            await session.commit()
        self.committed.append(time.monotonic())

    async def run(self, per_second: float, stop: asyncio.Event, count: int | None = None) -> None:
        done = 0
        while not stop.is_set() and (count is None or done < count):
            await self.write()
            done += 1
            await asyncio.sleep(1 / per_second)


@contextlib.asynccontextmanager
async def bench_rows(engine: AsyncEngine) -> AsyncIterator[Writer]:
    """A sector and a poster for the writes; everything written is deleted afterwards."""
    async with AsyncSession(engine) as session:
        sector_id = await session.scalar(select(Sector.id).order_by(Sector.id).limit(1))
        poster_id = await session.scalar(select(Engineer.id).order_by(Engineer.id).limit(1))
    if sector_id is None or poster_id is None:
        raise SystemExit("seed the database first (braingain seed --scale 10)")
    started = datetime.now(UTC)
    try:
        yield Writer(engine, sector_id, poster_id)
    finally:
        async with AsyncSession(engine) as session:
            await session.execute(
                delete(Opportunity).where(
                    Opportunity.title == "Bench: mentor a final-year student",
                    Opportunity.created_at >= started,
                )
            )
            await session.commit()


SOCKETS = 10
"""Subscribers share this many WebSockets (a client address may hold 20 on a worker)."""


async def follow(url: str, chapters: list[str | None]) -> ClientConnection:
    """One socket following a dashboard per entry of `chapters` (ids 0, 1, ...)."""
    socket = await connect(url, subprotocols=[PROTOCOL])  # type: ignore[list-item]
    await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    for number, chapter in enumerate(chapters):
        payload = {"query": SUBSCRIPTION, "variables": {"chapter": chapter}}
        message = {"id": str(number), "type": "subscribe", "payload": payload}
        await socket.send(json.dumps(message))
    return socket


async def collect(
    socket: ClientConnection, arrivals: dict[str, list[float]], stop: asyncio.Event
) -> None:
    """Note when each subscription of the socket receives an update."""
    while not stop.is_set():
        try:
            message = json.loads(await asyncio.wait_for(socket.recv(), 0.2))
        except TimeoutError:
            continue
        if message["type"] == "next":
            assert "errors" not in message["payload"], message
            arrivals.setdefault(message["id"], []).append(time.monotonic())
        elif message["type"] != "ping":
            raise RuntimeError(message)


async def fan_out(
    server_url: str, writer: Writer, subscribers: int, writes: int
) -> dict[str, float]:
    """Updates each of `subscribers` dashboards (half the portal's, half gulf-uae's) receives
    while `writes` writes are committed at 20 a second."""
    ws_url = server_url.replace("http://", "ws://") + "/graphql"
    chapters = [None if index % 2 == 0 else "gulf-uae" for index in range(subscribers)]
    groups = [chapters[start::SOCKETS] for start in range(min(SOCKETS, subscribers))]
    sockets = [await follow(ws_url, group) for group in groups]
    await asyncio.sleep(2)  # every subscription registered
    arrivals: list[dict[str, list[float]]] = [{} for _ in sockets]
    stop = asyncio.Event()
    readers = [
        asyncio.create_task(collect(socket, found, stop))
        for socket, found in zip(sockets, arrivals, strict=True)
    ]
    writer.committed.clear()
    started = time.monotonic()
    await writer.run(20, asyncio.Event(), count=writes)
    written = time.monotonic() - started
    await asyncio.sleep(5)
    stop.set()
    await asyncio.gather(*readers)
    for socket in sockets:
        await socket.close()
    last_write = writer.committed[-1]
    series = [times for found in arrivals for times in found.values()]
    gaps = [later - earlier for times in series for earlier, later in itertools.pairwise(times)]
    delays = [times[-1] - last_write for times in series]
    counts = [len(times) for times in series] + [0] * (subscribers - len(series))
    return {
        "subscribers": subscribers,
        "writes": writes,
        "write_seconds": written,
        "updates_min": min(counts),
        "updates_max": max(counts),
        "min_gap_ms": min(gaps) * 1000 if gaps else float("nan"),
        "last_delay_ms_p50": statistics.median(delays) * 1000 if delays else float("nan"),
        "last_delay_ms_max": max(delays) * 1000 if delays else float("nan"),
    }


async def measure(arguments: argparse.Namespace) -> None:
    url = arguments.database_url
    cost = await snapshot_cost(url, 1 if arguments.fan_out_only else 5)
    print(f"snapshot (every figure, in-process): {' '.join(f'{ms:.0f}' for ms in cost)} ms")
    engine = create_async_engine(to_async_url(url))
    log_dir = Path(tempfile.mkdtemp(prefix="bench-stats-"))
    server = servers.ours(servers.free_port(), url, 10, log_dir, mode="uvicorn")
    server.start()
    try:
        server.wait_ready(60)
        base = server.url.removesuffix("/graphql")
        async with (
            httpx.AsyncClient(base_url=base, timeout=60) as client,
            bench_rows(engine) as writer,
        ):
            rows = []
            for loaded in () if arguments.fan_out_only else (False, True):
                stop = asyncio.Event()
                writing = asyncio.create_task(writer.run(10, stop)) if loaded else None
                for name, fields in FIELDS.items():
                    for chapter in (None, "gulf-uae"):
                        document = SCOPE.format(fields=fields)
                        took, cpu = await latencies(
                            client, document, chapter, arguments.requests, server.pid
                        )
                        rows.append(
                            (
                                "10 writes/s" if loaded else "idle",
                                name,
                                chapter or "portal",
                                statistics.median(took),
                                percentile(took, 0.95),
                                percentile(took, 0.99),
                                cpu,
                            )
                        )
                        print(
                            f"{rows[-1][0]:>12} {name:>14} {rows[-1][2]:>9}: p50 {rows[-1][3]:.2f}"
                            f" p95 {rows[-1][4]:.2f} p99 {rows[-1][5]:.2f} ms"
                            f" cpu {rows[-1][6]:.2f} ms",
                            flush=True,
                        )
                if writing is not None:
                    stop.set()
                    await writing
            print("| load | query | scope | p50 ms | p95 ms | p99 ms | server CPU ms/request |")
            print("|---|---|---|---:|---:|---:|---:|")
            for load, name, scope, p50, p95, p99, cpu in rows:
                print(
                    f"| {load} | {name} | {scope} | {p50:.2f} | {p95:.2f} | {p99:.2f} | {cpu:.2f} |"
                )
            print()
            print(
                "| subscribers | writes | over s | updates each (min–max) "
                "| min gap ms | last write → its update ms (p50 / max) |"
            )
            print("|---:|---:|---:|---|---:|---|")
            for subscribers in () if arguments.latency_only else arguments.subscribers:
                found = await fan_out(base, writer, subscribers, arguments.writes)
                print(
                    f"| {subscribers} | {found['writes']:.0f} | {found['write_seconds']:.1f} "
                    f"| {found['updates_min']:.0f}–{found['updates_max']:.0f} "
                    f"| {found['min_gap_ms']:.0f} "
                    f"| {found['last_delay_ms_p50']:.0f} / {found['last_delay_ms_max']:.0f} |",
                    flush=True,
                )
    finally:
        server.stop()
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--subscribers", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--writes", type=int, default=40)
    parser.add_argument("--fan-out-only", action="store_true", help="skip the latencies")
    parser.add_argument("--latency-only", action="store_true", help="skip the fan-out")
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
