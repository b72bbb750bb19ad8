"""A small world for mentorship programme tests: a chapter coordinator, institution staff, a
member, an outsider, mentors and mentees with profiles matching makes meaningful."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Chapter,
    Engineer,
    Institution,
    MentorshipApplication,
    MentorshipProgramme,
    Sector,
    Skill,
)
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import factories, viewers

MENTORS = ("mentor-a", "mentor-b", "mentor-c")
MENTEES = ("mentee-w", "mentee-x", "mentee-y", "mentee-z")


@dataclass
class ProgrammeWorld:
    """People, viewers, the gulf chapter and a university."""

    chapter: Chapter
    institution: Institution
    water: Sector
    grid: Sector
    hydro: Skill
    relay: Skill
    engineers: dict[str, Engineer] = field(default_factory=dict)
    viewers: dict[str, Viewer] = field(default_factory=dict)

    def engineer_id(self, name: str) -> str:
        """The global ID of one of the world's engineers."""
        return encode_id("Engineer", self.engineers[name].id)


async def build(session: AsyncSession, registry: ChapterRegistry) -> ProgrammeWorld:
    """The world, flushed."""
    gulf = await factories.chapter(session, "gulf-uae")
    university = await factories.institution(session, slug="pg-uni", name="Programme University")
    water = await factories.sector(session, slug="pg-water", name="Pg Water")
    grid = await factories.sector(session, slug="pg-grid", name="Pg Grid")
    hydro = await factories.skill(session, slug="pg-hydro", name="Pg Hydro", sector_id=water.id)
    relay = await factories.skill(session, slug="pg-relay", name="Pg Relay", sector_id=grid.id)
    world = ProgrammeWorld(gulf, university, water, grid, hydro, relay)
    home: dict[str, Any] = {
        "country_code": "PK",
        "city": "Lahore",
        "is_overseas": False,
        "timezone": "Asia/Karachi",
    }
    for name in ("coordinator", "staff", "member", "outsider"):
        world.engineers[name] = await factories.engineer(session, handle=f"pg-{name}")
    for name in MENTORS:
        world.engineers[name] = await factories.engineer(session, handle=f"pg-{name}")
    for name in MENTEES:
        world.engineers[name] = await factories.engineer(session, handle=f"pg-{name}", **home)
    await factories.membership(session, world.engineers["coordinator"], gulf, role="coordinator")
    await factories.membership(session, world.engineers["member"], gulf)
    await factories.affiliation(session, world.engineers["staff"], university)
    # mentor-a knows water and hydro, mentor-b grid and relay, mentor-c a little of both
    engineers = world.engineers
    await factories.join_sector(session, engineers["mentor-a"], water)
    await factories.claim_skill(session, engineers["mentor-a"], hydro, level="EXPERT", years=12)
    await factories.join_sector(session, engineers["mentor-b"], grid)
    await factories.claim_skill(session, engineers["mentor-b"], relay, level="EXPERT", years=9)
    await factories.join_sector(session, engineers["mentor-c"], water)
    await factories.join_sector(session, engineers["mentor-c"], grid)
    for mentee, sector, skill in (
        ("mentee-w", water, hydro),
        ("mentee-x", water, hydro),
        ("mentee-y", grid, relay),
        ("mentee-z", grid, relay),
    ):
        await factories.join_sector(session, engineers[mentee], sector)
        await factories.claim_skill(session, engineers[mentee], skill, level="BEGINNER", years=1)
    world.viewers["anonymous"] = ANONYMOUS
    for name, engineer in world.engineers.items():
        world.viewers[name] = await viewers.engineer(session, registry, engineer)
    return world


def window(days_from_now: float) -> datetime:
    """A moment relative to now."""
    return datetime.now(UTC) + timedelta(days=days_from_now)


async def programme(
    session: AsyncSession, world: ProgrammeWorld, **overrides: Any
) -> MentorshipProgramme:
    """An OPEN programme of the gulf chapter, both windows open now."""
    values: dict[str, Any] = {
        "chapter_id": world.chapter.id,
        "name": "Gulf Water & Grid Mentoring",
        "description": "Six months of monthly calls.",
        "starts_on": date.today() + timedelta(days=30),
        "ends_on": date.today() + timedelta(days=210),
        "capacity": 10,
        "hours_per_month": 2,
        "mentor_opens_at": window(-5),
        "mentor_closes_at": window(5),
        "mentee_opens_at": window(-5),
        "mentee_closes_at": window(5),
        "questions": ["What do you hope to learn or share?"],
        "created_by_id": world.engineers["coordinator"].id,
    }
    values.update(overrides)
    row = MentorshipProgramme(**values)
    session.add(row)
    await session.flush()
    return row


async def application(
    session: AsyncSession,
    row: MentorshipProgramme,
    who: Engineer,
    role: str,
    *,
    slots: int | None = None,
    status: str = "ACCEPTED",
) -> MentorshipApplication:
    """An application, accepted unless told otherwise."""
    found = MentorshipApplication(
        programme_id=row.id,
        applicant_id=who.id,
        role=role,
        slots=slots,
        answers=["To grow."] * len(row.questions),
        status=status,
        decided_at=None if status == "SUBMITTED" else datetime.now(UTC),
    )
    session.add(found)
    await session.flush()
    return found


async def accepted_cohort(
    session: AsyncSession, world: ProgrammeWorld, **overrides: Any
) -> tuple[MentorshipProgramme, dict[str, MentorshipApplication]]:
    """A programme with every mentor (a: 2 slots, b: 1, c: 1) and mentee accepted."""
    row = await programme(session, world, **overrides)
    found: dict[str, MentorshipApplication] = {}
    for name, slots in zip(MENTORS, (2, 1, 1), strict=True):
        found[name] = await application(session, row, world.engineers[name], "MENTOR", slots=slots)
    for name in MENTEES:
        found[name] = await application(session, row, world.engineers[name], "MENTEE")
    return row, found
