"""Demo Hall of Fame: three closed rounds with a few inductees each (and nominations that were
not inducted), this year's open round with nominations under review, some voted on; each
citation links the nominee's own work (ledger entries, an engagement they contributed to,
events they spoke at, accepted forum answers), and the decided ones notified their people.

Candidates are the engineers with the most countersigned hours, then speakers and authors of
accepted answers, so every scale has nominees. Voters are a panel of senior engineers standing
in for the council (the seed creates no accounts, so no one holds the COUNCIL_ADMIN role);
closed rounds' tallies agree with contributions_config/hall_of_fame.toml.
"""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.hall_of_fame_config import HallOfFameConfig
from db.models import (
    HallOfFameEvidence,
    HallOfFameNomination,
    HallOfFameRound,
    HallOfFameVote,
    Notification,
)

HALL_OF_FAME_TABLES = (
    "hall_of_fame_rounds",
    "hall_of_fame_nominations",
    "hall_of_fame_evidence",
    "hall_of_fame_votes",
)
CLOSED_ROUNDS = 3
PANEL = 7
CITATIONS = (
    "For {hours} hours of countersigned mentoring and advice given back to engineers at home.",
    "Gave {hours} hours to students and startups at home, and shares what they know freely.",
    "A generous contributor: {hours} hours of supervision, talks and answers to colleagues.",
)

CANDIDATES = """
SELECT e.id, coalesce(l.minutes, 0) AS minutes
FROM engineers e
LEFT JOIN (SELECT engineer_id, sum(minutes) AS minutes FROM ledger_entries GROUP BY engineer_id)
    l ON l.engineer_id = e.id
WHERE l.engineer_id IS NOT NULL
   OR e.id IN (SELECT engineer_id FROM event_speakers WHERE engineer_id IS NOT NULL)
   OR e.id IN (SELECT p.author_id FROM forum_threads t JOIN forum_posts p
               ON p.id = t.accepted_post_id)
ORDER BY coalesce(l.minutes, 0) DESC, e.id
LIMIT :limit
"""
EVIDENCE = """
(SELECT 'LEDGER_ENTRY' AS kind, id FROM ledger_entries WHERE engineer_id = :id
 ORDER BY minutes DESC, id LIMIT 2)
UNION ALL
(SELECT 'ENGAGEMENT', id FROM engagements WHERE contributor_id = :id ORDER BY id LIMIT 1)
UNION ALL
(SELECT 'EVENT_SPOKEN_AT', event_id FROM event_speakers WHERE engineer_id = :id
 ORDER BY event_id LIMIT 1)
UNION ALL
(SELECT 'ACCEPTED_ANSWER', p.id FROM forum_threads t JOIN forum_posts p
 ON p.id = t.accepted_post_id WHERE p.author_id = :id ORDER BY p.id LIMIT 1)
"""
COLUMNS = {
    "LEDGER_ENTRY": "ledger_entry_id",
    "ENGAGEMENT": "engagement_id",
    "EVENT_SPOKEN_AT": "event_id",
    "ACCEPTED_ANSWER": "forum_post_id",
}


def _tally(rng: random.Random, config: HallOfFameConfig, inducted: bool) -> list[bool]:
    """Votes that induct (quorum, majority in favour) or not, per the config."""
    while True:
        cast = rng.randint(config.quorum, max(config.quorum, PANEL - 2))
        if inducted:
            votes = [True] * cast
            for index in range(rng.randint(0, (cast - 1) // 3)):
                votes[index] = False
        else:
            cast = rng.randint(max(0, config.quorum - 2), cast)
            against = rng.randint((cast + 1) // 2, cast) if cast else 0
            votes = [False] * against + [True] * (cast - against)
        rng.shuffle(votes)
        if config.inducts(votes.count(True), votes.count(False)) == inducted:
            return votes


async def seed_hall_of_fame(
    connection: AsyncConnection,
    rng: random.Random,
    scale: float,
    config: HallOfFameConfig,
    now: datetime | None = None,
) -> Counter[str]:
    """Rounds, nominations in every state, evidence, votes and decision notifications."""
    counts: Counter[str] = Counter()
    now = now or datetime.now(UTC)
    per_round = 3 + int(2 * min(scale, 10))
    rounds = CLOSED_ROUNDS + 1
    found = await connection.execute(text(CANDIDATES), {"limit": per_round * rounds + PANEL})
    candidates = [(row[0], int(row[1])) for row in found]
    if len(candidates) < PANEL + 2:
        return counts
    panel = [engineer for engineer, _ in candidates[:PANEL]]
    nominees = candidates[PANEL:]
    rng.shuffle(nominees)
    everyone = [row[0] for row in await connection.execute(text("SELECT id FROM engineers"))]
    for offset in range(rounds):
        year = now.year - CLOSED_ROUNDS + offset
        closed = offset < CLOSED_ROUNDS
        opened_at = datetime(year, 1, 15, 9, tzinfo=UTC)
        round_id = (
            await connection.execute(
                insert(HallOfFameRound)
                .values(
                    year=year,
                    status="CLOSED" if closed else "OPEN",
                    opened_at=opened_at,
                    closed_at=datetime(year, 11, 30, 17, tzinfo=UTC) if closed else None,
                )
                .returning(HallOfFameRound.id)
            )
        ).scalar_one()
        counts["hall_of_fame_rounds"] += 1
        batch = nominees[offset * per_round : (offset + 1) * per_round]
        for index, (nominee, minutes) in enumerate(batch):
            inducted = closed and index % 3 != 2
            status = ("INDUCTED" if inducted else "NOT_INDUCTED") if closed else "UNDER_REVIEW"
            nominator = rng.choice(everyone)
            while nominator == nominee:
                nominator = rng.choice(everyone)
            created = min(opened_at + timedelta(days=10 + 7 * index), now - timedelta(hours=1))
            nomination_id = (
                await connection.execute(
                    insert(HallOfFameNomination)
                    .values(
                        round_id=round_id,
                        year=year,
                        nominee_id=nominee,
                        nominator_id=nominator,
                        citation=rng.choice(CITATIONS).format(hours=round(minutes / 60)),
                        status=status,
                        created_at=created,
                        decided_at=datetime(year, 11, 30, 17, tzinfo=UTC) if closed else None,
                    )
                    .returning(HallOfFameNomination.id)
                )
            ).scalar_one()
            counts[f"nominations_{status.lower()}"] += 1
            evidence = list(await connection.execute(text(EVIDENCE), {"id": nominee}))
            rows: list[dict[str, Any]] = []
            for position, (kind, key) in enumerate(evidence):
                row: dict[str, Any] = dict.fromkeys(COLUMNS.values())
                row.update(nomination_id=nomination_id, position=position, kind=kind)
                row[COLUMNS[kind]] = key
                rows.append(row)
            if rows:
                await connection.execute(insert(HallOfFameEvidence), rows)
                counts["hall_of_fame_evidence"] += len(rows)
            votes = _tally(rng, config, inducted) if closed else []
            if not closed and index % 2 == 0:
                votes = [rng.random() < 0.75 for _ in range(rng.randint(1, PANEL - 2))]
            voters = [voter for voter in panel if voter not in (nominee, nominator)]
            ballots = [
                {"nomination_id": nomination_id, "voter_id": voter, "in_favour": vote}
                for voter, vote in zip(voters, votes, strict=False)
            ]
            if ballots:
                await connection.execute(insert(HallOfFameVote), ballots)
                counts["hall_of_fame_votes"] += len(ballots)
            if closed:
                decided = datetime(year, 11, 30, 17, tzinfo=UTC)
                notices = [
                    {
                        "recipient_id": nominator,
                        "kind": "HALL_OF_FAME_DECIDED",
                        "payload": {
                            "year": year,
                            "nomination": nomination_id,
                            "inducted": inducted,
                            "summary": f"Your {year} Hall of Fame nominee "
                            + ("was inducted" if inducted else "was not inducted"),
                        },
                        "created_at": decided,
                        "read_at": decided + timedelta(days=1),
                    }
                ]
                if inducted:
                    notices.append(
                        {
                            "recipient_id": nominee,
                            "kind": "HALL_OF_FAME_INDUCTED",
                            "payload": {
                                "year": year,
                                "nomination": nomination_id,
                                "summary": f"You were inducted into the {year} Hall of Fame",
                            },
                            "created_at": decided,
                            "read_at": decided + timedelta(days=1),
                        }
                    )
                await connection.execute(insert(Notification), notices)
                counts["notifications"] += len(notices)
    return counts
