"""Event payloads (ids only), their topics, and publishing them inside the writer's transaction.

Publishing inserts a row into `live_events`; its trigger NOTIFYs the row (id, topic, ids,
change) when the transaction commits. The row's id orders events and lets a worker replay what
it missed while its LISTEN connection was down, and a subscriber resume after its last one.
"""

import base64
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.driver import execute
from db.models import LiveEvent
from graph.errors import BadUserInput

CHANNEL = "braingain_events"
"""The one PostgreSQL channel every worker listens on; topics are routed in process."""
PAYLOAD_MAX_BYTES = 7_999
"""PostgreSQL refuses NOTIFY payloads of 8000 bytes or more."""
CURSOR_PREFIX = "event:"


@dataclass(frozen=True)
class Event:
    """Something happened to `topic`; `ids` name the rows (never their content); `id` is the
    live_events row (None for an event that was only NOTIFYed); `change` says what happened."""

    topic: str
    ids: dict[str, int]
    id: int | None = None
    change: str = ""

    def encode(self) -> str:
        """The NOTIFY payload."""
        data: dict[str, Any] = {"topic": self.topic, "ids": self.ids}
        if self.id is not None:
            data["id"] = self.id
        if self.change:
            data["change"] = self.change
        payload = json.dumps(data, separators=(",", ":"))
        if len(payload.encode()) > PAYLOAD_MAX_BYTES:
            raise ValueError(f"event payload too large for NOTIFY: {len(payload)} bytes")
        return payload

    @classmethod
    def decode(cls, payload: str) -> "Event | None":
        """The event in a NOTIFY payload; None when it is not one of ours."""
        try:
            data: Any = json.loads(payload)
            topic, ids = data["topic"], data["ids"]
        except (ValueError, TypeError, KeyError):
            return None
        if not isinstance(topic, str) or not isinstance(ids, dict):
            return None
        if not all(isinstance(key, str) and type(value) is int for key, value in ids.items()):
            return None
        event_id, change = data.get("id"), data.get("change", "")
        if (event_id is not None and type(event_id) is not int) or not isinstance(change, str):
            return None
        return cls(topic, ids, event_id, change)

    @property
    def cursor(self) -> str:
        """The opaque resume point a subscriber passes as `after` (empty without an id)."""
        return "" if self.id is None else encode_cursor(self.id)


def encode_cursor(event_id: int) -> str:
    """The opaque cursor of a live event."""
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{event_id}".encode()).decode()


def decode_cursor(cursor: str | None, argument: str = "after") -> int:
    """The live-event id a cursor names (0 for none); BAD_USER_INPUT when it is not one."""
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(CURSOR_PREFIX):
            raise ValueError(text)
        value = int(text.removeprefix(CURSOR_PREFIX))
    except (ValueError, UnicodeError):
        raise BadUserInput("Not a subscription cursor.", argument=argument) from None
    if value < 0:
        raise BadUserInput("Not a subscription cursor.", argument=argument)
    return value


def forum_thread_topic(thread_id: int) -> str:
    """Events about one forum thread (new replies, edits, moderation)."""
    return f"forum-thread:{thread_id}"


def notification_topic(engineer_id: int) -> str:
    """New notifications for one engineer."""
    return f"notifications:{engineer_id}"


def event_topic(event_id: int) -> str:
    """Changes of one chapter event: its details, its status and its registrations."""
    return f"event:{event_id}"


POST_ADDED = "POST_ADDED"
POST_EDITED = "POST_EDITED"
MODERATED = "MODERATED"


def forum_post_added(thread_id: int, post_id: int) -> Event:
    """A reply was added to a thread."""
    return Event(forum_thread_topic(thread_id), {"thread": thread_id, "post": post_id})


def forum_thread_changed(thread_id: int, change: str, post_id: int | None = None) -> Event:
    """Something happened in a thread: a reply added or edited, the thread or a reply moderated."""
    ids = {"thread": thread_id} if post_id is None else {"thread": thread_id, "post": post_id}
    return Event(forum_thread_topic(thread_id), ids, change=change)


EVENT_UPDATED = "UPDATED"
EVENT_MOVED = "MOVED"
EVENT_CAPACITY_CHANGED = "CAPACITY_CHANGED"
EVENT_CANCELLED = "CANCELLED"
EVENT_REGISTERED = "REGISTERED"
EVENT_REGISTRATION_CANCELLED = "REGISTRATION_CANCELLED"
EVENT_PROMOTED = "PROMOTED"
EVENT_CHECKED_IN = "CHECKED_IN"
EVENT_CHANGES = (
    EVENT_UPDATED,
    EVENT_MOVED,
    EVENT_CAPACITY_CHANGED,
    EVENT_CANCELLED,
    EVENT_REGISTERED,
    EVENT_REGISTRATION_CANCELLED,
    EVENT_PROMOTED,
    EVENT_CHECKED_IN,
)


def event_changed(event_id: int, change: str, registration_id: int | None = None) -> Event:
    """Something happened to a chapter event or to one of its registrations."""
    ids = {"event": event_id}
    if registration_id is not None:
        ids["registration"] = registration_id
    return Event(event_topic(event_id), ids, change=change)


_PUBLISH = "INSERT INTO live_events (topic, ids, change) VALUES ($1, $2, $3)"
"""One row; run on the session's driver connection (db.driver): no ORM work per event."""


async def publish(session: AsyncSession, event: Event) -> None:
    """Store the event in the session's transaction; its trigger NOTIFYs it on commit (never
    if the transaction rolls back)."""
    event.encode()  # refuse what NOTIFY would refuse, before anything is written
    ids = json.dumps(event.ids, separators=(",", ":"))
    await execute(session, _PUBLISH, event.topic, ids, event.change)


async def publish_all(session: AsyncSession, events: list[Event]) -> None:
    """Store several events in one statement, in order (see `publish`)."""
    if not events:
        return
    for event in events:
        event.encode()
    await session.execute(
        insert(LiveEvent).values(
            [{"topic": e.topic, "ids": e.ids, "change": e.change} for e in events]
        )
    )
