"""Mail through the outbox against a real SMTP server: sent once with a stable Message-ID,
retried with backoff after 4xx replies, given up after 5xx, never twice across workers and
restarts; digests for those who chose them; logged when no SMTP host is configured."""

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import DatabaseLocation, create_engine, create_sessionmaker
from db.enums import NotificationKind
from db.models import Engineer, Notification, NotificationPreference, OutboxEmail
from graph.services.mail import LogSender, MailSettings, SmtpSender
from graph.services.notification import notify
from graph.services.outbox import (
    DeliverySettings,
    MailWorker,
    claim,
    compose_digests,
    queue_email,
)
from tests import factories
from tests.support.smtp import Recorder, body_of, smtp_server

QUICK = DeliverySettings(first_backoff_seconds=0.05, max_backoff_seconds=0.2, poll_seconds=0.05)


@pytest.fixture
async def committed(database: DatabaseLocation) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions that really commit (workers race on separate connections); mail is held back
    from other tests' workers by being addressed to this test's tag, and deleted after."""
    engine: AsyncEngine = create_engine(database.url, pool_size=6)
    yield create_sessionmaker(engine)
    async with create_sessionmaker(engine)() as session:
        await session.execute(delete(OutboxEmail).where(OutboxEmail.recipient.like("mail-%")))
        await session.commit()
    await engine.dispose()


async def _queue(sessions: async_sessionmaker[AsyncSession], count: int) -> list[OutboxEmail]:
    """`count` committed mails addressed mail-<tag>-<n>@example.org; the outbox otherwise
    emptied of due mail so that a worker sends only these."""
    tag = uuid.uuid4().hex[:8]
    async with sessions() as session:
        await session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_(None))
            .values(failed_at=func.now(), last_error="cleared by a mail test")
        )
        rows = [
            queue_email(session, f"mail-{tag}-{n}@example.org", f"Subject {n}", f"Body {n} ü")
            for n in range(count)
        ]
        await session.commit()
    return rows


async def _state(sessions: async_sessionmaker[AsyncSession], ids: list[int]) -> list[OutboxEmail]:
    async with sessions() as session:
        found = await session.scalars(
            select(OutboxEmail).where(OutboxEmail.id.in_(ids)).order_by(OutboxEmail.id)
        )
        return list(found)


def _smtp(port: int) -> SmtpSender:
    return SmtpSender(MailSettings(host="127.0.0.1", port=port, sender="Brain Gain <bg@test>"))


async def test_each_queued_mail_is_sent_once_with_its_message_id(
    committed: async_sessionmaker[AsyncSession],
) -> None:
    # Given three queued mails and a working SMTP server
    rows = await _queue(committed, 3)
    recorder = Recorder()
    with smtp_server(recorder) as port:
        worker = MailWorker(committed, _smtp(port), QUICK)
        # When the worker runs twice
        first = await worker.run_once()
        second = await worker.run_once()

    # Then each was sent once, with the outbox's Message-ID, sender, recipient and subject
    assert (first, second) == (3, 0)
    stored = await _state(committed, [row.id for row in rows])
    assert recorder.message_ids() == [f"<{row.message_id}>" for row in stored]
    message = recorder.messages[0]
    assert (message["From"], message["To"], message["Subject"]) == (
        "Brain Gain <bg@test>",
        rows[0].recipient,
        "Subject 0",
    )
    assert "Body 0 ü" in body_of(message)
    assert all(row.sent_at is not None and row.attempts == 1 for row in stored)


async def test_a_server_that_refuses_the_first_attempts_gets_the_mail_once(
    committed: async_sessionmaker[AsyncSession],
) -> None:
    # Given a server answering 451 to the first two attempts
    (row,) = await _queue(committed, 1)
    recorder = Recorder(refuse_first=2)
    with smtp_server(recorder) as port:
        worker = MailWorker(committed, _smtp(port), QUICK)
        # When the worker tries, fails, and is not due again at once
        assert await worker.run_once() == 0
        (after_first,) = await _state(committed, [row.id])
        assert await worker.run_once() == 0  # backing off: nothing claimed yet
        # Then, as the backoff elapses, it retries until the server accepts
        for _ in range(100):
            if await worker.run_once():
                break
            await asyncio.sleep(0.02)

    (sent,) = await _state(committed, [row.id])
    assert after_first.sent_at is None
    assert after_first.claimed_by is None
    assert after_first.attempts == 1
    assert (after_first.last_error or "").startswith("451")
    assert after_first.next_attempt_at > after_first.created_at
    assert recorder.attempts == 3
    assert recorder.message_ids() == [f"<{row.message_id}>"]
    assert sent.attempts == 3
    assert sent.sent_at is not None


async def test_a_permanent_refusal_is_not_retried(
    committed: async_sessionmaker[AsyncSession],
) -> None:
    (row,) = await _queue(committed, 1)
    recorder = Recorder(refuse_first=100, reply="550 5.1.1 No such mailbox")
    with smtp_server(recorder) as port:
        worker = MailWorker(committed, _smtp(port), QUICK)
        await worker.run_once()
        await asyncio.sleep(0.3)
        await worker.run_once()
    (failed,) = await _state(committed, [row.id])
    assert recorder.attempts == 1
    assert failed.failed_at is not None
    assert failed.sent_at is None
    assert (failed.last_error or "").startswith("550")


async def test_an_unreachable_server_is_retried_then_given_up(
    committed: async_sessionmaker[AsyncSession],
) -> None:
    (row,) = await _queue(committed, 1)
    settings = DeliverySettings(first_backoff_seconds=0.0, max_attempts=3)
    worker = MailWorker(committed, _smtp(1), settings)  # nothing listens on port 1
    for _ in range(4):
        await worker.run_once()
    (failed,) = await _state(committed, [row.id])
    assert failed.attempts == 3
    assert failed.failed_at is not None
    assert failed.sent_at is None


async def test_two_workers_racing_send_each_message_once(
    committed: async_sessionmaker[AsyncSession],
) -> None:
    # Given forty queued mails and two workers on separate connections, small batches
    rows = await _queue(committed, 40)
    settings = DeliverySettings(batch=3, poll_seconds=0.01)
    recorder = Recorder()
    with smtp_server(recorder) as port:
        workers = [MailWorker(committed, _smtp(port), settings, name=f"w{n}") for n in (1, 2)]

        async def drain(worker: MailWorker) -> None:
            sent = await worker.run_once()
            while sent:  # the other worker runs while this one awaits the database
                sent = await worker.run_once()

        # When both drain the outbox at the same time
        await asyncio.gather(*(drain(worker) for worker in workers))

    # Then every message arrived exactly once, and both workers took a share
    stored = await _state(committed, [row.id for row in rows])
    ids = recorder.message_ids()
    assert sorted(ids) == sorted(f"<{row.message_id}>" for row in stored)
    assert len(set(ids)) == len(ids) == 40
    assert {row.claimed_by for row in stored} == {"w1", "w2"}
    assert workers[0].sent + workers[1].sent == 40


async def test_a_restarted_worker_never_resends_and_takes_over_abandoned_claims(
    committed: async_sessionmaker[AsyncSession],
) -> None:
    # Given two mails: one a worker sent before it stopped, one a worker claimed and then died
    sent_row, abandoned_row = await _queue(committed, 2)
    recorder = Recorder()
    with smtp_server(recorder) as port:
        first = MailWorker(committed, _smtp(port), DeliverySettings(batch=1), name="before")
        assert await first.run_once() == 1
        async with committed() as session:
            assert [mail.id for mail, _ in await claim(session, "died", DeliverySettings())] == [
                abandoned_row.id
            ]
            await session.commit()
        # When a new worker starts while the dead worker's claim is fresh, and after it lapses
        restarted = MailWorker(committed, _smtp(port), DeliverySettings(lease_seconds=0.5))
        while_fresh = await restarted.run_once()
        await asyncio.sleep(0.6)
        after_lease = await restarted.run_once()

    # Then the sent mail is never sent again; the abandoned one is sent once, after the lease
    assert (while_fresh, after_lease) == (0, 1)
    assert recorder.message_ids() == [
        f"<{sent_row.message_id}>",
        f"<{abandoned_row.message_id}>",
    ]


async def test_without_smtp_settings_mail_is_logged(
    committed: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    (row,) = await _queue(committed, 1)
    with caplog.at_level(logging.WARNING, logger="braingain.mail"):
        assert await MailWorker(committed, LogSender(), QUICK).run_once() == 1
    assert f"mail to {row.recipient}: Subject 0" in caplog.text
    (logged,) = await _state(committed, [row.id])
    assert logged.sent_at is not None


def test_smtp_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "STARTTLS", "USERNAME", "PASSWORD", "FROM"):
        monkeypatch.delenv(f"BRAINGAIN_SMTP_{name}", raising=False)
    assert MailSettings.from_environment().host is None
    monkeypatch.setenv("BRAINGAIN_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("BRAINGAIN_SMTP_STARTTLS", "true")
    monkeypatch.setenv("BRAINGAIN_SMTP_USERNAME", "bg")
    monkeypatch.setenv("BRAINGAIN_SMTP_PASSWORD", "secret")
    monkeypatch.setenv("BRAINGAIN_SMTP_FROM", "Portal <portal@example.org>")
    assert MailSettings.from_environment() == MailSettings(
        host="smtp.example.org",
        port=587,
        starttls=True,
        username="bg",
        password="secret",
        sender="Portal <portal@example.org>",
    )
    monkeypatch.setenv("BRAINGAIN_SMTP_STARTTLS", "maybe")
    with pytest.raises(ValueError, match="STARTTLS"):
        MailSettings.from_environment()


async def test_a_digest_gathers_pending_notifications_into_one_mail(
    committed: async_sessionmaker[AsyncSession],
) -> None:
    # Given an engineer with a verified account who takes forum replies as a digest, and
    # another who takes them by email
    tag = uuid.uuid4().hex[:8]
    async with committed() as session:
        digest = await factories.engineer(session, handle=f"digest-{tag}")
        await factories.account(session, digest, email=f"mail-{tag}-digest@example.org")
        session.add(
            NotificationPreference(
                engineer_id=digest.id, kind="FORUM_REPLY", channel="EMAIL_DIGEST"
            )
        )
        for number in range(3):
            payload = {"summary": f"Reply {number}", "excerpt": f"words {number}"}
            await notify(session, [digest.id], NotificationKind.FORUM_REPLY, payload=payload)
        await session.commit()
    recorder = Recorder()
    try:
        with smtp_server(recorder) as port:
            waiting = MailWorker(committed, _smtp(port), DeliverySettings(digest_seconds=3600))
            # When a worker runs before the digest is due, and one after
            assert await waiting.run_once() == 0
            due = MailWorker(committed, _smtp(port), DeliverySettings(digest_seconds=0))
            sent = await due.run_once()
            again = await due.run_once()

        # Then one mail lists the three replies, and the rows are no longer pending
        assert (sent, again) == (1, 0)
        (message,) = recorder.messages
        assert message["Subject"] == "Your Brain Gain digest: 3 notifications"
        text = body_of(message)
        assert [line in text for line in ("Reply 0", "Reply 1", "Reply 2", "words 2")] == [True] * 4
        async with committed() as session:
            pending = await session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.recipient_id == digest.id, Notification.digest_pending)
            )
        assert pending == 0
    finally:
        async with committed() as session:
            await session.execute(delete(Engineer).where(Engineer.handle == f"digest-{tag}"))
            await session.commit()


def test_backoff_doubles_and_is_capped() -> None:
    settings = DeliverySettings(first_backoff_seconds=30, max_backoff_seconds=100)
    delays = [settings.backoff(attempt) for attempt in (1, 2, 3, 4)]
    assert 30 <= delays[0] <= 33
    assert 60 <= delays[1] <= 66
    assert 100 <= delays[2] <= 110
    assert 100 <= delays[3] <= 110
    assert timedelta(seconds=delays[0]) < timedelta(seconds=delays[1])


async def test_a_digest_without_a_verified_address_mails_nothing_and_is_not_retried(
    session: AsyncSession,
) -> None:
    # Given someone without an account whose forum replies wait for a digest
    person = await factories.engineer(session, handle="digest-no-account")
    await notify(session, [person.id], NotificationKind.FORUM_REPLY)
    before = await session.scalar(select(func.count()).select_from(OutboxEmail))

    # When the digest is due
    gathered = await compose_digests(session, DeliverySettings(digest_seconds=0))

    # Then the row is no longer pending (not gathered again), and no mail was queued for it
    assert gathered >= 1
    row = await session.scalar(select(Notification).where(Notification.recipient_id == person.id))
    assert row is not None
    assert row.digest_pending is False
    after = await session.scalar(select(func.count()).select_from(OutboxEmail))
    assert after == before
    assert await compose_digests(session, DeliverySettings(digest_seconds=0)) == 0
