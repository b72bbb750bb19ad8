"""Demo consultancy marketplace: institutions' RFPs in every stage — OPEN with sealed bids,
CLOSED awaiting the award, AWARDED with a contract in progress, COMPLETED with reviews both
ways — and contributors' service listings, some already invited to an open RFP."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.models import (
    ConsultancyProposal,
    ConsultancyRfp,
    ContractMilestone,
    Engagement,
    Feedback,
    Invitation,
    Milestone,
    Notification,
    Opportunity,
    OpportunitySector,
    ServiceListing,
    ServiceListingSector,
)

CONSULTANCY_TABLES = (
    "consultancy_rfps",
    "consultancy_proposals",
    "consultancy_milestones",
    "service_listings",
    "service_listing_sectors",
)
STAGES = ("OPEN", "CLOSED", "AWARDED", "COMPLETED")
NEEDS = (
    ("Grid-code compliance audit", "an audit of {sector} assets against the national grid code"),
    ("Feasibility study", "a bankable feasibility study for a {sector} pilot"),
    ("Design review", "an independent review of the detailed design of a {sector} scheme"),
    ("Capacity-building programme", "a six-week {sector} training programme for staff"),
    ("Tender evaluation support", "support evaluating contractors' bids for a {sector} project"),
)
APPROACHES = (
    "Desk review, two site visits and a findings workshop with your engineers.",
    "Model the system, test three scenarios, and hand over the models with training.",
    "Pair each deliverable with a review meeting; weekly progress notes.",
    "A phased approach: inception report, analysis, recommendations, close-out.",
)
SERVICES = (
    "Protection and control studies",
    "Hydrology and flood modelling",
    "Solar and storage due diligence",
    "Industrial cybersecurity assessments",
    "Water treatment process design",
    "Structural health monitoring",
)
CURRENCIES = ("USD", "PKR", "GBP", "AED")
REVIEWS = (
    (5, "Excellent work, delivered ahead of schedule."),
    (4, "Clear brief, prompt feedback on every milestone."),
    (4, "Solid analysis; one milestone needed rework."),
)


async def _insert(connection: AsyncConnection, model: Any, **values: Any) -> Any:
    """Insert one row; returns its primary key."""
    table = model.__table__
    key = next(iter(table.primary_key.columns))
    result = await connection.execute(insert(table).values(**values).returning(key))
    return result.scalar_one()


async def _people(connection: AsyncConnection) -> tuple[dict[int, list[int]], list[int]]:
    """Institutions' staff, and overseas contributors who are nobody's staff."""
    staff: dict[int, list[int]] = {}
    for row in await connection.execute(
        text("SELECT institution_id, engineer_id FROM affiliations ORDER BY institution_id, id")
    ):
        staff.setdefault(row.institution_id, []).append(row.engineer_id)
    contributors = list(
        (
            await connection.execute(
                text(
                    "SELECT id FROM engineers WHERE is_overseas AND id NOT IN"
                    " (SELECT engineer_id FROM affiliations) ORDER BY id"
                )
            )
        ).scalars()
    )
    return staff, contributors


async def seed_consultancy(
    connection: AsyncConnection, rng: random.Random, scale: float
) -> Counter[str]:
    """RFPs in each stage (a few per stage, more at larger scales) with 2-5 bids each, the
    contracts of awarded ones, and service listings; returns counts per table."""
    counts: Counter[str] = Counter()
    staff, contributors = await _people(connection)
    sectors = list(
        (await connection.execute(text("SELECT id, name FROM sectors ORDER BY id"))).all()
    )
    if not staff or len(contributors) < 6 or not sectors:
        return counts
    now = datetime.now(UTC)
    per_stage = max(2, round(2 * min(scale, 10)))
    institutions = sorted(staff)
    open_rfps: list[int] = []
    for number in range(per_stage * len(STAGES)):
        stage = STAGES[number % len(STAGES)]
        institution = institutions[rng.randrange(len(institutions))]
        poster = staff[institution][0]
        sector_id, sector = sectors[rng.randrange(len(sectors))]
        need, text_ = NEEDS[number % len(NEEDS)]
        currency = CURRENCIES[number % len(CURRENCIES)]
        low = Decimal(rng.choice((2000, 5000, 8000, 15000)))
        high = low * rng.choice((2, 3, 4))
        closes = {
            "OPEN": now + timedelta(days=rng.randint(5, 40)),
            "CLOSED": now - timedelta(days=rng.randint(1, 10)),
            "AWARDED": now - timedelta(days=rng.randint(20, 60)),
            "COMPLETED": now - timedelta(days=rng.randint(120, 300)),
        }[stage]
        opportunity = await _insert(
            connection,
            Opportunity,
            kind="CONSULTANCY",
            title=f"RFP: {need} — {sector}",
            description=f"We invite proposals for {text_.format(sector=sector.lower())}.",
            poster_id=poster,
            institution_id=institution,
            hours_per_month=rng.choice((10, 20, 30)),
            duration_months=rng.choice((2, 3, 6)),
            deadline=closes,
            status={"OPEN": "OPEN", "CLOSED": "OPEN"}.get(stage, "FILLED"),
            created_at=closes - timedelta(days=30),
        )
        await _insert(
            connection, OpportunitySector, opportunity_id=opportunity, sector_id=sector_id
        )
        awarded_at = closes + timedelta(days=3) if stage in ("AWARDED", "COMPLETED") else None
        await _insert(
            connection,
            ConsultancyRfp,
            opportunity_id=opportunity,
            budget_min=low,
            budget_max=high,
            currency=currency,
            closes_at=closes,
            awarded_at=awarded_at,
        )
        counts["consultancy_rfps"] += 1
        bidders = rng.sample(contributors, rng.randint(2, 5))
        proposals = []
        for bidder in bidders:
            price = (low + (high - low) * Decimal(rng.randint(0, 100)) / 100).quantize(
                Decimal("0.01")
            )
            proposal = await _insert(
                connection,
                ConsultancyProposal,
                opportunity_id=opportunity,
                bidder_id=bidder,
                price=price,
                currency=currency,
                approach=rng.choice(APPROACHES),
                timeline=f"{rng.randint(4, 16)} weeks from the award",
                created_at=closes - timedelta(days=rng.randint(1, 25)),
                status="NOT_AWARDED" if awarded_at else "SUBMITTED",
            )
            proposals.append((proposal, bidder, price))
            counts["consultancy_proposals"] += 1
        if stage == "OPEN":
            open_rfps.append(opportunity)
        if awarded_at is not None:
            await _contract(connection, rng, counts, stage, poster, institution, opportunity,
                            currency, awarded_at, proposals)  # fmt: skip
    await _listings(connection, rng, counts, contributors, sectors, staff, open_rfps)
    return counts


async def _contract(
    connection: AsyncConnection,
    rng: random.Random,
    counts: Counter[str],
    stage: str,
    seeker: int,
    institution: int,
    opportunity: int,
    currency: str,
    awarded_at: datetime,
    proposals: list[tuple[int, int, Decimal]],
) -> None:
    """The award: the cheapest proposal wins an ACTIVE (or COMPLETED) contract with three
    priced milestones; reviews both ways when completed."""
    proposal, contributor, price = min(proposals, key=lambda bid: bid[2])
    completed = stage == "COMPLETED"
    engagement = await _insert(
        connection,
        Engagement,
        kind="CONSULTANCY",
        opportunity_id=opportunity,
        contributor_id=contributor,
        seeker_id=seeker,
        institution_id=institution,
        hours_per_month=20,
        status="COMPLETED" if completed else "ACTIVE",
        started_at=awarded_at,
        completed_at=awarded_at + timedelta(days=90) if completed else None,
    )
    counts["engagements"] += 1
    await connection.execute(
        text(
            "UPDATE consultancy_proposals SET status = 'AWARDED', engagement_id = :e WHERE id = :p"
        ),
        {"e": engagement, "p": proposal},
    )
    shares = (Decimal("0.3"), Decimal("0.3"), Decimal("0.4"))
    for index, share in enumerate(shares):
        accepted = completed or index == 0
        submitted = accepted or index == 1
        due = (awarded_at + timedelta(days=30 * (index + 1))).date()
        milestone = await _insert(
            connection,
            Milestone,
            engagement_id=engagement,
            title=("Inception report", "Analysis and findings", "Final report")[index],
            due_on=due if not completed else min(due, date.today()),
            minutes=rng.choice((600, 900, 1200)),
            status="COUNTERSIGNED" if accepted else "DONE" if submitted else "PLANNED",
            countersigned_at=awarded_at + timedelta(days=30 * (index + 1)) if accepted else None,
            countersigned_by_id=seeker if accepted else None,
        )
        await _insert(
            connection,
            ContractMilestone,
            milestone_id=milestone,
            engagement_id=engagement,
            amount=(price * share).quantize(Decimal("0.01")),
            currency=currency,
            submission_note="Report and models attached." if submitted else "",
            submitted_at=awarded_at + timedelta(days=28 * (index + 1)) if submitted else None,
            rework_count=1 if index == 1 else 0,
            rework_note="Add the sensitivity analysis." if index == 1 else "",
        )
        counts["consultancy_milestones"] += 1
    await _insert(
        connection,
        Notification,
        recipient_id=contributor,
        kind="PROPOSAL_AWARDED",
        opportunity_id=opportunity,
        engagement_id=engagement,
        payload={},
        created_at=awarded_at,
    )
    if completed:
        for author, subject in ((seeker, contributor), (contributor, seeker)):
            rating, comment = REVIEWS[rng.randrange(len(REVIEWS))]
            await _insert(
                connection,
                Feedback,
                engagement_id=engagement,
                author_id=author,
                subject_id=subject,
                rating=rating,
                comment=comment,
            )
            counts["engagement_feedback"] += 1


async def _listings(
    connection: AsyncConnection,
    rng: random.Random,
    counts: Counter[str],
    contributors: list[int],
    sectors: list[Any],
    staff: dict[int, list[int]],
    open_rfps: list[int],
) -> None:
    """Service listings (a few inactive), and an invitation from a listing to each open RFP."""
    listers = rng.sample(contributors, min(len(contributors), max(6, len(open_rfps) * 3)))
    for index, contributor in enumerate(listers):
        low = Decimal(rng.choice((40, 60, 80, 120)))
        listing = await _insert(
            connection,
            ServiceListing,
            contributor_id=contributor,
            title=SERVICES[index % len(SERVICES)],
            description="Remote or on site; references on request.",
            rate_min=low,
            rate_max=low * 2,
            currency=CURRENCIES[index % len(CURRENCIES)],
            active=index % 7 != 6,
        )
        counts["service_listings"] += 1
        for sector_id, _ in rng.sample(sectors, min(2, len(sectors))):
            await _insert(connection, ServiceListingSector, listing_id=listing, sector_id=sector_id)
            counts["service_listing_sectors"] += 1
    for opportunity in open_rfps:
        bidders = set(
            (
                await connection.execute(
                    text("SELECT bidder_id FROM consultancy_proposals WHERE opportunity_id = :o"),
                    {"o": opportunity},
                )
            ).scalars()
        )
        invitee = next((person for person in listers if person not in bidders), None)
        if invitee is None:
            continue
        await _insert(
            connection,
            Invitation,
            opportunity_id=opportunity,
            engineer_id=invitee,
            message="Your listing matches our RFP: we would welcome a proposal.",
        )
        await _insert(
            connection,
            Notification,
            recipient_id=invitee,
            kind="RFP_INVITATION",
            opportunity_id=opportunity,
            payload={"invitation": True},
        )
        counts["invitations"] += 1
