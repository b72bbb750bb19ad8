"""Compiled mutations in lean transactions (db.lean), and their way back to SQLAlchemy's session.

The GraphQL tests run lean transactions as savepoints of the test's transaction (tests/conftest
.py SharedConnection); the pool tests at the end run them on a write pool (LeanPool) as the app
does, against committed rows of a scratch table.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import graph.services.forum_writing as forum_writing
from db.driver import commit, driver, fetchrow, rollback
from db.engine import DatabaseLocation
from db.lean import (
    LeanTransaction,
    NeedsSession,
    lean_session,
    lean_sessionmaker,
    transaction_of,
)
from db.models import ForumPost, Membership, Notification
from graph.chapters import ChapterRegistry
from graph.compiler.connections import write_pool
from graph.compiler.mutations import SESSION_RUNS
from graph.compiler.pool import LeanPool
from graph.extensions.unavailable import is_database_unavailable
from graph.ids import encode_id
from tests import factories, forum_world, viewers
from tests.auth.test_forum_mutations import POST_CREATE
from tests.auth.test_memberships import JOIN, LEAVE
from tests.conftest import GraphQLClient
from tests.forum_world import ForumWorld

SCRATCH = "lean_probe"


async def _memberships(session: AsyncSession, engineer_id: int) -> list[str]:
    rows = await session.scalars(
        select(Membership.status).where(Membership.engineer_id == engineer_id)
    )
    return list(rows)


async def test_a_join_runs_lean_and_a_leave_goes_back_to_the_session_once(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given an open chapter and an engineer in none
    chapter = await factories.chapter(session, "uk-ireland")
    chapter.join_policy = "OPEN"
    engineer = await factories.engineer(session)
    newcomer = await viewers.engineer(session, registry, engineer)
    chapter_id = {"id": encode_id("Chapter", chapter.id)}
    mutations = graphql.mutations

    # When they join: the service's one statement needs no SQLAlchemy session
    joined = await graphql.data(JOIN, chapter_id, newcomer)
    assert joined["chapterJoin"] == {
        "membership": {"status": "ACTIVE", "role": "member"},
        "userErrors": [],
    }
    assert (mutations.answered, mutations.lean_answered, mutations.needs_session) == (1, 1, {})
    assert await _memberships(session, engineer.id) == ["ACTIVE"]

    # When they leave: the service deletes through the ORM, which only the session can flush
    left = await graphql.data(LEAVE, chapter_id, newcomer)
    assert left["chapterLeave"]["userErrors"] == []
    assert left["chapterLeave"]["removedMembershipId"]
    assert (mutations.answered, mutations.lean_answered) == (2, 1)
    assert mutations.needs_session == {"chapterLeave": SESSION_RUNS}
    assert await _memberships(session, engineer.id) == []

    # Then a second round: the join lean again, the leave straight on the session
    await graphql.data(JOIN, chapter_id, newcomer)
    again = await graphql.data(LEAVE, chapter_id, newcomer)
    assert again["chapterLeave"]["userErrors"] == []
    assert (mutations.answered, mutations.lean_answered) == (4, 2)
    assert mutations.needs_session == {"chapterLeave": SESSION_RUNS - 1}
    assert await _memberships(session, engineer.id) == []

    # and once its count has run out, a leave tries a lean transaction again (and falls back)
    mutations.needs_session["chapterLeave"] = 0
    await graphql.data(JOIN, chapter_id, newcomer)
    last = await graphql.data(LEAVE, chapter_id, newcomer)
    assert last["chapterLeave"]["userErrors"] == []
    assert mutations.needs_session == {"chapterLeave": SESSION_RUNS}
    assert await _memberships(session, engineer.id) == []


async def test_a_refused_lean_join_changes_nothing_and_the_next_one_commits(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    invite_only = await factories.chapter(session, "uk-ireland")
    invite_only.join_policy = "INVITE"
    open_chapter = await factories.chapter(session, "gulf-uae")
    open_chapter.join_policy = "OPEN"
    engineer = await factories.engineer(session)
    newcomer = await viewers.engineer(session, registry, engineer)

    refused = await graphql.data(JOIN, {"id": encode_id("Chapter", invite_only.id)}, newcomer)
    joined = await graphql.data(JOIN, {"id": encode_id("Chapter", open_chapter.id)}, newcomer)

    assert refused["chapterJoin"] == {"membership": None, "userErrors": [{"code": "INVITE_ONLY"}]}
    assert joined["chapterJoin"]["membership"] == {"status": "ACTIVE", "role": "member"}
    assert graphql.mutations.lean_answered == 2
    assert await _memberships(session, engineer.id) == ["ACTIVE"]


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> ForumWorld:
    """The forum of tests/forum_world.py."""
    return await forum_world.build(session, registry)


async def test_a_reply_with_mentions_in_a_members_only_category_stays_lean(
    graphql: GraphQLClient, session: AsyncSession, world: ForumWorld
) -> None:
    # When a member replies in the gulf chapter's members-only lounge, naming a fellow member,
    # an outsider and a handle nobody has
    body = "Agreed with @forum-moderator; @forum-outsider and @nobody-here, see the thread."
    answer = await graphql.data(
        POST_CREATE,
        {"thread": world.id("ForumThread", "gulf"), "body": body},
        world.viewers["member"],
    )

    # Then it ran lean throughout: the mention lookup and the readers check are driver reads
    assert answer["forumPostCreate"]["userErrors"] == []
    assert graphql.mutations.needs_session == {}
    assert graphql.mutations.lean_answered == 1
    # and only the member who may read the lounge was told (the thread's author of the reply)
    told = await session.execute(
        select(Notification.recipient_id, Notification.kind).where(
            Notification.thread_id == world.threads["gulf"].id
        )
    )
    engineers = world.engineers
    assert sorted(told.all()) == sorted(
        [
            (engineers["author"].id, "FORUM_REPLY"),
            (engineers["moderator"].id, "FORUM_MENTION"),
        ]
    )


async def test_writes_made_before_the_session_was_needed_are_rolled_back_not_repeated(
    graphql: GraphQLClient,
    session: AsyncSession,
    world: ForumWorld,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a reply whose notification step first reads through the ORM (after the insert)
    notify_reply = forum_writing._notify_reply
    orm_reads: list[bool] = []

    async def notify_after_an_orm_read(on: AsyncSession, *args: Any, **kwargs: Any) -> None:
        await on.scalar(select(func.count()).select_from(ForumPost))
        orm_reads.append(True)
        await notify_reply(on, *args, **kwargs)

    monkeypatch.setattr(forum_writing, "_notify_reply", notify_after_an_orm_read)
    thread = world.threads["gulf"]
    body = f"Lean, then not: {uuid.uuid4().hex}"

    # When the member replies: the lean attempt inserts the reply, then needs the session
    answer = await graphql.data(
        POST_CREATE,
        {"thread": world.id("ForumThread", "gulf"), "body": body},
        world.viewers["member"],
    )

    # Then the reply is there once, answered from the session's run of the mutation
    assert answer["forumPostCreate"]["userErrors"] == []
    assert answer["forumPostCreate"]["post"]["body"] == body
    assert graphql.mutations.needs_session == {"forumPostCreate": SESSION_RUNS}
    assert graphql.mutations.lean_answered == 0
    assert orm_reads == [True]  # the lean attempt never got as far as the read
    posts = await session.scalar(
        select(func.count())
        .select_from(ForumPost)
        .where(ForumPost.thread_id == thread.id, ForumPost.body == body)
    )
    assert posts == 1


async def test_a_lean_session_refuses_its_own_commit_rollback_and_pending_changes(
    session: AsyncSession,
) -> None:
    class Nowhere:
        nested = False

        async def take(self) -> Any:
            raise AssertionError("no statement should have been sent")

        def give_back(self, connection: Any, error: BaseException | None) -> None:
            raise AssertionError("nothing was taken")

    lean = lean_session(lean_sessionmaker(), Nowhere())
    with pytest.raises(NeedsSession):
        await lean.commit()
    with pytest.raises(NeedsSession):
        await lean.rollback()
    with pytest.raises(NeedsSession):
        await lean.execute(select(1))
    lean.add(Membership(chapter_id=1, engineer_id=1, role="member", status="ACTIVE"))
    with pytest.raises(NeedsSession):  # a flush is SQLAlchemy's
        await driver(lean)
    with pytest.raises(NeedsSession):
        await commit(lean)


# --- on a write pool, as the app runs them --------------------------------------------------


@pytest.fixture
async def scratch(engine: AsyncEngine) -> AsyncIterator[str]:
    """A committed scratch table (dropped afterwards); the tag of this test's rows."""
    async with engine.begin() as connection:
        await connection.execute(
            text(f"CREATE TABLE IF NOT EXISTS {SCRATCH} (tag text, payload jsonb)")
        )
    tag = uuid.uuid4().hex
    yield tag
    async with engine.begin() as connection:  # not a table of the schema: gone again
        await connection.execute(text(f"DROP TABLE IF EXISTS {SCRATCH}"))


async def _tagged(url: str, tag: str) -> list[Any]:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        return [
            row[0]
            for row in await connection.fetch(f"SELECT tag FROM {SCRATCH} WHERE tag = $1", tag)
        ]
    finally:
        await connection.close()


async def test_a_write_pool_commits_rolls_back_and_keeps_sqlalchemys_json_codecs(
    database: DatabaseLocation, scratch: str
) -> None:
    pool = write_pool(database.url, statement_timeout_ms=5_000, size=1)
    sessions = lean_sessionmaker()
    try:
        # a committed insert is seen by another connection; json goes in as text, comes back
        # decoded, as on SQLAlchemy's connections
        committed = lean_session(sessions, pool)
        row = await fetchrow(
            committed,
            f"INSERT INTO {SCRATCH} (tag, payload) VALUES ($1, $2::jsonb) RETURNING payload",
            scratch,
            '{"a": [1, 2]}',
        )
        assert row[0] == {"a": [1, 2]}
        assert await _tagged(database.url, scratch) == []  # not before the commit
        await commit(committed)
        _lean(committed).release()
        assert await _tagged(database.url, scratch) == [scratch]

        # a rolled back insert is not, and the connection goes back to the pool for reuse
        undone = lean_session(sessions, pool)
        connection = await driver(undone)
        await connection.execute(f"INSERT INTO {SCRATCH} (tag) VALUES ($1)", scratch)
        await rollback(undone)
        _lean(undone).release()
        assert await _tagged(database.url, scratch) == [scratch]
        assert pool.idle == [connection]
    finally:
        await pool.close()


@pytest.fixture
async def pool(database: DatabaseLocation) -> AsyncIterator[LeanPool]:
    """A write pool of one connection on the test database."""
    made = write_pool(database.url, statement_timeout_ms=5_000, size=1)
    yield made
    await made.close()


async def _inserting(pool: LeanPool, tag: str) -> tuple[LeanTransaction, asyncpg.Connection]:
    """A lean transaction on `pool` that has inserted a row tagged `tag`, and its connection."""
    transaction = LeanTransaction(pool)
    connection = await transaction.driver()
    await connection.execute(f"INSERT INTO {SCRATCH} (tag) VALUES ($1)", tag)
    return transaction, connection


async def test_a_cancelled_statement_leaves_nothing_behind_on_a_write_pool(
    database: DatabaseLocation, scratch: str, pool: LeanPool
) -> None:
    transaction, connection = await _inserting(pool, scratch)
    slow = asyncio.ensure_future(connection.execute("SELECT pg_sleep(5)"))
    await asyncio.sleep(0.1)
    slow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await slow
    await transaction.rollback()  # never raises: a connection that cannot is dropped
    transaction.release()

    assert await _tagged(database.url, scratch) == []
    assert connection.is_closed() or not connection.is_in_transaction()
    again = LeanTransaction(pool)
    assert await (await again.driver()).fetchval("SELECT 1") == 1
    await again.commit()
    again.release()
    assert len(pool.idle) == 1


async def test_a_connection_that_cannot_roll_back_is_terminated(
    database: DatabaseLocation, scratch: str, pool: LeanPool
) -> None:
    transaction, connection = await _inserting(pool, scratch)
    busy = asyncio.ensure_future(connection.execute("SELECT pg_sleep(0.3)"))
    await asyncio.sleep(0.05)
    await transaction.rollback()  # another operation is in progress: remembered
    transaction.release()
    with pytest.raises((asyncpg.InterfaceError, asyncpg.ConnectionDoesNotExistError)):
        await busy

    assert pool.idle == [None]
    assert connection.is_closed()
    assert await _tagged(database.url, scratch) == []


def _lean(session: AsyncSession) -> LeanTransaction:
    """The lean transaction of a lean session."""
    found = transaction_of(session)
    assert found is not None
    return found


async def test_a_write_pool_that_cannot_connect_reports_an_outage_and_keeps_its_slot() -> None:
    pool = write_pool("postgresql://postgres@127.0.0.1:1/nowhere", statement_timeout_ms=5_000)
    transaction = LeanTransaction(pool)
    with pytest.raises(ConnectionRefusedError) as raised:
        await transaction.driver()
    transaction.release()

    assert is_database_unavailable(raised.value)  # a 503 with Retry-After, not a bug
    assert pool.idle.count(None) == pool.size  # the next request connects afresh
    await pool.close()
