"""Operator commands: signing keys, OAuth clients, tokens, council admins, staff accounts."""

import argparse
import asyncio
import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graph.cli.runtime import fail, in_session, migrated_database, status


def keys_rotate(_: argparse.Namespace) -> int:
    """Start signing with a new key; the old one keeps verifying until its tokens expire."""
    from graph.auth.keys import RETIRED_KEY_GRACE, rotate_signing_key

    async def rotate(session: AsyncSession) -> str:
        new, old = await rotate_signing_key(session)
        retired = f"; retired {old.kid} (verifies for {RETIRED_KEY_GRACE})" if old else ""
        return f"signing with {new.kid}{retired}"

    with migrated_database() as location:
        print(asyncio.run(in_session(location.url, rotate)))
    return 0


def clients_create(arguments: argparse.Namespace) -> int:
    """Register an OAuth client and print its id and secret once."""
    from graph.services import oauth_client

    async def create(session: AsyncSession) -> list[str]:
        secret: str | None
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
        lines = [f"client_id:     {row.client_id}"]
        if secret is not None:
            lines.append(f"client_secret: {secret}   (shown once; only its hash is stored)")
        lines.append(f"grant_types:   {' '.join(row.grant_types)}")
        lines.append(f"scopes:        {' '.join(row.scopes)}")
        return lines

    with migrated_database() as location:
        try:
            print("\n".join(asyncio.run(in_session(location.url, create))))
        except oauth_client.ClientError as error:
            return fail(str(error))
    return 0


def clients_list(_: argparse.Namespace) -> int:
    """Print every registered client, one per line (tab-separated)."""
    from graph.services import oauth_client

    async def listing(session: AsyncSession) -> list[str]:
        return [
            "\t".join(
                (
                    row.client_id,
                    "revoked" if row.revoked_at is not None else "active",
                    " ".join(row.grant_types),
                    " ".join(row.scopes),
                    row.name,
                )
            )
            for row in await oauth_client.list_clients(session)
        ]

    with migrated_database() as location:
        lines = asyncio.run(in_session(location.url, listing))
    if lines:
        print("\n".join(lines))
    return 0


def clients_revoke(arguments: argparse.Namespace) -> int:
    """Revoke a client: no new tokens, and the tokens it holds stop working at once."""
    from graph.services import oauth_client

    async def revoke(session: AsyncSession) -> str:
        row = await oauth_client.revoke_client(session, arguments.client_id)
        return f"revoked {row.client_id}"

    with migrated_database() as location:
        try:
            status(asyncio.run(in_session(location.url, revoke)))
        except oauth_client.ClientError as error:
            return fail(str(error))
    return 0


def token(arguments: argparse.Namespace) -> int:
    """Mint an access token for an engineer (operators and development)."""
    from db.queries import engineer as engineer_queries
    from graph.auth.authentication import engineer_subject, engineer_viewer
    from graph.auth.keys import KeyStore
    from graph.auth.roles import parse_scopes
    from graph.auth.tokens import issue_access_token
    from graph.chapters import load_registry
    from graph.services.oauth_client import CLI_CLIENT_ID, scopes_an_engineer_can_use
    from graph.settings import Settings

    settings = Settings.from_environment()

    async def mint(session: AsyncSession) -> str:
        engineer = await engineer_queries.get_by_handle(session, arguments.engineer)
        if engineer is None:
            raise LookupError(f"no engineer {arguments.engineer!r}")
        viewer = await engineer_viewer(session, engineer.id, load_registry(), frozenset())
        keys = KeyStore(async_sessionmaker(session.bind))
        await keys.reload()
        granted = (
            parse_scopes(arguments.scopes)
            if arguments.scopes
            else scopes_an_engineer_can_use(viewer)
        )
        access_token, _ = issue_access_token(
            keys.signing_key(),
            issuer=settings.issuer,
            audience=settings.audience,
            subject=engineer_subject(engineer.id),
            client_id=CLI_CLIENT_ID,
            scopes=granted,
            lifetime_seconds=settings.access_token_seconds,
        )
        return access_token

    with migrated_database() as location:
        try:
            print(asyncio.run(in_session(location.url, mint)))
        except LookupError as error:
            return fail(str(error))
    return 0


def admins(arguments: argparse.Namespace) -> int:
    """Grant or revoke the council admin role of an engineer's account (audited)."""
    from db.enums import GlobalRole
    from graph.services.operators import OperatorError, set_global_role

    grant = arguments.admins_command == "grant"
    role = GlobalRole.COUNCIL_ADMIN if grant else GlobalRole.MEMBER

    async def change(session: AsyncSession) -> str:
        account = await set_global_role(
            session, arguments.engineer, role, f"cli-{uuid.uuid4().hex}"
        )
        return f"{arguments.engineer} ({account.email}) is now {role.value}"

    with migrated_database() as location:
        try:
            print(asyncio.run(in_session(location.url, change)))
        except OperatorError as error:
            return fail(str(error))
    return 0


def staff_create(arguments: argparse.Namespace) -> int:
    """Open an institution staff account and print its one-time set-password link."""
    from graph.services.operators import OperatorError, create_staff_account
    from graph.settings import Settings

    site = Settings.from_environment().issuer

    async def create(session: AsyncSession) -> list[str]:
        staff = await create_staff_account(
            session, arguments.institution, arguments.email, arguments.name, site
        )
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

    with migrated_database() as location:
        try:
            print("\n".join(asyncio.run(in_session(location.url, create))))
        except OperatorError as error:
            return fail(str(error))
    return 0


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add keys, clients, admins, staff and token to the command line."""
    keys = commands.add_parser("keys", help="JWT signing keys").add_subparsers(
        dest="keys_command", required=True
    )
    keys.add_parser("rotate", help="sign with a new key").set_defaults(handler=keys_rotate)

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
    create.set_defaults(handler=clients_create)
    clients.add_parser("list", help="list registered clients").set_defaults(handler=clients_list)
    revoke = clients.add_parser(
        "revoke", help="revoke a client; its access tokens stop working at once"
    )
    revoke.add_argument("client_id", help="the client's client_id")
    revoke.set_defaults(handler=clients_revoke)

    admin_commands = commands.add_parser("admins", help="council admins").add_subparsers(
        dest="admins_command", required=True
    )
    for verb, help_text in (("grant", "make an engineer a council admin"), ("revoke", "undo it")):
        admin = admin_commands.add_parser(verb, help=help_text)
        admin.add_argument("--engineer", required=True, help="the engineer's handle")
        admin.set_defaults(handler=admins)

    staff = commands.add_parser("staff", help="institution staff accounts").add_subparsers(
        dest="staff_command", required=True
    )
    staff_parser = staff.add_parser(
        "create", help="open a staff account; prints a one-time set-password link"
    )
    staff_parser.add_argument("--institution", required=True, help="institution slug")
    staff_parser.add_argument("--email", required=True, help="the staff member's email")
    staff_parser.add_argument("--name", help="full name (default: the email's local part)")
    staff_parser.set_defaults(handler=staff_create)

    token_parser = commands.add_parser("token", help="mint an access token for an engineer")
    token_parser.add_argument("--engineer", required=True, help="the engineer's handle")
    token_parser.add_argument("--scopes", help="space-separated (default: all their roles grant)")
    token_parser.set_defaults(handler=token)
