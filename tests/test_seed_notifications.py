"""Demo notifications follow the forum and memberships they describe."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.models import Notification
from db.seed.notifications import seed_notifications
from graph.chapters import ChapterRegistry
from tests import forum_world


async def test_replies_notify_the_threads_author_never_themselves_nor_of_hidden_posts(
    session: AsyncSession, connection: AsyncConnection, registry: ChapterRegistry
) -> None:
    # Given the forum world (replies by a member, some hidden) seeded beside other data
    world = await forum_world.build(session, registry)
    await session.flush()

    # When the demo notifications are written
    counts = await seed_notifications(connection)

    # Then the author hears of each visible reply in their threads, by its replier
    rows = list(
        await session.scalars(
            select(Notification).where(
                Notification.kind == "FORUM_REPLY",
                Notification.thread_id.in_([thread.id for thread in world.threads.values()]),
            )
        )
    )
    visible = [post for post in world.posts.values() if not post.hidden]
    assert sorted(row.post_id for row in rows if row.post_id) == sorted(p.id for p in visible)
    authors = {world.engineers["author"].id, world.engineers["uk_member"].id}
    assert {row.recipient_id for row in rows} == authors
    assert all(row.actor_id != row.recipient_id for row in rows)
    assert all("replied to your thread" in row.payload["summary"] for row in rows)
    assert counts["notifications"] >= len(rows)
