"""Consent grants engineers give institutions, and the log of institution reads under them."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class ConsentGrant(Base):
    """An engineer lets an institution read named profile fields, for a purpose, until a date."""

    __tablename__ = "consent_grants"
    __table_args__ = (
        Index("ix_consent_grants_engineer", "engineer_id", "created_at", "id"),
        Index("ix_consent_grants_institution", "institution_id", "engineer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engineer_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"))
    fields: Mapped[list[str]] = mapped_column(ARRAY(Text))
    purpose: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class AccessLogEntry(Base):
    """An institution read consent-gated fields of an engineer's profile."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_engineer", "engineer_id", "accessed_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engineer_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    consent_grant_id: Mapped[int] = mapped_column(
        ForeignKey("consent_grants.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str | None] = mapped_column(String(64))
    fields: Mapped[list[str]] = mapped_column(ARRAY(Text))
    request_id: Mapped[str] = mapped_column(String(64))
    accessed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
