"""Closed-loop HTTP load: N keep-alive connections POSTing rotating bodies for a fixed time.

The default client is a raw asyncio Protocol (HTTP/1.1 keep-alive, pre-built requests, uvloop)
run in its own process (`python -m bench.load ...`). It keeps the connections busy through the
warm-up *and* the measured window in one go, opens the window only once the warm-up time has
passed *and* every connection has had a response, and counts only the requests that complete
inside the window. That matters here: an asyncio server given 64 concurrent requests that each
cost 60 ms of CPU interleaves them and answers them all after about 4 s, so a run that starts
cold (as separate wrk runs for warm-up and measurement do) under-counts throughput badly.

`wrk` is supported too (`--load wrk`: a warm-up run, then a measured run); it spends a little
less CPU but has the cold-start bias above, so use it only for fast queries.
"""

import argparse
import asyncio
import dataclasses
import functools
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import orjson

ROOT = Path(__file__).resolve().parent.parent
MAX_WARMUP = 300.0  # seconds to wait for every connection's first response

WRK_SCRIPT = r"""
local bodies_path = os.getenv("BENCH_BODIES")
local result_path = os.getenv("BENCH_RESULT")
local next_thread = 0

function setup(thread)
  thread:set("offset", next_thread * 7919)
  next_thread = next_thread + 1
end

function init(args)
  requests = {}
  local headers = {["Content-Type"] = "application/json", ["Accept"] = "application/json"}
  for body in io.lines(bodies_path) do
    requests[#requests + 1] = wrk.format("POST", wrk.path, headers, body)
  end
  index = offset or 0
end

function request()
  index = index + 1
  return requests[(index % #requests) + 1]
end

function done(summary, latency, requests)
  local errors = summary.errors
  local file = io.open(result_path, "w")
  file:write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p99_us":%d,"mean_us":%f,'
    .. '"max_us":%d,"errors":%d,"status_errors":%d}',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), latency.mean, latency.max,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
  file:close()
end
"""


@dataclass(frozen=True)
class LoadResult:
    """What one timed run measured: successful requests in the window, and the failures.

    A failure (non-200, a GraphQL `errors` key, a dropped connection) counts in `errors` only,
    not in `requests` or the latencies. wrk cannot look at bodies: with it only non-2xx/3xx
    responses and socket errors count, and they are not excluded from `requests`.
    """

    requests: int
    duration: float
    p50_ms: float
    p99_ms: float
    errors: int
    bytes: int
    generator_cpu: float = 0.0  # the load generator's CPU, in cores, over its whole run

    @property
    def requests_per_second(self) -> float:
        """Completed requests per second of the run."""
        return self.requests / self.duration if self.duration else 0.0


def wrk_available() -> bool:
    """True when the `wrk` binary is on PATH."""
    return shutil.which("wrk") is not None


def _bodies_file(directory: Path, bodies: Sequence[bytes]) -> Path:
    path = directory / "bodies.jsonl"
    path.write_bytes(b"\n".join(bodies) + b"\n")
    return path


def run_wrk(
    url: str, bodies: Sequence[bytes], concurrency: int, duration: float, threads: int = 1
) -> LoadResult:
    """Drive `url` with wrk: `concurrency` connections for `duration` seconds."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as name:
        directory = Path(name)
        script = directory / "post.lua"
        script.write_text(WRK_SCRIPT)
        result = directory / "result.json"
        environment = dict(
            os.environ,
            BENCH_BODIES=str(_bodies_file(directory, bodies)),
            BENCH_RESULT=str(result),
        )
        command = [
            "wrk",
            "-t",
            str(min(threads, concurrency)),
            "-c",
            str(concurrency),
            "-d",
            f"{max(1, round(duration))}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            url,
        ]
        completed = subprocess.run(command, env=environment, capture_output=True, text=True)
        if completed.returncode != 0 or not result.exists():
            raise RuntimeError(f"wrk failed: {completed.stderr or completed.stdout}")
        data = orjson.loads(result.read_bytes())
    return LoadResult(
        requests=data["requests"],
        duration=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1e3,
        p99_ms=data["p99_us"] / 1e3,
        errors=data["errors"] + data["status_errors"],
        bytes=data["bytes"],
    )


Hook = Callable[[], None]


def _nothing() -> None:
    pass


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_python(
    url: str,
    bodies: Sequence[bytes],
    concurrency: int,
    warmup: float,
    duration: float,
    on_start: Hook = _nothing,
    on_stop: Hook = _nothing,
) -> LoadResult:
    """Drive `url` with the Protocol client below, in a separate Python process.

    The child prints "start" and "stop" when its measured window opens and closes, so the
    caller's hooks can take CPU snapshots exactly around the window.
    """
    with tempfile.TemporaryDirectory(prefix="bench-load-") as name:
        bodies_path = _bodies_file(Path(name), bodies)
        command = [
            sys.executable,
            "-m",
            "bench.load",
            url,
            str(bodies_path),
            "--concurrency",
            str(concurrency),
            "--warmup",
            str(warmup),
            "--duration",
            str(duration),
        ]
        cpu_before, began = _children_cpu(), time.perf_counter()
        errors_path = Path(name) / "stderr.txt"
        with (
            errors_path.open("w") as errors,
            subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=errors, text=True, cwd=ROOT
            ) as child,
        ):
            assert child.stdout is not None
            lines = []
            for line in child.stdout:
                if line.strip() == "start":
                    on_start()
                elif line.strip() == "stop":
                    on_stop()
                else:
                    lines.append(line)
        if child.returncode != 0:
            raise RuntimeError(f"load generator failed: {errors_path.read_text()}")
        cpu = _children_cpu() - cpu_before
        data = orjson.loads("".join(lines))
    data["generator_cpu"] = cpu / (time.perf_counter() - began)
    return LoadResult(**data)


def run_load(
    url: str,
    bodies: Sequence[bytes],
    concurrency: int,
    warmup: float,
    duration: float,
    tool: str = "python",
    on_start: Hook = _nothing,
    on_stop: Hook = _nothing,
) -> LoadResult:
    """Warm up, then measure for `duration` seconds, with the chosen tool ("python" or "wrk")."""
    if tool == "python":
        return run_python(url, bodies, concurrency, warmup, duration, on_start, on_stop)
    if warmup > 0:
        run_wrk(url, bodies, concurrency, warmup)
    cpu_before, began = _children_cpu(), time.perf_counter()
    on_start()
    result = run_wrk(url, bodies, concurrency, duration)
    on_stop()
    generator = (_children_cpu() - cpu_before) / (time.perf_counter() - began)
    return dataclasses.replace(result, generator_cpu=generator)


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class _Tally:
    """Everything the connections observed."""

    completions: list[tuple[float, float, int, bool]] = field(default_factory=list)
    errors: int = 0
    failures: list[str] = field(default_factory=list)
    stopping: bool = False
    warm_connections: int = 0
    all_warm: asyncio.Event = field(default_factory=asyncio.Event)
    concurrency: int = 0


class _Connection(asyncio.Protocol):
    """One keep-alive connection: send a request, read the whole response, send the next."""

    def __init__(self, requests: Sequence[bytes], offset: int, tally: _Tally) -> None:
        self.requests = requests
        self.index = offset
        self.tally = tally
        self.buffer = bytearray()
        self.expected = -1
        self.status = 0
        self.started = 0.0
        self.completed = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass
        self.send()

    def send(self) -> None:
        """Write the next request of the rotation."""
        assert self.transport is not None
        self.index += 1
        self.started = time.perf_counter()
        self.transport.write(self.requests[self.index % len(self.requests)])

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.expected < 0:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).lower()
            self.status = int(head[9:12])
            start = head.find(b"\r\ncontent-length:")
            if start < 0:
                raise RuntimeError("response without Content-Length")
            stop = head.find(b"\r\n", start + 2)
            length = int(head[start + 17 : stop if stop >= 0 else len(head)])
            self.expected = end + 4 + length
        if len(self.buffer) < self.expected:
            return
        finished = time.perf_counter()
        failed = self.status != 200 or self.buffer.find(b'"errors":[', 0, self.expected) >= 0
        self.tally.completions.append((self.started, finished, self.expected, failed))
        self.completed += 1
        if self.completed == 1:
            self.tally.warm_connections += 1
            if self.tally.warm_connections == self.tally.concurrency:
                self.tally.all_warm.set()
        del self.buffer[: self.expected]
        self.expected = -1
        if not self.tally.stopping:
            self.send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.tally.stopping:
            self.tally.errors += 1


async def _drive(
    url: str, bodies: Sequence[bytes], concurrency: int, warmup: float, duration: float
) -> LoadResult:
    parts = urlsplit(url)
    host, port, path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path or "/"
    requests = [
        (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        + body
        for body in bodies
    ]
    loop = asyncio.get_running_loop()
    tally = _Tally(concurrency=concurrency)

    def on_exception(_: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        tally.failures.append(f"{context.get('message')}: {context.get('exception')!r}")

    loop.set_exception_handler(on_exception)
    began = time.perf_counter()
    transports = []
    for number in range(concurrency):
        transport, _ = await loop.create_connection(
            functools.partial(_Connection, requests, number * 7919, tally), host, port
        )
        transports.append(transport)
    await asyncio.sleep(began + warmup - time.perf_counter())
    await asyncio.wait_for(tally.all_warm.wait(), MAX_WARMUP)
    window_start = time.perf_counter()
    print("start", flush=True)
    window_end = window_start + duration
    await asyncio.sleep(duration)
    print("stop", flush=True)
    tally.stopping = True
    for transport in transports:
        transport.abort()
    if tally.failures:
        raise RuntimeError("load generator broke: " + "; ".join(tally.failures[:3]))
    inside = [item for item in tally.completions if window_start <= item[1] < window_end]
    succeeded = [item for item in inside if not item[3]]
    latencies = sorted(finished - started for started, finished, _, _ in succeeded)
    return LoadResult(
        requests=len(succeeded),
        duration=duration,
        p50_ms=percentile(latencies, 0.50) * 1e3,
        p99_ms=percentile(latencies, 0.99) * 1e3,
        errors=tally.errors + len(inside) - len(succeeded),
        bytes=sum(size for _, _, size, _ in succeeded),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.load URL BODIES_FILE`: run the Protocol client, print JSON results."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("url")
    parser.add_argument("bodies", help="file with one request body per line")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=10.0)
    arguments = parser.parse_args(argv)
    bodies = [line for line in Path(arguments.bodies).read_bytes().splitlines() if line]
    drive = _drive(
        arguments.url, bodies, arguments.concurrency, arguments.warmup, arguments.duration
    )
    try:
        import uvloop
    except ImportError:  # the standard loop works too, only slower
        result = asyncio.run(drive)
    else:
        result = uvloop.run(drive)
    sys.stdout.write(orjson.dumps(result.__dict__).decode() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
