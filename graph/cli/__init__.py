"""The `braingain` command: serve, migrate, seed, export the schema, manage chapters, clients,
keys, council admins and institution staff accounts."""

import argparse
import logging
import os
from collections.abc import Sequence

from graph.cli import exports, mail, operators, server
from graph.observability.logging import configure_logging


def parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    root = argparse.ArgumentParser(prog="braingain", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    server.register(commands)
    operators.register(commands)
    mail.register(commands)
    exports.register(commands)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `braingain` console script."""
    if not logging.getLogger().handlers:  # as basicConfig: leave a host's logging alone
        configure_logging(os.environ.get("BRAINGAIN_LOG_LEVEL", "WARNING"))
    arguments = parser().parse_args(argv)
    return int(arguments.handler(arguments))
