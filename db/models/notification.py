"""Notification preferences and the live-event log subscriptions replay from."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Identity, Index, String
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.enums import NotificationChannel, NotificationKind, check_in


class NotificationPreference(Base):
    """One engineer's chosen channel for one kind of notification (absent: the default)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        CheckConstraint(check_in("kind", NotificationKind), name="kind_known"),
        CheckConstraint(check_in("channel", NotificationChannel), name="channel_known"),
    )

    engineer_id: Mapped[int] = mapped_column(
        ForeignKey("engineers.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))


class LiveEvent(Base):
    """A published event, kept so that subscribers can resume and workers replay after a lost
    LISTEN connection; inserting one NOTIFYs it (trigger live_events_notify, migration 0012)."""

    __tablename__ = "live_events"
    __table_args__ = (
        Index("ix_live_events_topic", "topic", "id"),
        Index("ix_live_events_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=False), primary_key=True)
    topic: Mapped[str] = mapped_column(String(100))
    ids: Mapped[dict[str, Any]] = mapped_column(JSONB)
    change: Mapped[str] = mapped_column(String(32), server_default="")
    """What happened (POST_ADDED, POST_EDITED, MODERATED, …); empty when the topic says it."""
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=sql_text("clock_timestamp()")
    )
