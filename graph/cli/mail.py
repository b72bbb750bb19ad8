"""`braingain mail-worker`: send the outbox's mail (and digests) until stopped, or once."""

import argparse
import asyncio
import contextlib
import os
import signal

from db.engine import create_engine, create_sessionmaker
from graph.cli.runtime import migrated_database, status
from graph.observability.logging import configure_logging
from graph.services.mail import MailSettings, SmtpSender, sender_for
from graph.services.outbox import DeliverySettings, MailWorker


async def _work(url: str, once: bool, name: str | None) -> int:
    engine = create_engine(url, pool_size=2)
    settings = MailSettings.from_environment()
    sender = sender_for(settings)
    worker = MailWorker(
        create_sessionmaker(engine), sender, DeliverySettings.from_environment(), name
    )
    how = f"SMTP {settings.host}:{settings.port}" if isinstance(sender, SmtpSender) else "log"
    status(f"mail worker {worker.name}: sending through {how}")
    try:
        if once:
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
    status(f"mail worker {worker.name}: {worker.sent} sent")
    return 0


def mail_worker(arguments: argparse.Namespace) -> int:
    """Run the mail worker against the configured (or embedded) database."""
    configure_logging(os.environ.get("BRAINGAIN_LOG_LEVEL", "INFO"))
    with migrated_database() as location:
        return asyncio.run(_work(location.url, arguments.once, arguments.name))


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add mail-worker to the command line."""
    parser = commands.add_parser(
        "mail-worker",
        help="send queued mail and digests (SMTP from BRAINGAIN_SMTP_*, else logged)",
    )
    parser.add_argument("--once", action="store_true", help="send what is due, then exit")
    parser.add_argument("--name", default=None, help="worker name in claims (default host:pid)")
    parser.set_defaults(handler=mail_worker)
