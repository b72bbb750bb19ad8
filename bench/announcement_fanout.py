"""Announcement fan-out: one notification per active member of a 1,000-member chapter.

Run: `DATABASE_URL=... python -m bench.announcement_fanout [--members 1000] [--runs 5]`.
Inside one transaction that is rolled back: tops gulf-uae up to `--members` active members
(one of them a coordinator), then posts announcements through graph.services.announcement.post (the
mutation's service: checks, the announcement row, one INSERT ... SELECT of the notifications,
the audit row) and prints the time of each post and of the INSERT ... SELECT alone.
"""

import argparse
import asyncio
import os
import statistics
import time
from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import create_engine
from db.models import Chapter, ChapterAnnouncement, Engineer, Membership
from graph.auth.scopes import Scope
from graph.auth.viewer import ChapterRole, Viewer
from graph.services import announcement


async def run(members: int, runs: int) -> None:
    """Measure and print."""
    engine = create_engine(os.environ["DATABASE_URL"], pool_size=1)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        chapter = await session.scalar(select(Chapter).where(Chapter.slug == "gulf-uae"))
        assert chapter is not None, "sync the chapters first (braingain chapters sync)"
        existing = await session.scalar(
            select(func.count()).where(
                Membership.chapter_id == chapter.id, Membership.status == "ACTIVE"
            )
        )
        members = max(members - int(existing or 0), 1) - 1  # the coordinator is one of them
        stamp = datetime.now(UTC).strftime("%H%M%S%f")
        rows = [
            {
                "handle": f"fanout-{stamp}-{number}",
                "name": f"Fan-out member {number}",
                "country_code": "AE",
                "city": "Dubai",
                "is_overseas": True,
            }
            for number in range(members + 1)
        ]
        ids = list((await session.execute(insert(Engineer).returning(Engineer.id), rows)).scalars())
        await session.execute(
            insert(Membership),
            [
                {
                    "engineer_id": engineer_id,
                    "chapter_id": chapter.id,
                    "status": "ACTIVE",
                    "role": "coordinator" if index == 0 else "member",
                }
                for index, engineer_id in enumerate(ids)
            ],
        )
        active = await session.scalar(
            select(func.count()).where(
                Membership.chapter_id == chapter.id, Membership.status == "ACTIVE"
            )
        )
        role = ChapterRole(
            chapter.id, chapter.slug, "coordinator", frozenset({Scope.ANNOUNCEMENTS_WRITE})
        )
        viewer = Viewer(
            engineer_id=ids[0],
            scopes=frozenset({Scope.ANNOUNCEMENTS_WRITE}),
            chapter_roles={chapter.id: role},
        )
        posts, fan_outs = [], []
        for number in range(runs):
            started = time.perf_counter()
            posted = await announcement.post(
                session,
                viewer,
                chapter.id,
                title=f"Fan-out test {number}",
                body="Measured.",
                request_id="bench",
            )
            posts.append(time.perf_counter() - started)
            row = ChapterAnnouncement(
                chapter_id=chapter.id, author_id=ids[0], title="Fan-out only", body="x"
            )
            session.add(row)
            await session.flush()
            started = time.perf_counter()
            notified = await announcement.fan_out(session, row)
            fan_outs.append(time.perf_counter() - started)
            assert notified == posted.recipients == active
        await session.rollback()
    await engine.dispose()
    print(f"active members of gulf-uae: {active}")
    print(
        f"chapterAnnouncementPost service: median {statistics.median(posts) * 1000:.1f} ms,"
        f" min {min(posts) * 1000:.1f} ms, max {max(posts) * 1000:.1f} ms over {runs} runs"
    )
    print(
        f"INSERT ... SELECT of the notifications alone: median"
        f" {statistics.median(fan_outs) * 1000:.1f} ms, min {min(fan_outs) * 1000:.1f} ms"
    )


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(run(arguments.members, arguments.runs))


if __name__ == "__main__":
    main()
