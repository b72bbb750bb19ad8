"""Rate budgets: one leaky bucket of cost points per client, shared by every API worker."""

from datetime import datetime

from sqlalchemy import DateTime, Double, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class RateBudget(Base):
    """How full a client's bucket was at `updated_at`; it drains at the restore rate.

    UNLOGGED: budgets are cheap to lose (a crash empties every bucket, i.e. refills them) and
    hot to write, so they skip the write-ahead log.
    """

    __tablename__ = "rate_budgets"
    __table_args__ = {"prefixes": ["UNLOGGED"]}

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    level: Mapped[float] = mapped_column(Double, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
