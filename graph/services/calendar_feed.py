"""Personal calendar feeds: an unguessable token per person, stored only as its SHA-256."""

import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CalendarFeed
from graph.auth.permissions import require_engineer
from graph.auth.viewer import Viewer

TOKEN_BYTES = 32


def digest(token: str) -> str:
    """The stored form of a feed token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def rotate(session: AsyncSession, viewer: Viewer) -> str:
    """A new feed token for the signed-in engineer (the old one stops working); the token is
    returned once and only its hash is kept; no commit."""
    engineer_id = require_engineer(viewer)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    statement = insert(CalendarFeed).values(engineer_id=engineer_id, token_hash=digest(token))
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[CalendarFeed.engineer_id],
            set_={
                "token_hash": statement.excluded.token_hash,
                "created_at": statement.excluded.created_at,
            },
        )
    )
    return token


async def revoke(session: AsyncSession, viewer: Viewer) -> bool:
    """Revoke the signed-in engineer's feed token; whether there was one; no commit."""
    engineer_id = require_engineer(viewer)
    result = await session.execute(
        delete(CalendarFeed)
        .where(CalendarFeed.engineer_id == engineer_id)
        .returning(CalendarFeed.id)
    )
    return result.first() is not None


async def owner_of(session: AsyncSession, token: str) -> int | None:
    """The engineer a feed token belongs to, or None (unknown, revoked or malformed)."""
    if not 20 <= len(token) <= 100:
        return None
    return await session.scalar(
        select(CalendarFeed.engineer_id).where(CalendarFeed.token_hash == digest(token))
    )
