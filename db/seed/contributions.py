"""Contribution demo data: opportunities of every kind and status, invitations, applications
and proposals, engagements in every state with milestones, sessions, feedback, problem reports,
the ledger entries of countersigned work, and notifications."""

import itertools
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.cpd import CpdConfig
from db.enums import EngagementKind, SkillLevel
from db.seed import bulk
from db.seed.tables import Row

OPPORTUNITIES_PER_SCALE = 300
REFERENCE_TIME = datetime(2026, 6, 30, 12, tzinfo=UTC)
KINDS = tuple(EngagementKind)
LEVELS = tuple(SkillLevel)
OCCUPYING = ("PROPOSED", "ACTIVE", "PAUSED")
# stored status, share; an OPEN row with a past deadline reads EXPIRED
STATUS_PLAN = (("DRAFT", 8), ("OPEN", 40), ("EXPIRED", 10), ("FILLED", 27), ("CLOSED", 15))
ENGAGEMENT_PLAN = (
    ("ACTIVE", 34),
    ("COMPLETED", 30),
    ("PROPOSED", 10),
    ("PAUSED", 6),
    ("CANCELLED", 10),
    ("DECLINED", 10),
)
ASKS = {
    "MENTORSHIP": "Mentor for a young engineer in {sector}",
    "PROJECT_SUPERVISION": "Co-supervise a final-year project on {skill}",
    "RESEARCH_GUIDANCE": "Research guidance: {skill} for {sector}",
    "STARTUP_ADVISORY": "Advise a {sector} startup on {skill}",
    "UNIVERSITY_COLLABORATION": "Joint teaching module in {sector}",
    "ADVISORY_PANEL": "Join the {sector} industry advisory panel",
    "CURRICULUM_REVIEW": "Review the {skill} curriculum",
    "CONSULTANCY": "RFP: {skill} assessment for a {sector} programme",
    "INVESTMENT": "Angel round for a {sector} venture",
}
MESSAGES = (
    "I have done this kind of work for a decade and would be glad to give back.",
    "I can give two evenings a month and bring case studies from my current job.",
    "This is close to my research; happy to share data sets and contacts.",
    "I supervised similar projects abroad and can start next month.",
)
NOTES = (
    "Reviewed progress and agreed next steps.",
    "Walked through the design calculations together.",
    "Discussed literature and the experiment plan.",
    "Mock interview and CV review.",
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "opportunities": (
        "id", "kind", "title", "description", "poster_id", "institution_id", "disciplines",
        "hours_per_month", "duration_months", "timezone_window_start", "timezone_window_end",
        "languages", "remote", "country_code", "city", "deadline", "visibility", "status",
        "created_at", "updated_at",
    ),
    "opportunity_sectors": ("opportunity_id", "sector_id"),
    "opportunity_skills": ("opportunity_id", "skill_id", "minimum_level"),
    "opportunity_chapters": ("opportunity_id", "chapter_id"),
    "invitations": ("id", "opportunity_id", "engineer_id", "message", "status", "created_at",
                    "answered_at"),
    "applications": (
        "id", "opportunity_id", "applicant_id", "message", "proposal_price", "proposal_currency",
        "proposal_timeline", "proposal_approach", "status", "decline_reason", "created_at",
        "decided_at",
    ),
    "engagements": (
        "id", "kind", "opportunity_id", "application_id", "contributor_id", "seeker_id",
        "institution_id", "hours_per_month", "status", "cancel_reason", "started_at",
        "completed_at", "created_at", "updated_at",
    ),
    "engagement_milestones": ("id", "engagement_id", "title", "due_on", "minutes", "status",
                              "countersigned_at", "countersigned_by_id"),
    "engagement_sessions": ("id", "engagement_id", "held_on", "minutes", "notes", "attendee_ids",
                            "logged_by_id", "countersigned_at", "countersigned_by_id",
                            "created_at"),
    "engagement_feedback": ("id", "engagement_id", "author_id", "subject_id", "rating",
                            "comment", "created_at"),
    "engagement_problem_reports": ("id", "engagement_id", "reporter_id", "description",
                                   "resumes_as", "status", "resolution", "resolved_by_id",
                                   "created_at", "resolved_at"),
    "ledger_entries": ("id", "engineer_id", "engagement_id", "session_id", "milestone_id", "kind",
                       "sector_id", "counterpart_id", "counterpart_institution_id", "minutes",
                       "cpd_points", "occurred_on", "created_at"),
    "notifications": ("id", "recipient_id", "kind", "opportunity_id", "application_id",
                      "engagement_id", "payload", "created_at", "read_at"),
}  # fmt: skip
CONTRIBUTION_TABLES = tuple(COLUMNS)
SEQUENCED = tuple(table for table, columns in COLUMNS.items() if columns[0] == "id")


@dataclass
class Contributor:
    """An overseas engineer who offers kinds of help, and the capacity they have left."""

    id: int
    offers: tuple[str, ...]
    slots: int
    hours: int


@dataclass
class Source:
    """What the seed draws from: sectors with skills, seekers, contributors, chapters."""

    sectors: list[tuple[int, str]]
    skills_by_sector: dict[int, list[tuple[int, str]]]
    seekers: list[int]
    staff: dict[int, list[int]]
    contributors: list[Contributor]
    chapters: list[int]


@dataclass
class Tables:
    """Rows per table, and the next id per table."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    ids: Counter[str] = field(default_factory=Counter)

    def add(self, table: str, *values: object) -> int:
        """Append a row whose first column is a fresh id; returns the id."""
        self.ids[table] += 1
        self.rows[table].append((self.ids[table], *values))
        return self.ids[table]

    def link(self, table: str, *values: object) -> None:
        """Append a row without an id."""
        self.rows[table].append(tuple(values))


async def _source(connection: AsyncConnection) -> Source:
    """Read what the engineer seed wrote."""
    sectors = [(r.id, r.name) for r in await connection.execute(text(
        "SELECT id, name FROM sectors ORDER BY id"))]  # fmt: skip
    skills: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for row in await connection.execute(
        text("SELECT id, name, sector_id FROM skills WHERE sector_id IS NOT NULL ORDER BY id")
    ):
        skills[row.sector_id].append((row.id, row.name))
    seekers = list(
        (await connection.execute(text(
            "SELECT id FROM engineers WHERE NOT is_overseas ORDER BY id"))).scalars()
    )  # fmt: skip
    staff: dict[int, list[int]] = defaultdict(list)
    for row in await connection.execute(
        text("SELECT institution_id, engineer_id FROM affiliations ORDER BY institution_id, id")
    ):
        staff[row.institution_id].append(row.engineer_id)
    contributors = [
        Contributor(row.id, tuple(row.offers), row.max_mentees, row.capacity_hours_per_month)
        for row in await connection.execute(
            text(
                "SELECT id, offers, max_mentees, capacity_hours_per_month FROM engineers"
                " WHERE is_overseas AND cardinality(offers) > 0 AND max_mentees > 0"
                " ORDER BY id"
            )
        )
    ]
    chapters = list(
        (await connection.execute(text(
            "SELECT id FROM chapters WHERE archived_at IS NULL ORDER BY id"))).scalars()
    )  # fmt: skip
    return Source(sectors, skills, seekers, staff, contributors, chapters)


def _pick(rng: random.Random, plan: tuple[tuple[str, int], ...]) -> str:
    """A weighted choice from a (value, weight) plan."""
    return rng.choices([value for value, _ in plan], [weight for _, weight in plan])[0]


class ContributionFactory:
    """Builds every contribution row in memory, deterministically from one random stream."""

    def __init__(self, rng: random.Random, source: Source, cpd: CpdConfig) -> None:
        self.rng = rng
        self.source = source
        self.cpd = cpd
        self.tables = Tables()
        self.by_kind: dict[str, list[Contributor]] = defaultdict(list)
        for contributor in source.contributors:
            for kind in contributor.offers:
                self.by_kind[kind].append(contributor)
        # a few stars contribute far more often, so the top of the ledger earns badges
        self.stars = {c.id for c in source.contributors[:: max(1, len(source.contributors) // 40)]}
        self.cumulative: dict[str, list[int]] = {}

    def _contributor(self, kind: str, exclude: set[int]) -> Contributor | None:
        """A contributor offering `kind` not in `exclude`, stars ten times likelier."""
        pool = self.by_kind.get(kind)
        if not pool:
            return None
        if kind not in self.cumulative:
            weights = itertools.accumulate(10 if c.id in self.stars else 1 for c in pool)
            self.cumulative[kind] = list(weights)
        for _ in range(10):
            pick = self.rng.choices(pool, cum_weights=self.cumulative[kind])[0]
            if pick.id not in exclude:
                return pick
        return None

    def opportunity(self, number: int) -> None:
        """One opportunity with its tags, audience, applications and perhaps an engagement."""
        rng, t = self.rng, self.tables
        kind = KINDS[number % len(KINDS)].value
        status = _pick(rng, STATUS_PLAN)
        sector_id, sector_name = rng.choice(self.source.sectors)
        skills = self.source.skills_by_sector.get(sector_id, [])
        wanted = rng.sample(skills, min(len(skills), rng.randint(1, 3)))
        first_skill = wanted[0][1].lower() if wanted else "engineering"
        institution_id = None
        poster_id: int | None = rng.choice(self.source.seekers)
        if self.source.staff and rng.random() < 0.4:
            institution_id = rng.choice(sorted(self.source.staff))
            poster_id = rng.choice(self.source.staff[institution_id])
        created = REFERENCE_TIME - timedelta(days=rng.randint(5, 400), minutes=number)
        deadline = (
            REFERENCE_TIME - timedelta(days=rng.randint(1, 60))
            if status == "EXPIRED"
            else datetime(2031, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 700))
        )
        visibility = rng.choices(("PUBLIC", "CHAPTER", "INVITED"), (75, 15, 10))[0]
        hours = rng.choice((2, 4, 4, 6, 8))
        remote = rng.random() < 0.8
        opportunity_id = t.add(
            "opportunities", kind,
            ASKS[kind].format(sector=sector_name.lower(), skill=first_skill),
            f"We are looking for an experienced engineer in {sector_name.lower()}. "
            f"Skills: {', '.join(name for _, name in wanted)}.",
            poster_id, institution_id, [], hours, rng.choice((3, 6, 6, 12)),
            rng.choice((3, 4, 5)), rng.choice((12, 14, 16)), ["en", "ur"] if rng.random() < 0.5
            else ["en"], remote, "PK", None if remote else rng.choice(("Lahore", "Karachi")),
            deadline, visibility, "OPEN" if status == "EXPIRED" else status, created, created,
        )  # fmt: skip
        t.link("opportunity_sectors", opportunity_id, sector_id)
        for skill_id, _ in wanted:
            t.link("opportunity_skills", opportunity_id, skill_id, rng.choice(LEVELS[:3]).value)
        if visibility == "CHAPTER" and self.source.chapters:
            t.link("opportunity_chapters", opportunity_id, rng.choice(self.source.chapters))
        seen: set[int] = {poster_id} if poster_id is not None else set()
        if visibility == "INVITED" or rng.random() < 0.1:
            for _ in range(rng.randint(1, 3)):
                invitee = self._contributor(kind, seen)
                if invitee is None:
                    break
                seen.add(invitee.id)
                answered = rng.choice(("PENDING", "ACCEPTED", "DECLINED"))
                t.add("invitations", opportunity_id, invitee.id, "We would value your help.",
                      answered, created + timedelta(days=1),
                      None if answered == "PENDING" else created + timedelta(days=3))  # fmt: skip
                self.notify(invitee.id, "INVITATION_RECEIVED", created, opportunity_id)
        if status == "DRAFT":
            return
        seeker = (poster_id, institution_id)
        accepted_made = False
        for _ in range(rng.randint(1, 5)):
            applicant = self._contributor(kind, seen)
            if applicant is None:
                break
            seen.add(applicant.id)
            applied = created + timedelta(days=rng.randint(1, 20))
            wants_engagement = not accepted_made and (
                status == "FILLED" or (status == "CLOSED" and rng.random() < 0.4)
            )
            state = "ACCEPTED" if wants_engagement else rng.choice(
                ("SUBMITTED", "SHORTLISTED", "DECLINED", "WITHDRAWN"))  # fmt: skip
            proposal: tuple[object, ...] = (None, None, None, None)
            if kind == "CONSULTANCY":
                price = Decimal(rng.randrange(500, 20000, 250))
                weeks = f"{rng.randint(2, 12)} weeks"
                proposal = (price, rng.choice(("USD", "PKR")), weeks, "Assess, design, hand over.")
            application_id = t.add(
                "applications", opportunity_id, applicant.id, rng.choice(MESSAGES), *proposal,
                state, "We went with another applicant." if state == "DECLINED" else None,
                applied, None if state == "SUBMITTED" else applied + timedelta(days=4),
            )  # fmt: skip
            for recipient in self._seeker_people(seeker):
                self.notify(recipient, "APPLICATION_RECEIVED", applied, opportunity_id,
                            application_id=application_id)  # fmt: skip
            if state == "ACCEPTED":
                accepted_made = True
                self.engagement(kind, opportunity_id, application_id, applicant, seeker, hours,
                                sector_id, applied + timedelta(days=5))  # fmt: skip

    def _seeker_people(self, seeker: tuple[int | None, int | None]) -> list[int]:
        """Who hears for the seeker side."""
        poster_id, institution_id = seeker
        if poster_id is not None:
            return [poster_id]
        return self.source.staff.get(institution_id or 0, [])

    def notify(
        self,
        recipient: int,
        kind: str,
        when: datetime,
        opportunity_id: int | None = None,
        *,
        application_id: int | None = None,
        engagement_id: int | None = None,
    ) -> None:
        """A notification row, read when older than a fortnight before the reference time."""
        read = when + timedelta(days=1) if when < REFERENCE_TIME - timedelta(days=14) else None
        self.tables.add("notifications", recipient, kind, opportunity_id, application_id,
                        engagement_id, "{}", when, read)  # fmt: skip

    def engagement(
        self,
        kind: str,
        opportunity_id: int,
        application_id: int,
        contributor: Contributor,
        seeker: tuple[int | None, int | None],
        hours: int,
        sector_id: int,
        accepted: datetime,
    ) -> None:
        """An engagement in a planned state (occupying states only within capacity)."""
        rng, t = self.rng, self.tables
        state = _pick(rng, ENGAGEMENT_PLAN)
        if state in OCCUPYING:
            if contributor.slots < 1 or contributor.hours < hours:
                state = "COMPLETED"
            else:
                contributor.slots -= 1
                contributor.hours -= hours
        poster_id, institution_id = seeker
        started = accepted + timedelta(days=rng.randint(2, 10))
        completed = started + timedelta(days=rng.randint(60, 200)) if state == "COMPLETED" else None
        engagement_id = t.add(
            "engagements", kind, opportunity_id, application_id, contributor.id, poster_id,
            institution_id, hours, state,
            "The student changed topic." if state == "CANCELLED" else None,
            None if state in ("PROPOSED", "DECLINED") else started, completed, accepted,
            completed or started,
        )  # fmt: skip
        self.notify(contributor.id, "APPLICATION_ACCEPTED", accepted, opportunity_id,
                    application_id=application_id, engagement_id=engagement_id)  # fmt: skip
        if state in ("PROPOSED", "DECLINED"):
            return
        signer = poster_id
        counterpart = self._seeker_people(seeker)
        attendees = [contributor.id, *counterpart[:1]]
        day = started.date()
        for number in range(rng.randint(2, 9)):
            day += timedelta(days=rng.randint(7, 21))
            minutes = rng.choice((30, 45, 60, 60, 90, 120))
            signed = number < 7 and (state == "COMPLETED" or rng.random() < 0.8)
            signed_at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(days=2)
            session_id = t.add(
                "engagement_sessions", engagement_id, day, minutes, rng.choice(NOTES), attendees,
                contributor.id, signed_at if signed else None,
                (signer or (counterpart[0] if counterpart else None)) if signed else None,
                signed_at - timedelta(days=1),
            )  # fmt: skip
            if signed:
                self.ledger(contributor.id, engagement_id, kind, sector_id, seeker, minutes, day,
                            session_id=session_id)  # fmt: skip
            elif counterpart:
                self.notify(counterpart[0], "COUNTERSIGN_REQUESTED", signed_at, opportunity_id,
                            engagement_id=engagement_id)  # fmt: skip
        for number in range(rng.randint(1, 3)):
            due = started.date() + timedelta(days=45 * (number + 1))
            minutes = rng.choice((240, 480, 600, 900, 1200))
            stage = "COUNTERSIGNED" if state == "COMPLETED" else rng.choice(
                ("PLANNED", "DONE", "COUNTERSIGNED"))  # fmt: skip
            signed_at = datetime.combine(due, datetime.min.time(), UTC)
            milestone_id = t.add(
                "engagement_milestones", engagement_id, f"Deliverable {number + 1}", due, minutes,
                stage, signed_at if stage == "COUNTERSIGNED" else None,
                (signer or (counterpart[0] if counterpart else None))
                if stage == "COUNTERSIGNED" else None,
            )  # fmt: skip
            if stage == "COUNTERSIGNED":
                self.ledger(contributor.id, engagement_id, kind, sector_id, seeker, minutes, due,
                            milestone_id=milestone_id)  # fmt: skip
        if state == "COMPLETED" and completed is not None:
            other = counterpart[0] if counterpart else None
            if other is not None:
                t.add("engagement_feedback", engagement_id, other, contributor.id,
                      rng.choice((3, 4, 4, 5, 5, 5)), "Generous with time.", completed)  # fmt: skip
                if rng.random() < 0.8:
                    t.add("engagement_feedback", engagement_id, contributor.id, other,
                          rng.choice((4, 5, 5)), "Well prepared.", completed)  # fmt: skip
        if state == "PAUSED" or (state == "ACTIVE" and rng.random() < 0.1):
            opened = started + timedelta(days=30)
            resolved = state != "PAUSED"
            t.add("engagement_problem_reports", engagement_id, contributor.id,
                  "Sessions were missed twice in a row.", "ACTIVE",
                  "RESOLVED" if resolved else "OPEN", "Agreed a new schedule." if resolved
                  else None, None, opened, opened + timedelta(days=5) if resolved else None,
            )  # fmt: skip

    def ledger(
        self,
        engineer_id: int,
        engagement_id: int,
        kind: str,
        sector_id: int,
        seeker: tuple[int | None, int | None],
        minutes: int,
        day: date,
        *,
        session_id: int | None = None,
        milestone_id: int | None = None,
    ) -> None:
        """The ledger entry of countersigned work, with its CPD points."""
        points = self.cpd.points(kind, Decimal(minutes) / 60, milestone=milestone_id is not None)
        self.tables.add(
            "ledger_entries", engineer_id, engagement_id, session_id, milestone_id, kind,
            sector_id, seeker[0], seeker[1], minutes, points, day,
            datetime.combine(day, datetime.min.time(), UTC),
        )  # fmt: skip


async def seed_contributions(
    connection: AsyncConnection, rng: random.Random, scale: float, cpd: CpdConfig
) -> Counter[str]:
    """Write the contribution rows for an engineer seed of `scale`; returns counts per table."""
    source = await _source(connection)
    counts: Counter[str] = Counter()
    if not source.sectors or not source.seekers or not source.contributors:
        return counts
    factory = ContributionFactory(rng, source, cpd)
    for number in range(int(OPPORTUNITIES_PER_SCALE * scale)):
        factory.opportunity(number)
    driver = await bulk.driver_connection(connection)
    for table, columns in COLUMNS.items():
        rows = factory.tables.rows[table]
        await bulk.copy_rows(driver, table, columns, rows)
        counts[table] = len(rows)
    for table in SEQUENCED:
        await connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                " HAVING max(id) IS NOT NULL"
            )
        )
    return counts
