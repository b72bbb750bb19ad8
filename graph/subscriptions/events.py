"""Event payloads (ids only), their topics, and publishing them inside the writer's transaction."""

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

CHANNEL = "braingain_events"
"""The one PostgreSQL channel every worker listens on; topics are routed in process."""
PAYLOAD_MAX_BYTES = 7_999
"""PostgreSQL refuses NOTIFY payloads of 8000 bytes or more."""


@dataclass(frozen=True)
class Event:
    """Something happened to `topic`; `ids` name the rows (never their content)."""

    topic: str
    ids: dict[str, int]

    def encode(self) -> str:
        """The NOTIFY payload."""
        payload = json.dumps({"topic": self.topic, "ids": self.ids}, separators=(",", ":"))
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
        return cls(topic, ids)


def forum_thread_topic(thread_id: int) -> str:
    """Events about one forum thread (its new replies)."""
    return f"forum-thread:{thread_id}"


def forum_post_added(thread_id: int, post_id: int) -> Event:
    """A reply was added to a thread."""
    return Event(forum_thread_topic(thread_id), {"thread": thread_id, "post": post_id})


async def publish(session: AsyncSession, event: Event) -> None:
    """NOTIFY in the session's transaction: delivered when it commits, never if it rolls back."""
    await session.execute(select(func.pg_notify(CHANNEL, event.encode())))
