"""Realistic, deterministic demo data at any scale: engineers, institutions, taxonomy, forum."""

import random
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.cpd import load_cpd_config
from db.hall_of_fame_config import load_hall_of_fame_config
from db.seed import bulk
from db.seed.catalogue import build_catalogue
from db.seed.consultancy import CONSULTANCY_TABLES, seed_consultancy
from db.seed.contributions import CONTRIBUTION_TABLES, seed_contributions
from db.seed.data_rights import DATA_RIGHTS_TABLES, seed_data_rights
from db.seed.events import EVENT_TABLES, seed_events
from db.seed.forum import FORUM_TABLES, seed_forum
from db.seed.geography import ChapterTarget
from db.seed.hall_of_fame import HALL_OF_FAME_TABLES, seed_hall_of_fame
from db.seed.notifications import NOTIFICATION_TABLES, seed_notifications
from db.seed.panels import PANEL_TABLES, seed_panels
from db.seed.profiles import OVERSEAS_SHARE, ProfileFactory
from db.seed.programmes import PROGRAMME_TABLES, seed_programmes
from db.seed.supervision import SUPERVISION_TABLES, seed_supervision
from db.seed.tables import (
    ENGINEER_COLUMNS,
    ENGINEER_TABLES,
    INSTITUTION_COLUMNS,
    SECTOR_COLUMNS,
    SKILL_COLUMNS,
    Rows,
)

__all__ = ["DEFAULT_RANDOM_SEED", "SeedSummary", "seed"]

BASE_ENGINEERS = 2000
BATCH_SIZE = 2500
DEFAULT_RANDOM_SEED = 1947
OVERSEAS_COLUMN = ENGINEER_COLUMNS.index("is_overseas")


@dataclass(frozen=True)
class SeedSummary:
    """How many rows the seed wrote (all zero and `skipped` when the database had data)."""

    skipped: bool = False
    engineers: int = 0
    overseas: int = 0
    coordinators: int = 0
    institutions: int = 0
    sectors: int = 0
    skills: int = 0
    engineer_sectors: int = 0
    engineer_skills: int = 0
    positions: int = 0
    education: int = 0
    memberships: int = 0
    affiliations: int = 0
    forum_categories: int = 0
    forum_threads: int = 0
    forum_posts: int = 0
    forum_votes: int = 0
    forum_reports: int = 0
    opportunities: int = 0
    applications: int = 0
    engagements: int = 0
    engagement_sessions: int = 0
    ledger_entries: int = 0
    notifications: int = 0
    seconds: float = 0.0

    def describe(self) -> str:
        """One line listing every count, for the CLI."""
        if self.skipped:
            return "seed skipped: the database already has data"
        counts = ", ".join(
            f"{field.name.replace('_', ' ')} {getattr(self, field.name)}"
            for field in fields(self)
            if field.name not in {"skipped", "seconds"}
        )
        return f"seeded in {self.seconds:.1f}s: {counts}"


async def _flush(driver: object, rows: Rows, counts: Counter[str]) -> None:
    """COPY every buffered row, in foreign-key order, and empty the buffer."""
    counts["overseas"] += sum(1 for row in rows.tables["engineers"] if row[OVERSEAS_COLUMN])
    for table, columns in ENGINEER_TABLES.items():
        await bulk.copy_rows(driver, table, columns, rows.tables[table])
        counts[table] += len(rows.tables[table])
        rows.tables[table].clear()


def _add_coordinators(
    factory: ProfileFactory,
    chapters: list[ChapterTarget],
    coordinators: Mapping[str, list[str]],
    rows: Rows,
    progress: Callable[[str], None],
) -> int:
    """Create each chapter's coordinators (ids from 1) with an active coordinator membership."""
    by_slug = {chapter.slug: chapter for chapter in chapters}
    factory.reserve([handle for handles in coordinators.values() for handle in handles])
    ids: dict[str, int] = {}
    for slug in sorted(coordinators):
        chapter = by_slug.get(slug)
        if chapter is None:
            progress(f"skipped coordinators of {slug}: no such active chapter in the database")
            continue
        for handle in dict.fromkeys(coordinators[slug]):
            if handle not in ids:
                ids[handle] = len(ids) + 1
                person = factory.coordinator(handle, chapter)
                factory.build(ids[handle], person, rows, senior=True, join_chapters=False)
            factory.coordinate(ids[handle], chapter, rows)
    return len(ids)


async def seed(
    engine: AsyncEngine,
    *,
    scale: float = 1.0,
    reset: bool = False,
    progress: Callable[[str], None] = print,
    coordinators: Mapping[str, list[str]] | None = None,
    random_seed: int = DEFAULT_RANDOM_SEED,
) -> SeedSummary:
    """Fill an empty database (or, with reset, an emptied one) with demo data in one transaction."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, not {scale}")
    started = time.perf_counter()
    rng = random.Random(random_seed)
    total = int(BASE_ENGINEERS * scale)
    counts: Counter[str] = Counter()
    async with engine.begin() as connection:
        await connection.execute(text("SET LOCAL statement_timeout = 0"))
        if reset:
            emptied = await bulk.truncate_data(connection)
            progress(f"emptied {len(emptied)} tables (chapters kept)")
        else:
            occupied = await bulk.occupied_tables(connection)
            if occupied:
                progress(
                    f"nothing seeded: {', '.join(occupied)} already hold rows (reset to re-seed)"
                )
                return SeedSummary(skipped=True)
        chapters = await bulk.active_chapters(connection)
        if not chapters:
            progress("no active chapters in the database (sync them first): no memberships")
        catalogue = build_catalogue(rng, scale)
        driver = await bulk.driver_connection(connection)
        await bulk.suspend_search_triggers(connection)
        for table, columns, catalogue_rows in (
            ("sectors", SECTOR_COLUMNS, catalogue.sector_rows),
            ("skills", SKILL_COLUMNS, catalogue.skill_rows),
            ("institutions", INSTITUTION_COLUMNS, catalogue.institution_rows),
        ):
            await bulk.copy_rows(driver, table, columns, catalogue_rows)
        progress(
            f"catalogue: {len(catalogue.sector_rows)} sectors, {len(catalogue.skill_rows)} skills,"
            f" {len(catalogue.institution_rows)} institutions"
        )
        factory = ProfileFactory(rng, catalogue, chapters)
        rows = Rows()
        coordinator_count = _add_coordinators(factory, chapters, coordinators or {}, rows, progress)
        for engineer_id in range(coordinator_count + 1, max(total, coordinator_count) + 1):
            person = factory.person(overseas=rng.random() < OVERSEAS_SHARE)
            factory.build(engineer_id, person, rows)
            if engineer_id % BATCH_SIZE == 0 and engineer_id < total:
                await _flush(driver, rows, counts)
                progress(f"engineers {engineer_id}/{total}")
        await _flush(driver, rows, counts)
        progress(f"engineers {counts['engineers']}/{total}; computing search vectors")
        await bulk.refresh_search(connection)
        # Its own random stream, so that the forum does not change the engineers drawn above.
        forum_started = time.perf_counter()
        forum = await seed_forum(connection, random.Random(f"forum-{random_seed}"), scale)
        progress(
            f"forum: {forum.get('forum_threads', 0)} threads, {forum.get('forum_posts', 0)} posts"
            f" in {time.perf_counter() - forum_started:.1f}s"
        )
        contributions = await seed_contributions(
            connection, random.Random(f"contributions-{random_seed}"), scale, load_cpd_config()
        )
        progress(
            f"contributions: {contributions['opportunities']} opportunities,"
            f" {contributions['engagements']} engagements,"
            f" {contributions['ledger_entries']} ledger entries"
        )
        events = await seed_events(connection, random.Random(f"events-{random_seed}"), scale)
        progress(", ".join(f"{name.replace('_', ' ')} {count}" for name, count in events.items()))
        programmes = await seed_programmes(
            connection, random.Random(f"programmes-{random_seed}"), scale
        )
        progress(", ".join(f"{name.replace('_', ' ')} {n}" for name, n in programmes.items()))
        panels = await seed_panels(
            connection, random.Random(f"programmes-{random_seed}"), scale, load_cpd_config()
        )
        progress(", ".join(f"{name.replace('_', ' ')} {n}" for name, n in panels.items()))
        supervision = await seed_supervision(
            connection, random.Random(f"supervision-{random_seed}"), scale
        )
        progress(
            f"project supervision: {supervision.get('project_teams', 0)} teams,"
            f" {supervision.get('proposal_revisions', 0)} proposal revisions,"
            f" {supervision.get('project_assessments', 0)} assessments"
        )
        consultancy = await seed_consultancy(
            connection, random.Random(f"consultancy-{random_seed}"), scale
        )
        progress(
            "consultancy: "
            + ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in consultancy.items())
        )
        notifications = await seed_notifications(connection)
        progress(f"notifications: {notifications['notifications']}")
        exports = await seed_data_rights(connection)
        progress(f"data exports: {exports['data_exports']}")
        hall_of_fame = await seed_hall_of_fame(
            connection,
            random.Random(f"hall-of-fame-{random_seed}"),
            scale,
            load_hall_of_fame_config(),
        )
        progress(
            ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in hall_of_fame.items())
        )
        await bulk.advance_sequences(connection)
        progress("search vectors ready; vacuuming and analysing")
    # VACUUM (ANALYZE), not ANALYZE alone: the seed rewrote every engineer (search vectors) and
    # nothing has marked the new pages all-visible yet, so until autovacuum came round, counts
    # the indexes could answer alone (engineer search by country: Q5's total, 2,700 heap pages
    # instead of 5) read the table. VACUUM runs outside a transaction.
    async with engine.connect() as plain:
        connection = await plain.execution_options(isolation_level="AUTOCOMMIT")
        await bulk.vacuum_analyze(
            connection,
            [
                *bulk.SEEDED_TABLES,
                *ENGINEER_TABLES,
                *FORUM_TABLES,
                *CONTRIBUTION_TABLES,
                *EVENT_TABLES,
                *NOTIFICATION_TABLES,
                *PANEL_TABLES,
                *SUPERVISION_TABLES,
                *DATA_RIGHTS_TABLES,
                *HALL_OF_FAME_TABLES,
                "chapters",
                *PROGRAMME_TABLES,
                *CONSULTANCY_TABLES,
            ],
        )
    summary = SeedSummary(
        engineers=counts["engineers"],
        overseas=counts["overseas"],
        coordinators=coordinator_count,
        institutions=len(catalogue.institution_rows),
        sectors=len(catalogue.sector_rows),
        skills=len(catalogue.skill_rows),
        engineer_sectors=counts["engineer_sectors"],
        engineer_skills=counts["engineer_skills"],
        positions=counts["positions"],
        education=counts["education"],
        memberships=counts["memberships"],
        affiliations=counts["affiliations"],
        forum_categories=forum.get("forum_categories", 0),
        forum_threads=forum.get("forum_threads", 0),
        forum_posts=forum.get("forum_posts", 0),
        forum_votes=forum.get("forum_votes", 0),
        forum_reports=forum.get("forum_reports", 0),
        opportunities=contributions["opportunities"],
        applications=contributions["applications"],
        engagements=contributions["engagements"],
        engagement_sessions=contributions["engagement_sessions"],
        ledger_entries=contributions["ledger_entries"],
        notifications=contributions["notifications"] + notifications["notifications"],
        seconds=time.perf_counter() - started,
    )
    progress(summary.describe())
    return summary
