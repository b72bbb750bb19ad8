"""RSVPs: a place while there is one, else the waitlist, promoted in order as places free up.

Every change to an event's registrations first locks the event row (SELECT ... FOR UPDATE),
so RSVPs, cancellations and capacity changes of one event run one after another: the count of
places taken is read and changed under the lock and can never pass the capacity, and the
waitlist is promoted in `queued_at` order (clock_timestamp() under the lock).
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import NotificationKind, RegistrationStatus
from db.models import Event, EventRegistration
from db.queries.event import ACTIVE_STATUSES
from graph.auth.permissions import require_engineer
from graph.auth.viewer import Viewer
from graph.services.event_rules import EventErrorCode, require_scheduled, visible_event
from graph.services.notification import notify
from graph.services.problems import reject
from graph.subscriptions import events as live

REGISTERED = RegistrationStatus.REGISTERED.value
WAITLISTED = RegistrationStatus.WAITLISTED.value
CANCELLED = RegistrationStatus.CANCELLED.value


def require_registration_open(event: Event, now: datetime) -> None:
    """REGISTRATION_CLOSED outside the window (by default: from now until the start)."""
    opens = event.registration_opens_at
    closes = event.registration_closes_at or event.starts_at
    if (opens is not None and now < opens) or now >= closes:
        raise reject(
            EventErrorCode.REGISTRATION_CLOSED,
            "Registration for this event is not open.",
            "input",
            "event",
        )


async def rsvp(
    session: AsyncSession, viewer: Viewer, event_id: int, *, listed: bool
) -> EventRegistration:
    """Ask for a place: REGISTERED while places remain, WAITLISTED after; no commit."""
    engineer_id = require_engineer(viewer)
    event = await visible_event(session, viewer, event_id, "input", "event", lock=True)
    require_scheduled(event)
    now = datetime.now(UTC)
    require_registration_open(event, now)
    registration = await session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id,
            EventRegistration.engineer_id == engineer_id,
        )
    )
    if registration is not None and registration.status in ACTIVE_STATUSES:
        raise reject(
            EventErrorCode.ALREADY_REGISTERED,
            "You already hold a place or a waitlist spot.",
            "input",
            "event",
        )
    taken = await registered_count(session, event.id)
    waiting = await session.scalar(
        select(func.count())
        .select_from(EventRegistration)
        .where(EventRegistration.event_id == event.id, EventRegistration.status == WAITLISTED)
    )
    has_place = taken < event.capacity and not waiting
    status = REGISTERED if has_place else WAITLISTED
    if registration is None:
        registration = EventRegistration(event_id=event.id, engineer_id=engineer_id)
        session.add(registration)
    registration.status = status
    registration.listed = listed
    registration.queued_at = func.clock_timestamp()
    registration.registered_at = now if has_place else None
    registration.cancelled_at = None
    registration.checked_in_at = None
    await session.flush()
    await session.refresh(registration)
    await live.publish(
        session, live.event_changed(event.id, live.EVENT_REGISTERED, registration.id)
    )
    return registration


async def cancel_rsvp(session: AsyncSession, viewer: Viewer, event_id: int) -> EventRegistration:
    """Give up a place or waitlist spot; the first in line takes a freed place; no commit."""
    engineer_id = require_engineer(viewer)
    event = await visible_event(session, viewer, event_id, "input", "event", lock=True)
    registration = await session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id,
            EventRegistration.engineer_id == engineer_id,
        )
    )
    if registration is None or registration.status not in ACTIVE_STATUSES:
        raise reject(
            EventErrorCode.NOT_REGISTERED,
            "You hold no place or waitlist spot.",
            "input",
            "event",
        )
    if registration.checked_in_at is not None:
        raise reject(
            EventErrorCode.ALREADY_CHECKED_IN, "You were checked in already.", "input", "event"
        )
    if event.ends_at <= datetime.now(UTC):
        raise reject(EventErrorCode.ENDED, "The event is over.", "input", "event")
    registration.status = CANCELLED
    registration.cancelled_at = func.now()
    registration.registered_at = None
    await session.flush()
    await session.refresh(registration)
    await live.publish(
        session, live.event_changed(event.id, live.EVENT_REGISTRATION_CANCELLED, registration.id)
    )
    if event.status != "CANCELLED":
        await promote(session, event, await registered_count(session, event.id))
    return registration


async def promote(session: AsyncSession, event: Event, taken: int) -> list[int]:
    """Move the first in line from the waitlist into free places (the caller holds the event's
    lock), notify each; the promoted engineers' ids."""
    free = event.capacity - taken
    if free <= 0:
        return []
    first_in_line = (
        select(EventRegistration.id)
        .where(EventRegistration.event_id == event.id, EventRegistration.status == WAITLISTED)
        .order_by(EventRegistration.queued_at, EventRegistration.id)
        .limit(free)
        .scalar_subquery()
    )
    result = await session.execute(
        update(EventRegistration)
        .where(EventRegistration.id.in_(first_in_line))
        .values(status=REGISTERED, registered_at=func.now())
        .returning(EventRegistration.id, EventRegistration.engineer_id)
        .execution_options(synchronize_session=False)
    )
    promoted = sorted((registration_id, engineer_id) for registration_id, engineer_id in result)
    if promoted:
        await notify(
            session,
            [engineer_id for _, engineer_id in promoted],
            NotificationKind.EVENT_WAITLIST_PROMOTED,
            event_id=event.id,
            payload={"title": event.title},
        )
        await live.publish_all(
            session,
            [
                live.event_changed(event.id, live.EVENT_PROMOTED, registration_id)
                for registration_id, _ in promoted
            ],
        )
    return [engineer_id for _, engineer_id in promoted]


async def notify_registered(
    session: AsyncSession, event: Event, kind: NotificationKind, payload: dict[str, Any]
) -> int:
    """Notify everyone holding a place or waiting, each as they chose for `kind` (one
    statement for any number of them); how many notifications were written."""
    recipients = await session.scalars(
        select(EventRegistration.engineer_id).where(
            EventRegistration.event_id == event.id,
            EventRegistration.status.in_(ACTIVE_STATUSES),
        )
    )
    written = await notify(session, list(recipients), kind, event_id=event.id, payload=payload)
    return len(written)


async def registered_count(session: AsyncSession, event_id: int) -> int:
    """How many people hold a place."""
    count = await session.scalar(
        select(func.count())
        .select_from(EventRegistration)
        .where(EventRegistration.event_id == event_id, EventRegistration.status == REGISTERED)
    )
    return int(count or 0)
