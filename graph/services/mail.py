"""Sending mail: SMTP settings from the environment, an SMTP sender, and the log sender used
in development when no SMTP host is configured.

A sender opens a connection for a batch and sends one message at a time, so the worker marks
each one sent as soon as the server accepted it. Failures are sorted into transient (4xx
replies, connection trouble: retried with backoff) and permanent (5xx: given up).
"""

import asyncio
import logging
import os
import smtplib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

logger = logging.getLogger("braingain.mail")

DEFAULT_FROM = "Brain Gain <no-reply@braingain.invalid>"
TIMEOUT_SECONDS = 30.0


class MailError(Exception):
    """A message could not be sent."""


class TransientMailError(MailError):
    """Try again later: a 4xx reply, a dropped or refused connection."""


class PermanentMailError(MailError):
    """The server refused the message for good (5xx): retrying will not help."""


@dataclass(frozen=True)
class MailSettings:
    """BRAINGAIN_SMTP_*: where and how to send; no host means mail is only logged."""

    host: str | None = None
    port: int = 25
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = DEFAULT_FROM

    @classmethod
    def from_environment(cls) -> "MailSettings":
        """Read BRAINGAIN_SMTP_HOST, _PORT, _STARTTLS, _USERNAME, _PASSWORD and _FROM."""
        starttls = os.environ.get("BRAINGAIN_SMTP_STARTTLS", "").strip().lower()
        use_tls = starttls in ("1", "true", "yes", "on")
        if starttls not in ("", "0", "false", "no", "off") and not use_tls:
            raise ValueError(f"BRAINGAIN_SMTP_STARTTLS: not a boolean: {starttls!r}")
        default_port = "587" if use_tls else "25"
        return cls(
            host=os.environ.get("BRAINGAIN_SMTP_HOST") or None,
            port=int(os.environ.get("BRAINGAIN_SMTP_PORT") or default_port),
            starttls=use_tls,
            username=os.environ.get("BRAINGAIN_SMTP_USERNAME") or None,
            password=os.environ.get("BRAINGAIN_SMTP_PASSWORD") or None,
            sender=os.environ.get("BRAINGAIN_SMTP_FROM") or DEFAULT_FROM,
        )


@dataclass(frozen=True)
class OutgoingMail:
    """One message as the outbox holds it; `message_id` is its stable Message-ID."""

    id: int
    message_id: str
    recipient: str
    subject: str
    body: str


Send = Callable[[OutgoingMail], Awaitable[None]]


class Sender(Protocol):
    """Opens a batch in which messages are sent one by one."""

    def batch(self) -> AbstractAsyncContextManager[Send]:
        """A context yielding the function that sends one message."""
        ...


def compose(mail: OutgoingMail, sender: str) -> EmailMessage:
    """The RFC 5322 message: every attempt carries the same Message-ID."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Message-ID"] = f"<{mail.message_id}>"
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message.set_content(mail.body)
    return message


class LogSender:
    """Development: log each message instead of sending it (no SMTP host configured)."""

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[Send]:
        """Every message is 'sent' by logging it."""

        async def send(mail: OutgoingMail) -> None:
            logger.warning("mail to %s: %s\n%s", mail.recipient, mail.subject, mail.body)

        yield send


class SmtpSender:
    """Sends through an SMTP server (smtplib in a worker thread), one connection per batch."""

    def __init__(self, settings: MailSettings) -> None:
        assert settings.host is not None
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        assert settings.host is not None
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        try:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[Send]:
        """Connect (errors are transient), then send each message on that connection."""
        try:
            smtp = await asyncio.to_thread(self._connect)
        except smtplib.SMTPResponseException as error:
            raise _classified(error.smtp_code, error.smtp_error) from error
        except (OSError, smtplib.SMTPException) as error:
            raise TransientMailError(f"cannot connect: {error}") from error

        async def send(mail: OutgoingMail) -> None:
            message = compose(mail, self.settings.sender)
            try:
                await asyncio.to_thread(smtp.send_message, message)
            except smtplib.SMTPRecipientsRefused as error:
                code, text = next(iter(error.recipients.values()))
                raise _classified(code, text) from error
            except smtplib.SMTPResponseException as error:
                if error.smtp_code == -1:
                    raise TransientMailError(str(error)) from error
                raise _classified(error.smtp_code, error.smtp_error) from error
            except (OSError, smtplib.SMTPException) as error:
                raise TransientMailError(str(error)) from error

        try:
            yield send
        finally:
            await asyncio.to_thread(_quit, smtp)


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _classified(code: int, text: bytes | str) -> MailError:
    reason = text.decode(errors="replace") if isinstance(text, bytes) else text
    if 400 <= code < 500:
        return TransientMailError(f"{code} {reason}")
    return PermanentMailError(f"{code} {reason}")


def sender_for(settings: MailSettings) -> LogSender | SmtpSender:
    """The SMTP sender when a host is configured, else the development log sender."""
    return SmtpSender(settings) if settings.host else LogSender()
