"""The compiled-read world's contribution data: opportunities of every visibility and status,
applications, engagements with milestones, sessions, feedback and ledger entries."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    EngagementSession,
    Engineer,
    Feedback,
    Invitation,
    LedgerEntry,
    Milestone,
    OpportunityChapter,
    OpportunitySector,
    OpportunitySkill,
    Sector,
    Skill,
)
from graph.ids import encode_id
from tests import contribution_world as contribution

if TYPE_CHECKING:
    from tests.compiler.conftest import World


async def build(session: AsyncSession, found: "World") -> None:
    """Six opportunities (public, expired, draft, chapter, invited, closed consultancy), four
    applications, an ACTIVE engagement with milestones and sessions (one countersigned, in the
    ledger) and a COMPLETED one with feedback both ways."""
    people = {
        number: await session.get_one(Engineer, found.pks[f"cmp-{number}"]) for number in range(7)
    }
    water = await session.scalar(select(Sector).where(Sector.slug == "cmp-water"))
    hydro = await session.scalar(select(Skill).where(Skill.slug == "cmp-hydro"))
    relay = await session.scalar(select(Skill).where(Skill.slug == "cmp-relay"))
    assert water is not None
    assert hydro is not None
    assert relay is not None
    soon = datetime(2099, 1, 1, tzinfo=UTC)
    university, gulf = found.pks["cmp-uni"], found.pks["gulf-uae"]
    specs: dict[str, tuple[Engineer, dict[str, Any]]] = {
        "opp-public": (people[1], {"title": "Cmp mentor hydrology students"}),
        "opp-expired": (
            people[4],
            {
                "title": "Cmp expired review",
                "institution_id": university,
                "deadline": datetime(2020, 1, 1, tzinfo=UTC),
                "kind": "CURRICULUM_REVIEW",
            },
        ),
        "opp-draft": (people[1], {"title": "Cmp draft idea", "status": "DRAFT"}),
        "opp-chapter": (
            people[5],
            {"title": "Cmp gulf panel", "visibility": "CHAPTER", "kind": "ADVISORY_PANEL"},
        ),
        "opp-invited": (
            people[3],
            {
                "title": "Cmp invited research",
                "visibility": "INVITED",
                "remote": False,
                "city": "Lahore",
                "country_code": "PK",
                "kind": "RESEARCH_GUIDANCE",
            },
        ),
        "opp-closed": (
            people[4],
            {
                "title": "Cmp grid consultancy",
                "status": "CLOSED",
                "kind": "CONSULTANCY",
                "institution_id": university,
                "disciplines": ["ELECTRICAL"],
            },
        ),
    }
    opportunities = {}
    for index, (name, (poster, values)) in enumerate(specs.items()):
        row = await contribution.opportunity(
            session,
            poster,
            deadline=values.pop("deadline", soon + timedelta(days=index)),
            description=f"Cmp opportunity {name} hydro grid",
            **values,
        )
        opportunities[name] = row
        found.ids[name] = encode_id("Opportunity", row.id)
    await contribution.add(
        session,
        OpportunitySector(opportunity_id=opportunities["opp-public"].id, sector_id=water.id),
    )
    for name, skill, level in (
        ("opp-public", hydro, "ADVANCED"),
        ("opp-public", relay, "BEGINNER"),
        ("opp-closed", relay, "EXPERT"),
    ):
        await contribution.add(
            session,
            OpportunitySkill(
                opportunity_id=opportunities[name].id, skill_id=skill.id, minimum_level=level
            ),
        )
    await contribution.add(
        session, OpportunityChapter(opportunity_id=opportunities["opp-chapter"].id, chapter_id=gulf)
    )
    await contribution.add(
        session,
        Invitation(opportunity_id=opportunities["opp-invited"].id, engineer_id=people[0].id),
    )
    applications: list[tuple[str, int, dict[str, Any]]] = [
        ("opp-public", 0, {}),
        ("opp-public", 2, {"status": "DECLINED", "decline_reason": "Cmp not now"}),
        ("opp-chapter", 6, {"status": "SHORTLISTED"}),
        (
            "opp-closed",
            5,
            {
                "proposal_price": Decimal("1500.50"),
                "proposal_currency": "USD",
                "proposal_timeline": "Cmp six weeks",
                "proposal_approach": "Cmp studies",
            },
        ),
    ]
    for number, (name, applicant, values) in enumerate(applications):
        applied = await contribution.application(
            session, opportunities[name], people[applicant], **values
        )
        found.ids[f"application-{number}"] = encode_id("Application", applied.id)
    active = await contribution.engagement(
        session,
        people[0],
        people[1],
        opportunity_id=opportunities["opp-public"].id,
        started_at=datetime(2025, 1, 2, tzinfo=UTC),
    )
    done = await contribution.engagement(
        session,
        people[5],
        people[4],
        institution_id=university,
        kind="CONSULTANCY",
        status="COMPLETED",
        started_at=datetime(2025, 1, 3, tzinfo=UTC),
        completed_at=datetime(2025, 6, 1, tzinfo=UTC),
    )
    found.ids["engagement-active"] = encode_id("Engagement", active.id)
    found.ids["engagement-done"] = encode_id("Engagement", done.id)
    for title, due, status in (
        ("Cmp plan", date(2025, 1, 10), "DONE"),
        ("Cmp report", date(2025, 3, 1), "PLANNED"),
    ):
        await contribution.add(
            session,
            Milestone(engagement_id=active.id, title=title, due_on=due, minutes=90, status=status),
        )
    signed = await contribution.add(
        session,
        EngagementSession(
            engagement_id=active.id,
            held_on=date(2025, 2, 1),
            minutes=50,
            notes="Cmp private notes",
            attendee_ids=[people[1].id, people[0].id],
            logged_by_id=people[0].id,
            countersigned_at=datetime(2025, 2, 2, tzinfo=UTC),
            countersigned_by_id=people[1].id,
        ),
    )
    unsigned = await contribution.add(
        session,
        EngagementSession(
            engagement_id=active.id,
            held_on=date(2025, 2, 8),
            minutes=45,
            notes="Cmp second notes",
            attendee_ids=[people[0].id],
            logged_by_id=people[1].id,
        ),
    )
    entry = await contribution.add(
        session,
        LedgerEntry(
            engineer_id=people[0].id,
            engagement_id=active.id,
            session_id=signed.id,
            kind="MENTORSHIP",
            sector_id=water.id,
            counterpart_id=people[1].id,
            minutes=50,
            cpd_points=Decimal("0.83"),
            occurred_on=date(2025, 2, 1),
        ),
    )
    found.ids["ledger-0"] = encode_id("LedgerEntry", entry.id)
    found.ids["session-0"] = encode_id("EngagementSession", signed.id)
    found.ids["session-1"] = encode_id("EngagementSession", unsigned.id)
    for number, (author, subject, rating) in enumerate(((5, 4, 5), (4, 5, 4))):
        rated = await contribution.add(
            session,
            Feedback(
                engagement_id=done.id,
                author_id=people[author].id,
                subject_id=people[subject].id,
                rating=rating,
                comment=f"Cmp feedback {rating}",
            ),
        )
        found.ids[f"feedback-{number}"] = encode_id("EngagementFeedback", rated.id)
