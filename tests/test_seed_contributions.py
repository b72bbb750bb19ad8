"""Demo contribution data is deterministic, covers every kind and state, and keeps its rules:
capacity never exceeded, the ledger equal to the countersigned work."""

import random
from collections import Counter, defaultdict

from db.cpd import load_cpd_config
from db.enums import EngagementKind
from db.seed.contributions import (
    COLUMNS,
    OCCUPYING,
    OPPORTUNITIES_PER_SCALE,
    ContributionFactory,
    Contributor,
    Source,
)

KINDS = tuple(kind.value for kind in EngagementKind)


def source() -> Source:
    return Source(
        sectors=[(1, "Water Management"), (2, "Renewable Energy")],
        skills_by_sector={1: [(1, "Hydrology"), (2, "GIS")], 2: [(3, "Solar PV Design")]},
        seekers=list(range(1, 200)),
        staff={1: [300, 301], 2: [302]},
        contributors=[
            Contributor(id, KINDS[id % 9 :] + KINDS[: id % 9][:3], 2 + id % 3, 10 + id % 20)
            for id in range(400, 900)
        ],
        chapters=[1, 2, 3],
    )


def plan(random_seed: int = 5) -> dict[str, list[dict[str, object]]]:
    factory = ContributionFactory(random.Random(random_seed), source(), load_cpd_config())
    for number in range(OPPORTUNITIES_PER_SCALE):
        factory.opportunity(number)
    return {
        table: [dict(zip(columns, row, strict=True)) for row in factory.tables.rows[table]]
        for table, columns in COLUMNS.items()
    }


def test_the_same_seed_draws_the_same_contributions() -> None:
    assert plan() == plan()
    assert plan() != plan(6)


def test_every_kind_status_and_engagement_state_appears() -> None:
    rows = plan()
    assert len(rows["opportunities"]) == OPPORTUNITIES_PER_SCALE
    assert {row["kind"] for row in rows["opportunities"]} == set(KINDS)
    stored = Counter(str(row["status"]) for row in rows["opportunities"])
    assert set(stored) == {"DRAFT", "OPEN", "FILLED", "CLOSED"}
    assert {row["status"] for row in rows["engagements"]} == {
        "PROPOSED", "ACTIVE", "PAUSED", "COMPLETED", "CANCELLED", "DECLINED",
    }  # fmt: skip
    assert rows["engagement_feedback"]
    assert rows["engagement_milestones"]
    assert {row["status"] for row in rows["applications"]} == {
        "SUBMITTED", "SHORTLISTED", "ACCEPTED", "DECLINED", "WITHDRAWN",
    }  # fmt: skip


def test_capacity_is_never_exceeded() -> None:
    rows = plan()
    declared = {c.id: (c.slots, c.hours) for c in source().contributors}
    used: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows["engagements"]:
        if row["status"] in OCCUPYING:
            used[int(str(row["contributor_id"]))][0] += 1
            used[int(str(row["contributor_id"]))][1] += int(str(row["hours_per_month"]))
    for contributor, (count, hours) in used.items():
        assert count <= declared[contributor][0]
        assert hours <= declared[contributor][1]


def test_the_ledger_equals_the_countersigned_work() -> None:
    rows = plan()
    worked: Counter[int] = Counter()
    owner = {row["id"]: row["contributor_id"] for row in rows["engagements"]}
    for table in ("engagement_sessions", "engagement_milestones"):
        for row in rows[table]:
            if row["countersigned_at"] is not None:
                worked[int(str(owner[row["engagement_id"]]))] += int(str(row["minutes"]))
    ledger: Counter[int] = Counter()
    for row in rows["ledger_entries"]:
        ledger[int(str(row["engineer_id"]))] += int(str(row["minutes"]))
    assert ledger == worked
    assert max(ledger.values()) >= 50 * 60  # the top contributors reach a badge threshold
