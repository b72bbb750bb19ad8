"""A Hall of Fame to test against: the events world, plus a nominee's work of every kind (a
private engagement with a ledger entry, talks at a public and a members-only event, accepted
forum answers), three council admins and an open round."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    EngagementSession,
    Engineer,
    EventSpeaker,
    ForumPost,
    HallOfFameRound,
    LedgerEntry,
)
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import contribution_world, event_world, factories, viewers

YEAR = 2026


@dataclass
class HallOfFameWorld:
    """Engineers and viewers by name, and the global IDs of the nominee's work."""

    engineers: dict[str, Engineer] = field(default_factory=dict)
    viewers: dict[str, Viewer] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    round_id: int = 0

    def engineer_id(self, name: str) -> str:
        """The global ID of a named engineer."""
        return encode_id("Engineer", self.engineers[name].id)


async def build(session: AsyncSession, registry: ChapterRegistry) -> HallOfFameWorld:
    """`member` (gulf) is the nominee: mentoring `seeker` (a private engagement, one
    countersigned session in the ledger), speaking at the gulf public meetup and members-only
    workshop, with an accepted answer in a public category. `outsider` and `seeker` nominate;
    `admin`, `council2`, `council3` are the council."""
    events = await event_world.build(session, registry)
    world = HallOfFameWorld(engineers=dict(events.engineers), viewers=dict(events.viewers))
    for name in ("seeker", "council2", "council3"):
        world.engineers[name] = await factories.engineer(session, handle=f"hof-{name}")
    for name in ("council2", "council3"):
        await factories.account(session, world.engineers[name], global_role="COUNCIL_ADMIN")
    nominee, seeker = world.engineers["member"], world.engineers["seeker"]
    engagement = await contribution_world.engagement(session, nominee, seeker)
    held = await contribution_world.add(
        session,
        EngagementSession(
            engagement_id=engagement.id,
            held_on=date(2026, 2, 1),
            minutes=60,
            notes="Load-flow study review",
            attendee_ids=[nominee.id, seeker.id],
            logged_by_id=nominee.id,
            countersigned_at=datetime(2026, 2, 2, tzinfo=UTC),
            countersigned_by_id=seeker.id,
        ),
    )
    entry = await contribution_world.add(
        session,
        LedgerEntry(
            engineer_id=nominee.id,
            engagement_id=engagement.id,
            session_id=held.id,
            kind="MENTORSHIP",
            counterpart_id=seeker.id,
            minutes=60,
            cpd_points=Decimal("1.00"),
            occurred_on=date(2026, 2, 1),
        ),
    )
    for index, name in enumerate(("public", "members")):
        session.add(
            EventSpeaker(event_id=events.events[name].id, position=index, engineer_id=nominee.id)
        )
    category = await factories.forum_category(session)
    thread = await factories.forum_thread(session, category, seeker)
    answer = await factories.forum_post(session, thread, nominee)
    other = await factories.forum_post(session, thread, nominee)
    thread.accepted_post_id = answer.id
    second = await factories.forum_thread(session, category, nominee)
    theirs: ForumPost = await factories.forum_post(session, second, world.engineers["outsider"])
    second.accepted_post_id = theirs.id
    opened = HallOfFameRound(year=YEAR, status="OPEN")
    session.add(opened)
    await session.flush()
    world.round_id = opened.id
    world.ids.update(
        {
            "ledger": encode_id("LedgerEntry", entry.id),
            "engagement": encode_id("Engagement", engagement.id),
            "public-event": events.id("public"),
            "members-event": events.id("members"),
            "uk-event": events.id("uk"),
            "answer": encode_id("ForumPost", answer.id),
            "not-accepted": encode_id("ForumPost", other.id),
            "someone-elses": encode_id("ForumPost", theirs.id),
            "round": encode_id("HallOfFameRound", opened.id),
        }
    )
    for name in ("seeker", "council2", "council3"):
        world.viewers[name] = await viewers.engineer(session, registry, world.engineers[name])
    return world
