"""CPU per mutation with the mutation executor on and off, alternating in one process.

    python -m bench.mutation_cpu --requests 200 --chunks 6

Two apps (graph.app.create_app, production settings as bench/writes.py runs them, the budget
lifted) share one process and one database: one with graph/compiler/mutations.py, one leaving
mutations to strawberry (BRAINGAIN_COMPILED_MUTATIONS=0; payload objects read by the compiled
path in both). They answer signed-in forumPostCreate and chapterJoin requests one at a time
through httpx's ASGI transport, in alternating chunks, so both see the same machine load. It
prints the CPU of this process per request (client included: the same on both sides, so the
difference is the server's) for each chunk and the medians. The rows it adds are deleted.
"""

import argparse
from collections.abc import Sequence

from bench.in_process import alternate, mutations, run_cleanly, serving
from bench.writes import DEFAULT_DATABASE_URL


async def _measure(url: str, arguments: argparse.Namespace) -> None:
    from db.engine import create_engine
    from graph.app import create_app
    from graph.compiler.settings import CompilerSettings

    groups = await mutations(url, 2000, arguments.requests * arguments.chunks * 2 + 2)
    engine = create_engine(url)
    base = CompilerSettings.from_environment()
    apps = {
        name: create_app(
            engine=engine,
            compiler=CompilerSettings(pool_size=base.pool_size, tune_gc=base.tune_gc, mutations=on),
        )
        for name, on in (("executor", True), ("strawberry", False))
    }
    try:
        async with serving(apps) as clients:
            for name, items in groups.items():
                await alternate(
                    clients,
                    items,
                    name,
                    requests=arguments.requests,
                    chunks=arguments.chunks,
                    warm_up=1,
                )
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Measure both mutations both ways; delete what they added."""
    parser = argparse.ArgumentParser(prog="python -m bench.mutation_cpu")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--requests", type=int, default=200, help="requests per chunk")
    parser.add_argument("--chunks", type=int, default=6, help="chunks per side")
    arguments = parser.parse_args(argv)
    run_cleanly(arguments.database_url, lambda: _measure(arguments.database_url, arguments))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
