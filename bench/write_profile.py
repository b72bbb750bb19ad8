"""Where a mutation's time goes in our server: statements sent, and sampled CPU by library.

    python -m bench.write_profile --requests 300 [--no-sample]

The app runs in-process (graph.app.create_app, production settings as bench/writes.py runs
it, the budget lifted) and answers `--requests` signed-in forumPostCreate and chapterJoin
requests one at a time through httpx's ASGI transport, and for comparison a signed-in and an
anonymous Q1 read (bench/compiled.py). It prints:

- the SQL statements of one request of each, in order (SQLAlchemy's and those sent through
  db.driver on the session's connection; the compiled path's payload read runs on the same
  connection and is not among them — one more statement when compiled reads are on; nor is
  the rate budget's spend on its own pool);
- a sampling profile (a thread reading the main thread's stack every ~0.5 ms; py-spy is not
  installed): the share of busy samples by the library of the innermost frame, and inclusive
  shares for the stages of a request (authentication, the resolver, the payload read, the
  commit, admission). Idle samples (waiting for PostgreSQL) and the client's own frames
  (httpx) are left out. Deterministic profilers (cProfile) misattribute time across
  SQLAlchemy's greenlets, which is why this samples.

The rows it adds are deleted at the end.
"""

import argparse
import cProfile
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from types import FrameType

from bench.compiled import Q1, bodies, inputs
from bench.in_process import headers, run_cleanly
from bench.traffic import Request
from bench.writes import (
    DEFAULT_DATABASE_URL,
    Tokens,
    bearer,
    fixtures,
    join_requests,
    reply_requests,
)

STAGES = {
    "authenticate (token, viewer: 1 statement)": ("graph/app.py", "authenticate"),
    "admission (limits, cost, budget)": ("graph/extensions/admission.py", ""),
    "mutation resolver + service (ORM)": ("graph/resolvers/mutation.py", "run"),
    "payload read (compiled, graph/compiler/objects.py)": ("graph/compiler/objects.py", ""),
    "strawberry payload resolvers (graph/types/)": ("graph/types/", ""),
    "commit (graph/extensions/transaction.py)": ("graph/extensions/transaction.py", ""),
    "request middleware, metrics, logging": ("graph/observability/", ""),
}

APP_MARKERS = (
    "/graph/",
    "/db/",
    "/starlette/",
    "/strawberry/",
    "/graphql/",
    "/sqlalchemy/",
    "/asyncpg/",
)
"""A sample with a frame of these is the server's work."""

LIBRARIES = (
    "sqlalchemy",
    "strawberry",
    "graphql",
    "asyncpg",
    "joserfc",
    "cryptography",
    "starlette",
    "orjson",
    "greenlet",
    "asyncio",
    "httpx",
    "anyio",
    "opentelemetry",
    "json",
)


def library(filename: str) -> str:
    """The package a frame's file belongs to ("graph/…" for ours)."""
    if "/graph/" in filename:
        return "graph/" + filename.split("/graph/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/db/" in filename and "site-packages" not in filename:
        return "db"
    for name in LIBRARIES:
        if f"/{name}/" in filename or filename.endswith(f"/{name}.py"):
            return name
    return "python (other)"


class Sampler(threading.Thread):
    """Reads one thread's stack every `interval` seconds until stopped."""

    def __init__(self, thread_id: int, interval: float = 0.0005) -> None:
        super().__init__(daemon=True)
        self.thread_id = thread_id
        self.interval = interval
        self.running = True
        self.busy = 0
        self.idle = 0
        self.other = 0
        self.self_time: Counter[str] = Counter()
        self.functions: Counter[str] = Counter()
        self.stages: Counter[str] = Counter()

    def run(self) -> None:
        while self.running:
            frame = sys._current_frames().get(self.thread_id)
            if frame is not None:
                self.sample(frame)
            time.sleep(self.interval)

    def sample(self, frame: FrameType) -> None:
        """Classify one stack."""
        stack: list[FrameType] = []
        current: FrameType | None = frame
        while current is not None:
            stack.append(current)
            current = current.f_back
        innermost = stack[0].f_code
        if innermost.co_name in ("select", "poll") or "selectors" in innermost.co_filename:
            self.idle += 1  # waiting: for PostgreSQL, mostly
            return
        files = [item.f_code.co_filename for item in stack]
        if not any(marker in name for name in files for marker in APP_MARKERS):
            self.other += 1  # the client (httpx) or the event loop between callbacks
            return
        self.busy += 1
        self.self_time[library(innermost.co_filename)] += 1
        where = innermost.co_filename.rsplit("/", 2)
        self.functions[f"{'/'.join(where[-2:])}:{innermost.co_name}"] += 1
        for stage, (path, function) in STAGES.items():
            if any(
                path in item.f_code.co_filename
                and (not function or item.f_code.co_name == function)
                for item in stack
            ):
                self.stages[stage] += 1


async def _profile(url: str, arguments: argparse.Namespace) -> None:
    import httpx
    from asgi_lifespan import LifespanManager

    from db.engine import StatementCounter, create_engine
    from graph.app import create_app

    found = await fixtures(url, 2000)
    tokens = await Tokens(url)._mint(found.engineers)
    handles = (await inputs(url))["Q1"]
    reads = [bodies(Q1, "ours", [handles[n % len(handles)]])[0] for n in range(arguments.requests)]
    requests = {
        "forumPostCreate": reply_requests(found, tokens, arguments.requests),
        "chapterJoin": join_requests(found, tokens)[: arguments.requests + 1],
        "Q1 signed in": [
            Request(body, bearer(tokens[found.engineers[n % len(found.engineers)]]))
            for n, body in enumerate(reads)
        ],
        "Q1 anonymous": [Request(body) for body in reads],
    }
    engine = create_engine(url)
    counter = StatementCounter(engine)
    try:
        async with LifespanManager(create_app(engine=engine)) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for name, items in requests.items():
                    counter.reset()
                    first = items[0]
                    response = await client.post(
                        "/graphql", content=first.body, headers=headers(first)
                    )
                    assert _succeeded(name, response.content), response.content[:300]
                    print(
                        f"\n{name}: {counter.count} statements, SQLAlchemy's and db.driver's "
                        "(BEGIN/COMMIT and savepoints not counted)"
                    )
                    for statement in counter.statements:
                        print("   ", " ".join(statement.split())[:150])
                    sampler = Sampler(threading.get_ident())
                    began, cpu = time.perf_counter(), time.process_time()
                    if arguments.sample:
                        sampler.start()
                    profiler = cProfile.Profile(time.process_time) if arguments.cprofile else None
                    if profiler is not None:
                        profiler.enable()
                    for item in items[1:]:
                        response = await client.post(
                            "/graphql", content=item.body, headers=headers(item)
                        )
                        assert _succeeded(name, response.content), response.content[:300]
                    if arguments.sample:
                        sampler.running = False
                        sampler.join()
                    if profiler is not None:
                        profiler.disable()
                        profiler.dump_stats(f"{arguments.cprofile}.{name.replace(' ', '_')}")
                    count = len(items) - 1
                    elapsed = (time.perf_counter() - began) / count * 1e3
                    spent = (time.process_time() - cpu) / count * 1e3
                    print(
                        f"  {count} requests one at a time: {elapsed:.1f} ms each, "
                        f"{spent:.1f} ms CPU of this process (client included)"
                    )
                    if not arguments.sample:
                        continue
                    busy = sampler.busy or 1
                    print(
                        f"  server samples {sampler.busy}, waiting {sampler.idle}, client and "
                        f"event loop {sampler.other}; server samples by library:"
                    )
                    for key, value in sampler.self_time.most_common(14):
                        print(f"    {key:28s} {100 * value / busy:5.1f} %")
                    print("  server samples by innermost function:")
                    for key, value in sampler.functions.most_common(12):
                        print(f"    {key:60s} {100 * value / busy:5.1f} %")
                    print("  inclusive, by stage:")
                    for key, value in sampler.stages.most_common():
                        print(f"    {key:52s} {100 * value / busy:5.1f} %")
    finally:
        counter.close()
        await engine.dispose()


def _succeeded(name: str, body: bytes) -> bool:
    if name.startswith("Q"):
        return b'"errors"' not in body and b'"handle"' in body
    return b'"userErrors":[]' in body


def main(argv: Sequence[str] | None = None) -> int:
    """Profile both mutations; delete what they added."""
    parser = argparse.ArgumentParser(prog="python -m bench.write_profile")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--no-sample",
        dest="sample",
        action="store_false",
        help="no sampler thread: the CPU per request without its overhead (no profile printed)",
    )
    parser.add_argument(
        "--cprofile",
        metavar="PREFIX",
        default=None,
        help="also run cProfile around each group's requests, saved to PREFIX.<group>",
    )
    arguments = parser.parse_args(argv)
    if arguments.sample:
        sys.setswitchinterval(0.0002)  # let the sampler in while the main thread runs Python
    run_cleanly(arguments.database_url, lambda: _profile(arguments.database_url, arguments))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
