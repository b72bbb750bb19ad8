"""The `braingain` command: serve, migrate, seed, export the schema, manage chapters, clients,
keys, council admins and institution staff accounts."""

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from db.engine import DatabaseLocation, resolve_database, stop_embedded, to_libpq_url

logger = logging.getLogger("braingain")
ROOT = Path(__file__).resolve().parent.parent


def _database() -> DatabaseLocation:
    location = resolve_database()
    if location.embedded is not None:
        print(f"embedded PostgreSQL running ({os.environ.get('BRAINGAIN_DATA_DIR', '.braingain')})")
    return location


def _upgrade(location: DatabaseLocation) -> None:
    from db.migrate import upgrade

    upgrade(location.url)


async def _sync_chapters(url: str) -> list[str]:
    from db.engine import create_engine, create_sessionmaker
    from graph.chapters import load_registry
    from graph.services.chapter import sync_chapters

    registry = load_registry()
    engine = create_engine(url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session:
            changes = await sync_chapters(session, registry)
            await session.commit()
        return changes
    finally:
        await engine.dispose()


async def _seed(url: str, scale: float, reset: bool) -> None:
    from db.engine import create_engine
    from db.seed import seed
    from graph.chapters import load_registry

    registry = load_registry()
    coordinators = registry.coordinators()
    engine = create_engine(url, pool_size=1)
    try:
        await seed(engine, scale=scale, reset=reset, coordinators=coordinators)
    finally:
        await engine.dispose()


def _exit_on_signal(signum: int, _: object) -> None:
    raise SystemExit(128 + signum)


def command_serve(arguments: argparse.Namespace) -> int:
    """Bring the database up to date, seed on first start, then serve GraphQL."""
    import uvicorn

    # uvicorn shuts down gracefully, then re-raises the signal with the previous handler; this
    # handler turns it into SystemExit so the `finally` below stops the embedded database.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGINT, _exit_on_signal)

    from graph.chapters import ChapterConfigError, load_registry

    try:
        load_registry()  # refuse to start on an invalid chapters_config/
    except ChapterConfigError as error:
        print(f"refusing to start: chapters_config/ is invalid:\n{error}", file=sys.stderr)
        return 1
    location = _database()
    try:
        _upgrade(location)
        for change in asyncio.run(_sync_chapters(location.url)):
            print(f"chapters: {change}")
        asyncio.run(_seed(location.url, scale=arguments.scale, reset=False))
        os.environ["DATABASE_URL"] = location.url
        print(f"Brain Gain Graph: http://{arguments.host}:{arguments.port}/graphql", flush=True)
        uvicorn.run(
            "graph.asgi:app",
            host=arguments.host,
            port=arguments.port,
            workers=arguments.workers,
            log_level="warning",
            access_log=False,
        )
    finally:
        stop_embedded(location)
    return 0


def command_db_upgrade(_: argparse.Namespace) -> int:
    """Apply Alembic migrations up to head."""
    location = _database()
    try:
        _upgrade(location)
        print("database at head")
    finally:
        stop_embedded(location)
    return 0


def command_seed(arguments: argparse.Namespace) -> int:
    """Fill demo data (migrating and syncing chapters first)."""
    location = _database()
    try:
        _upgrade(location)
        asyncio.run(_sync_chapters(location.url))
        asyncio.run(_seed(location.url, scale=arguments.scale, reset=arguments.reset))
    finally:
        stop_embedded(location)
    return 0


def command_schema_export(arguments: argparse.Namespace) -> int:
    """Print or write the SDL the code builds."""
    from graph.schema import schema

    sdl = schema.as_str() + "\n"
    if arguments.output == "-":
        sys.stdout.write(sdl)
    else:
        Path(arguments.output).write_text(sdl)
        print(f"wrote {arguments.output}")
    return 0


def command_chapters_check(_: argparse.Namespace) -> int:
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


def command_chapters_sync(_: argparse.Namespace) -> int:
    """Reconcile chapter rows with chapters_config/."""
    location = _database()
    try:
        _upgrade(location)
        changes = asyncio.run(_sync_chapters(location.url))
        for change in changes or ["no changes"]:
            print(change)
    finally:
        stop_embedded(location)
    return 0


async def _keys_rotate(url: str) -> str:
    from db.engine import create_engine, create_sessionmaker
    from graph.auth.keys import RETIRED_KEY_GRACE, rotate_signing_key

    engine = create_engine(url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session:
            new, old = await rotate_signing_key(session)
            await session.commit()
        retired = f"; retired {old.kid} (verifies for {RETIRED_KEY_GRACE})" if old else ""
        return f"signing with {new.kid}{retired}"
    finally:
        await engine.dispose()


def command_keys_rotate(_: argparse.Namespace) -> int:
    """Start signing with a new key; the old one keeps verifying until its tokens expire."""
    location = _database()
    try:
        _upgrade(location)
        print(asyncio.run(_keys_rotate(location.url)))
    finally:
        stop_embedded(location)
    return 0


async def _clients_create(url: str, arguments: argparse.Namespace) -> list[str]:
    from db.engine import create_engine, create_sessionmaker
    from graph.services import oauth_client

    engine = create_engine(url, pool_size=1)
    secret: str | None
    try:
        async with create_sessionmaker(engine)() as session:
            if arguments.institution:
                row, secret = await oauth_client.create_institution_client(
                    session, arguments.institution, arguments.scopes, arguments.name
                )
            else:
                row, secret = await oauth_client.create_app_client(
                    session,
                    arguments.name or "Portal app",
                    arguments.redirect_uri,
                    arguments.scopes,
                    arguments.public,
                )
            await session.commit()
    finally:
        await engine.dispose()
    lines = [f"client_id:     {row.client_id}"]
    if secret is not None:
        lines.append(f"client_secret: {secret}   (shown once; only its hash is stored)")
    lines.append(f"grant_types:   {' '.join(row.grant_types)}")
    lines.append(f"scopes:        {' '.join(row.scopes)}")
    return lines


def command_clients_create(arguments: argparse.Namespace) -> int:
    """Register an OAuth client and print its id and secret once."""
    from graph.services.oauth_client import ClientError

    location = _database()
    try:
        _upgrade(location)
        try:
            lines = asyncio.run(_clients_create(location.url, arguments))
        except ClientError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print("\n".join(lines))
    finally:
        stop_embedded(location)
    return 0


async def _mint(url: str, handle: str, scopes: str | None) -> str:
    from db.engine import create_engine, create_sessionmaker
    from db.queries import engineer as engineer_queries
    from graph.auth.authentication import engineer_subject, engineer_viewer
    from graph.auth.keys import KeyStore
    from graph.auth.roles import parse_scopes
    from graph.auth.tokens import issue_access_token
    from graph.chapters import load_registry
    from graph.services.oauth_client import CLI_CLIENT_ID, scopes_an_engineer_can_use
    from graph.settings import Settings

    settings = Settings.from_environment()
    engine = create_engine(url, pool_size=1)
    try:
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker() as session:
            engineer = await engineer_queries.get_by_handle(session, handle)
            if engineer is None:
                raise LookupError(f"no engineer {handle!r}")
            viewer = await engineer_viewer(session, engineer.id, load_registry(), frozenset())
        keys = KeyStore(sessionmaker)
        await keys.reload()
        granted = parse_scopes(scopes) if scopes else scopes_an_engineer_can_use(viewer)
        token, _ = issue_access_token(
            keys.signing_key(),
            issuer=settings.issuer,
            audience=settings.audience,
            subject=engineer_subject(engineer.id),
            client_id=CLI_CLIENT_ID,
            scopes=granted,
            lifetime_seconds=settings.access_token_seconds,
        )
        return token
    finally:
        await engine.dispose()


def command_token(arguments: argparse.Namespace) -> int:
    """Mint an access token for an engineer (operators and development)."""
    location = _database()
    try:
        _upgrade(location)
        try:
            print(asyncio.run(_mint(location.url, arguments.engineer, arguments.scopes)))
        except LookupError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    finally:
        stop_embedded(location)
    return 0


async def _admins(url: str, handle: str, grant: bool) -> str:
    import uuid

    from db.engine import create_engine, create_sessionmaker
    from db.enums import GlobalRole
    from graph.services.operators import set_global_role

    role = GlobalRole.COUNCIL_ADMIN if grant else GlobalRole.MEMBER
    engine = create_engine(url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session:
            account = await set_global_role(session, handle, role, f"cli-{uuid.uuid4().hex}")
            await session.commit()
        return f"{handle} ({account.email}) is now {role.value}"
    finally:
        await engine.dispose()


def command_admins(arguments: argparse.Namespace) -> int:
    """Grant or revoke the council admin role of an engineer's account (audited)."""
    from graph.services.operators import OperatorError

    location = _database()
    try:
        _upgrade(location)
        try:
            grant = arguments.admins_command == "grant"
            print(asyncio.run(_admins(location.url, arguments.engineer, grant)))
        except OperatorError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    finally:
        stop_embedded(location)
    return 0


async def _staff_create(url: str, arguments: argparse.Namespace) -> list[str]:
    from db.engine import create_engine, create_sessionmaker
    from graph.services.operators import create_staff_account
    from graph.settings import Settings

    site = Settings.from_environment().issuer
    engine = create_engine(url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session:
            staff = await create_staff_account(
                session, arguments.institution, arguments.email, arguments.name, site
            )
            await session.commit()
    finally:
        await engine.dispose()
    lines = [
        f"engineer:  {staff.engineer.handle}",
        f"email:     {staff.account.email}",
        f"institution: {arguments.institution}",
    ]
    if staff.token is None:
        lines.append("an account with this email existed: linked to the institution")
    else:
        lines.append(f"set-password token: {staff.token}   (single use, 7 days; also mailed)")
        lines.append(f"set-password link:  {site}/reset-password?token={staff.token}")
    return lines


def command_staff_create(arguments: argparse.Namespace) -> int:
    """Open an institution staff account and print its one-time set-password link."""
    from graph.services.operators import OperatorError

    location = _database()
    try:
        _upgrade(location)
        try:
            lines = asyncio.run(_staff_create(location.url, arguments))
        except OperatorError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print("\n".join(lines))
    finally:
        stop_embedded(location)
    return 0


def command_database_url(_: argparse.Namespace) -> int:
    """Print the database URL (starting the embedded server if needed) for psql and tools."""
    location = resolve_database()
    print(to_libpq_url(location.url))
    return 0


def parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    root = argparse.ArgumentParser(prog="braingain", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the GraphQL API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--scale", type=float, default=1.0, help="demo data scale on first start")
    serve.set_defaults(handler=command_serve)

    db = commands.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="apply migrations").set_defaults(handler=command_db_upgrade)
    db.add_parser("url", help="print the database URL").set_defaults(handler=command_database_url)

    seed = commands.add_parser("seed", help="fill realistic demo data")
    seed.add_argument("--scale", type=float, default=1.0, help="1 = 2,000 engineers")
    seed.add_argument("--reset", action="store_true", help="wipe existing data first")
    seed.set_defaults(handler=command_seed)

    schema = commands.add_parser("schema", help="GraphQL schema").add_subparsers(
        dest="schema_command", required=True
    )
    export = schema.add_parser("export", help="write the SDL")
    export.add_argument("-o", "--output", default="-", help="file (default: stdout)")
    export.set_defaults(handler=command_schema_export)

    chapters = commands.add_parser("chapters", help="chapters_config/").add_subparsers(
        dest="chapters_command", required=True
    )
    chapters.add_parser("check", help="validate the files").set_defaults(
        handler=command_chapters_check
    )
    chapters.add_parser("sync", help="reconcile the database").set_defaults(
        handler=command_chapters_sync
    )

    keys = commands.add_parser("keys", help="JWT signing keys").add_subparsers(
        dest="keys_command", required=True
    )
    keys.add_parser("rotate", help="sign with a new key").set_defaults(handler=command_keys_rotate)

    clients = commands.add_parser("clients", help="OAuth clients").add_subparsers(
        dest="clients_command", required=True
    )
    create = clients.add_parser("create", help="register a client; prints its secret once")
    create.add_argument("--institution", help="institution slug: a client-credentials client")
    create.add_argument("--scopes", default="", help='space-separated, e.g. "profiles:read"')
    create.add_argument("--name", help="display name (default: the institution's name)")
    create.add_argument(
        "--redirect-uri", action="append", default=[], help="first-party app redirect URI"
    )
    create.add_argument("--public", action="store_true", help="app without a secret (PKCE only)")
    create.set_defaults(handler=command_clients_create)

    admins = commands.add_parser("admins", help="council admins").add_subparsers(
        dest="admins_command", required=True
    )
    for verb, help_text in (("grant", "make an engineer a council admin"), ("revoke", "undo it")):
        admin = admins.add_parser(verb, help=help_text)
        admin.add_argument("--engineer", required=True, help="the engineer's handle")
        admin.set_defaults(handler=command_admins)

    staff = commands.add_parser("staff", help="institution staff accounts").add_subparsers(
        dest="staff_command", required=True
    )
    staff_create = staff.add_parser(
        "create", help="open a staff account; prints a one-time set-password link"
    )
    staff_create.add_argument("--institution", required=True, help="institution slug")
    staff_create.add_argument("--email", required=True, help="the staff member's email")
    staff_create.add_argument("--name", help="full name (default: the email's local part)")
    staff_create.set_defaults(handler=command_staff_create)

    token = commands.add_parser("token", help="mint an access token for an engineer")
    token.add_argument("--engineer", required=True, help="the engineer's handle")
    token.add_argument("--scopes", help="space-separated (default: all their roles grant)")
    token.set_defaults(handler=command_token)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `braingain` console script."""
    logging.basicConfig(level=os.environ.get("BRAINGAIN_LOG_LEVEL", "WARNING"))
    arguments = parser().parse_args(argv)
    return int(arguments.handler(arguments))


if __name__ == "__main__":
    raise SystemExit(main())
