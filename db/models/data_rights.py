"""Data rights: an engineer's requests for a copy of everything the portal holds about them."""

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.enums import DataExportStatus, check_in


class DataExport(Base):
    """One export: built at once for small accounts, by an export worker for large ones; its
    download link is a secret stored only as its SHA-256 and stops working at `expires_at`.

    At most one export per engineer is PENDING or RUNNING (a partial unique index), so a
    second request while one is under way fails even when two arrive at once.
    """

    __tablename__ = "data_exports"
    __table_args__ = (
        CheckConstraint(check_in("status", DataExportStatus), name="status_known"),
        Index("ix_data_exports_engineer", "engineer_id", "id"),
        Index(
            "ix_data_exports_one_under_way",
            "engineer_id",
            unique=True,
            postgresql_where="status IN ('PENDING', 'RUNNING')",
        ),
        Index("ix_data_exports_pending", "id", postgresql_where="status = 'PENDING'"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engineer_id: Mapped[int] = mapped_column(ForeignKey("engineers.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    requested_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ready_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the download link stops working (set when the document is ready)."""
    document: Mapped[dict[str, Any] | None] = mapped_column(JSONB, deferred=True)
    """The export itself; dropped when it expires."""
    byte_size: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
