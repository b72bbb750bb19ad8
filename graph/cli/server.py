"""Commands that run or prepare the service: serve, db, seed, schema, chapters."""

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import create_engine, resolve_database, to_libpq_url
from graph.cli.runtime import in_session, migrated_database, status
from graph.http.proxies import trusted_proxies, uvicorn_proxy_options
from graph.observability.logging import configure_logging

logger = logging.getLogger("braingain.cli")
SERVING = "Brain Gain Graph: "
"""Opens the one plain line `serve` prints for humans (stderr); every other line is JSON."""


async def sync_chapter_rows(url: str) -> list[str]:
    """Reconcile chapter rows with chapters_config/; the changes made, as lines."""
    from graph.chapters import load_registry
    from graph.services.chapter import sync_chapters

    registry = load_registry()

    async def sync(session: AsyncSession) -> list[str]:
        return await sync_chapters(session, registry)

    return await in_session(url, sync)


async def seed_demo_data(url: str, scale: float, reset: bool) -> None:
    """Fill demo data (the seed commits on its own connection)."""
    from db.seed import seed
    from graph.chapters import load_registry

    # Seeding bulk-loads and recomputes every search vector: no statement timeout.
    engine = create_engine(url, pool_size=1, statement_timeout_ms=0)
    try:
        await seed(
            engine,
            scale=scale,
            reset=reset,
            coordinators=load_registry().coordinators(),
            progress=status,
        )
    finally:
        await engine.dispose()


def _exit_on_signal(signum: int, _: object) -> None:
    raise SystemExit(128 + signum)


def serve(arguments: argparse.Namespace) -> int:
    """Bring the database up to date, seed on first start, then serve GraphQL."""
    import uvicorn

    from graph.chapters import ChapterConfigError, load_registry

    # uvicorn shuts down gracefully, then re-raises the signal with the previous handler; this
    # handler turns it into SystemExit so the embedded database is stopped on the way out.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGINT, _exit_on_signal)
    # Every line from here on is a JSON log line (the workers configure theirs the same way),
    # but for the one line for humans with the URL.
    configure_logging(os.environ.get("BRAINGAIN_LOG_LEVEL", "INFO"))
    if os.environ.get("BRAINGAIN_ENV", "").lower() != "production":
        os.environ.setdefault("BRAINGAIN_EXPORT_WORKER", "in-process")  # the demo builds exports
    try:
        load_registry()  # refuse to start on an invalid chapters_config/
    except ChapterConfigError as error:
        logger.error("refusing to start: chapters_config/ is invalid:\n%s", error)
        return 1
    with migrated_database() as location:
        for change in asyncio.run(sync_chapter_rows(location.url)):
            status(f"chapters: {change}")
        asyncio.run(seed_demo_data(location.url, scale=arguments.scale, reset=False))
        os.environ["DATABASE_URL"] = location.url
        print(f"{SERVING}http://{arguments.host}:{arguments.port}/graphql", file=sys.stderr)
        uvicorn.run(
            "graph.asgi:app",
            host=arguments.host,
            port=arguments.port,
            workers=arguments.workers,
            log_config=None,  # uvicorn's lines go through our JSON handler
            access_log=False,
            **uvicorn_proxy_options(trusted_proxies()),
        )
    return 0


def db_upgrade(_: argparse.Namespace) -> int:
    """Apply Alembic migrations up to head."""
    with migrated_database():
        status("database at head")
    return 0


def db_url(_: argparse.Namespace) -> int:
    """Print the database URL (starting the embedded server if needed) for psql and tools."""
    print(to_libpq_url(resolve_database().url))
    return 0


def seed(arguments: argparse.Namespace) -> int:
    """Fill demo data (migrating and syncing chapters first)."""
    with migrated_database() as location:
        asyncio.run(sync_chapter_rows(location.url))
        asyncio.run(seed_demo_data(location.url, scale=arguments.scale, reset=arguments.reset))
    return 0


def schema_export(arguments: argparse.Namespace) -> int:
    """Print or write the SDL the code builds."""
    from graph.federation import public_sdl
    from graph.schema import schema

    subgraph = schema.as_str()
    sdl = (subgraph if arguments.federation else public_sdl(subgraph)) + "\n"
    if arguments.output == "-":
        sys.stdout.write(sdl)
    else:
        Path(arguments.output).write_text(sdl)
        status(f"wrote {arguments.output}")
    return 0


def chapters_check(_: argparse.Namespace) -> int:
    """Validate chapters_config/ and list the chapters."""
    from graph.chapters import ChapterConfigError, load_registry

    try:
        registry = load_registry()
    except ChapterConfigError as error:
        print(error, file=sys.stderr)
        return 1
    for chapter in registry.values():
        print(f"ok  {chapter.slug}: {chapter.name}")
    return 0


def chapters_sync(_: argparse.Namespace) -> int:
    """Reconcile chapter rows with chapters_config/."""
    with migrated_database() as location:
        for change in asyncio.run(sync_chapter_rows(location.url)) or ["no changes"]:
            print(change)
    return 0


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add serve, db, seed, schema and chapters to the command line."""
    serve_parser = commands.add_parser("serve", help="run the GraphQL API")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--workers", type=int, default=1)
    serve_parser.add_argument(
        "--scale", type=float, default=1.0, help="demo data scale on first start"
    )
    serve_parser.set_defaults(handler=serve)

    database = commands.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", required=True
    )
    database.add_parser("upgrade", help="apply migrations").set_defaults(handler=db_upgrade)
    database.add_parser("url", help="print the database URL").set_defaults(handler=db_url)

    seed_parser = commands.add_parser("seed", help="fill realistic demo data")
    seed_parser.add_argument("--scale", type=float, default=1.0, help="1 = 2,000 engineers")
    seed_parser.add_argument("--reset", action="store_true", help="wipe existing data first")
    seed_parser.set_defaults(handler=seed)

    schema = commands.add_parser("schema", help="GraphQL schema").add_subparsers(
        dest="schema_command", required=True
    )
    export = schema.add_parser("export", help="write the SDL")
    export.add_argument("-o", "--output", default="-", help="file (default: stdout)")
    export.add_argument(
        "--federation",
        action="store_true",
        help="the subgraph SDL with @key/@shareable/@link (schema.federation.graphql)",
    )
    export.set_defaults(handler=schema_export)

    chapters = commands.add_parser("chapters", help="chapters_config/").add_subparsers(
        dest="chapters_command", required=True
    )
    chapters.add_parser("check", help="validate the files").set_defaults(handler=chapters_check)
    chapters.add_parser("sync", help="reconcile the database").set_defaults(handler=chapters_sync)
