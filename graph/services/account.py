"""Account rules: sign-up, email verification, password reset and throttled password login."""

import enum
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import AccountTokenPurpose
from db.models import Account, AccountToken, Engineer, LoginAttempt
from db.models.engineer import HANDLE_PATTERN
from db.queries import account as queries
from db.queries import engineer as engineer_queries
from db.queries import oauth as oauth_queries
from graph.auth.secrets import digest, hash_password, new_token, verify_password
from graph.services.outbox import queue_email
from graph.services.problems import Problem, Rejected, reject
from graph.services.team_invitations import claim as claim_team_invitations

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 256
VERIFY_EMAIL_LIFETIME = timedelta(hours=24)
RESET_PASSWORD_LIFETIME = timedelta(hours=1)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 30


class AccountErrorCode(enum.Enum):
    """Why an account mutation was refused."""

    INVALID_EMAIL = "INVALID_EMAIL"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    INVALID_HANDLE = "INVALID_HANDLE"
    HANDLE_TAKEN = "HANDLE_TAKEN"
    INVALID = "INVALID"
    INVALID_TOKEN = "INVALID_TOKEN"
    EXPIRED_TOKEN = "EXPIRED_TOKEN"


class LoginOutcome(enum.Enum):
    """Result of a password check."""

    OK = "OK"
    INVALID = "INVALID"
    THROTTLED = "THROTTLED"
    UNVERIFIED = "UNVERIFIED"


@dataclass(frozen=True)
class SignUp:
    """What a new engineer gives to open an account."""

    email: str
    password: str
    handle: str
    name: str
    country_code: str
    city: str
    is_overseas: bool


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively; we store them lower-case and trimmed."""
    return email.strip().lower()


def _password_problems(password: str, field: str) -> list[Problem]:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        return [
            Problem(
                AccountErrorCode.WEAK_PASSWORD,
                f"Passwords need {MIN_PASSWORD}–{MAX_PASSWORD} characters.",
                (field,),
            )
        ]
    return []


async def issue_token(
    session: AsyncSession, account: Account, purpose: AccountTokenPurpose, lifetime: timedelta
) -> str:
    """A new single-use token for `account`; only its hash is stored (no commit)."""
    raw = new_token()
    session.add(
        AccountToken(
            account_id=account.id,
            purpose=purpose.value,
            token_hash=digest(raw),
            expires_at=datetime.now(UTC) + lifetime,
        )
    )
    await session.flush()
    return raw


def _taken(constraint_message: str) -> Problem:
    """The user error for a unique violation that lost a race with another sign-up."""
    if "handle" in constraint_message:
        return Problem(AccountErrorCode.HANDLE_TAKEN, "Handle is taken.", ("handle",))
    return Problem(AccountErrorCode.EMAIL_TAKEN, "An account uses this email.", ("email",))


async def sign_up(session: AsyncSession, form: SignUp, site: str) -> Account:
    """Create the engineer and their account, and mail a verification link (no commit)."""
    email = normalise_email(form.email)
    handle = form.handle.strip().lower()
    problems: list[Problem] = []
    if len(email) > 254 or not EMAIL.match(email):
        problems.append(
            Problem(AccountErrorCode.INVALID_EMAIL, "Not an email address.", ("email",))
        )
    elif await queries.is_email_taken(session, email):
        problems.append(
            Problem(AccountErrorCode.EMAIL_TAKEN, "An account uses this email.", ("email",))
        )
    problems += _password_problems(form.password, "password")
    if not re.match(HANDLE_PATTERN, handle):
        problems.append(
            Problem(
                AccountErrorCode.INVALID_HANDLE,
                "Handles are 1–39 lower-case letters, digits and inner hyphens.",
                ("handle",),
            )
        )
    elif await engineer_queries.get_by_handle(session, handle) is not None:
        problems.append(Problem(AccountErrorCode.HANDLE_TAKEN, "Handle is taken.", ("handle",)))
    if not 1 <= len(form.name.strip()) <= 120:
        problems.append(
            Problem(AccountErrorCode.INVALID, "Name needs 1–120 characters.", ("name",))
        )
    if not COUNTRY_CODE.match(form.country_code):
        problems.append(
            Problem(AccountErrorCode.INVALID, "Use an ISO 3166-1 alpha-2 code.", ("countryCode",))
        )
    if not 1 <= len(form.city.strip()) <= 100:
        problems.append(
            Problem(AccountErrorCode.INVALID, "City needs 1–100 characters.", ("city",))
        )
    if problems:
        raise Rejected(problems)
    password_hash = await hash_password(form.password)
    engineer = Engineer(
        handle=handle,
        name=form.name.strip(),
        email=email,
        country_code=form.country_code,
        city=form.city.strip(),
        is_overseas=form.is_overseas,
    )
    try:
        # A concurrent sign-up can pass the checks above; the unique constraints decide.
        async with session.begin_nested():
            session.add(engineer)
            await session.flush()
            account = Account(engineer_id=engineer.id, email=email, password_hash=password_hash)
            session.add(account)
            await session.flush()
    except IntegrityError as error:
        raise Rejected([_taken(str(error.orig))]) from None
    token = await issue_token(
        session, account, AccountTokenPurpose.VERIFY_EMAIL, VERIFY_EMAIL_LIFETIME
    )
    queue_email(
        session,
        email,
        "Confirm your email for Brain Gain",
        f"Welcome, {engineer.name}.\n\nConfirm your email within 24 hours with this token:\n\n"
        f"    {token}\n\n(or open {site}/verify-email?token={token})\n",
    )
    return account


async def _consume(session: AsyncSession, raw: str, purpose: AccountTokenPurpose) -> AccountToken:
    row = await queries.get_token(session, digest(raw), purpose.value) if raw else None
    if row is None or row.used_at is not None:
        raise reject(AccountErrorCode.INVALID_TOKEN, "This link is not valid.", "token")
    now = datetime.now(UTC)
    if row.expires_at <= now:
        raise reject(AccountErrorCode.EXPIRED_TOKEN, "This link has expired.", "token")
    row.used_at = now
    return row


async def verify_email(session: AsyncSession, raw: str) -> Account:
    """Mark the account's email verified, spending the single-use token (no commit)."""
    token = await _consume(session, raw, AccountTokenPurpose.VERIFY_EMAIL)
    account = await session.get_one(Account, token.account_id)
    account.email_verified_at = account.email_verified_at or datetime.now(UTC)
    await session.flush()
    # a verified address claims the project-team invitations sent to it before sign-up
    await claim_team_invitations(session, account.engineer_id, account.email)
    return account


async def request_password_reset(session: AsyncSession, email: str, site: str) -> None:
    """Mail a reset token when the account exists; silent otherwise (no enumeration)."""
    account = await queries.get_by_email(session, normalise_email(email))
    if account is None:
        return
    token = await issue_token(
        session, account, AccountTokenPurpose.RESET_PASSWORD, RESET_PASSWORD_LIFETIME
    )
    queue_email(
        session,
        account.email,
        "Reset your Brain Gain password",
        "Someone asked to reset your password. If it was you, use this token within an hour:\n\n"
        f"    {token}\n\n(or open {site}/reset-password?token={token})\n"
        "If it was not you, ignore this mail.\n",
    )


async def reset_password(session: AsyncSession, raw: str, password: str) -> Account:
    """Set a new password, spend the token and sign the engineer out everywhere (no commit)."""
    problems = _password_problems(password, "password")
    if problems:
        raise Rejected(problems)
    token = await _consume(session, raw, AccountTokenPurpose.RESET_PASSWORD)
    account = await session.get_one(Account, token.account_id)
    account.password_hash = await hash_password(password)
    # the mail proved ownership of the address
    account.email_verified_at = account.email_verified_at or datetime.now(UTC)
    await oauth_queries.revoke_engineer_refresh_tokens(
        session, account.engineer_id, datetime.now(UTC)
    )
    await session.flush()
    return account


async def check_password(
    session: AsyncSession, email: str, password: str, ip_address: str
) -> tuple[LoginOutcome, Account | None]:
    """A throttled password check; records the attempt (caller commits)."""
    email = normalise_email(email)[:254]
    since = datetime.now(UTC) - THROTTLE_WINDOW
    by_email, by_address = await queries.count_failed_logins(
        session, email=email, ip_address=ip_address, since=since
    )
    if by_email >= MAX_FAILURES_PER_EMAIL or by_address >= MAX_FAILURES_PER_ADDRESS:
        return LoginOutcome.THROTTLED, None
    account = await queries.get_by_email(session, email)
    ok = await verify_password(password, account.password_hash if account else None)
    session.add(LoginAttempt(email=email, ip_address=ip_address[:64], succeeded=ok))
    await session.flush()
    if not ok or account is None:
        return LoginOutcome.INVALID, None
    if account.email_verified_at is None:
        return LoginOutcome.UNVERIFIED, account
    return LoginOutcome.OK, account
