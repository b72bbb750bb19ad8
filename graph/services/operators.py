"""Operator actions run from the CLI: council admins and institution staff accounts."""

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import AccountTokenPurpose, GlobalRole
from db.models import Account, Engineer
from db.queries import account as account_queries
from db.queries import engineer as engineer_queries
from db.queries import institution as institution_queries
from graph.auth.viewer import Viewer
from graph.services.account import EMAIL, issue_token, normalise_email
from graph.services.audit import record
from graph.services.oauth_client import CLI_CLIENT_ID
from graph.services.outbox import queue_email

SET_PASSWORD_LIFETIME = timedelta(days=7)
OPERATOR = Viewer(client_id=CLI_CLIENT_ID)
MAX_HANDLE = 39


class OperatorError(Exception):
    """The operator's request cannot be carried out as asked."""


async def set_global_role(
    session: AsyncSession, handle: str, role: GlobalRole, request_id: str
) -> Account:
    """Give the engineer's account a portal-wide role; audited (no commit)."""
    engineer = await engineer_queries.get_by_handle(session, handle)
    if engineer is None:
        raise OperatorError(f"no engineer {handle!r}")
    account = await account_queries.get_by_engineer(session, engineer.id)
    if account is None:
        raise OperatorError(f"engineer {handle!r} has no account: they must sign up first")
    before = account.global_role
    account.global_role = role.value
    record(
        session,
        OPERATOR,
        "account.global_role",
        account,
        chapter_id=None,
        before={"globalRole": before},
        after={"globalRole": role.value},
        request_id=request_id,
    )
    await session.flush()
    return account


@dataclass(frozen=True)
class StaffAccount:
    """What `create_staff_account` did: the account, and the set-password token if new."""

    account: Account
    engineer: Engineer
    token: str | None


async def _free_handle(session: AsyncSession, email: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", email.split("@")[0].lower()).strip("-")[:30] or "staff"
    handle, number = base, 1
    while await engineer_queries.get_by_handle(session, handle) is not None:
        number += 1
        handle = f"{base}-{number}"[:MAX_HANDLE]
    return handle


async def create_staff_account(
    session: AsyncSession, institution_slug: str, email: str, name: str | None, site: str
) -> StaffAccount:
    """An institution staff account with no password yet, and a mailed single-use link to set
    one; an existing account with this email is linked to the institution instead (no commit)."""
    institution = await institution_queries.get_by_slug(session, institution_slug)
    if institution is None:
        raise OperatorError(f"no institution {institution_slug!r}")
    email = normalise_email(email)
    if len(email) > 254 or not EMAIL.match(email):
        raise OperatorError(f"not an email address: {email!r}")
    existing = await account_queries.get_by_email(session, email)
    if existing is not None:
        existing.institution_id = institution.id
        await session.flush()
        engineer = await session.get_one(Engineer, existing.engineer_id)
        return StaffAccount(existing, engineer, None)
    if await account_queries.is_email_taken(session, email):
        raise OperatorError(f"a profile without an account lists {email!r}; ask them to sign up")
    engineer = Engineer(
        handle=await _free_handle(session, email),
        name=(name or email.split("@")[0]).strip()[:120],
        email=email,
        country_code=institution.country_code,
        city=institution.city,
        is_overseas=False,
    )
    session.add(engineer)
    await session.flush()
    account = Account(engineer_id=engineer.id, email=email, institution_id=institution.id)
    session.add(account)
    await session.flush()
    token = await issue_token(
        session, account, AccountTokenPurpose.RESET_PASSWORD, SET_PASSWORD_LIFETIME
    )
    queue_email(
        session,
        email,
        f"Your Brain Gain staff account for {institution.name}",
        f"An account was opened for you as staff of {institution.name}.\n\n"
        "Choose a password within 7 days with this token:\n\n"
        f"    {token}\n\n(or open {site}/reset-password?token={token})\n",
    )
    return StaffAccount(account, engineer, token)
