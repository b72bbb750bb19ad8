"""CPU per request of one benchmarked read, in process: the ASGI app driven directly.

    DATABASE_URL=postgresql://.../braingain_bench python -m bench.request_cpu \
        [--query Q1] [--requests 5000] [--concurrency 16] [--repeats 3] [--profile out.prof]

The app is built as `graph.asgi` builds it, with bench/compiled.py's production settings
(access log at INFO written to /dev/null, metrics, request ids, limits, cost, rate budget);
`--concurrency` clients send the query with rotating variables, without HTTP or a socket.
Prints the process CPU per request (`time.process_time`) of each repeat and their median;
the event loop is uvloop, as under uvicorn. `--profile` writes a cProfile of the last repeat.
"""

import argparse
import asyncio
import cProfile
import logging
import os
import statistics
import time
from typing import Any

import orjson
from asgi_lifespan import LifespanManager
from starlette.types import ASGIApp, Message

from bench.compiled import QUERIES, inputs

SETTINGS = {
    "BRAINGAIN_ENV": "production",
    "BRAINGAIN_COMPILED_POOL_SIZE": "8",
    "BRAINGAIN_BUDGET_CAPACITY": "1000000000",
    "BRAINGAIN_BUDGET_RESTORE_RATE": "1000000",
    "REDIS_URL": "",
}


def build() -> ASGIApp:
    """The app as uvicorn imports it, its log lines written to /dev/null."""
    os.environ.update(SETTINGS)
    from graph.app import create_app
    from graph.observability.logging import configure_logging
    from graph.settings import Settings

    configure_logging(Settings.from_environment().log_level)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the run
    return create_app()


def scope_of(body: bytes) -> dict[str, Any]:
    """An HTTP scope as uvicorn hands one over for a POST of `body` to /graphql."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": "POST",
        "root_path": "",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }


async def request(app: ASGIApp, state: dict[str, Any], body: bytes) -> bytes:
    """One request through the app; the response body."""
    scope = scope_of(body)
    scope["state"] = state.copy()
    sent = False
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            assert message["status"] == 200, message
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(chunks)


async def load(
    app: ASGIApp, state: dict[str, Any], bodies: list[bytes], requests: int, concurrency: int
) -> None:
    """`requests` requests from `concurrency` clients, each rotating over the bodies."""
    share = requests // concurrency

    async def client(offset: int) -> None:
        for index in range(share):
            answer = await request(app, state, bodies[(offset + index) % len(bodies)])
            assert answer.startswith(b'{"data":{'), answer[:200]

    await asyncio.gather(*(client(offset * 7) for offset in range(concurrency)))


async def main(arguments: argparse.Namespace) -> None:
    """Warm up, then time (and optionally profile) the repeats."""
    url = os.environ["DATABASE_URL"]
    query = next(known for known in QUERIES if known.name == arguments.query)
    variables = (await inputs(url))[query.name]
    bodies = [
        orjson.dumps({"query": query.ours, "operationName": query.name, "variables": values})
        for values in variables
    ]
    app = build()
    async with LifespanManager(app) as manager:
        state = dict(manager._state)
        await load(app, state, bodies, 2000, arguments.concurrency)
        spent: list[float] = []
        for repeat in range(arguments.repeats):
            profile = cProfile.Profile() if arguments.profile and repeat == 0 else None
            started = time.process_time()
            if profile is not None:
                profile.enable()
            await load(app, state, bodies, arguments.requests, arguments.concurrency)
            if profile is not None:
                profile.disable()
                profile.dump_stats(arguments.profile)
                continue
            spent.append((time.process_time() - started) / arguments.requests * 1e3)
        print(
            f"{query.name} c={arguments.concurrency}: ms CPU/request "
            + " ".join(f"{value:.4f}" for value in spent)
            + f"  median {statistics.median(spent):.4f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--query", default="Q1")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", default=None, help="write a cProfile of one more repeat")
    options = parser.parse_args()
    if options.profile:
        options.repeats += 1
    import uvloop

    uvloop.run(main(options))
