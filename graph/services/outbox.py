"""Outgoing mail: queued in the outbox table within the caller's transaction, sent by workers.

A worker claims a batch (`FOR UPDATE SKIP LOCKED`, so two workers never claim the same row)
and commits the claim; then it sends each message and marks it sent in its own transaction the
moment the server accepted it. A transient failure releases the claim and schedules the next
attempt with exponential backoff; a permanent one (or the last attempt) marks it failed. A
claim older than the lease is taken to belong to a worker that died, and is claimed again:
the only way a message can be sent twice is a worker dying between the server's acceptance
and its own commit, and then the copy carries the same Message-ID, which receivers use to
drop duplicates. Digests: the notifications of people who chose EMAIL_DIGEST, gathered into
one mail per person once the oldest has waited for the digest interval.
"""

import asyncio
import contextlib
import logging
import os
import random
import socket
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.enums import NotificationKind
from db.models import Account, Notification, OutboxEmail
from graph.services.mail import (
    OutgoingMail,
    PermanentMailError,
    Sender,
    TransientMailError,
)
from graph.services.notification import summary_of

logger = logging.getLogger("braingain.mail")
BATCH = 50


def queue_email(session: AsyncSession, recipient: str, subject: str, body: str) -> OutboxEmail:
    """Add a mail to the outbox; it is sent only if the transaction commits."""
    row = OutboxEmail(recipient=recipient, subject=subject, body=body)
    session.add(row)
    return row


@dataclass(frozen=True)
class DeliverySettings:
    """How the worker paces itself (BRAINGAIN_MAIL_*)."""

    batch: int = BATCH
    lease_seconds: float = 600.0
    """A claim older than this belongs to a worker that died."""
    max_attempts: int = 8
    first_backoff_seconds: float = 30.0
    max_backoff_seconds: float = 3600.0
    poll_seconds: float = 2.0
    digest_seconds: float = 86_400.0
    """A digest goes out once its oldest notification has waited this long."""

    @classmethod
    def from_environment(cls) -> "DeliverySettings":
        """Read BRAINGAIN_MAIL_MAX_ATTEMPTS, _FIRST_BACKOFF_SECONDS, _POLL_SECONDS and
        BRAINGAIN_DIGEST_SECONDS (the rest keep their defaults)."""
        environ = os.environ
        return cls(
            max_attempts=int(environ.get("BRAINGAIN_MAIL_MAX_ATTEMPTS", "8")),
            first_backoff_seconds=float(environ.get("BRAINGAIN_MAIL_FIRST_BACKOFF_SECONDS", "30")),
            poll_seconds=float(environ.get("BRAINGAIN_MAIL_POLL_SECONDS", "2")),
            digest_seconds=float(environ.get("BRAINGAIN_DIGEST_SECONDS", "86400")),
        )

    def backoff(self, attempts: int) -> float:
        """Seconds before the next attempt after `attempts` failed ones (doubling, capped,
        with up to 10 % jitter so that workers do not retry in lockstep)."""
        delay = min(self.max_backoff_seconds, self.first_backoff_seconds * 2 ** (attempts - 1))
        return float(delay * random.uniform(1.0, 1.1))


_CLAIM = text(
    """
UPDATE outbox_emails SET claimed_by = :worker, claimed_at = now(), attempts = attempts + 1
WHERE id IN (
    SELECT id FROM outbox_emails
    WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
      AND (claimed_at IS NULL OR claimed_at < now() - make_interval(secs => :lease))
    ORDER BY next_attempt_at, id
    LIMIT :batch
    FOR UPDATE SKIP LOCKED
)
RETURNING id, message_id, recipient, subject, body, attempts
"""
)


async def claim(
    session: AsyncSession, worker: str, settings: DeliverySettings
) -> list[tuple[OutgoingMail, int]]:
    """Claim due, unclaimed (or abandoned) messages for `worker`, oldest first; the caller
    commits. Returns each message with its attempt number."""
    rows = await session.execute(
        _CLAIM, {"worker": worker, "lease": settings.lease_seconds, "batch": settings.batch}
    )
    claimed = [
        (OutgoingMail(row.id, row.message_id, row.recipient, row.subject, row.body), row.attempts)
        for row in rows
    ]
    return sorted(claimed, key=lambda item: item[0].id)


async def mark_sent(session: AsyncSession, worker: str, mail_id: int) -> bool:
    """Record that the server accepted the message (only under this worker's claim)."""
    result = await session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == mail_id, OutboxEmail.claimed_by == worker)
        .values(sent_at=text("now()"), last_error=None)
        .returning(OutboxEmail.id)
    )
    return result.scalar() is not None


async def mark_failed(
    session: AsyncSession,
    worker: str,
    mail_id: int,
    attempts: int,
    error: Exception,
    settings: DeliverySettings,
) -> None:
    """Release the claim: schedule a retry after a transient failure, give up after a
    permanent one or the last attempt."""
    values: dict[str, object] = {"claimed_by": None, "claimed_at": None, "last_error": str(error)}
    if isinstance(error, PermanentMailError) or attempts >= settings.max_attempts:
        values["failed_at"] = text("now()")
    else:
        values["next_attempt_at"] = text(
            f"now() + make_interval(secs => {settings.backoff(attempts):.3f})"
        )
    await session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == mail_id, OutboxEmail.claimed_by == worker)
        .values(**values)
    )


DIGEST_SUBJECT = "Your Brain Gain digest: {count} notification{plural}"

_DUE_DIGESTS = text(
    """
SELECT n.id, n.recipient_id, n.kind, n.payload, n.created_at
FROM notifications n
WHERE n.digest_pending AND n.recipient_id IN (
    SELECT recipient_id FROM notifications WHERE digest_pending
    GROUP BY recipient_id HAVING min(created_at) <= now() - make_interval(secs => :age)
    ORDER BY recipient_id LIMIT :batch
)
ORDER BY n.recipient_id, n.id
FOR UPDATE OF n SKIP LOCKED
"""
)


async def compose_digests(session: AsyncSession, settings: DeliverySettings) -> int:
    """Queue one digest per person whose oldest pending notification is due (to their verified
    address; without one, nothing is mailed) and clear their rows' flag; the caller commits.
    Returns how many notifications were gathered."""
    rows = list(
        await session.execute(
            _DUE_DIGESTS, {"age": settings.digest_seconds, "batch": settings.batch}
        )
    )
    if not rows:
        return 0
    grouped: dict[int, list[tuple[str, str, datetime]]] = defaultdict(list)
    for row in rows:
        line = summary_of(NotificationKind(row.kind), row.payload)
        grouped[row.recipient_id].append(
            (line, str(row.payload.get("excerpt") or ""), row.created_at)
        )
    emails = dict(
        (
            await session.execute(
                select(Account.engineer_id, Account.email).where(
                    Account.engineer_id.in_(grouped), Account.email_verified_at.is_not(None)
                )
            )
        ).all()
    )
    for recipient, items in grouped.items():
        address = emails.get(recipient)
        if address is None:
            continue
        body = "\n\n".join(
            f"• {line} ({created:%d %b %H:%M} UTC)" + (f"\n  {excerpt}" if excerpt else "")
            for line, excerpt, created in items
        )
        subject = DIGEST_SUBJECT.format(count=len(items), plural="" if len(items) == 1 else "s")
        queue_email(session, address, subject, body + "\n\n--\nBrain Gain portal.")
    await session.execute(
        update(Notification)
        .where(Notification.id.in_([row.id for row in rows]))
        .values(digest_pending=False)
    )
    return len(rows)


class MailWorker:
    """Claims queued mail, sends it, records the outcome; composes digests when due."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        sender: Sender,
        settings: DeliverySettings | None = None,
        name: str | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.sender = sender
        self.settings = settings or DeliverySettings()
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.sent = 0

    async def run_once(self) -> int:
        """Compose due digests, then claim and send one batch; returns how many were sent."""
        async with self.sessionmaker() as session:
            if await compose_digests(session, self.settings):
                await session.commit()
        async with self.sessionmaker() as session:
            claimed = await claim(session, self.name, self.settings)
            await session.commit()
        if not claimed:
            return 0
        sent = 0
        try:
            async with self.sender.batch() as send:
                for index, (mail, attempts) in enumerate(claimed):
                    try:
                        await send(mail)
                    except (TransientMailError, PermanentMailError) as error:
                        logger.warning("mail %d attempt %d failed: %s", mail.id, attempts, error)
                        await self._release(mail.id, attempts, error)
                        continue
                    async with self.sessionmaker() as session:
                        await mark_sent(session, self.name, mail.id)
                        await session.commit()
                    sent += 1
                    claimed[index] = (mail, 0)
        except (TransientMailError, PermanentMailError) as error:
            logger.warning("mail batch failed: %s", error)
            for mail, attempts in claimed:
                if attempts:  # not sent and not yet released
                    await self._release(mail.id, attempts, TransientMailError(str(error)))
        self.sent += sent
        return sent

    async def _release(self, mail_id: int, attempts: int, error: Exception) -> None:
        async with self.sessionmaker() as session:
            await mark_failed(session, self.name, mail_id, attempts, error, self.settings)
            await session.commit()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Until `stop` is set (or cancelled): drain what is due, then wait a poll interval."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                while await self.run_once():
                    pass
            except Exception:
                logger.exception("mail worker round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.poll_seconds)
