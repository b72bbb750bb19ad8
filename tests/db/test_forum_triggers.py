"""The forum's counters and search vector are kept by the database, whoever writes the rows."""

from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ForumPost, ForumThread, ForumVote
from tests import factories


async def _thread(session: AsyncSession) -> tuple[ForumThread, list[ForumPost]]:
    author = await factories.engineer(session)
    category = await factories.forum_category(session)
    thread = await factories.forum_thread(
        session, category, author, title="Canal lining", body="Seepage losses", tags=["water"]
    )
    posts = [await factories.forum_post(session, thread, author) for _ in range(3)]
    return thread, posts


async def _counts(session: AsyncSession, thread: ForumThread) -> tuple[int, object]:
    row = (
        await session.execute(
            select(ForumThread.post_count, ForumThread.last_posted_at).where(
                ForumThread.id == thread.id
            )
        )
    ).one()
    return row.post_count, row.last_posted_at


async def test_replies_count_on_their_thread_and_move_its_activity(session: AsyncSession) -> None:
    thread, posts = await _thread(session)
    count, last = await _counts(session, thread)
    assert count == 3
    assert last == posts[-1].created_at
    await session.execute(delete(ForumPost).where(ForumPost.id == posts[0].id))
    assert (await _counts(session, thread))[0] == 2


async def test_votes_add_up_to_the_score_as_they_change(session: AsyncSession) -> None:
    _, posts = await _thread(session)
    voters = [await factories.engineer(session) for _ in range(3)]
    for voter in voters:
        await factories.forum_vote(session, posts[0], voter, 1)
    await session.execute(
        update(ForumVote).where(ForumVote.engineer_id == voters[0].id).values(value=-1)
    )
    await session.execute(delete(ForumVote).where(ForumVote.engineer_id == voters[1].id))
    score = await session.scalar(select(ForumPost.score).where(ForumPost.id == posts[0].id))
    assert score == 0  # -1 + 1


async def test_the_search_vector_follows_title_tags_and_body(session: AsyncSession) -> None:
    thread, _ = await _thread(session)

    async def matches(words: str) -> bool:
        found = await session.scalar(
            text(
                "SELECT search @@ websearch_to_tsquery('english', :words)"
                " FROM forum_threads WHERE id = :id"
            ),
            {"words": words, "id": thread.id},
        )
        return bool(found)

    assert await matches("canal")
    assert await matches("water")
    assert await matches("seepage")
    await session.execute(
        update(ForumThread).where(ForumThread.id == thread.id).values(body="Groundwater recharge")
    )
    assert not await matches("seepage")
    assert await matches("recharge")
