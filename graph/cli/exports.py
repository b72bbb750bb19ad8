"""`braingain export-worker`: build queued data exports and expire old ones, until stopped."""

import argparse
import asyncio
import contextlib
import os
import signal

from db.engine import create_engine, create_sessionmaker
from graph.cli.runtime import migrated_database, status
from graph.observability.logging import configure_logging
from graph.services.data_export import ExportSettings, ExportWorker


async def _work(url: str, once: bool, name: str | None) -> int:
    engine = create_engine(url, pool_size=2)
    worker = ExportWorker(create_sessionmaker(engine), ExportSettings.from_environment(), name)
    status(f"export worker {worker.name}: started")
    try:
        if once:
            await worker.expire()
            while await worker.run_once():
                pass
        else:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for number in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(NotImplementedError):
                    loop.add_signal_handler(number, stop.set)
            await worker.run(stop)
    finally:
        await engine.dispose()
    status(f"export worker {worker.name}: {worker.built} built")
    return 0


def export_worker(arguments: argparse.Namespace) -> int:
    """Run the export worker against the configured (or embedded) database."""
    configure_logging(os.environ.get("BRAINGAIN_LOG_LEVEL", "INFO"))
    with migrated_database() as location:
        return asyncio.run(_work(location.url, arguments.once, arguments.name))


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add export-worker to the command line."""
    parser = commands.add_parser(
        "export-worker", help="build queued data exports (large accounts) and expire old ones"
    )
    parser.add_argument("--once", action="store_true", help="build what is queued, then exit")
    parser.add_argument("--name", default=None, help="worker name in claims (default host:pid)")
    parser.set_defaults(handler=export_worker)
