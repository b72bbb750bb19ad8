"""Demo mentorship programmes: every state at small and large scales, pairs within slots,
published cohorts as engagements with sessions and feedback."""

import random
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Engagement,
    MentorshipApplication,
    MentorshipPair,
    MentorshipProgramme,
)
from db.seed.programmes import seed_programmes
from tests import factories


@pytest.mark.parametrize("scale", [0.01, 1.0, 10.0])
async def test_seeded_programmes_show_every_state_at_every_scale(
    session: AsyncSession, scale: float
) -> None:
    # Given three chapters with overseas members, engineers at home and a university
    for slug in ("gulf-uae", "uk-ireland", "saudi-arabia"):
        chapter = await factories.chapter(session, slug)
        for number in range(6):
            engineer = await factories.engineer(session, handle=f"seed-pg-{slug}-{number}")
            role = "coordinator" if number == 0 else "member"
            await factories.membership(session, engineer, chapter, role=role)
    for number in range(30):
        await factories.engineer(
            session, handle=f"seed-pg-home-{number}", is_overseas=False, country_code="PK"
        )
    await factories.institution(session, slug="seed-pg-uni")

    # When the programmes are seeded
    counts = await seed_programmes(await session.connection(), random.Random(3), scale)

    # Then programmes are open, proposed and published, the university's one published
    programmes = list(await session.scalars(select(MentorshipProgramme)))
    states = Counter(programme.status for programme in programmes)
    assert set(states) == {"OPEN", "PROPOSED", "PUBLISHED"}
    assert counts["mentorship_programmes"] == len(programmes)
    assert any(p.institution_id is not None and p.format == "GROUP" for p in programmes)
    now = datetime.now(UTC)
    for programme in programmes:
        if programme.status == "OPEN":
            assert programme.mentee_opens_at <= now < programme.mentee_closes_at
        else:
            assert programme.mentee_closes_at < now
    # And every cohort keeps mentors within slots and mentees in one pair
    for programme in programmes:
        pairs = list(
            await session.scalars(
                select(MentorshipPair).where(MentorshipPair.programme_id == programme.id)
            )
        )
        if programme.status == "OPEN":
            assert pairs == []
            continue
        assert pairs
        applications = {
            row.id: row
            for row in await session.scalars(
                select(MentorshipApplication).where(
                    MentorshipApplication.programme_id == programme.id
                )
            )
        }
        load = Counter(pair.mentor_application_id for pair in pairs)
        for mentor, taken in load.items():
            assert applications[mentor].role == "MENTOR"
            assert applications[mentor].status == "ACCEPTED"
            assert taken <= (applications[mentor].slots or 0)
        mentees = [pair.mentee_application_id for pair in pairs]
        assert len(mentees) == len(set(mentees))
        assert all(applications[m].role == "MENTEE" for m in mentees)
        assert all(pair.explanation for pair in pairs)
        # And published pairs each have their MENTORSHIP engagement
        if programme.status == "PUBLISHED":
            assert all(pair.engagement_id is not None for pair in pairs)
            engagements = list(
                await session.scalars(
                    select(Engagement).where(
                        Engagement.id.in_([pair.engagement_id for pair in pairs])
                    )
                )
            )
            assert {engagement.kind for engagement in engagements} == {"MENTORSHIP"}
        else:
            assert all(pair.engagement_id is None for pair in pairs)
    assert counts["engagement_sessions"] > 0
    assert counts["engagement_feedback"] > 0 or scale < 0.1
