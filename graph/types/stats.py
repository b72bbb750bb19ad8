"""Public statistics as GraphQL: figures of one snapshot (graph/services/stats.py) for one scope
(the portal or a chapter), with small cells suppressed unless the viewer coordinates it."""

import enum
from datetime import datetime
from typing import Annotated

import strawberry

from db.enums import EngagementKind
from graph.services import stats
from graph.types import enums as _enums  # noqa: F401  (registers EngagementKind's description)

SUPPRESSED = (
    " Null when it is about fewer people than the configured minimum cell size (then "
    "`suppressed` is true), unless you coordinate the chapter."
)


@strawberry.type(description="A count of people (or of what they did) that may be suppressed.")
class StatCount:
    """A count and whether it is withheld."""

    count: int | None = strawberry.field(description="The count." + SUPPRESSED)
    suppressed: bool = strawberry.field(
        description="True when the count is withheld because it is about too few people."
    )

    @classmethod
    def of(cls, value: float, people: int, view: "StatsView") -> "StatCount":
        """The count as `view`'s reader may read it."""
        figure = stats.shown(value, people, view.minimum, view.exact)
        return cls(count=None if figure is None else int(figure), suppressed=figure is None)


@strawberry.enum(description="How supply and demand cells are grouped.")
class StatsGrouping(enum.Enum):
    """Grouping of supply vs demand."""

    CHAPTER = strawberry.enum_value("CHAPTER", description="One cell per sector and chapter.")
    REGION = strawberry.enum_value(
        "REGION", description="One cell per sector and region (chapters of a region together)."
    )


@strawberry.enum(description="A stage of the engagement funnel.")
class FunnelStageName(enum.Enum):
    """Funnel stages, in order."""

    APPLIED = strawberry.enum_value("APPLIED", description="Applications made (any outcome).")
    ACCEPTED = strawberry.enum_value(
        "ACCEPTED", description="Engagements agreed (an accepted application or invitation)."
    )
    ACTIVE = strawberry.enum_value(
        "ACTIVE", description="Engagements that started (whatever happened after)."
    )
    COMPLETED = strawberry.enum_value("COMPLETED", description="Engagements completed.")


@strawberry.type(
    description="Contributors offering help against open opportunities asking for "
    "it, in one sector and chapter (or region)."
)
class SupplyDemandCell:
    """One cell of the supply vs demand grid."""

    sector_slug: str = strawberry.field(description="The sector's slug.")
    sector_name: str = strawberry.field(description="The sector's name.")
    region: str = strawberry.field(description="The region of the chapter(s).")
    chapter_slug: str | None = strawberry.field(
        description="The chapter's slug; null when the cell is a whole region."
    )
    chapter_name: str | None = strawberry.field(
        description="The chapter's name; null when the cell is a whole region."
    )
    kind: EngagementKind | None = strawberry.field(
        description="The kind of help; null: every kind together."
    )
    supply: StatCount = strawberry.field(
        description="Active members (of the chapter, or of the region's chapters) who offer the "
        "kind and work in the sector, each counted once."
    )
    demand: int = strawberry.field(
        description="Open opportunities of the kind in the sector that those members may see "
        "(public ones, and chapter ones naming the chapter); not past their deadline, not "
        "invitation-only. Postings, not people: never suppressed."
    )


@strawberry.type(description="One stage of the engagement funnel.")
class FunnelStage:
    """A stage and how many reached it."""

    stage: FunnelStageName = strawberry.field(description="The stage.")
    count: int | None = strawberry.field(
        description="Applications or engagements that reached the stage." + SUPPRESSED
    )
    people: int | None = strawberry.field(
        description="Distinct contributors among them." + SUPPRESSED
    )
    suppressed: bool = strawberry.field(description="True when the stage's figures are withheld.")


@strawberry.type(description="Countersigned hours of one month (the contribution ledger).")
class MonthlyHours:
    """A month's hours."""

    month: str = strawberry.field(description="The month, as YYYY-MM.")
    hours: float | None = strawberry.field(
        description="Hours of countersigned work that happened in the month." + SUPPRESSED
    )
    contributors: int | None = strawberry.field(
        description="Contributors credited with them." + SUPPRESSED
    )
    suppressed: bool = strawberry.field(description="True when the month's figures are withheld.")


@strawberry.type(description="How quickly opportunities get their first application.")
class FirstResponse:
    """Time to first response."""

    median_hours: float | None = strawberry.field(
        description="Median hours from posting to the first application (for a chapter: the "
        "first from its members)." + SUPPRESSED
    )
    p90_hours: float | None = strawberry.field(
        description="90th percentile of the same hours." + SUPPRESSED
    )
    responded: int | None = strawberry.field(
        description="Opportunities answered (for a chapter: by its members)." + SUPPRESSED
    )
    awaiting: int = strawberry.field(
        description="Open opportunities nobody has applied to yet (portal-wide)."
    )
    suppressed: bool = strawberry.field(description="True when the figures are withheld.")


@strawberry.type(description="Engineers resident in one country.")
class CountryFigures:
    """A country's row."""

    country_code: str = strawberry.field(description="ISO 3166-1 alpha-2 code.")
    engineers: StatCount = strawberry.field(description="Engineers resident there.")
    contributors: StatCount = strawberry.field(
        description="Of them, those offering any kind of help."
    )
    hours: float | None = strawberry.field(
        description="Their countersigned hours, all time." + SUPPRESSED
    )


@strawberry.type(description="Forum activity of one month (hidden posts left out).")
class MonthlyForumActivity:
    """A month of the forum."""

    month: str = strawberry.field(description="The month, as YYYY-MM.")
    threads: int | None = strawberry.field(description="Threads opened." + SUPPRESSED)
    posts: int | None = strawberry.field(description="Replies posted." + SUPPRESSED)
    authors: int | None = strawberry.field(description="Distinct authors." + SUPPRESSED)
    suppressed: bool = strawberry.field(description="True when the month's figures are withheld.")


@strawberry.type(description="One figure of a chapter scorecard against its target.")
class ScorecardFigure:
    """A figure, its target and whether it is met."""

    value: float | None = strawberry.field(description="The figure." + SUPPRESSED)
    target: float = strawberry.field(
        description="The target, from the chapter's config ([scorecard] in chapters_config/)."
    )
    met: bool | None = strawberry.field(
        description="Whether the target is met (for response time: at or under it); null when "
        "the figure is withheld or there is none."
    )
    suppressed: bool = strawberry.field(description="True when the figure is withheld.")


@strawberry.type(description="A chapter's scorecard over the window its config sets.")
class ChapterScorecard:
    """A chapter's scorecard."""

    chapter_slug: str = strawberry.field(description="The chapter's slug.")
    chapter_name: str = strawberry.field(description="The chapter's name.")
    region: str = strawberry.field(description="The chapter's region.")
    window_days: int = strawberry.field(description="Days the scorecard looks back over.")
    events_held: ScorecardFigure = strawberry.field(
        description="Events hosted or co-hosted that ended in the window (not cancelled)."
    )
    active_members: ScorecardFigure = strawberry.field(description="Active members now.")
    engagements: ScorecardFigure = strawberry.field(
        description="Engagements its active members started in the window."
    )
    median_response_hours: ScorecardFigure = strawberry.field(
        description="Median hours for its members' first application to opportunities whose "
        "first response from the chapter came in the window."
    )
    targets_met: int = strawberry.field(description="How many of the four targets are met.")


class StatsView:
    """One snapshot read for one scope by one kind of reader."""

    def __init__(
        self, snapshot: stats.Snapshot, chapter_id: int | None, minimum: int, exact: bool
    ) -> None:
        self.snapshot = snapshot
        self.chapter_id = chapter_id
        self.minimum = minimum
        self.exact = exact


def _figure(
    value: float | None, people: int, target: float, view: StatsView, *, at_most: bool
) -> ScorecardFigure:
    """A scorecard figure; `at_most`: lower is better."""
    figure = None if value is None else stats.shown(value, people, view.minimum, view.exact)
    met = None if figure is None else (figure <= target if at_most else figure >= target)
    suppressed = value is not None and figure is None
    return ScorecardFigure(value=figure, target=target, met=met, suppressed=suppressed)


def scorecard(view: StatsView, chapter_id: int) -> ChapterScorecard:
    """A chapter's scorecard (exact for its own coordinators only)."""
    snapshot = view.snapshot
    label = snapshot.chapters[chapter_id]
    card = snapshot.scorecards[chapter_id]
    config = card.config
    exact = view.exact and view.chapter_id == chapter_id
    own = StatsView(snapshot, chapter_id, view.minimum, exact)
    response = snapshot.response.get(chapter_id)
    figures = (
        _figure(card.events_held, 0, config.events_held, own, at_most=False),
        _figure(
            card.active_members, card.active_members, config.active_members, own, at_most=False
        ),
        _figure(card.engagements, card.engaged_people, config.engagements, own, at_most=False),
        _figure(
            None if response is None else response.window_median_hours,
            0 if response is None else response.window_people,
            config.median_response_hours,
            own,
            at_most=True,
        ),
    )
    return ChapterScorecard(
        chapter_slug=label.slug,
        chapter_name=label.name,
        region=label.region or "",
        window_days=config.window_days,
        events_held=figures[0],
        active_members=figures[1],
        engagements=figures[2],
        median_response_hours=figures[3],
        targets_met=sum(1 for figure in figures if figure.met),
    )


KIND = Annotated[
    EngagementKind | None,
    strawberry.argument(description="Only this kind of help; null (the default): every kind."),
]
GROUP_BY = Annotated[
    StatsGrouping,
    strawberry.argument(description="Cells per chapter (the default) or per region."),
]


@strawberry.type(
    description="Public statistics of the portal or of one chapter, from a snapshot at most a "
    "few seconds old. Figures about fewer people than `minimumCellSize` read as suppressed; a "
    "chapter's coordinators read their chapter's figures exact."
)
class Stats:
    """The figures of one scope."""

    view: strawberry.Private[StatsView]

    @strawberry.field(description="The chapter these figures are about; null: the portal.")
    def chapter_slug(self) -> str | None:
        """The scope's slug."""
        chapter_id = self.view.chapter_id
        return None if chapter_id is None else self.view.snapshot.chapters[chapter_id].slug

    @strawberry.field(description="When the snapshot was computed.")
    def computed_at(self) -> datetime:
        """The snapshot's time."""
        return self.view.snapshot.computed_at

    @strawberry.field(
        description="Figures about fewer people than this (and more than none) are suppressed."
    )
    def minimum_cell_size(self) -> int:
        """The configured minimum."""
        return self.view.minimum

    @strawberry.field(
        description="True when nothing is suppressed for you: you coordinate this chapter."
    )
    def exact(self) -> bool:
        """Whether the reader sees exact figures."""
        return self.view.exact

    @strawberry.field(
        description="Supply vs demand by sector and chapter (or region): contributors offering "
        "a kind of help against open opportunities asking for it. Portal-wide, every live "
        "chapter; for a chapter, its own cells (grouped by region: its region's)."
    )
    def supply_demand(
        self, kind: KIND = None, group_by: GROUP_BY = StatsGrouping.CHAPTER
    ) -> list[SupplyDemandCell]:
        """Cells in sector name, then region, then chapter name order (built once per
        snapshot, scope, arguments and exactness)."""
        view, snapshot = self.view, self.view.snapshot
        wanted = None if kind is None else kind.value
        memo = ("supplyDemand", view.chapter_id, view.exact, wanted, group_by)
        found: list[SupplyDemandCell] | None = snapshot.memo.get(memo)
        if found is not None:
            return found
        scope = None if view.chapter_id is None else snapshot.chapters[view.chapter_id]
        cells: list[SupplyDemandCell] = []
        for sector_id, chapter_id, region, cell_kind in snapshot.supply.keys() | snapshot.demand:
            if cell_kind != wanted or region is None:
                continue
            if (chapter_id is None) != (group_by is StatsGrouping.REGION):
                continue
            if scope is not None:
                if chapter_id is not None and chapter_id != view.chapter_id:
                    continue
                if chapter_id is None and region != scope.region:
                    continue
            key = (sector_id, chapter_id, region, cell_kind)
            people, demand = snapshot.supply.get(key, 0), snapshot.demand.get(key, 0)
            sector = snapshot.sectors[sector_id]
            chapter = None if chapter_id is None else snapshot.chapters[chapter_id]
            exact = view.exact and chapter_id is not None
            cells.append(
                SupplyDemandCell(
                    sector_slug=sector.slug,
                    sector_name=sector.name,
                    region=region,
                    chapter_slug=None if chapter is None else chapter.slug,
                    chapter_name=None if chapter is None else chapter.name,
                    kind=None if cell_kind is None else EngagementKind(cell_kind),
                    supply=StatCount.of(
                        people, people, StatsView(snapshot, chapter_id, view.minimum, exact)
                    ),
                    demand=demand,
                )
            )
        cells.sort(key=lambda cell: (cell.sector_name, cell.region, cell.chapter_name or ""))
        snapshot.memo[memo] = cells
        return cells

    @strawberry.field(
        description="The engagement funnel: applied → accepted → active → completed, all time "
        "(for a chapter: its active members as contributors)."
    )
    def funnel(self) -> list[FunnelStage]:
        """The four stages in order."""
        view = self.view
        stages = []
        for stage in stats.FUNNEL_STAGES:
            figure = view.snapshot.funnel.get((view.chapter_id, stage), stats.Figure(0, 0))
            count = stats.shown(figure.value, figure.people, view.minimum, view.exact)
            stages.append(
                FunnelStage(
                    stage=FunnelStageName(stage),
                    count=None if count is None else int(count),
                    people=None if count is None else figure.people,
                    suppressed=count is None,
                )
            )
        return stages

    @strawberry.field(
        description="Countersigned hours per month (the contribution ledger), oldest first, over "
        "the configured number of months; months without work are left out."
    )
    def hours_by_month(self) -> list[MonthlyHours]:
        """The series."""
        view = self.view
        months = []
        for month in view.snapshot.hours.get(view.chapter_id, []):
            hours = stats.shown(month.values[0], month.people, view.minimum, view.exact)
            months.append(
                MonthlyHours(
                    month=month.month.strftime("%Y-%m"),
                    hours=None if hours is None else round(hours, 2),
                    contributors=None if hours is None else month.people,
                    suppressed=hours is None,
                )
            )
        return months

    @strawberry.field(description="Time to first response on opportunities, all time.")
    def first_response(self) -> FirstResponse:
        """Median and 90th percentile."""
        view = self.view
        found = view.snapshot.response.get(view.chapter_id)
        if found is None:
            found = stats.Response(None, None, 0, 0, None, 0)
        hidden = stats.shown(found.responded, found.people, view.minimum, view.exact) is None
        return FirstResponse(
            median_hours=None if hidden else found.median_hours,
            p90_hours=None if hidden else found.p90_hours,
            responded=None if hidden else found.responded,
            awaiting=view.snapshot.awaiting,
            suppressed=hidden,
        )

    @strawberry.field(
        description="Engineers by country of residence (for a chapter: its active members), "
        "by country code."
    )
    def by_country(self) -> list[CountryFigures]:
        """One row per country (built once per snapshot, scope and exactness)."""
        view = self.view
        memo = ("byCountry", view.chapter_id, view.exact)
        found: list[CountryFigures] | None = view.snapshot.memo.get(memo)
        if found is not None:
            return found
        rows = []
        for country in view.snapshot.countries.get(view.chapter_id, []):
            hours = stats.shown(country.minutes / 60, country.credited, view.minimum, view.exact)
            rows.append(
                CountryFigures(
                    country_code=country.code,
                    engineers=StatCount.of(country.engineers, country.engineers, view),
                    contributors=StatCount.of(country.contributors, country.contributors, view),
                    hours=None if hours is None else round(hours, 2),
                )
            )
        view.snapshot.memo[memo] = rows
        return rows

    @strawberry.field(
        description="Forum activity per month, oldest first, over the configured number of "
        "months (for a chapter: its own categories)."
    )
    def forum_activity(self) -> list[MonthlyForumActivity]:
        """The series."""
        view = self.view
        months = []
        for month in view.snapshot.forum.get(view.chapter_id, []):
            hidden = stats.shown(1, month.people, view.minimum, view.exact) is None
            months.append(
                MonthlyForumActivity(
                    month=month.month.strftime("%Y-%m"),
                    threads=None if hidden else int(month.values[0]),
                    posts=None if hidden else int(month.values[1]),
                    authors=None if hidden else month.people,
                    suppressed=hidden,
                )
            )
        return months

    @strawberry.field(
        description="Chapter scorecards (every live chapter by slug; for a chapter, its own): "
        "events held, active members, engagements and response time against the targets of "
        "each chapter's config."
    )
    def scorecards(self) -> list[ChapterScorecard]:
        """One per chapter."""
        view = self.view
        chapters = view.snapshot.scorecards
        ids = [view.chapter_id] if view.chapter_id is not None else list(chapters)
        cards = [scorecard(view, chapter_id) for chapter_id in ids if chapter_id in chapters]
        return sorted(cards, key=lambda card: card.chapter_slug)
