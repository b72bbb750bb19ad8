"""Forum demo data: categories, threads, replies, votes, accepted answers, moderation, reports."""

import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.enums import ForumCategoryKind, ForumReportStatus, MembershipStatus
from db.seed import bulk
from db.seed.tables import Row
from db.seed.vocabulary.forum import (
    CHAPTER_SUBJECTS,
    COUNTRY_NAMES,
    DEFAULT_TOPICS,
    GLOBAL_CATEGORIES,
    GLOBAL_SUBJECTS,
    MONTHS,
    REPLY_CLOSINGS,
    REPLY_MIDDLES,
    REPLY_OPENINGS,
    REPORT_REASONS,
    SECTOR_SUBJECTS,
    TOPICS,
    Subject,
)
from db.seed.vocabulary.places import COUNTRIES, COUNTRIES_BY_CODE

THREADS_PER_SCALE = 300
REFERENCE_TIME = datetime(2025, 6, 30, 18, tzinfo=UTC)
MODERATING_ROLES = ("moderator", "coordinator")
DISCIPLINES = ("civil", "electrical", "mechanical", "chemical", "software", "computer")

FORUM_COLUMNS: dict[str, tuple[str, ...]] = {
    "forum_categories": (
        "id", "slug", "name", "description", "kind", "sector_id", "chapter_id", "members_only",
        "position",
    ),
    "forum_threads": (
        "id", "category_id", "author_id", "title", "body", "tags", "pinned", "locked", "hidden",
        "created_at", "last_posted_at", "post_count",
    ),
    "forum_posts": (
        "id", "thread_id", "author_id", "body", "created_at", "edited_at", "hidden", "score",
    ),
    "forum_votes": ("post_id", "engineer_id", "value", "created_at"),
    "forum_reports": (
        "id", "thread_id", "post_id", "reporter_id", "reason", "status", "resolved_by_id",
        "resolved_at", "created_at",
    ),
}  # fmt: skip
FORUM_TABLES = tuple(FORUM_COLUMNS)
COUNTED_TABLES = ("forum_threads", "forum_posts", "forum_votes")
"""Tables whose triggers (search vector, post count, score) the seed replaces by its own values."""


@dataclass(frozen=True)
class SectorSource:
    """A seeded sector and the names of its skills."""

    id: int
    slug: str
    name: str
    skills: tuple[str, ...]


@dataclass(frozen=True)
class ChapterSource:
    """A chapter with the forum switched on, its active members and its moderators."""

    id: int
    slug: str
    name: str
    countries: tuple[str, ...]
    members: tuple[int, ...]
    moderators: tuple[int, ...]


@dataclass
class ForumRows:
    """Rows for every forum table, in foreign-key order."""

    tables: dict[str, list[Row]] = field(
        default_factory=lambda: {table: [] for table in FORUM_COLUMNS}
    )
    accepted: list[tuple[int, int]] = field(default_factory=list)
    """(thread id, accepted post id), set after the posts exist."""


@dataclass(frozen=True)
class _Place:
    """Where a thread goes: its category and who may write there."""

    category_id: int
    kind: ForumCategoryKind
    subjects: tuple[Subject, ...]
    authors: Callable[[random.Random], int]
    moderator: Callable[[random.Random], int]
    sector: SectorSource | None = None
    chapter: ChapterSource | None = None


def post_count(rng: random.Random) -> int:
    """Replies in one thread: most threads are short, a few run long (60-150 replies)."""
    draw = rng.random()
    if draw < 0.02:
        return rng.randint(60, 150)
    if draw < 0.10:
        return rng.randint(20, 59)
    return rng.randint(0, 11)


class ForumPlanner:
    """Draws the forum deterministically from the seeded sectors, chapters and engineers."""

    def __init__(
        self,
        rng: random.Random,
        engineers: int,
        sectors: Sequence[SectorSource],
        chapters: Sequence[ChapterSource],
    ) -> None:
        self.rng = rng
        self.engineers = engineers
        self.sectors = list(sectors)
        self.chapters = [chapter for chapter in chapters if chapter.members]
        self.rows = ForumRows()
        self.places: list[_Place] = []
        self.post_id = 0
        self.report_id = 0

    def anyone(self, rng: random.Random) -> int:
        """Any seeded engineer."""
        return rng.randint(1, self.engineers)

    def categories(self) -> None:
        """Global categories, one per sector, one per chapter (every other one members-only)."""
        add = self.rows.tables["forum_categories"].append
        position = 0
        for slug, name, description in GLOBAL_CATEGORIES:
            position += 1
            add((position, slug, name, description, "GLOBAL", None, None, False, position))
            self.places.append(
                _Place(
                    position,
                    ForumCategoryKind.GLOBAL,
                    GLOBAL_SUBJECTS[slug],
                    self.anyone,
                    lambda _: 1,
                )
            )
        for sector in self.sectors:
            position += 1
            description = f"Technical discussion on {sector.name.lower()}: projects, tools, jobs."
            add(
                (
                    position, f"sector-{sector.slug}", sector.name, description, "SECTOR",
                    sector.id, None, False, position,
                )
            )  # fmt: skip
            self.places.append(
                _Place(
                    position,
                    ForumCategoryKind.SECTOR,
                    SECTOR_SUBJECTS,
                    self.anyone,
                    lambda _: 1,
                    sector=sector,
                )
            )
        for index, chapter in enumerate(self.chapters):
            position += 1
            members_only = index % 2 == 1
            audience = "Members only: " if members_only else ""
            description = f"{audience}news, events and questions of the {chapter.name}."
            add(
                (
                    position, f"chapter-{chapter.slug}", f"{chapter.name} Lounge", description,
                    "CHAPTER", None, chapter.id, members_only, position,
                )
            )  # fmt: skip
            members, moderators = chapter.members, chapter.moderators or chapter.members
            self.places.append(
                _Place(
                    position,
                    ForumCategoryKind.CHAPTER,
                    CHAPTER_SUBJECTS,
                    lambda rng, pool=members: rng.choice(pool),  # type: ignore[misc]
                    lambda rng, pool=moderators: rng.choice(pool),  # type: ignore[misc]
                    chapter=chapter,
                )
            )

    def _context(self, place: _Place) -> dict[str, Any]:
        rng = self.rng
        sector = place.sector or rng.choice(self.sectors)
        other = rng.choice(self.sectors)
        if place.chapter is not None:
            country = COUNTRIES_BY_CODE.get(rng.choice(place.chapter.countries))
        else:
            country = rng.choice(COUNTRIES)
        country = country or rng.choice(COUNTRIES)
        return {
            "country": COUNTRY_NAMES.get(country.code, country.code),
            "city": rng.choice(country.cities).name,
            "sector": sector.name,
            "other_sector": other.name if other is not sector else "Artificial Intelligence",
            "skill": rng.choice(sector.skills) if sector.skills else sector.name,
            "topic": rng.choice(TOPICS.get(sector.slug, DEFAULT_TOPICS)),
            "discipline": rng.choice(DISCIPLINES),
            "years": rng.randint(2, 15),
            "month": rng.choice(MONTHS),
        }

    def threads(self, total: int) -> None:
        """`total` threads spread over the categories, the first one always a long one."""
        weights = [3.0 if place.kind is ForumCategoryKind.GLOBAL else 1.0 for place in self.places]
        for thread_id in range(1, total + 1):
            place = self.places[0] if thread_id == 1 else self.rng.choices(self.places, weights)[0]
            replies = 120 if thread_id == 1 else post_count(self.rng)
            self.thread(thread_id, place, replies)

    def thread(self, thread_id: int, place: _Place, replies: int) -> None:
        """One thread with its replies, votes, accepted answer and moderation."""
        rng = self.rng
        context = self._context(place)
        subject = rng.choice(place.subjects)
        tags = list(dict.fromkeys(subject.tags))
        if place.sector is not None:
            tags.append(place.sector.slug)
        author = place.authors(rng)
        created = REFERENCE_TIME - timedelta(minutes=rng.randint(60, 720 * 24 * 60))
        moment = created
        posts: list[tuple[int, int]] = []  # (post id, score)
        for _ in range(replies):
            moment += timedelta(minutes=int(rng.expovariate(1 / 360)) + 1)
            self.post_id += 1
            posts.append((self.post_id, self.post(self.post_id, thread_id, place, context, moment)))
        hidden = rng.random() < 0.005
        self.rows.tables["forum_threads"].append(
            (
                thread_id, place.category_id, author,
                subject.title.format_map(context)[:200], subject.body.format_map(context),
                tags[:5], rng.random() < 0.02, rng.random() < 0.03, hidden,
                created, max(moment, created), replies,
            )
        )  # fmt: skip
        if hidden:
            self.report(place, moment, thread_id=thread_id, status=ForumReportStatus.RESOLVED)
        if posts and place.kind is not ForumCategoryKind.CHAPTER and rng.random() < 0.35:
            best = max(posts, key=lambda post: (post[1], -post[0]))
            self.rows.accepted.append((thread_id, best[0]))

    def post(
        self, post_id: int, thread_id: int, place: _Place, context: dict[str, Any], at: datetime
    ) -> int:
        """One reply and its votes; returns its score."""
        rng = self.rng
        author = place.authors(rng)
        sentences = [rng.choice(REPLY_OPENINGS), rng.choice(REPLY_MIDDLES)]
        if rng.random() < 0.5:
            sentences.append(rng.choice(REPLY_MIDDLES))
        sentences.append(rng.choice(REPLY_CLOSINGS))
        body = " ".join(sentence for sentence in sentences if sentence).format_map(context)
        edited = at + timedelta(minutes=rng.randint(2, 600)) if rng.random() < 0.08 else None
        hidden = rng.random() < 0.01
        score = 0
        voters: set[int] = set()
        for _ in range(min(int(rng.expovariate(1 / 2.2)), 12)):
            voter = place.authors(rng)
            if voter == author or voter in voters:
                continue
            voters.add(voter)
            value = 1 if rng.random() < 0.85 else -1
            score += value
            voted = at + timedelta(minutes=rng.randint(1, 2000))
            self.rows.tables["forum_votes"].append((post_id, voter, value, voted))
        self.rows.tables["forum_posts"].append(
            (post_id, thread_id, author, body, at, edited, hidden, score)
        )
        if hidden:
            self.report(place, at, post_id=post_id, status=ForumReportStatus.RESOLVED)
        elif rng.random() < 0.004:
            status = ForumReportStatus.OPEN if rng.random() < 0.6 else ForumReportStatus.DISMISSED
            self.report(place, at, post_id=post_id, status=status)
        return score

    def report(
        self,
        place: _Place,
        at: datetime,
        *,
        status: ForumReportStatus,
        thread_id: int | None = None,
        post_id: int | None = None,
    ) -> None:
        """A report against a thread or post, settled by a moderator unless still open."""
        rng = self.rng
        self.report_id += 1
        reported = at + timedelta(minutes=rng.randint(5, 600))
        resolved = status is not ForumReportStatus.OPEN
        self.rows.tables["forum_reports"].append(
            (
                self.report_id, thread_id, post_id, place.authors(rng),
                rng.choice(REPORT_REASONS), status.value,
                place.moderator(rng) if resolved else None,
                reported + timedelta(hours=rng.randint(1, 48)) if resolved else None, reported,
            )
        )  # fmt: skip


def plan_forum(
    rng: random.Random,
    scale: float,
    engineers: int,
    sectors: Sequence[SectorSource],
    chapters: Sequence[ChapterSource],
) -> ForumRows:
    """Every forum row for this scale (about 300 threads and 3,000 replies per 2,000 engineers)."""
    planner = ForumPlanner(rng, engineers, sectors, chapters)
    planner.categories()
    planner.threads(max(1, round(THREADS_PER_SCALE * scale)))
    return planner.rows


async def _sources(
    connection: AsyncConnection,
) -> tuple[int, list[SectorSource], list[ChapterSource]]:
    engineers = int((await connection.execute(text("SELECT count(*) FROM engineers"))).scalar_one())
    skills: dict[int, list[str]] = {}
    for sector_id, name in await connection.execute(
        text("SELECT sector_id, name FROM skills WHERE sector_id IS NOT NULL ORDER BY id")
    ):
        skills.setdefault(sector_id, []).append(name)
    sectors = [
        SectorSource(row.id, row.slug, row.name, tuple(skills.get(row.id, ())))
        for row in await connection.execute(text("SELECT id, slug, name FROM sectors ORDER BY id"))
    ]
    members: dict[int, list[int]] = {}
    moderators: dict[int, list[int]] = {}
    for chapter_id, engineer_id, role in await connection.execute(
        text(
            "SELECT chapter_id, engineer_id, role FROM memberships WHERE status = :active"
            " ORDER BY chapter_id, engineer_id"
        ),
        {"active": MembershipStatus.ACTIVE.value},
    ):
        members.setdefault(chapter_id, []).append(engineer_id)
        if role in MODERATING_ROLES:
            moderators.setdefault(chapter_id, []).append(engineer_id)
    chapters = [
        ChapterSource(
            row.id,
            row.slug,
            row.name,
            tuple(row.countries),
            tuple(members.get(row.id, ())),
            tuple(moderators.get(row.id, ())),
        )
        for row in await connection.execute(
            text(
                "SELECT id, slug, name, countries FROM chapters WHERE archived_at IS NULL"
                " AND coalesce((features ->> 'forum')::boolean, false) ORDER BY slug"
            )
        )
    ]
    return engineers, sectors, chapters


async def seed_forum(
    connection: AsyncConnection, rng: random.Random, scale: float
) -> Mapping[str, int]:
    """Plan and bulk-load the forum; counters and search vectors set once at the end."""
    engineers, sectors, chapters = await _sources(connection)
    if engineers == 0 or not sectors:
        return {}
    rows = plan_forum(rng, scale, engineers, sectors, chapters)
    driver = await bulk.driver_connection(connection)
    for table in COUNTED_TABLES:
        await connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    for table, columns in FORUM_COLUMNS.items():
        await bulk.copy_rows(driver, table, columns, rows.tables[table])
    if rows.accepted:
        await driver.executemany(
            "UPDATE forum_threads SET accepted_post_id = $2 WHERE id = $1", rows.accepted
        )
    for table in COUNTED_TABLES:
        await connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    await connection.execute(text("UPDATE forum_threads SET search = NULL"))
    counts = Counter({table: len(table_rows) for table, table_rows in rows.tables.items()})
    counts["accepted_answers"] = len(rows.accepted)
    return counts
