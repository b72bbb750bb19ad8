"""CPU per mutation, our server against the hand-written endpoint, alternating in one process.

    python -m bench.writes_cpu --requests 150 --chunks 4

Our app (graph.app.create_app, production settings as bench/writes.py runs it, the budget
lifted) and bench/baseline_writes.py's raw-ASGI endpoint share one process and one database.
They answer signed-in forumPostCreate and chapterJoin requests (bench/writes.py's bodies, one
fresh token per engineer, as its throughput runs send them) one at a time through httpx's
ASGI transport, in alternating chunks, so both see the same machine load. It prints the CPU
of this process per request (the client's included, the same on both sides) for each chunk,
the medians and their ratio: on a busy shared machine that ratio moves far less than either
figure or than req/s. PostgreSQL's CPU is not counted. The rows it adds are deleted.
"""

import argparse
from collections.abc import Sequence
from statistics import median

from bench.in_process import alternate, mutations, run_cleanly, serving
from bench.writes import DEFAULT_DATABASE_URL

SIDES = ("ours", "hand-written")


async def _measure(url: str, arguments: argparse.Namespace) -> None:
    from bench.baseline_writes import WritesApp
    from db.engine import create_engine
    from graph.app import create_app

    count = arguments.requests * arguments.chunks * 2 + 6
    groups = await mutations(url, arguments.engineers, count)
    engine = create_engine(url)
    try:
        apps = dict(zip(SIDES, (create_app(engine=engine), WritesApp()), strict=True))
        async with serving(apps) as clients:
            for name, items in groups.items():
                spent = await alternate(
                    clients,
                    items,
                    name,
                    requests=arguments.requests,
                    chunks=arguments.chunks,
                    warm_up=3,
                )
                ratio = median(spent["hand-written"]) / median(spent["ours"])
                print(f"{name} hand-written / ours: {ratio:.2f}")
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Measure both mutations on both servers; delete what they added."""
    parser = argparse.ArgumentParser(prog="python -m bench.writes_cpu")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--requests", type=int, default=150, help="requests per chunk")
    parser.add_argument("--chunks", type=int, default=4, help="chunks per side")
    parser.add_argument("--engineers", type=int, default=10_000, help="engineers with tokens")
    arguments = parser.parse_args(argv)
    run_cleanly(arguments.database_url, lambda: _measure(arguments.database_url, arguments))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
