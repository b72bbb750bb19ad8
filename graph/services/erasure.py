"""Account erasure: remove or anonymise an engineer's personal data, in the caller's one
transaction.

The engineers row stays, anonymised ("a former member", a random handle, every profile field
emptied, `erased_at` set), because other people's records point at it: the other side of an
engagement, ledger entries that name a counterpart, forum threads others replied to. What is
only theirs is deleted (skills, positions, education, affiliations, memberships, consent
grants, the access log, notifications, feed and sign-in tokens, the account itself); what
they wrote into shared records is replaced (post bodies, application messages, session notes,
feedback comments, report texts). An erased engineer's tokens stop at once: every refresh
token is revoked and `engineer_standing` no longer finds them. The audit row names the action
and the engineer's row id, nothing personal.
"""

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.enums import MembershipStatus
from db.models import Account, Chapter, Engineer, Membership, RevokedAccessToken
from graph.auth.viewer import Viewer
from graph.services import audit
from graph.services.data_export import DataRightsErrorCode
from graph.services.problems import reject

FORMER_MEMBER = "a former member"
REMOVED = "Removed: its author erased their account."
WITHDRAWN = "Withdrawn: the applicant erased their account."
CANCELLED = "Cancelled: a participant erased their account."
COORDINATOR = "coordinator"
REVOKED_TOKEN_DAYS = 2
"""How long the erasing request's own access token stays on the revocation list (longer than
any access token lives)."""

STATEMENTS: tuple[str, ...] = (
    # what is theirs alone
    "DELETE FROM engineer_sectors WHERE engineer_id = :id",
    "DELETE FROM engineer_skills WHERE engineer_id = :id",
    "DELETE FROM positions WHERE engineer_id = :id",
    "DELETE FROM education WHERE engineer_id = :id",
    "DELETE FROM affiliations WHERE engineer_id = :id",
    "DELETE FROM memberships WHERE engineer_id = :id",
    "DELETE FROM consent_grants WHERE engineer_id = :id",
    "DELETE FROM access_log WHERE engineer_id = :id",
    "DELETE FROM calendar_feeds WHERE engineer_id = :id",
    "DELETE FROM notification_preferences WHERE engineer_id = :id",
    "DELETE FROM notifications WHERE recipient_id = :id",
    "DELETE FROM authorization_codes WHERE engineer_id = :id",
    "DELETE FROM data_exports WHERE engineer_id = :id",
    "DELETE FROM invitations WHERE engineer_id = :id AND status = 'PENDING'",
    "UPDATE refresh_tokens SET revoked_at = clock_timestamp()"
    " WHERE engineer_id = :id AND revoked_at IS NULL",
    "DELETE FROM account_tokens WHERE account_id IN"
    " (SELECT id FROM accounts WHERE engineer_id = :id)",
    "DELETE FROM login_attempts WHERE email = ANY(CAST(:emails AS text[]))",
    "DELETE FROM outbox_emails WHERE recipient = ANY(CAST(:emails AS text[]))",
    "DELETE FROM accounts WHERE engineer_id = :id",
    # what they wrote into records others share
    f"UPDATE forum_posts SET body = '{REMOVED}', edited_at = clock_timestamp()"
    " WHERE author_id = :id",
    f"UPDATE forum_threads SET body = '{REMOVED}' WHERE author_id = :id",
    "UPDATE forum_reports SET reason = '' WHERE reporter_id = :id",
    f"UPDATE applications SET message = '{WITHDRAWN}', proposal_price = NULL,"
    " proposal_currency = NULL, proposal_timeline = NULL, proposal_approach = NULL,"
    " status = CASE WHEN status IN ('SUBMITTED', 'SHORTLISTED') THEN 'WITHDRAWN' ELSE status END"
    " WHERE applicant_id = :id",
    "UPDATE engagement_sessions SET notes = '' WHERE logged_by_id = :id",
    "UPDATE engagement_feedback SET comment = '' WHERE author_id = :id",
    f"UPDATE engagement_problem_reports SET description = '{REMOVED}' WHERE reporter_id = :id",
    f"UPDATE engagements SET status = 'CANCELLED', cancel_reason = '{CANCELLED}'"
    " WHERE (contributor_id = :id OR seeker_id = :id)"
    " AND status IN ('PROPOSED', 'ACTIVE', 'PAUSED')",
    "UPDATE opportunities SET status = 'CLOSED'"
    " WHERE poster_id = :id AND institution_id IS NULL AND status IN ('DRAFT', 'OPEN')",
    "UPDATE event_speakers SET name = NULL, affiliation = NULL WHERE engineer_id = :id",
    "UPDATE notifications SET payload = payload - 'summary' - 'excerpt' WHERE actor_id = :id",
    "UPDATE audit_log SET before = NULL, after = NULL"
    " WHERE target_type = 'Engineer' AND target_id = :id",
    # the row others point at, anonymised
    f"""UPDATE engineers SET handle = :handle, name = '{FORMER_MEMBER}', headline = '', bio = '',
        photo_url = NULL, email = NULL, phone = NULL, country_code = 'ZZ', city = '',
        is_overseas = false, timezone = 'UTC', languages = '{{}}', disciplines = '{{}}',
        offers = '{{}}', seeks = '{{}}', capacity_hours_per_month = 0, max_mentees = 0,
        pec_registration_number = NULL, pec_status = 'UNREGISTERED', field_visibility = '{{}}',
        erased_at = clock_timestamp()
    WHERE id = :id""",
)


async def sole_coordinator_of(session: AsyncSession, engineer_id: int) -> list[str]:
    """Slugs of live chapters where the engineer is the only active coordinator."""
    other = aliased(Membership)
    others = (
        select(other.id)
        .where(
            other.chapter_id == Chapter.id,
            other.engineer_id != engineer_id,
            other.role == COORDINATOR,
            other.status == MembershipStatus.ACTIVE,
        )
        .correlate(Chapter)
        .exists()
    )
    statement = (
        select(Chapter.slug)
        .join(Membership, Membership.chapter_id == Chapter.id)
        .where(
            Membership.engineer_id == engineer_id,
            Membership.role == COORDINATOR,
            Membership.status == MembershipStatus.ACTIVE,
            Chapter.archived_at.is_(None),
            ~others,
        )
        .order_by(Chapter.slug)
    )
    return list(await session.scalars(statement))


def former_handle() -> str:
    """A fresh handle for an erased engineer, unrelated to anything they were."""
    return f"former-{secrets.token_hex(8)}"


async def erase(
    session: AsyncSession, viewer: Viewer, engineer_id: int, confirmation: str, request_id: str
) -> Engineer:
    """Erase the signed-in engineer's account once they typed their handle to confirm; refused
    while they are some chapter's only coordinator; audited; no commit."""
    engineer = await session.get(Engineer, engineer_id, with_for_update=True)
    if engineer is None or engineer.erased_at is not None:
        raise reject(DataRightsErrorCode.ALREADY_ERASED, "This account was erased already.")
    if confirmation.strip().lower().removeprefix("@") != engineer.handle:
        raise reject(
            DataRightsErrorCode.CONFIRMATION_MISMATCH,
            "Type your handle exactly to confirm that the account is to be erased.",
            "input",
            "confirmation",
        )
    chapters = await sole_coordinator_of(session, engineer_id)
    if chapters:
        raise reject(
            DataRightsErrorCode.SOLE_COORDINATOR,
            "You are the only coordinator of "
            + ", ".join(chapters)
            + "; hand the role to another member first.",
        )
    account_email = await session.scalar(
        select(Account.email).where(Account.engineer_id == engineer_id)
    )
    emails = sorted({email.lower() for email in (account_email, engineer.email) if email})
    parameters = {"id": engineer_id, "emails": emails, "handle": former_handle()}
    for statement in STATEMENTS:
        await session.execute(text(statement), parameters)
    if viewer.token_id is not None:
        session.add(
            RevokedAccessToken(
                jti=viewer.token_id,
                expires_at=datetime.now(UTC) + timedelta(days=REVOKED_TOKEN_DAYS),
            )
        )
    audit.record(
        session,
        viewer,
        "account.erase",
        engineer,
        chapter_id=None,
        before=None,
        after={"erased": True},
        request_id=request_id,
    )
    await session.flush()
    await session.refresh(engineer)
    return engineer


