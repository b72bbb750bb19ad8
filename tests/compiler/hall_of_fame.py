"""The compiled-read world's Hall of Fame: rounds (closed and open), nominations in every
state with votes, citing evidence of every kind and visibility (a public ledger entry, a
private engagement, public and members-only events, accepted answers in readable, hidden and
members-only threads)."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import HallOfFameEvidence, HallOfFameNomination, HallOfFameRound, HallOfFameVote
from graph.ids import decode_id, encode_id

if TYPE_CHECKING:
    from tests.compiler.conftest import World

KINDS = {
    "LedgerEntry": ("LEDGER_ENTRY", "ledger_entry_id"),
    "Engagement": ("ENGAGEMENT", "engagement_id"),
    "Event": ("EVENT_SPOKEN_AT", "event_id"),
    "ForumPost": ("ACCEPTED_ANSWER", "forum_post_id"),
}


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


async def build(session: AsyncSession, found: "World") -> None:
    """Rounds 2023 and 2024 (closed) and 2025 (open); five nominations."""
    rounds = {}
    for year, status in ((2023, "CLOSED"), (2024, "CLOSED"), (2025, "OPEN")):
        held = HallOfFameRound(
            year=year,
            status=status,
            opened_at=_at(year, 1, 1),
            closed_at=_at(year, 12, 1) if status == "CLOSED" else None,
        )
        session.add(held)
        await session.flush()
        rounds[year] = held
        found.ids[f"round-{year}"] = encode_id("HallOfFameRound", held.id)
    nominations = [
        (
            0,
            3,
            2024,
            "INDUCTED",
            [
                "ledger-0",
                "engagement-active",
                "event-members",
                "cmp-gulf-thread-2-post-5",
                "cmp-global-thread-1-post-2",
            ],
        ),
        (2, 1, 2024, "NOT_INDUCTED", ["event-open"]),
        (5, 1, 2025, "UNDER_REVIEW", ["engagement-done", "event-past"]),
        (1, 0, 2023, "INDUCTED", ["cmp-global-thread-2-post-5"]),
        (4, 3, 2025, "UNDER_REVIEW", ["cmp-uk-thread-2-post-5"]),
    ]
    for number, (nominee, nominator, year, status, evidence) in enumerate(nominations):
        row = HallOfFameNomination(
            round_id=rounds[year].id,
            year=year,
            nominee_id=found.pks[f"cmp-{nominee}"],
            nominator_id=found.pks[f"cmp-{nominator}"],
            citation=f'Cmp citation {number}: "gave back" ö',
            status=status,
            created_at=_at(year, 3, 1 + number),
            decided_at=_at(year, 12, 1) if status != "UNDER_REVIEW" else None,
        )
        session.add(row)
        await session.flush()
        found.ids[f"nomination-{number}"] = encode_id("HallOfFameNomination", row.id)
        for position, name in enumerate(evidence):
            decoded = decode_id(found.ids[name])
            kind, column = KINDS[decoded.type_name]
            session.add(
                HallOfFameEvidence(
                    nomination_id=row.id, position=position, kind=kind, **{column: decoded.key}
                )
            )
        for voter, in_favour in ((6, True), (4, False), (3, True)):
            if voter not in (nominee, nominator) and number != 1:
                session.add(
                    HallOfFameVote(
                        nomination_id=row.id,
                        voter_id=found.pks[f"cmp-{voter}"],
                        in_favour=in_favour,
                    )
                )
    await session.flush()
