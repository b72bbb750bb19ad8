"""The Hall of Fame: yearly rounds, nominations citing evidence, council votes."""

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
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.enums import EvidenceKind, HallOfFameRoundStatus, NominationStatus, check_in

CITATION_MIN = 20
CITATION_MAX = 4_000
EVIDENCE_MAX = 20


class HallOfFameRound(Base):
    """One year's round: nominations and council votes while OPEN, decided when CLOSED."""

    __tablename__ = "hall_of_fame_rounds"
    __table_args__ = (
        CheckConstraint(check_in("status", HallOfFameRoundStatus), name="status_known"),
        CheckConstraint("year BETWEEN 2000 AND 2200", name="year_range"),
        Index(
            "ix_hall_of_fame_rounds_one_open",
            "status",
            unique=True,
            postgresql_where="status = 'OPEN'",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    status: Mapped[str] = mapped_column(String(16), default=HallOfFameRoundStatus.OPEN.value)
    opened_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class HallOfFameNomination(Base):
    """An engineer nominated by another, with a citation; decided when the round closes."""

    __tablename__ = "hall_of_fame_nominations"
    __table_args__ = (
        CheckConstraint(check_in("status", NominationStatus), name="status_known"),
        CheckConstraint("nominee_id <> nominator_id", name="not_self"),
        UniqueConstraint("round_id", "nominee_id", "nominator_id", name="one_per_nominator"),
        Index("ix_hall_of_fame_nominations_status", "status", "year", "id"),
        Index("ix_hall_of_fame_nominations_round", "round_id", "id"),
        Index("ix_hall_of_fame_nominations_nominee", "nominee_id"),
        Index("ix_hall_of_fame_nominations_nominator", "nominator_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("hall_of_fame_rounds.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    """The round's year, copied so lists filter and order without a join."""
    nominee_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    nominator_id: Mapped[int | None] = mapped_column(
        ForeignKey("engineers.id", ondelete="SET NULL")
    )
    citation: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=NominationStatus.UNDER_REVIEW.value)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class HallOfFameEvidence(Base):
    """One item a citation links: a ledger entry, an engagement, an event spoken at, or an
    accepted forum answer — each the nominee's own."""

    __tablename__ = "hall_of_fame_evidence"
    __table_args__ = (
        CheckConstraint(check_in("kind", EvidenceKind), name="kind_known"),
        CheckConstraint(
            "num_nonnulls(ledger_entry_id, engagement_id, event_id, forum_post_id) = 1",
            name="one_item",
        ),
        UniqueConstraint("nomination_id", "position", name="one_per_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("hall_of_fame_nominations.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(32))
    ledger_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_entries.id", ondelete="CASCADE")
    )
    engagement_id: Mapped[int | None] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE")
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    forum_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_posts.id", ondelete="CASCADE")
    )


class HallOfFameVote(Base):
    """A council member's vote on a nomination: one per member, final once cast."""

    __tablename__ = "hall_of_fame_votes"
    __table_args__ = (UniqueConstraint("nomination_id", "voter_id", name="one_per_voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("hall_of_fame_nominations.id", ondelete="CASCADE")
    )
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("engineers.id", ondelete="SET NULL"))
    in_favour: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
