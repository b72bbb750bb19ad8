"""Contribution totals: an engineer's summary (hours, engagements, CPD points, badges, by kind
and by year) and a chapter's engagements in aggregate (no notes, no names)."""

import strawberry

from db.enums import EngagementKind, EngagementStatus
from graph.context import Info
from graph.services import ledger
from graph.services.ledger import cpd_config

__all__ = ["cpd_config"]  # re-exported for the resolvers that countersign


@strawberry.type(description="A badge earned from the ledger's totals.")
class Badge:
    """A badge."""

    slug: str = strawberry.field(description="Stable identifier of the badge.")
    name: str = strawberry.field(description="Display name.")
    description: str = strawberry.field(description="What it recognises.")


@strawberry.type(description="Totals of one slice of a contribution ledger.")
class ContributionTotals:
    """Hours, engagements and CPD points."""

    hours: float = strawberry.field(description="Countersigned hours (two decimals).")
    minutes: int = strawberry.field(description="Countersigned minutes.")
    engagements: int = strawberry.field(description="Engagements with countersigned work.")
    cpd_points: float = strawberry.field(description="CPD points earned.")

    @classmethod
    def of(cls, totals: ledger.Totals) -> "ContributionTotals":
        """From the ledger service's totals."""
        return cls(
            hours=float(totals.hours),
            minutes=totals.minutes,
            engagements=totals.engagements,
            cpd_points=float(totals.cpd_points),
        )


@strawberry.type(description="Ledger totals for one kind of contribution.")
class ContributionsByKind:
    """A kind and its totals."""

    kind: EngagementKind = strawberry.field(description="The kind of contribution.")
    totals: ContributionTotals = strawberry.field(description="Its totals.")


@strawberry.type(description="Ledger totals for one calendar year.")
class ContributionsByYear:
    """A year and its totals."""

    year: int = strawberry.field(description="The calendar year the work happened in.")
    totals: ContributionTotals = strawberry.field(description="Its totals.")


@strawberry.type(
    description="An engineer's recognised contribution: ledger totals, badges, by kind and by "
    "year. Equal to the sum of their countersigned sessions and milestones."
)
class ContributionSummary:
    """The summary."""

    total: ContributionTotals = strawberry.field(description="Totals over the whole ledger.")
    badges: list[Badge] = strawberry.field(description="Badges earned, in configuration order.")
    by_kind: list[ContributionsByKind] = strawberry.field(description="Totals per kind.")
    by_year: list[ContributionsByYear] = strawberry.field(
        description="Totals per year, newest first."
    )


async def summary_of(info: Info, engineer_id: int) -> ContributionSummary:
    """The engineer's summary, summed in one statement."""
    found = await info.context.loaders.contribution.summary_by_engineer_id.load(engineer_id)
    return ContributionSummary(
        total=ContributionTotals.of(found.total),
        badges=[Badge(slug=b.slug, name=b.name, description=b.description) for b in found.badges],
        by_kind=[
            ContributionsByKind(kind=EngagementKind(kind), totals=ContributionTotals.of(totals))
            for kind, totals in sorted(found.by_kind.items())
        ],
        by_year=[
            ContributionsByYear(year=year, totals=ContributionTotals.of(totals))
            for year, totals in sorted(found.by_year.items(), reverse=True)
        ],
    )


@strawberry.type(description="Engagements in one status, counted.")
class EngagementStatusCount:
    """A status and how many."""

    status: EngagementStatus = strawberry.field(description="The engagement status.")
    count: int = strawberry.field(description="How many engagements are in it.")


@strawberry.type(
    description="A chapter's members' engagements in aggregate, for its coordinators: counts "
    "and hours only, never notes or who with whom."
)
class ChapterEngagementSummary:
    """Aggregates."""

    by_status: list[EngagementStatusCount] = strawberry.field(
        description="Engagements of active members (as contributors), per status."
    )
    contributors: int = strawberry.field(description="Active members with any engagement.")
    countersigned_hours: float = strawberry.field(
        description="Hours of the members' countersigned work (the ledger)."
    )


async def chapter_engagement_summary(info: Info, chapter_id: int) -> ChapterEngagementSummary:
    """The chapter's aggregate, in one statement."""
    found = await info.context.loaders.contribution.engagements_by_chapter_id.load(chapter_id)
    return ChapterEngagementSummary(
        by_status=[
            EngagementStatusCount(status=status, count=found.by_status.get(status.value, 0))
            for status in EngagementStatus
        ],
        contributors=found.contributors,
        countersigned_hours=round(found.countersigned_minutes / 60, 2),
    )
