"""Public statistics: one snapshot of every figure (exact, with the people each covers) and
the small-cell rule that hides figures about too few people (the per-worker cache that holds
the snapshot: graph/services/stats_cache.py).

The snapshot is computed by a handful of aggregate statements (db/queries/stats.py; each sees
the database as of its own start) and held in memory, so a `stats` read never aggregates; views
built from it (cells, rows, what a reader sees) are memoised on it, since it never changes.
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from db.queries import stats as queries
from db.stats_config import StatsConfig
from graph.chapters import ChapterRegistry, ScorecardConfig

FUNNEL_STAGES = ("APPLIED", "ACCEPTED", "ACTIVE", "COMPLETED")

SupplyKey = tuple[int, int | None, str | None, str | None]
"""(sector id, chapter id, region, kind): chapter and region None portal-wide, chapter None
with a region for a region's roll-up, kind None for every kind."""


@dataclass(frozen=True)
class Label:
    """A sector's or chapter's slug, name and (chapters) region."""

    slug: str
    name: str
    region: str | None = None


@dataclass(frozen=True)
class Figure:
    """An exact count or amount and how many distinct people it is about."""

    value: float
    people: int


@dataclass(frozen=True)
class Monthly:
    """One month of a series: its figures and the people they are about."""

    month: date
    values: tuple[float, ...]
    people: int


@dataclass(frozen=True)
class Response:
    """Hours from posting to first application."""

    median_hours: float | None
    p90_hours: float | None
    responded: int
    people: int
    window_median_hours: float | None
    window_people: int


@dataclass(frozen=True)
class Country:
    """Engineers resident in one country."""

    code: str
    engineers: int
    contributors: int
    minutes: int
    credited: int


@dataclass(frozen=True)
class Scorecard:
    """A chapter's figures over its window, against the targets of its config."""

    events_held: int
    active_members: int
    engagements: int
    engaged_people: int
    config: ScorecardConfig


@dataclass(frozen=True)
class Snapshot:
    """Every figure, exact; None keys are portal-wide."""

    computed_at: datetime
    started: float
    """time.monotonic() when its computation began (it reflects every write committed then)."""
    sectors: dict[int, Label]
    chapters: dict[int, Label]
    supply: dict[SupplyKey, int]
    demand: dict[SupplyKey, int]
    funnel: dict[tuple[int | None, str], Figure]
    hours: dict[int | None, list[Monthly]]
    response: dict[int | None, Response]
    awaiting: int
    countries: dict[int | None, list[Country]]
    forum: dict[int | None, list[Monthly]]
    scorecards: dict[int, Scorecard]
    slugs: dict[str, int] = field(default_factory=dict)
    memo: dict[object, Any] = field(default_factory=dict, compare=False)
    """Views already built from this snapshot (by scope, arguments and exactness): the
    snapshot never changes, so neither do they."""

    def chapter_id(self, slug: str) -> int | None:
        """The id of a live chapter by slug."""
        return self.slugs.get(slug)


def shown(value: float, people: int, minimum: int, exact: bool) -> float | None:
    """The figure as the public may read it: None when it is about 1 to minimum-1 people
    (zero is shown: it identifies nobody); always the figure for someone entitled to it."""
    if exact or people == 0 or people >= minimum:
        return value
    return None


def months_back(today: date, months: int) -> date:
    """The first day of the month `months - 1` months before today's."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _hours(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def build(
    raw: queries.RawFigures, registry: ChapterRegistry, started: float, now: datetime
) -> Snapshot:
    """The snapshot from the statements' rows."""
    sectors: dict[int, Label] = {}
    chapters: dict[int, Label] = {}
    for row in raw.labels:
        label = Label(row["slug"], row["name"], row["region"])
        (sectors if row["what"] == "sector" else chapters)[int(row["id"])] = label

    def key(row: RowMapping) -> SupplyKey:
        return (
            int(row["sector_id"]),
            _optional_int(row["chapter_id"]),
            row["region"],
            row["kind"],
        )

    hours: dict[int | None, list[Monthly]] = {}
    for row in sorted(raw.hours, key=lambda row: row["month"]):
        hours.setdefault(_optional_int(row["chapter_id"]), []).append(
            Monthly(row["month"], (int(row["minutes"]) / 60,), int(row["people"]))
        )
    forum: dict[int | None, list[Monthly]] = {}
    for row in sorted(raw.forum, key=lambda row: row["month"]):
        forum.setdefault(_optional_int(row["chapter_id"]), []).append(
            Monthly(row["month"], (int(row["threads"]), int(row["posts"])), int(row["people"]))
        )
    countries: dict[int | None, list[Country]] = {}
    for row in sorted(raw.countries, key=lambda row: row["country_code"]):
        countries.setdefault(_optional_int(row["chapter_id"]), []).append(
            Country(
                row["country_code"],
                int(row["engineers"]),
                int(row["contributors"]),
                int(row["minutes"]),
                int(row["credited"]),
            )
        )
    slugs = {label.slug: chapter_id for chapter_id, label in chapters.items()}
    scorecards = {
        int(row["chapter_id"]): Scorecard(
            int(row["events_held"]),
            int(row["active_members"]),
            int(row["engagements"]),
            int(row["engaged_people"]),
            _scorecard_config(registry, chapters[int(row["chapter_id"])].slug),
        )
        for row in raw.scorecards
        if int(row["chapter_id"]) in chapters
    }
    return Snapshot(
        computed_at=now,
        started=started,
        sectors=sectors,
        chapters=chapters,
        supply={key(row): int(row["people"]) for row in raw.supply},
        demand={key(row): int(row["n"]) for row in raw.demand},
        funnel={
            (_optional_int(row["chapter_id"]), row["stage"]): Figure(
                int(row["n"]), int(row["people"])
            )
            for row in raw.funnel
        },
        hours=hours,
        response={
            _optional_int(row["chapter_id"]): Response(
                _hours(row["median_hours"]),
                _hours(row["p90_hours"]),
                int(row["responded"]),
                int(row["people"]),
                _hours(row["window_median"]),
                int(row["window_people"] or 0),
            )
            for row in raw.response
        },
        awaiting=raw.awaiting,
        countries=countries,
        forum=forum,
        scorecards=scorecards,
        slugs=slugs,
    )


def _scorecard_config(registry: ChapterRegistry, slug: str) -> ScorecardConfig:
    """The chapter's targets (the defaults for a chapter no file describes)."""
    config = registry.get(slug)
    return config.scorecard if config is not None else ScorecardConfig()


def windows(registry: ChapterRegistry, chapters: Mapping[str, int]) -> dict[int, int]:
    """Chapter id → scorecard window in days, for the chapters in the database."""
    return {
        chapter_id: _scorecard_config(registry, slug).window_days
        for slug, chapter_id in chapters.items()
    }


async def compute(
    session: AsyncSession, registry: ChapterRegistry, config: StatsConfig
) -> Snapshot:
    """Every figure, from the session's view of the database."""
    started = time.monotonic()
    now = datetime.now(UTC)
    chapters = await queries.chapter_ids(session)
    raw = await queries.load_figures(
        session, months_back(now.date(), config.months), windows(registry, chapters)
    )
    return build(raw, registry, started, now)


def figures_of(
    snapshot: Snapshot, chapter_id: int | None, minimum: int, exact: bool
) -> tuple[object, ...]:
    """Everything a dashboard of this scope shows its reader (suppressed figures as None; not
    the snapshot's time): equal tuples mean nothing that reader sees changed, so a change
    inside a suppressed cell is not announced either. Built once per snapshot and reader."""
    memo = ("figures", chapter_id, minimum, exact)
    found: tuple[object, ...] | None = snapshot.memo.get(memo)
    if found is None:
        found = snapshot.memo[memo] = _figures(snapshot, chapter_id, minimum, exact)
    return found


def _figures(
    snapshot: Snapshot, chapter_id: int | None, minimum: int, exact: bool
) -> tuple[object, ...]:
    """See figures_of."""
    region = snapshot.chapters[chapter_id].region if chapter_id in snapshot.chapters else None

    def mine(key: SupplyKey) -> bool:
        if chapter_id is None:
            return True
        return key[1] == chapter_id or (key[1] is None and key[2] == region)

    def show(value: float, people: int, own: bool = True) -> float | None:
        return shown(value, people, minimum, exact and own)

    response = snapshot.response.get(chapter_id)
    cards = (
        snapshot.scorecards
        if chapter_id is None
        else {key: card for key, card in snapshot.scorecards.items() if key == chapter_id}
    )
    none = Response(None, None, 0, 0, None, 0)
    window = {key: snapshot.response.get(key, none) for key in cards}
    return (
        {
            key: show(value, value, key[1] is not None)
            for key, value in snapshot.supply.items()
            if mine(key)
        },
        {key: value for key, value in snapshot.demand.items() if mine(key)},
        {
            stage: (show(figure.value, figure.people), show(figure.people, figure.people))
            for (scope, stage), figure in snapshot.funnel.items()
            if scope == chapter_id
        },
        [
            (month.month, show(month.values[0], month.people))
            for month in snapshot.hours.get(chapter_id, [])
        ],
        None
        if response is None or show(response.responded, response.people) is None
        else (response.median_hours, response.p90_hours, response.responded),
        snapshot.awaiting,
        [
            (
                country.code,
                show(country.engineers, country.engineers),
                show(country.contributors, country.contributors),
                show(country.minutes, country.credited),
            )
            for country in snapshot.countries.get(chapter_id, [])
        ],
        [
            (month.month, month.values if show(1, month.people) is not None else None)
            for month in snapshot.forum.get(chapter_id, [])
        ],
        {
            key: (
                card.events_held,
                show(card.active_members, card.active_members),
                show(card.engagements, card.engaged_people),
                show(window[key].window_median_hours or 0, window[key].window_people),
            )
            for key, card in cards.items()
        },
    )
