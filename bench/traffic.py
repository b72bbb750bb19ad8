"""Closed-loop load of several kinds at once, each request with its own Authorization header.

bench/load.py's client sends one kind of request, all anonymous. Writes need a bearer token per
request (an engineer each), a request used once (a chapter joins only once), and the mixed
workload needs readers and writers side by side, measured apart. This is the same client —
a raw asyncio Protocol per keep-alive connection, uvloop, its own process, the measured window
opened only after the warm-up time *and* a response on every connection, counting only the
requests that complete inside the window — with groups:

- a group has its connections (`concurrency`) and its requests, handed out in order from one
  cursor shared by its connections (so a list of one-time requests is used once each until it
  runs out, then from the start again);
- a response fails when its status is not 200, when it has a GraphQL `errors` entry, or when it
  lacks the group's `expect` text (for mutations `"userErrors":[]`: a refused write is a
  failure, not a fast success);
- the window lasts `duration` seconds, or until `total` requests of all groups completed in it.

`python -m bench.traffic SPEC.json` prints "start" and "stop" around the window and then one
JSON line of results per group; `run()` drives it from Python.
"""

import argparse
import asyncio
import functools
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import orjson

from bench.load import MAX_WARMUP, percentile

ROOT = Path(__file__).resolve().parent.parent
FAILURE_SAMPLES = 3


@dataclass(frozen=True)
class Request:
    """One request of a group: a JSON body and an optional Authorization header value."""

    body: bytes
    authorization: str | None = None


@dataclass(frozen=True)
class Group:
    """Requests of one kind, sent on `concurrency` connections."""

    name: str
    concurrency: int
    requests: Sequence[Request]
    expect: str | None = None
    label: str | None = None
    """Groups with the same label are reported together (default: the group's name)."""


@dataclass(frozen=True)
class GroupResult:
    """What one group measured in the window (failures count in `errors` only)."""

    requests: int
    duration: float
    p50_ms: float
    p99_ms: float
    errors: int
    failures: list[str]

    @property
    def requests_per_second(self) -> float:
        """Successful requests per second of the window."""
        return self.requests / self.duration if self.duration else 0.0


@dataclass(frozen=True)
class TrafficResult:
    """Every label's result, the window's length, and the client's own CPU (cores)."""

    groups: dict[str, GroupResult]
    duration: float
    generator_cpu: float

    @property
    def requests(self) -> int:
        """Successful requests of all groups."""
        return sum(group.requests for group in self.groups.values())


Hook = Callable[[], None]


def _nothing() -> None:
    pass


def run(
    url: str,
    groups: Sequence[Group],
    warmup: float,
    duration: float,
    total: int | None = None,
    on_start: Hook = _nothing,
    on_stop: Hook = _nothing,
) -> TrafficResult:
    """Drive `url` with `groups` in a child process; hooks run as its window opens and closes."""
    import resource
    import subprocess

    def children_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    with tempfile.TemporaryDirectory(prefix="bench-traffic-") as name:
        directory = Path(name)
        spec: dict[str, Any] = {
            "url": url,
            "warmup": warmup,
            "duration": duration,
            "total": total,
            "groups": [],
        }
        for number, group in enumerate(groups):
            path = directory / f"group{number}.jsonl"
            path.write_bytes(
                b"\n".join(
                    orjson.dumps({"body": item.body.decode(), "authorization": item.authorization})
                    for item in group.requests
                )
            )
            spec["groups"].append(
                {
                    "name": group.name,
                    "concurrency": group.concurrency,
                    "requests": str(path),
                    "expect": group.expect,
                    "label": group.label or group.name,
                }
            )
        spec_path = directory / "spec.json"
        spec_path.write_bytes(orjson.dumps(spec))
        errors_path = directory / "stderr.txt"
        cpu_before, began = children_cpu(), time.perf_counter()
        with (
            errors_path.open("w") as errors,
            subprocess.Popen(
                [sys.executable, "-m", "bench.traffic", str(spec_path)],
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                cwd=ROOT,
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
            raise RuntimeError(f"traffic generator failed: {errors_path.read_text()}")
        generator = (children_cpu() - cpu_before) / (time.perf_counter() - began)
    data = orjson.loads("".join(lines))
    return TrafficResult(
        groups={name: GroupResult(**values) for name, values in data["groups"].items()},
        duration=data["duration"],
        generator_cpu=generator,
    )


@dataclass
class _Tally:
    """What one group's connections observed, and where its rotation stands."""

    requests: list[bytes]
    expect: bytes | None
    cursor: int = 0
    completions: list[tuple[float, float, bool]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    dropped: int = 0
    warm: int = 0


@dataclass
class _Run:
    """State shared by every connection of the run."""

    concurrency: int
    all_warm: asyncio.Event = field(default_factory=asyncio.Event)
    warm: int = 0
    stopping: bool = False
    window_start: float = float("inf")
    counted: int = 0
    total: int | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)


class _Connection(asyncio.Protocol):
    """One keep-alive connection: send the group's next request, read the response, repeat."""

    def __init__(self, tally: _Tally, run: _Run) -> None:
        self.tally = tally
        self.run = run
        self.buffer = bytearray()
        self.expected = -1
        self.body_start = 0
        self.status = 0
        self.started = 0.0
        self.completed = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass
        self.send()

    def send(self) -> None:
        """Write the group's next request."""
        assert self.transport is not None
        tally = self.tally
        request = tally.requests[tally.cursor % len(tally.requests)]
        tally.cursor += 1
        self.started = time.perf_counter()
        self.transport.write(request)

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
            self.body_start = end + 4
        if len(self.buffer) < self.expected:
            return
        finished = time.perf_counter()
        body = bytes(self.buffer[self.body_start : self.expected])
        tally, run = self.tally, self.run
        failed = (
            self.status != 200
            or b'"errors":[' in body
            or (tally.expect is not None and tally.expect not in body)
        )
        tally.completions.append((self.started, finished, failed))
        if failed and len(tally.failures) < FAILURE_SAMPLES:
            tally.failures.append(f"{self.status} {body[:300].decode(errors='replace')}")
        self.completed += 1
        if self.completed == 1:
            run.warm += 1
            if run.warm == run.concurrency:
                run.all_warm.set()
        if finished >= run.window_start:
            run.counted += 1
            if run.total is not None and run.counted >= run.total:
                run.done.set()
        del self.buffer[: self.expected]
        self.expected = -1
        if not run.stopping:
            self.send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.run.stopping:
            self.tally.dropped += 1


def _raw(host: str, port: int, path: str, body: bytes, authorization: str | None) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
    )
    if authorization is not None:
        head += f"Authorization: {authorization}\r\n"
    return (head + "\r\n").encode() + body


async def _drive(spec: dict[str, Any], lines: dict[str, list[bytes]]) -> dict[str, Any]:
    parts = urlsplit(spec["url"])
    host, port, path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path or "/"
    loop = asyncio.get_running_loop()
    problems: list[str] = []

    def on_exception(_: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        problems.append(f"{context.get('message')}: {context.get('exception')!r}")

    loop.set_exception_handler(on_exception)
    run = _Run(concurrency=sum(group["concurrency"] for group in spec["groups"]))
    run.total = spec["total"]
    tallies: dict[str, _Tally] = {}
    for group in spec["groups"]:
        requests = []
        for line in lines[group["name"]]:
            item = orjson.loads(line)
            requests.append(_raw(host, port, path, item["body"].encode(), item["authorization"]))
        expect = group["expect"].encode() if group["expect"] else None
        tallies[group["name"]] = _Tally(requests, expect)
    began = time.perf_counter()
    transports = []
    for group in spec["groups"]:
        tally = tallies[group["name"]]
        for _ in range(group["concurrency"]):
            transport, _protocol = await loop.create_connection(
                functools.partial(_Connection, tally, run), host, port
            )
            transports.append(transport)
    await asyncio.sleep(max(0.0, began + spec["warmup"] - time.perf_counter()))
    await asyncio.wait_for(run.all_warm.wait(), MAX_WARMUP)
    run.window_start = window_start = time.perf_counter()
    print("start", flush=True)
    if run.total is not None:
        await run.done.wait()
    else:
        await asyncio.sleep(spec["duration"])
    window_end = time.perf_counter()
    print("stop", flush=True)
    run.stopping = True
    for transport in transports:
        transport.abort()
    if problems:
        raise RuntimeError("traffic generator broke: " + "; ".join(problems[:3]))
    duration = window_end - window_start
    labels: dict[str, list[_Tally]] = {}
    for group in spec["groups"]:
        labels.setdefault(group["label"], []).append(tallies[group["name"]])
    results = {}
    for label, members in labels.items():
        inside = [
            item
            for tally in members
            for item in tally.completions
            if window_start <= item[1] <= window_end
        ]
        latencies = sorted(finished - started for started, finished, failed in inside if not failed)
        results[label] = {
            "requests": len(latencies),
            "duration": duration,
            "p50_ms": percentile(latencies, 0.50) * 1e3,
            "p99_ms": percentile(latencies, 0.99) * 1e3,
            "errors": sum(tally.dropped for tally in members) + len(inside) - len(latencies),
            "failures": [failure for tally in members for failure in tally.failures],
        }
    return {"groups": results, "duration": duration}


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.traffic SPEC.json`: run the spec, print JSON results."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("spec")
    arguments = parser.parse_args(argv)
    spec = orjson.loads(Path(arguments.spec).read_bytes())
    lines = {
        group["name"]: Path(group["requests"]).read_bytes().splitlines() for group in spec["groups"]
    }
    try:
        import uvloop
    except ImportError:  # the standard loop works too, only slower
        result = asyncio.run(_drive(spec, lines))
    else:
        result = uvloop.run(_drive(spec, lines))
    sys.stdout.write(orjson.dumps(result).decode() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
