"""Demo investment asks and advisory panels: open and closed asks with disclosed, undisclosed
and withdrawn commitments; panels open and closed with candidacies in every state, seats
upcoming, serving and ended (each an engagement), and meetings logged as countersigned
sessions in the contribution ledger."""

import random
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.cpd import CpdConfig
from db.models import (
    AdvisoryPanel,
    Engagement,
    EngagementSession,
    InvestmentAsk,
    InvestmentCommitment,
    LedgerEntry,
    Notification,
    PanelAttendance,
    PanelCandidacy,
    PanelMeeting,
    PanelMembership,
)

PANEL_TABLES = (
    "investment_asks",
    "investment_commitments",
    "advisory_panels",
    "panel_candidacies",
    "panel_memberships",
    "panel_meetings",
    "panel_meeting_attendance",
    "engagements",
    "engagement_sessions",
    "ledger_entries",
    "notifications",
)
STAGES = ("PRE_SEED", "SEED", "SEED", "SERIES_A", "SERIES_B", "GROWTH")
CURRENCIES = ("PKR", "PKR", "USD", "AED", "GBP")
USES = (
    "Pilot installations and the first field engineers.",
    "Certification, tooling and a second production line.",
    "Hiring two firmware engineers and a sales lead for the Gulf.",
    "Working capital for the first three utility contracts.",
)
CONDITIONS = ("", "", "After a site visit.", "Board observer seat.", "Matched by a second angel.")
PANELS = (
    ("ADVISORY", "Industry advisory panel on {sector}"),
    ("CURRICULUM_REVIEW", "Curriculum review: {sector}"),
    ("ADVISORY", "Provincial {sector} policy panel"),
)
MEETINGS = ("Inception meeting", "Quarterly review", "Curriculum walkthrough", "Annual report")


async def _staffed(connection: AsyncConnection, kinds: tuple[str, ...]) -> list[Any]:
    """(institution id, name, staff ids) of institutions of `kinds` that have staff."""
    result = await connection.execute(
        text(
            "SELECT i.id, i.name, array_agg(a.engineer_id ORDER BY a.engineer_id) AS staff"
            " FROM institutions i JOIN affiliations a ON a.institution_id = i.id"
            " WHERE i.kind = ANY(:kinds) GROUP BY i.id ORDER BY i.id"
        ),
        {"kinds": list(kinds)},
    )
    return list(result)


async def _ids(connection: AsyncConnection, query: str) -> list[int]:
    return list((await connection.execute(text(query))).scalars())


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high, 500)).quantize(Decimal("0.01"))


async def _asks(
    connection: AsyncConnection,
    rng: random.Random,
    count: int,
    investors: list[int],
    now: datetime,
    counts: Counter[str],
) -> None:
    startups = await _staffed(connection, ("STARTUP",))
    sectors = await _ids(connection, "SELECT id FROM sectors ORDER BY id")
    if not startups or not investors:
        return
    for number in range(count):
        startup = startups[number % len(startups)]
        closed = number % 3 == 2
        ask = {
            "institution_id": startup.id,
            "posted_by_id": startup.staff[0],
            "title": f"{STAGES[number % len(STAGES)].replace('_', ' ').title()} round:"
            f" {startup.name}",
            "amount_sought": _amount(rng, 500_000, 50_000_000),
            "currency": CURRENCIES[number % len(CURRENCIES)],
            "stage": STAGES[number % len(STAGES)],
            "sector_id": sectors[number % len(sectors)] if sectors else None,
            "use_of_funds": USES[number % len(USES)],
            "status": "CLOSED" if closed else "OPEN",
            "closed_at": now - timedelta(days=rng.randint(5, 60)) if closed else None,
        }
        ask_id = (
            await connection.execute(insert(InvestmentAsk).returning(InvestmentAsk.id), [ask])
        ).scalar_one()
        counts["investment_asks"] += 1
        committers = [
            i for i in rng.sample(investors, min(len(investors), 7)) if i not in startup.staff
        ]
        rows = []
        for place, committer in enumerate(committers[: rng.randint(2, 7)]):
            withdrawn = place % 5 == 4
            rows.append(
                {
                    "ask_id": ask_id,
                    "committer_id": committer,
                    "amount": _amount(rng, 10_000, 2_000_000),
                    "conditions": rng.choice(CONDITIONS),
                    "disclosed": rng.random() < 0.5,
                    "status": "WITHDRAWN" if withdrawn else "ACTIVE",
                    "withdrawn_at": now - timedelta(days=place + 1) if withdrawn else None,
                }
            )
        if rows:
            await connection.execute(insert(InvestmentCommitment), rows)
        counts["investment_commitments"] += len(rows)
        staff_notes = [
            {
                "recipient_id": person,
                "kind": "INVESTMENT_COMMITMENT_CHANGED",
                "actor_id": row["committer_id"] if row["disclosed"] else None,
                "payload": {"action": "COMMITTED"},
            }
            for row in rows[:2]
            for person in startup.staff[:2]
        ]
        if staff_notes:
            await connection.execute(insert(Notification), staff_notes)
            counts["notifications"] += len(staff_notes)


class _Panels:
    """Builds panels with candidacies, seats (engagements), meetings (sessions, ledger)."""

    def __init__(
        self,
        connection: AsyncConnection,
        rng: random.Random,
        cpd: CpdConfig,
        counts: Counter[str],
        today: date,
    ) -> None:
        self.connection = connection
        self.rng = rng
        self.cpd = cpd
        self.counts = counts
        self.today = today

    async def add(self, owner: Any, number: int, sector: str, people: list[int]) -> None:
        """One panel of `owner`; its term past, current or future by `number`."""
        kind, name = PANELS[number % len(PANELS)]
        phase = ("current", "current", "past", "future")[number % 4]
        starts = {
            "current": self.today - timedelta(days=200),
            "past": self.today - timedelta(days=800),
            "future": self.today + timedelta(days=40),
        }[phase]
        ends = starts + timedelta(days=730 if phase != "past" else 365)
        seats = self.rng.randint(3, 7)
        panel = {
            "institution_id": owner.id,
            "created_by_id": owner.staff[0],
            "name": name.format(sector=sector),
            "purpose": f"Advise {owner.name} on {sector.lower()}: priorities, partners, skills.",
            "kind": kind,
            "seats": seats,
            "term_starts_on": starts,
            "term_ends_on": ends,
            "status": "OPEN" if phase != "past" and number % 3 != 1 else "CLOSED",
            "closed_at": None
            if phase != "past" and number % 3 != 1
            else datetime.now(UTC) - timedelta(days=3),
        }
        panel_id = (
            await self.connection.execute(
                insert(AdvisoryPanel).returning(AdvisoryPanel.id), [panel]
            )
        ).scalar_one()
        self.counts["advisory_panels"] += 1
        candidates = [p for p in people if p not in owner.staff][: seats + 3]
        appointed = candidates[: max(1, seats - 1)]
        rest = candidates[len(appointed) :]
        statuses = ("PENDING", "NOMINATED", "WITHDRAWN")
        candidacies = [
            {
                "panel_id": panel_id,
                "candidate_id": person,
                "source": "APPLIED" if index % 2 else "NOMINATED",
                "nominated_by_id": None if index % 2 else candidates[(index + 1) % len(candidates)],
                "statement": "Two decades in the field; keen to give back.",
                "status": "APPOINTED",
            }
            for index, person in enumerate(appointed)
        ] + [
            {
                "panel_id": panel_id,
                "candidate_id": person,
                "source": "NOMINATED" if statuses[index % 3] == "NOMINATED" else "APPLIED",
                "nominated_by_id": owner.staff[0] if statuses[index % 3] == "NOMINATED" else None,
                "statement": "",
                "status": statuses[index % 3],
            }
            for index, person in enumerate(rest)
        ]
        ids = list(
            (
                await self.connection.execute(
                    insert(PanelCandidacy).returning(PanelCandidacy.id), candidacies
                )
            ).scalars()
        )
        self.counts["panel_candidacies"] += len(ids)
        seats_rows = []
        for index, (person, candidacy_id) in enumerate(zip(appointed, ids, strict=False)):
            ended_early = phase == "current" and index == len(appointed) - 1 and index > 0
            seats_rows.append(
                await self._seat(
                    owner, kind, panel_id, person, candidacy_id, starts, ends, ended_early
                )
            )
        if phase != "future":
            await self._meetings(kind, panel_id, owner, seats_rows, starts, min(ends, self.today))

    async def _seat(
        self,
        owner: Any,
        kind: str,
        panel_id: int,
        person: int,
        candidacy_id: int,
        starts: date,
        ends: date,
        ended_early: bool,
    ) -> tuple[int, int, int, date, date]:
        over = ended_early or ends < self.today
        begun = datetime.combine(starts, datetime.min.time(), UTC)
        seeker = owner.staff[0] if owner.staff[0] != person else None
        engagement = {
            "kind": kind if kind == "CURRICULUM_REVIEW" else "ADVISORY_PANEL",
            "contributor_id": person,
            "seeker_id": seeker,
            "institution_id": owner.id,
            "hours_per_month": 0,
            "status": "COMPLETED" if over else "ACTIVE",
            "started_at": begun,
            "completed_at": datetime.now(UTC) - timedelta(days=10) if over else None,
        }
        engagement_id = (
            await self.connection.execute(insert(Engagement).returning(Engagement.id), [engagement])
        ).scalar_one()
        self.counts["engagements"] += 1
        ended_on = self.today - timedelta(days=10) if ended_early else None
        membership = {
            "panel_id": panel_id,
            "member_id": person,
            "candidacy_id": candidacy_id,
            "engagement_id": engagement_id,
            "appointed_by_id": owner.staff[0],
            "term_starts_on": starts,
            "term_ends_on": ends,
            "ended_on": ended_on,
        }
        membership_id = (
            await self.connection.execute(
                insert(PanelMembership).returning(PanelMembership.id), [membership]
            )
        ).scalar_one()
        self.counts["panel_memberships"] += 1
        await self.connection.execute(
            insert(Notification),
            [
                {
                    "recipient_id": person,
                    "kind": "PANEL_APPOINTED",
                    "engagement_id": engagement_id,
                    "actor_id": owner.staff[0],
                    "payload": {},
                }
            ],
        )
        self.counts["notifications"] += 1
        return membership_id, engagement_id, person, starts, ended_on or ends

    async def _meetings(
        self,
        kind: str,
        panel_id: int,
        owner: Any,
        seats: list[tuple[int, int, int, date, date]],
        starts: date,
        until: date,
    ) -> None:
        span = max((until - starts).days, 1)
        for number in range(1 + span // 120):
            held = starts + timedelta(days=min(span, 30 + number * 120))
            minutes = self.rng.choice((60, 90, 120))
            meeting_id = (
                await self.connection.execute(
                    insert(PanelMeeting).returning(PanelMeeting.id),
                    [
                        {
                            "panel_id": panel_id,
                            "title": MEETINGS[number % len(MEETINGS)],
                            "held_on": held,
                            "minutes": minutes,
                            "notes": "Agreed priorities and the next steps.",
                            "logged_by_id": owner.staff[0],
                        }
                    ],
                )
            ).scalar_one()
            self.counts["panel_meetings"] += 1
            for membership_id, engagement_id, person, begun, ended in seats:
                if not begun <= held <= ended or self.rng.random() < 0.2:
                    continue
                await self._attend(
                    kind, owner, meeting_id, membership_id, engagement_id, person, held, minutes
                )

    async def _attend(
        self,
        kind: str,
        owner: Any,
        meeting_id: int,
        membership_id: int,
        engagement_id: int,
        person: int,
        held: date,
        minutes: int,
    ) -> None:
        signed = datetime.combine(held, datetime.min.time(), UTC) + timedelta(hours=20)
        seeker = owner.staff[0] if owner.staff[0] != person else None
        session_id = (
            await self.connection.execute(
                insert(EngagementSession).returning(EngagementSession.id),
                [
                    {
                        "engagement_id": engagement_id,
                        "held_on": held,
                        "minutes": minutes,
                        "notes": "Panel meeting.",
                        "attendee_ids": [person],
                        "logged_by_id": owner.staff[0],
                        "countersigned_at": signed,
                        "countersigned_by_id": owner.staff[0],
                    }
                ],
            )
        ).scalar_one()
        engagement_kind = kind if kind == "CURRICULUM_REVIEW" else "ADVISORY_PANEL"
        await self.connection.execute(
            insert(LedgerEntry),
            [
                {
                    "engineer_id": person,
                    "engagement_id": engagement_id,
                    "session_id": session_id,
                    "kind": engagement_kind,
                    "counterpart_id": seeker,
                    "counterpart_institution_id": owner.id,
                    "minutes": minutes,
                    "cpd_points": self.cpd.points(
                        engagement_kind, Decimal(minutes) / 60, milestone=False
                    ),
                    "occurred_on": held,
                }
            ],
        )
        await self.connection.execute(
            insert(PanelAttendance),
            [{"meeting_id": meeting_id, "membership_id": membership_id, "session_id": session_id}],
        )
        self.counts["engagement_sessions"] += 1
        self.counts["ledger_entries"] += 1


async def seed_panels(
    connection: AsyncConnection, rng: random.Random, scale: float, cpd: CpdConfig
) -> Mapping[str, int]:
    """Investment asks of startups with commitments, and panels of universities and public
    bodies with candidacies, seats and meetings; sizes grow with `scale` (capped at 4)."""
    counts: Counter[str] = Counter()
    now = datetime.now(UTC)
    factor = min(scale, 4)
    investors = await _ids(
        connection, "SELECT id FROM engineers WHERE is_overseas ORDER BY id LIMIT 400"
    )
    await _asks(connection, rng, max(3, round(12 * factor)), investors, now, counts)
    owners = await _staffed(connection, ("UNIVERSITY", "GOVERNMENT"))
    sectors = list(
        (await connection.execute(text("SELECT name FROM sectors ORDER BY id"))).scalars()
    )
    builder = _Panels(connection, rng, cpd, counts, now.date())
    for number in range(max(4, round(8 * factor)) if owners else 0):
        owner = owners[number % len(owners)]
        people = rng.sample(investors, min(len(investors), 12))
        sector = sectors[number % len(sectors)] if sectors else "Engineering"
        await builder.add(owner, number, sector, people)
    return counts
