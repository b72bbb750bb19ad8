"""Sign-in accounts, their single-use emailed tokens, login attempts and the mail outbox."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamped
from db.enums import AccountTokenPurpose, GlobalRole, check_in


class Account(Timestamped, Base):
    """An engineer's credentials and portal-wide role; staff accounts also name an institution."""

    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(check_in("global_role", GlobalRole), name="global_role_known"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engineer_id: Mapped[int] = mapped_column(
        ForeignKey("engineers.id", ondelete="CASCADE"), unique=True
    )
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(Text)
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    global_role: Mapped[str] = mapped_column(
        String(16), default=GlobalRole.MEMBER, server_default=GlobalRole.MEMBER
    )
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="SET NULL"), index=True
    )


class AccountToken(Base):
    """A single-use, expiring secret mailed to an account (stored as its SHA-256)."""

    __tablename__ = "account_tokens"
    __table_args__ = (
        CheckConstraint(check_in("purpose", AccountTokenPurpose), name="purpose_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class LoginAttempt(Base):
    """One password check, kept briefly so that guessing can be throttled across workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email", "email", "attempted_at"),
        Index("ix_login_attempts_ip_address", "ip_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip_address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    attempted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class OutboxEmail(Base):
    """A mail waiting to be sent: claimed by one mail worker, then marked sent (or failed).

    `message_id` is fixed when the row is written, so every attempt carries the same
    Message-ID header; a claim (`claimed_by`, `claimed_at`) keeps other workers off it.
    """

    __tablename__ = "outbox_emails"
    __table_args__ = (
        Index(
            "ix_outbox_emails_unsent",
            "next_attempt_at",
            "id",
            postgresql_where="sent_at IS NULL AND failed_at IS NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(
        String(200),
        unique=True,
        server_default=text("gen_random_uuid()::text || '@braingain'"),
    )
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Given up after the last attempt."""
