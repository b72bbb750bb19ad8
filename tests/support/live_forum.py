"""Committed forum rows for live-server tests (NOTIFY needs a real commit), deleted after."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.models import Account, Engineer, ForumCategory, ForumPost, ForumThread, Membership
from tests import factories


@dataclass
class LiveForum:
    """Committed engineers, categories and threads by name."""

    engineers: dict[str, Engineer] = field(default_factory=dict)
    categories: dict[str, ForumCategory] = field(default_factory=dict)
    threads: dict[str, ForumThread] = field(default_factory=dict)


@asynccontextmanager
async def live_forum(engine: AsyncEngine) -> AsyncIterator[LiveForum]:
    """gulf-uae members-only and global categories, a thread in each, a hidden global thread;
    a gulf member, an outsider and a council admin. Everything (and every reply) is deleted
    afterwards."""
    tag = uuid.uuid4().hex[:10]
    forum = LiveForum()
    async with AsyncSession(engine, expire_on_commit=False) as session:
        gulf = await factories.chapter(session, "gulf-uae")
        for name in ("member", "outsider", "admin"):
            forum.engineers[name] = await factories.engineer(session, handle=f"live-{name}-{tag}")
        await factories.membership(session, forum.engineers["member"], gulf, role="member")
        await factories.account(session, forum.engineers["admin"], global_role="COUNCIL_ADMIN")
        forum.categories["gulf"] = await factories.forum_category(
            session, slug=f"live-gulf-{tag}", kind="CHAPTER", chapter_id=gulf.id, members_only=True
        )
        forum.categories["global"] = await factories.forum_category(
            session, slug=f"live-global-{tag}"
        )
        author = forum.engineers["member"]
        forum.threads["gulf"] = await factories.forum_thread(
            session, forum.categories["gulf"], author
        )
        forum.threads["global"] = await factories.forum_thread(
            session, forum.categories["global"], author
        )
        forum.threads["hidden"] = await factories.forum_thread(
            session, forum.categories["global"], author, hidden=True
        )
        await session.commit()
    try:
        yield forum
    finally:
        async with AsyncSession(engine) as session:
            thread_ids = [thread.id for thread in forum.threads.values()]
            engineer_ids = [engineer.id for engineer in forum.engineers.values()]
            category_ids = [category.id for category in forum.categories.values()]
            await session.execute(delete(ForumPost).where(ForumPost.thread_id.in_(thread_ids)))
            await session.execute(delete(ForumThread).where(ForumThread.id.in_(thread_ids)))
            await session.execute(delete(ForumCategory).where(ForumCategory.id.in_(category_ids)))
            await session.execute(
                delete(Membership).where(Membership.engineer_id.in_(engineer_ids))
            )
            await session.execute(delete(Account).where(Account.engineer_id.in_(engineer_ids)))
            await session.execute(delete(Engineer).where(Engineer.id.in_(engineer_ids)))
            await session.commit()
