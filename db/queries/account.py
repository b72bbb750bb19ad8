"""SELECTs for accounts, emailed tokens, login attempts and the viewer's roles."""

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, column, exists, func, select, text
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncSession

from db.driver import fetchrow
from db.models import Account, AccountToken, Engineer, LoginAttempt
from db.queries import oauth


async def get_by_email(session: AsyncSession, email: str) -> Account | None:
    """The account signing in with this email (emails are stored lower-case)."""
    return await session.scalar(select(Account).where(Account.email == email.strip().lower()))


async def is_email_taken(session: AsyncSession, email: str) -> bool:
    """True when an account signs in with this email or a profile lists it as its contact."""
    email = email.strip().lower()
    taken = exists().where(Account.email == email) | exists().where(Engineer.email == email)
    return bool(await session.scalar(select(taken)))


async def get_by_engineer(session: AsyncSession, engineer_id: int) -> Account | None:
    """The account of this engineer, if they have one."""
    return await session.scalar(select(Account).where(Account.engineer_id == engineer_id))


async def get_token(session: AsyncSession, token_hash: str, purpose: str) -> AccountToken | None:
    """An emailed token by hash and purpose, locked for the rest of the transaction."""
    stmt = (
        select(AccountToken)
        .where(AccountToken.token_hash == token_hash, AccountToken.purpose == purpose)
        .with_for_update()
    )
    return await session.scalar(stmt)


STANDING = text(
    """
SELECT a.institution_id, a.global_role,
  COALESCE((SELECT json_agg(json_build_array(m.chapter_id, c.slug, m.role))
            FROM memberships m JOIN chapters c ON c.id = m.chapter_id
            WHERE m.engineer_id = e.id AND m.status = 'ACTIVE' AND c.archived_at IS NULL),
           '[]'::json) AS roles
FROM engineers e LEFT JOIN accounts a ON a.engineer_id = e.id
WHERE e.id = :engineer_id AND e.erased_at IS NULL
"""
)


Standing = tuple[int | None, str | None, list[tuple[int, str, str]]]
"""An engineer's account institution, global role and (chapter id, slug, role) of their active
memberships."""


async def engineer_standing(session: AsyncSession, engineer_id: int) -> Standing | None:
    """What a signed-in engineer's viewer needs, in one statement (no whole rows loaded):
    their account's institution and global role (None without an account) and the
    (chapter id, slug, role) of their active memberships of live chapters; None when the
    engineer does not exist or erased their account."""
    row = (await session.execute(STANDING, {"engineer_id": engineer_id})).first()
    if row is None:
        return None
    institution_id, global_role, roles = row
    return institution_id, global_role, [(int(c), str(s), str(r)) for c, s, r in roles]


def _standing_unless_revoked(*, client: bool, family: bool) -> Select[tuple[Any, ...]]:
    standing = STANDING.columns(
        column("institution_id"), column("global_role"), column("roles")
    ).subquery("standing")
    revoked = oauth.access_token_revoked(client=client, family=family).label("revoked")
    return select(revoked, standing.c.institution_id, standing.c.global_role, standing.c.roles)


def _on_driver(statement: Select[tuple[Any, ...]]) -> tuple[str, tuple[str, ...]]:
    """The statement as asyncpg takes it ($n parameters) and the names of its parameters."""
    compiled = statement.compile(dialect=asyncpg_dialect())  # type: ignore[no-untyped-call]
    return compiled.string, tuple(compiled.positiontup or ())


_STANDING_UNLESS_REVOKED = {
    (client, family): _on_driver(_standing_unless_revoked(client=client, family=family))
    for client in (False, True)
    for family in (False, True)
}
"""By which parts the token has, built and compiled once; run on the session's driver
connection (db.driver): it is on every signed-in request's path."""


def standing_unless_revoked_statement(
    engineer_id: int, jti: str, family_id: UUID | None, client_id: str | None
) -> tuple[str, list[Any]]:
    """engineer_standing_unless_revoked's statement for the driver connection and its
    arguments: one row (`revoked`, `institution_id`, `global_role`, `roles`), none when the
    engineer does not exist."""
    sql, names = _STANDING_UNLESS_REVOKED[client_id is not None, family_id is not None]
    parameters = oauth.revocation_parameters(jti, family_id, client_id)
    parameters["engineer_id"] = engineer_id
    return sql, [parameters[name] for name in names]


def standing_unless_revoked(row: Any) -> tuple[bool, Standing]:
    """A row of standing_unless_revoked_statement: whether the token was revoked, and the
    engineer's standing."""
    flag, institution_id, global_role, roles = row[0], row[1], row[2], row[3]
    if isinstance(roles, str):  # json as text (a connection without SQLAlchemy's json codec)
        roles = json.loads(roles)
    return bool(flag), (
        institution_id,
        global_role,
        [(int(c), str(s), str(r)) for c, s, r in roles],
    )


async def engineer_standing_unless_revoked(
    session: AsyncSession,
    engineer_id: int,
    jti: str,
    family_id: UUID | None,
    client_id: str | None,
) -> tuple[bool, Standing] | None:
    """Whether the token was revoked (oauth.access_token_revoked) and the engineer's standing
    (engineer_standing), in one statement; None when the engineer does not exist (revocation
    then unread)."""
    sql, arguments = standing_unless_revoked_statement(engineer_id, jti, family_id, client_id)
    row = await fetchrow(session, sql, *arguments)
    return None if row is None else standing_unless_revoked(row)


async def count_failed_logins(
    session: AsyncSession, *, email: str, ip_address: str, since: datetime
) -> tuple[int, int]:
    """Failed password checks since `since`: (for this email, from this address)."""
    by_email = select(func.count()).where(
        LoginAttempt.email == email, LoginAttempt.attempted_at > since, ~LoginAttempt.succeeded
    )
    by_address = select(func.count()).where(
        LoginAttempt.ip_address == ip_address,
        LoginAttempt.attempted_at > since,
        ~LoginAttempt.succeeded,
    )
    return int(await session.scalar(by_email) or 0), int(await session.scalar(by_address) or 0)
