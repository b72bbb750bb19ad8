"""Advisory panels: orderings, the term status of a seat read from today's date, batch loads."""

from typing import Any

from sqlalchemy import ColumnElement, Date, and_, case, cast, func, or_, select

from db.models import (
    AdvisoryPanel,
    PanelMembership,
)
from db.queries.pagination import Ordering

PANEL_ORDERING = Ordering("NEWEST", ("created_at", "id"), descending=True)
CANDIDACY_ORDERING = Ordering("CREATED_AT", ("created_at", "id"))
MEMBERSHIP_ORDERING = Ordering("TERM_START", ("term_starts_on", "id"))
MEETING_ORDERING = Ordering("HELD_ON", ("held_on", "id"), descending=True)


def today() -> ColumnElement[Any]:
    """The statement's date in UTC, from now()."""
    return cast(func.timezone("UTC", func.now()), Date)


def seat_taken() -> ColumnElement[bool]:
    """SQL over a panel membership: it still holds a seat (not ended early, term not over)."""
    return and_(PanelMembership.ended_on.is_(None), PanelMembership.term_ends_on >= today())


def membership_status() -> ColumnElement[str]:
    """SQL over a panel membership: ENDED once ended early or after its end date, UPCOMING
    before its start, ACTIVE in between (never stored)."""
    return case(
        (
            or_(PanelMembership.ended_on.is_not(None), PanelMembership.term_ends_on < today()),
            "ENDED",
        ),
        (PanelMembership.term_starts_on > today(), "UPCOMING"),
        else_="ACTIVE",
    )


def seats_filled() -> Any:
    """SQL over a panel: how many of its seats are held."""
    return (
        select(func.count())
        .where(PanelMembership.panel_id == AdvisoryPanel.id, seat_taken())
        .correlate(AdvisoryPanel)
        .scalar_subquery()
    )


