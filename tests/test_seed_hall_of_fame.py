"""Demo Hall of Fame: closed rounds with a few inductees each, this year's open round, every
nomination state; evidence is always the nominee's own and tallies agree with the config."""

import random
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.hall_of_fame_config import load_hall_of_fame_config
from db.models import (
    Engagement,
    EngagementSession,
    HallOfFameEvidence,
    HallOfFameNomination,
    HallOfFameRound,
    HallOfFameVote,
    LedgerEntry,
    Notification,
)
from db.seed.hall_of_fame import seed_hall_of_fame
from tests import contribution_world, factories

NOW = datetime(2026, 6, 1, tzinfo=UTC)


async def _contributors(session: AsyncSession, count: int) -> None:
    """`count` engineers, each with a countersigned hour (or more) in the ledger."""
    seeker = await factories.engineer(session, handle="seed-hof-seeker")
    for number in range(count):
        person = await factories.engineer(session, handle=f"seed-hof-{number}")
        engagement = await contribution_world.engagement(session, person, seeker)
        held = await contribution_world.add(
            session,
            EngagementSession(
                engagement_id=engagement.id,
                held_on=date(2025, 3, 1),
                minutes=60 * (1 + number),
                attendee_ids=[person.id],
                logged_by_id=person.id,
                countersigned_at=datetime(2025, 3, 2, tzinfo=UTC),
                countersigned_by_id=seeker.id,
            ),
        )
        await contribution_world.add(
            session,
            LedgerEntry(
                engineer_id=person.id,
                engagement_id=engagement.id,
                session_id=held.id,
                kind="MENTORSHIP",
                minutes=60 * (1 + number),
                cpd_points=Decimal(1),
                occurred_on=date(2025, 3, 1),
            ),
        )


async def test_seeded_rounds_hold_nominations_in_every_state_with_their_own_evidence(
    session: AsyncSession,
) -> None:
    await _contributors(session, 22)
    config = load_hall_of_fame_config()
    counts = await seed_hall_of_fame(
        await session.connection(), random.Random(3), 0.1, config, now=NOW
    )
    rounds = list(await session.scalars(select(HallOfFameRound).order_by(HallOfFameRound.year)))
    assert [(row.year, row.status) for row in rounds] == [
        (2023, "CLOSED"),
        (2024, "CLOSED"),
        (2025, "CLOSED"),
        (2026, "OPEN"),
    ]
    nominations = list(await session.scalars(select(HallOfFameNomination)))
    assert {row.status for row in nominations} == {"INDUCTED", "NOT_INDUCTED", "UNDER_REVIEW"}
    for year in (2023, 2024, 2025):
        inducted = [row for row in nominations if row.year == year and row.status == "INDUCTED"]
        assert len(inducted) >= 2
    assert len({row.nominee_id for row in nominations}) == len(nominations)
    assert all(row.nominee_id != row.nominator_id for row in nominations)
    # Every citation links evidence, and every piece is the nominee's own
    for row in nominations:
        evidence = list(
            await session.scalars(
                select(HallOfFameEvidence).where(HallOfFameEvidence.nomination_id == row.id)
            )
        )
        assert evidence
        for item in evidence:
            if item.ledger_entry_id is not None:
                entry = await session.get_one(LedgerEntry, item.ledger_entry_id)
                assert entry.engineer_id == row.nominee_id
            if item.engagement_id is not None:
                engagement = await session.get_one(Engagement, item.engagement_id)
                assert engagement.contributor_id == row.nominee_id
        votes = list(
            await session.scalars(
                select(HallOfFameVote.in_favour).where(HallOfFameVote.nomination_id == row.id)
            )
        )
        if row.status != "UNDER_REVIEW":
            # The closed rounds' tallies decided as the config says
            assert config.inducts(votes.count(True), votes.count(False)) == (
                row.status == "INDUCTED"
            )
    # Some nominations under review already have votes, some none yet
    pending = [row.id for row in nominations if row.status == "UNDER_REVIEW"]
    voted = await session.scalar(
        select(func.count(func.distinct(HallOfFameVote.nomination_id))).where(
            HallOfFameVote.nomination_id.in_(pending)
        )
    )
    assert 0 < (voted or 0) < len(pending)
    # And the decided nominations told their nominees and nominators
    inducted_notices = await session.scalar(
        select(func.count()).where(Notification.kind == "HALL_OF_FAME_INDUCTED")
    )
    assert inducted_notices == sum(1 for row in nominations if row.status == "INDUCTED")
    assert counts["hall_of_fame_rounds"] == 4


async def test_too_few_people_seed_no_hall_of_fame(session: AsyncSession) -> None:
    await _contributors(session, 3)
    counts = await seed_hall_of_fame(
        await session.connection(), random.Random(3), 1.0, load_hall_of_fame_config(), now=NOW
    )
    assert not counts
    assert await session.scalar(select(func.count()).select_from(HallOfFameRound)) == 0
