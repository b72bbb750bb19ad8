"""Outgoing mail: queued in the outbox table within the caller's transaction, sent later."""

import logging
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OutboxEmail

logger = logging.getLogger("braingain.mail")
BATCH = 50


def queue_email(session: AsyncSession, recipient: str, subject: str, body: str) -> OutboxEmail:
    """Add a mail to the outbox; it is sent only if the transaction commits."""
    row = OutboxEmail(recipient=recipient, subject=subject, body=body)
    session.add(row)
    return row


async def drain_outbox(session: AsyncSession) -> int:
    """Log unsent mails and mark them sent (the development 'mailer'); returns how many."""
    stmt = (
        select(OutboxEmail)
        .where(OutboxEmail.sent_at.is_(None))
        .order_by(OutboxEmail.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    rows = list((await session.scalars(stmt)).all())
    now = datetime.now(UTC)
    for row in rows:
        logger.warning("mail to %s: %s\n%s", row.recipient, row.subject, row.body)
        row.sent_at = now
    await session.flush()
    return len(rows)
