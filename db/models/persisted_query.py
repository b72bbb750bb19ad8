"""Automatic persisted queries: documents clients registered by their SHA-256, for every worker."""

from datetime import datetime

from sqlalchemy import DateTime, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class PersistedQuery(Base):
    """A document an Apollo client registered by hash; the least recently used are evicted.

    Unlike trusted documents (a reviewed registry in files), anyone may register one: the table
    is a bounded cache, and a client whose hash was evicted just sends its query again.
    """

    __tablename__ = "persisted_queries"
    __table_args__ = (Index("ix_persisted_queries_last_used", "last_used_at"),)

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    document: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    last_used_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
