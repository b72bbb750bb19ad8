"""Chapter events: talks, webinars, meetups; speakers, RSVPs with a waitlist, calendar feeds."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamped
from db.enums import EventKind, EventStatus, EventVisibility, RegistrationStatus, check_in

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
VENUE_MAX = 300
URL_MAX = 500
CAPACITY_MAX = 100_000
SPEAKERS_MAX = 20
SPEAKER_NAME_MAX = 120
ANNOUNCEMENT_TITLE_MAX = 200
ANNOUNCEMENT_BODY_MAX = 10_000


class Event(Timestamped, Base):
    """A chapter's event, optionally co-hosted by a second chapter that accepted the invitation."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(check_in("kind", EventKind), name="kind_known"),
        CheckConstraint(check_in("visibility", EventVisibility), name="visibility_known"),
        CheckConstraint(check_in("status", EventStatus), name="status_known"),
        CheckConstraint(f"char_length(title) BETWEEN 3 AND {TITLE_MAX}", name="title_length"),
        CheckConstraint(
            f"char_length(description) <= {DESCRIPTION_MAX}", name="description_length"
        ),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"capacity BETWEEN 1 AND {CAPACITY_MAX}", name="capacity_range"),
        CheckConstraint("online_url IS NOT NULL OR venue IS NOT NULL", name="has_a_place"),
        CheckConstraint(
            "registration_closes_at IS NULL OR registration_opens_at IS NULL"
            " OR registration_closes_at > registration_opens_at",
            name="registration_window_order",
        ),
        CheckConstraint(
            "cohost_chapter_id IS NULL OR cohost_chapter_id <> chapter_id", name="cohost_other"
        ),
        CheckConstraint(
            "cohost_accepted_at IS NULL OR cohost_chapter_id IS NOT NULL",
            name="cohost_accepted_invited",
        ),
        CheckConstraint("sequence >= 0", name="sequence_positive"),
        Index("ix_events_chapter_starts", "chapter_id", "starts_at", "id"),
        Index(
            "ix_events_cohost_starts",
            "cohost_chapter_id",
            "starts_at",
            "id",
            postgresql_where=text("cohost_chapter_id IS NOT NULL"),
        ),
        Index("ix_events_starts", "starts_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"))
    """The organising chapter."""
    cohost_chapter_id: Mapped[int | None] = mapped_column(
        ForeignKey("chapters.id", ondelete="SET NULL")
    )
    """A second chapter invited to co-host (co-hosting once `cohost_accepted_at` is set)."""
    cohost_accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    timezone: Mapped[str] = mapped_column(String(64))
    """IANA time zone the event is scheduled in (its calendar entries carry it)."""
    online_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    venue: Mapped[str | None] = mapped_column(String(VENUE_MAX))
    capacity: Mapped[int] = mapped_column(Integer)
    registration_opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    registration_closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    visibility: Mapped[str] = mapped_column(
        String(16), default=EventVisibility.PUBLIC, server_default=EventVisibility.PUBLIC
    )
    status: Mapped[str] = mapped_column(
        String(16), default=EventStatus.SCHEDULED, server_default=EventStatus.SCHEDULED
    )
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """iCalendar SEQUENCE: incremented on every change."""
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    """iCalendar UID, fixed at creation (stable across edits)."""
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL")
    )


class EventSpeaker(Base):
    """A speaker of an event: an engineer on the portal or a named guest."""

    __tablename__ = "event_speakers"
    __table_args__ = (
        CheckConstraint("num_nonnulls(engineer_id, name) = 1", name="engineer_or_guest"),
        CheckConstraint(f"position BETWEEN 0 AND {SPEAKERS_MAX}", name="position_range"),
        Index("ix_event_speakers_event", "event_id", "position", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    engineer_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(SPEAKER_NAME_MAX))
    """A guest's name (null for engineers, whose name is their profile's)."""
    affiliation: Mapped[str | None] = mapped_column(String(SPEAKER_NAME_MAX))


class EventRegistration(Base):
    """One engineer's RSVP to an event: registered, waitlisted (in `queued_at` order) or
    cancelled; checked in by an organiser at the door."""

    __tablename__ = "event_registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "engineer_id", name="uq_event_registrations_person"),
        CheckConstraint(check_in("status", RegistrationStatus), name="status_known"),
        CheckConstraint(
            "checked_in_at IS NULL OR status = 'REGISTERED'", name="checked_in_registered"
        ),
        Index("ix_event_registrations_queue", "event_id", "status", "queued_at", "id"),
        Index("ix_event_registrations_engineer", "engineer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    engineer_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    listed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    """The attendee chose to appear on the public attendee list."""
    queued_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp(), nullable=False
    )
    """When the person (last) asked for a place: the waitlist's order."""
    registered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the person got a place (directly or promoted from the waitlist)."""
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CalendarFeed(Base):
    """A person's personal calendar feed: only the SHA-256 of its secret token is stored."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    engineer_id: Mapped[int] = mapped_column(
        ForeignKey("engineers.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class ChapterAnnouncement(Base):
    """A coordinator's message to every active member of a chapter."""

    __tablename__ = "chapter_announcements"
    __table_args__ = (
        CheckConstraint(
            f"char_length(title) BETWEEN 3 AND {ANNOUNCEMENT_TITLE_MAX}", name="title_length"
        ),
        CheckConstraint(
            f"char_length(body) BETWEEN 1 AND {ANNOUNCEMENT_BODY_MAX}", name="body_length"
        ),
        CheckConstraint("recipients >= 0", name="recipients_positive"),
        Index("ix_chapter_announcements_chapter", "chapter_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("engineers.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(ANNOUNCEMENT_TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """How many members were notified."""
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
