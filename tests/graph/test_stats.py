"""Public statistics: supply vs demand, funnel, hours, first response, countries, forum and
scorecards; small cells suppressed for the public and exact for the chapter's coordinators."""

import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import (
    Chapter,
    EngagementSession,
    Engineer,
    LedgerEntry,
    Opportunity,
    OpportunityChapter,
    OpportunitySector,
    Sector,
)
from db.stats_config import load_stats_config
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry
from graph.services.stats_cache import StatsCache
from tests import contribution_world as world
from tests import event_world, factories, viewers
from tests.conftest import GraphQLClient

SUPPLY_DEMAND = """
query ($chapter: String, $kind: EngagementKind, $groupBy: StatsGrouping! = CHAPTER) {
  stats(chapter: $chapter) {
    chapterSlug exact minimumCellSize
    supplyDemand(kind: $kind, groupBy: $groupBy) {
      sectorSlug sectorName region chapterSlug chapterName kind
      supply { count suppressed }
      demand
    }
  }
}
"""

FIGURES = """
query ($chapter: String) {
  stats(chapter: $chapter) {
    chapterSlug exact
    funnel { stage count people suppressed }
    hoursByMonth { month hours contributors suppressed }
    firstResponse { medianHours p90Hours responded awaiting suppressed }
    byCountry {
      countryCode engineers { count suppressed } contributors { count suppressed } hours
    }
    forumActivity { month threads posts authors suppressed }
  }
}
"""

SCORECARDS = """
query ($chapter: String) {
  stats(chapter: $chapter) {
    scorecards {
      chapterSlug chapterName region windowDays targetsMet
      eventsHeld { value target met suppressed }
      activeMembers { value target met suppressed }
      engagements { value target met suppressed }
      medianResponseHours { value target met suppressed }
    }
  }
}
"""

UNKNOWN = '{ stats(chapter: "atlantis") { chapterSlug } }'

NOW = datetime.now(UTC).replace(microsecond=0)


async def _members(
    session: AsyncSession, chapter: Chapter, count: int, sector: Sector, **overrides: Any
) -> list[Engineer]:
    """`count` active members of `chapter` working in `sector`."""
    people = []
    for _ in range(count):
        person = await factories.engineer(session, **overrides)
        await factories.join_sector(session, person, sector)
        await factories.membership(session, person, chapter)
        people.append(person)
    return people


async def _coordinator(
    session: AsyncSession, registry: ChapterRegistry, chapter: Chapter
) -> Viewer:
    person = await factories.engineer(session, offers=[])
    await factories.membership(session, person, chapter, role="coordinator")
    return await viewers.engineer(session, registry, person)


async def _opportunity(session: AsyncSession, sector: Sector, **overrides: Any) -> Opportunity:
    row = await world.opportunity(session, None, **overrides)
    await world.add(session, OpportunitySector(opportunity_id=row.id, sector_id=sector.id))
    return row


async def _supply_world(session: AsyncSession) -> Sector:
    """A fresh sector: five gulf members offering mentorship and consultancy, two UK members
    offering mentorship; open mentorships: two public, one for the UK chapter only; and a
    draft, an expired one and an invitation-only one that count nowhere."""
    sector = await factories.sector(session)
    gulf = await factories.chapter(session, "gulf-uae")
    uk = await factories.chapter(session, "uk-ireland")
    await _members(session, gulf, 5, sector, offers=["MENTORSHIP", "CONSULTANCY"])
    await _members(session, uk, 2, sector, offers=["MENTORSHIP"], country_code="GB")
    poster = await factories.engineer(session, offers=[])
    for _ in range(2):
        await _opportunity(session, sector, poster_id=poster.id)
    chapter_only = await _opportunity(session, sector, poster_id=poster.id, visibility="CHAPTER")
    await world.add(session, OpportunityChapter(opportunity_id=chapter_only.id, chapter_id=uk.id))
    await _opportunity(session, sector, poster_id=poster.id, status="DRAFT")
    await _opportunity(session, sector, poster_id=poster.id, deadline=NOW - timedelta(days=1))
    await _opportunity(session, sector, poster_id=poster.id, visibility="INVITED")
    return sector


def _cells(data: dict[str, Any], sector: Sector) -> dict[str | None, dict[str, Any]]:
    """The sector's cells by chapter slug (or region, for region cells)."""
    return {
        cell["chapterSlug"] or cell["region"]: cell
        for cell in data["stats"]["supplyDemand"]
        if cell["sectorSlug"] == sector.slug
    }


async def test_supply_and_demand_by_sector_and_chapter(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # Given contributors and opportunities in one sector
    sector = await _supply_world(session)

    # When anyone reads mentorship supply vs demand by chapter
    data = await graphql.data(
        SUPPLY_DEMAND, {"chapter": None, "kind": "MENTORSHIP", "groupBy": "CHAPTER"}
    )

    # Then each chapter's members offering it face the opportunities they may see
    cells = _cells(data, sector)
    assert cells["gulf-uae"]["supply"] == {"count": 5, "suppressed": False}
    assert cells["gulf-uae"]["demand"] == 2
    assert cells["gulf-uae"]["region"] == "Middle East"
    assert cells["gulf-uae"]["kind"] == "MENTORSHIP"
    assert cells["uk-ireland"]["demand"] == 3  # the chapter-only one reaches the UK only
    assert cells["east-asia"]["supply"] == {"count": 0, "suppressed": False}
    assert cells["east-asia"]["demand"] == 2
    assert data["stats"]["minimumCellSize"] == load_stats_config().minimum_cell_size

    # And by region, chapters of a region count together
    by_region = _cells(
        await graphql.data(
            SUPPLY_DEMAND, {"chapter": None, "kind": "MENTORSHIP", "groupBy": "REGION"}
        ),
        sector,
    )
    assert by_region["Middle East"]["supply"]["count"] == 5
    assert by_region["Middle East"]["chapterSlug"] is None
    assert by_region["Europe"]["demand"] == 3

    # And with every kind together, each person counts once
    every_kind = _cells(
        await graphql.data(SUPPLY_DEMAND, {"chapter": None, "kind": None, "groupBy": "CHAPTER"}),
        sector,
    )
    assert every_kind["gulf-uae"]["supply"]["count"] == 5
    assert every_kind["gulf-uae"]["kind"] is None
    consultancy = _cells(
        await graphql.data(
            SUPPLY_DEMAND, {"chapter": None, "kind": "CONSULTANCY", "groupBy": "CHAPTER"}
        ),
        sector,
    )
    assert consultancy["gulf-uae"]["supply"]["count"] == 5
    assert consultancy["gulf-uae"]["demand"] == 0


async def test_small_cells_are_suppressed_except_for_the_chapters_coordinators(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given two UK members offering mentorship in a sector (fewer than the minimum cell)
    sector = await _supply_world(session)
    uk = await factories.chapter(session, "uk-ireland")
    gulf = await factories.chapter(session, "gulf-uae")
    uk_coordinator = await _coordinator(session, registry, uk)
    gulf_coordinator = await _coordinator(session, registry, gulf)
    member = await factories.engineer(session, offers=[])
    await factories.membership(session, member, uk)
    uk_member = await viewers.engineer(session, registry, member)

    async def uk_cell(viewer: Viewer, chapter: str | None) -> Any:
        variables = {"chapter": chapter, "kind": "MENTORSHIP", "groupBy": "CHAPTER"}
        data = await graphql.data(SUPPLY_DEMAND, variables, viewer)
        return _cells(data, sector)["uk-ireland"]["supply"]

    # Then the public, a plain member and another chapter's coordinator read it suppressed
    suppressed = {"count": None, "suppressed": True}
    assert await uk_cell(ANONYMOUS, None) == suppressed
    assert await uk_cell(ANONYMOUS, "uk-ireland") == suppressed
    assert await uk_cell(uk_member, "uk-ireland") == suppressed
    assert await uk_cell(gulf_coordinator, "uk-ireland") == suppressed
    # And the chapter's coordinator reads it exact in the chapter's own figures only
    assert await uk_cell(uk_coordinator, "uk-ireland") == {"count": 2, "suppressed": False}
    assert await uk_cell(uk_coordinator, None) == suppressed

    exact = await graphql.data(
        SUPPLY_DEMAND,
        {"chapter": "uk-ireland", "kind": "MENTORSHIP", "groupBy": "REGION"},
        uk_coordinator,
    )
    assert exact["stats"]["exact"] is True
    # (a region's cell covers other chapters too: still suppressed for the coordinator)
    assert _cells(exact, sector)["Europe"]["supply"] == suppressed
    public = await graphql.data(
        SUPPLY_DEMAND, {"chapter": "uk-ireland", "kind": "MENTORSHIP", "groupBy": "CHAPTER"}
    )
    assert public["stats"]["exact"] is False
    assert set(_cells(public, sector)) == {"uk-ireland"}


async def _chapter_activity(session: AsyncSession) -> tuple[Chapter, list[Engineer]]:
    """Two east-asia members (in JP): three applications, two engagements (one completed),
    four countersigned sessions over two months, a first application ten hours after posting;
    a thread and two replies in the chapter's category."""
    sector = await factories.sector(session)
    chapter = await factories.chapter(session, "east-asia")
    people = await _members(session, chapter, 2, sector, country_code="JP", city="Tokyo")
    seeker = await factories.engineer(session, offers=[], country_code="PK", city="Lahore")
    posted = NOW - timedelta(days=20)
    first = await _opportunity(session, sector, poster_id=seeker.id, created_at=posted)
    second = await _opportunity(session, sector, poster_id=seeker.id, created_at=posted)
    await world.application(session, first, people[0], created_at=posted + timedelta(hours=10))
    await world.application(session, first, people[1], created_at=posted + timedelta(hours=30))
    await world.application(session, second, people[0], created_at=posted + timedelta(hours=20))
    active = await world.engagement(session, people[0], seeker)
    done = await world.engagement(
        session, people[1], seeker, status="COMPLETED", completed_at=NOW - timedelta(days=1)
    )
    for engagement, held, minutes in (
        (active, date(2026, 9, 3), 90),
        (active, date(2026, 9, 10), 30),
        (done, date(2026, 9, 12), 60),
        (done, date(2026, 10, 1), 45),
    ):
        logged = await world.add(
            session,
            EngagementSession(
                engagement_id=engagement.id,
                held_on=held,
                minutes=minutes,
                attendee_ids=[engagement.contributor_id],
                logged_by_id=engagement.contributor_id,
            ),
        )
        await world.add(
            session,
            LedgerEntry(
                engineer_id=engagement.contributor_id,
                engagement_id=engagement.id,
                session_id=logged.id,
                kind="MENTORSHIP",
                minutes=minutes,
                cpd_points=Decimal("1.00"),
                occurred_on=held,
            ),
        )
    category = await factories.forum_category(
        session, kind="CHAPTER", chapter_id=chapter.id, members_only=True
    )
    thread = await factories.forum_thread(
        session, category, people[0], created_at=datetime(2025, 3, 5, tzinfo=UTC),
        last_posted_at=datetime(2025, 3, 6, tzinfo=UTC),
    )  # fmt: skip
    for who in people:
        await factories.forum_post(
            session, thread, who, created_at=datetime(2025, 3, 6, tzinfo=UTC)
        )
    return chapter, people


async def test_a_coordinator_reads_the_chapters_funnel_hours_response_and_activity(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given a chapter's activity and its coordinator
    chapter, _ = await _chapter_activity(session)
    coordinator = await _coordinator(session, registry, chapter)

    # When the coordinator reads the chapter's figures
    stats = (await graphql.data(FIGURES, {"chapter": "east-asia"}, coordinator))["stats"]

    # Then every figure is exact
    assert stats["exact"] is True
    assert stats["funnel"] == [
        {"stage": "APPLIED", "count": 3, "people": 2, "suppressed": False},
        {"stage": "ACCEPTED", "count": 2, "people": 2, "suppressed": False},
        {"stage": "ACTIVE", "count": 2, "people": 2, "suppressed": False},
        {"stage": "COMPLETED", "count": 1, "people": 1, "suppressed": False},
    ]
    assert stats["hoursByMonth"] == [
        {"month": "2026-09", "hours": 3.0, "contributors": 2, "suppressed": False},
        {"month": "2026-10", "hours": 0.75, "contributors": 1, "suppressed": False},
    ]
    response = stats["firstResponse"]
    assert response["medianHours"] == 15.0  # 10 h and 20 h
    assert response["responded"] == 2
    assert response["suppressed"] is False
    assert {row["countryCode"]: row for row in stats["byCountry"]}["JP"] == {
        "countryCode": "JP",
        "engineers": {"count": 2, "suppressed": False},
        "contributors": {"count": 2, "suppressed": False},
        "hours": 3.75,
    }
    assert stats["forumActivity"] == [
        {"month": "2025-03", "threads": 1, "posts": 2, "authors": 2, "suppressed": False}
    ]


async def test_the_public_reads_a_small_chapters_figures_suppressed(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given the same activity by two people
    await _chapter_activity(session)

    # When anyone else reads the chapter's figures
    stats = (await graphql.data(FIGURES, {"chapter": "east-asia"}))["stats"]

    # Then nothing about fewer than the minimum number of people shows a count
    assert stats["exact"] is False
    assert all(stage["suppressed"] and stage["count"] is None for stage in stats["funnel"])
    assert all(stage["people"] is None for stage in stats["funnel"])
    assert all(month["hours"] is None and month["suppressed"] for month in stats["hoursByMonth"])
    assert stats["firstResponse"]["medianHours"] is None
    assert stats["firstResponse"]["suppressed"] is True
    japan = {row["countryCode"]: row for row in stats["byCountry"]}["JP"]
    assert japan["engineers"] == {"count": None, "suppressed": True}
    assert japan["hours"] is None
    assert stats["forumActivity"][0]["posts"] is None


async def test_portal_figures_count_everyone_once(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    before = (await graphql.data(FIGURES, {"chapter": None}))["stats"]
    # Given the chapter's activity five times over (ten people, so that every portal-wide
    # figure is about at least five), one of them also a member of the gulf chapter
    _, people = await _chapter_activity(session)
    await factories.membership(session, people[0], await factories.chapter(session, "gulf-uae"))
    for _ in range(4):
        await _chapter_activity(session)

    after = (await graphql.data(FIGURES, {"chapter": None}))["stats"]

    def stage(stats: dict[str, Any], name: str) -> int:
        found = next(item for item in stats["funnel"] if item["stage"] == name)
        return int(found["count"] or 0)

    assert stage(after, "APPLIED") - stage(before, "APPLIED") == 15
    assert stage(after, "COMPLETED") - stage(before, "COMPLETED") == 5
    september = {month["month"]: month for month in after["hoursByMonth"]}["2026-09"]
    old = {month["month"]: month for month in before["hoursByMonth"]}.get("2026-09")
    assert september["hours"] - (old["hours"] if old else 0) == 15.0


async def test_scorecards_measure_each_chapter_against_its_config(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given gulf-uae events: two held in the window, one cancelled, one still to come
    gulf = await factories.chapter(session, "gulf-uae")
    for days_ago, status in ((10, "SCHEDULED"), (100, "SCHEDULED"), (5, "CANCELLED")):
        await event_world.event(
            session, gulf, starts_at=NOW - timedelta(days=days_ago), status=status
        )
    await event_world.event(session, gulf, starts_at=NOW + timedelta(days=3))
    coordinator = await _coordinator(session, registry, gulf)

    # When the public and the coordinator read its scorecard
    public = (await graphql.data(SCORECARDS, {"chapter": "gulf-uae"}))["stats"]["scorecards"]
    exact = (await graphql.data(SCORECARDS, {"chapter": "gulf-uae"}, coordinator))["stats"][
        "scorecards"
    ]

    # Then events held count against the chapter file's target
    config = registry["gulf-uae"].scorecard
    (card,) = public
    assert card["chapterSlug"] == "gulf-uae"
    assert card["windowDays"] == config.window_days
    assert card["eventsHeld"] == {
        "value": 2.0,
        "target": float(config.events_held),
        "met": False,
        "suppressed": False,
    }
    # And members are counted (exact for the coordinator; one member is below the minimum)
    assert card["activeMembers"] == {
        "value": None,
        "target": float(config.active_members),
        "met": None,
        "suppressed": True,
    }
    assert exact[0]["activeMembers"]["value"] == 1.0
    assert exact[0]["activeMembers"]["met"] is False
    assert exact[0]["targetsMet"] == 0
    # And the portal lists every live chapter's card, with the defaults where a file sets none
    every = (await graphql.data(SCORECARDS, {"chapter": None}))["stats"]["scorecards"]
    assert [card["chapterSlug"] for card in every] == sorted(registry)
    assert {card["chapterSlug"]: card["windowDays"] for card in every}["east-asia"] == 730


async def test_an_unknown_chapter_reads_null(graphql: GraphQLClient) -> None:
    assert await graphql.data(UNKNOWN) == {"stats": None}


async def test_the_cache_shares_one_computation_and_refreshes_after_writes(
    sessionmaker: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    registry: ChapterRegistry,
) -> None:
    cache = StatsCache(sessionmaker, registry, load_stats_config(), fresh_seconds=60)
    await session.flush()

    # When many readers ask at once, one snapshot is computed for all of them
    first = await asyncio.gather(*(cache.snapshot() for _ in range(5)))
    assert cache.computations == 1
    assert all(snapshot is first[0] for snapshot in first)
    # And a fresh snapshot is served as is
    assert await cache.snapshot() is first[0]
    assert cache.computations == 1

    # When a write is committed (here: flushed in the test's transaction) and a dashboard
    # asks for figures newer than it, they are computed again and include it
    sector = await factories.sector(session)
    await _members(session, await factories.chapter(session, "gulf-uae"), 1, sector)
    await session.flush()
    newer = await cache.newer_than(time.monotonic())
    assert cache.computations == 2
    assert newer.started > first[0].started
    assert sector.id in newer.sectors


async def test_a_stale_snapshot_is_served_while_it_is_refreshed(
    sessionmaker: async_sessionmaker[AsyncSession], registry: ChapterRegistry
) -> None:
    cache = StatsCache(
        sessionmaker, registry, load_stats_config(), fresh_seconds=0, stale_seconds=60
    )
    first = await cache.snapshot()
    # A snapshot past its freshness but not stale is returned at once, refreshed behind it
    again = await cache.snapshot()
    assert again is first
    running = cache._running
    assert running is not None
    await running
    assert cache.computations == 2
    assert cache.current is not first
