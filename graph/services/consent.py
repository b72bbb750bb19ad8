"""Consent rules: engineers grant institutions named fields for a purpose until a date."""

import enum
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import ProfileField
from db.models import AccessLogEntry, ConsentGrant, Institution
from graph.auth.viewer import Viewer
from graph.services.problems import Problem, Rejected, reject

MAX_DURATION = timedelta(days=2 * 365)
MAX_PURPOSE = 500


class ConsentErrorCode(enum.Enum):
    """Why a consent mutation was refused."""

    NOT_FOUND = "NOT_FOUND"
    NO_FIELDS = "NO_FIELDS"
    INVALID_PURPOSE = "INVALID_PURPOSE"
    INVALID_EXPIRY = "INVALID_EXPIRY"
    ALREADY_REVOKED = "ALREADY_REVOKED"


async def grant(
    session: AsyncSession,
    engineer_id: int,
    institution_id: int,
    fields: Sequence[ProfileField],
    purpose: str,
    expires_at: datetime,
) -> ConsentGrant:
    """Record a consent grant (no commit)."""
    problems: list[Problem] = []
    if await session.get(Institution, institution_id) is None:
        problems.append(
            Problem(ConsentErrorCode.NOT_FOUND, "No such institution.", ("input", "institution"))
        )
    if not fields:
        problems.append(
            Problem(ConsentErrorCode.NO_FIELDS, "Name at least one field.", ("input", "fields"))
        )
    if not 1 <= len(purpose.strip()) <= MAX_PURPOSE:
        problems.append(
            Problem(
                ConsentErrorCode.INVALID_PURPOSE,
                f"Describe the purpose in 1–{MAX_PURPOSE} characters.",
                ("input", "purpose"),
            )
        )
    now = datetime.now(UTC)
    if expires_at.tzinfo is None or not now < expires_at <= now + MAX_DURATION:
        problems.append(
            Problem(
                ConsentErrorCode.INVALID_EXPIRY,
                "Expiry must be a future time with a zone, at most two years ahead.",
                ("input", "expiresAt"),
            )
        )
    if problems:
        raise Rejected(problems)
    row = ConsentGrant(
        engineer_id=engineer_id,
        institution_id=institution_id,
        fields=sorted({field.value for field in fields}),
        purpose=purpose.strip(),
        expires_at=expires_at,
    )
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row


async def revoke(session: AsyncSession, engineer_id: int, grant_id: int) -> ConsentGrant:
    """Revoke the engineer's own grant at once (no commit)."""
    row = await session.get(ConsentGrant, grant_id, with_for_update=True)
    if row is None or row.engineer_id != engineer_id:
        raise reject(ConsentErrorCode.NOT_FOUND, "No such consent grant.", "input", "consentGrant")
    if row.revoked_at is not None:
        raise reject(ConsentErrorCode.ALREADY_REVOKED, "Already revoked.", "input", "consentGrant")
    row.revoked_at = datetime.now(UTC)
    await session.flush()
    return row


async def log_reads(
    session: AsyncSession,
    viewer: Viewer,
    reads: Mapping[tuple[int, int], set[str]],
    request_id: str,
) -> int:
    """Write one access-log row per (engineer, grant) read in a request, in one INSERT of
    many rows (no ORM objects: nothing reads them back); returns how many."""
    assert viewer.institution_id is not None or not reads
    if not reads:
        return 0
    rows = [
        {
            "engineer_id": engineer_id,
            "institution_id": viewer.institution_id,
            "consent_grant_id": grant_id,
            "client_id": viewer.client_id,
            "fields": sorted(fields),
            "request_id": request_id[:64],
        }
        for (engineer_id, grant_id), fields in reads.items()
    ]
    await session.execute(insert(AccessLogEntry).values(rows))
    return len(rows)
