"""Demo final-year project supervision: per university, a rubric and a project topic posted by
its staff, co-supervised by an overseas engineer, with student teams in every state (proposal
overdue, submitted, sent back, approved with an overdue and a delivered milestone, assessed)."""

import random
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.models import (
    AssessmentRubric,
    AssessmentScore,
    Engagement,
    Opportunity,
    ProjectAssessment,
    ProjectDeliverable,
    ProjectMilestone,
    ProjectTeam,
    ProjectTeamInvitation,
    ProjectTeamMember,
    ProposalRevision,
    RubricCriterion,
)

SUPERVISION_TABLES = (
    "assessment_rubrics",
    "rubric_criteria",
    "project_teams",
    "project_team_members",
    "project_team_invitations",
    "proposal_revisions",
    "project_milestones",
    "project_deliverables",
    "project_assessments",
    "assessment_scores",
)

TOPICS = (
    "Smart irrigation scheduling for canal command areas",
    "Low-cost power quality monitor for textile mills",
    "Flood early-warning from river gauges and satellite rain",
    "Solar microgrid sizing for a rural health unit",
    "Structural health monitoring of a pedestrian bridge",
    "Predictive maintenance for tube wells with vibration sensors",
    "Urdu speech interface for agricultural advisories",
    "Heat-stress mapping of Karachi neighbourhoods",
)
CRITERIA = (
    ("Problem definition and design", "30"),
    ("Implementation and testing", "35"),
    ("Report and viva", "20"),
    ("Teamwork and project management", "15"),
)
STATES = ("OVERDUE", "SUBMITTED", "CHANGES_REQUESTED", "APPROVED", "ASSESSED")
"""The state of each team on a topic, in order."""


async def _ids(connection: AsyncConnection, sql: str, **params: Any) -> list[int]:
    return list((await connection.execute(text(sql), params)).scalars())


async def _insert(connection: AsyncConnection, model: Any, values: dict[str, Any]) -> int:
    found = await connection.execute(insert(model).values(**values).returning(model.id))
    return int(found.scalar_one())


async def seed_supervision(
    connection: AsyncConnection, rng: random.Random, scale: float
) -> Mapping[str, int]:
    """Rubrics, topics, co-supervising engagements and teams in every state, per university
    with staff (at least two universities when there are, more with the scale)."""
    counts: Counter[str] = Counter()
    universities = await _ids(
        connection,
        "SELECT i.id FROM institutions i WHERE i.kind = 'UNIVERSITY'"
        " AND EXISTS (SELECT 1 FROM affiliations a WHERE a.institution_id = i.id) ORDER BY i.id",
    )
    wanted = min(len(universities), max(2, int(3 * scale)))
    if wanted == 0:
        return counts
    overseas = await _ids(
        connection,
        "SELECT id FROM engineers WHERE is_overseas ORDER BY"
        " ('PROJECT_SUPERVISION' = ANY(offers)) DESC, id LIMIT :n",
        n=wanted * 2,
    )
    students = await _ids(
        connection,
        "SELECT e.id FROM engineers e WHERE NOT e.is_overseas AND NOT EXISTS"
        " (SELECT 1 FROM affiliations a WHERE a.engineer_id = e.id) ORDER BY e.id LIMIT :n",
        n=wanted * len(STATES) * 3,
    )
    if not overseas or len(students) < 3 * len(STATES):
        return counts
    now = datetime.now(UTC)
    taken = 0
    for index, university in enumerate(universities[:wanted]):
        staff = await _ids(
            connection,
            "SELECT engineer_id FROM affiliations WHERE institution_id = :u ORDER BY engineer_id",
            u=university,
        )
        poster = staff[0]
        rubric = await _insert(
            connection,
            AssessmentRubric,
            {
                "institution_id": university,
                "name": "Final-year project rubric",
                "created_by_id": poster,
            },
        )
        counts["assessment_rubrics"] += 1
        criteria = []
        for position, (title, weight) in enumerate(CRITERIA, start=1):
            criteria.append(
                await _insert(
                    connection,
                    RubricCriterion,
                    {
                        "rubric_id": rubric,
                        "position": position,
                        "title": title,
                        "weight": Decimal(weight),
                    },
                )
            )
        topic = await _insert(
            connection,
            Opportunity,
            {
                "kind": "PROJECT_SUPERVISION",
                "title": TOPICS[index % len(TOPICS)],
                "description": "A final-year design project for a team of three students, "
                "co-supervised by an engineer abroad.",
                "poster_id": poster,
                "institution_id": university,
                "hours_per_month": 4,
                "duration_months": 9,
                "languages": ["en", "ur"],
                "deadline": now + timedelta(days=60),
                "status": "OPEN",
                "visibility": "PUBLIC",
            },
        )
        await _insert(
            connection,
            Engagement,
            {
                "kind": "PROJECT_SUPERVISION",
                "opportunity_id": topic,
                "contributor_id": overseas[index % len(overseas)],
                "seeker_id": poster,
                "institution_id": university,
                "hours_per_month": 4,
                "status": "ACTIVE",
                "started_at": now - timedelta(days=45),
            },
        )
        counts["engagements"] += 1
        for number, state in enumerate(STATES):
            members = students[taken : taken + 3]
            taken += 3
            await _team(
                connection,
                rng,
                counts,
                state,
                number,
                topic,
                poster,
                members,
                rubric,
                criteria,
                now,
            )
    return counts


async def _team(
    connection: AsyncConnection,
    rng: random.Random,
    counts: Counter[str],
    state: str,
    number: int,
    topic: int,
    supervisor: int,
    members: list[int],
    rubric: int,
    criteria: list[int],
    now: datetime,
) -> None:
    """One team of three in `state`, with what that state implies."""
    status = {"OVERDUE": "DRAFTING", "ASSESSED": "APPROVED"}.get(state, state)
    due = now - timedelta(days=3) if state == "OVERDUE" else now + timedelta(days=14 + number)
    team = await _insert(
        connection,
        ProjectTeam,
        {
            "opportunity_id": topic,
            "name": f"Team {number + 1}",
            "proposal_status": status,
            "proposal_due_at": due,
            "created_by_id": members[0],
        },
    )
    counts["project_teams"] += 1
    for position, student in enumerate(members):
        invited = state == "OVERDUE" and position == 2
        await connection.execute(
            insert(ProjectTeamMember).values(
                team_id=team,
                engineer_id=student,
                role="LEAD" if position == 0 else "MEMBER",
                status="INVITED" if invited else "ACTIVE",
                joined_at=None if invited else now - timedelta(days=40),
            )
        )
        counts["project_team_members"] += 1
    if state == "OVERDUE":
        await connection.execute(
            insert(ProjectTeamInvitation).values(
                team_id=team,
                email=f"student{topic}-{number}@uni.example.edu.pk",
                invited_by_id=members[0],
            )
        )
        counts["project_team_invitations"] += 1
        return
    verdicts = {
        "SUBMITTED": ["SUBMITTED"],
        "CHANGES_REQUESTED": ["CHANGES_REQUESTED"],
        "APPROVED": ["CHANGES_REQUESTED", "APPROVED"],
        "ASSESSED": ["APPROVED"],
    }[state]
    for revision, verdict in enumerate(verdicts, start=1):
        decided = verdict != "SUBMITTED"
        await _insert(
            connection,
            ProposalRevision,
            {
                "team_id": team,
                "number": revision,
                "title": f"Proposal, revision {revision}",
                "summary": "Problem statement, objectives, method, budget and a nine-month plan.",
                "status": verdict,
                "submitted_by_id": members[0],
                "submitted_at": now - timedelta(days=30 - 7 * revision),
                "decided_by_id": supervisor if decided else None,
                "decided_at": now - timedelta(days=28 - 7 * revision) if decided else None,
                "decision_comment": "Add a budget and a risk register."
                if verdict == "CHANGES_REQUESTED"
                else None,
            },
        )
        counts["proposal_revisions"] += 1
    if status != "APPROVED":
        return
    for title, due_at, versions in (
        ("Literature review", now - timedelta(days=10), 2 if state == "ASSESSED" else 0),
        ("Prototype demonstration", now + timedelta(days=30), 2),
    ):
        milestone = await _insert(
            connection,
            ProjectMilestone,
            {"team_id": team, "title": title, "due_at": due_at, "created_by_id": supervisor},
        )
        counts["project_milestones"] += 1
        for version in range(1, versions + 1):
            await connection.execute(
                insert(ProjectDeliverable).values(
                    milestone_id=milestone,
                    version=version,
                    url=f"https://drive.example.edu.pk/team-{team}/m{milestone}-v{version}.pdf",
                    note="Revised after the supervisors' comments." if version > 1 else "",
                    submitted_by_id=members[version % len(members)],
                    submitted_at=min(due_at, now) - timedelta(days=5 - version),
                )
            )
            counts["project_deliverables"] += 1
    if state != "ASSESSED":
        return
    scores = [Decimal(rng.randint(60, 95)) for _ in criteria]
    weights = [Decimal(weight) for _, weight in CRITERIA]
    weighted = sum((s * w for s, w in zip(scores, weights, strict=True)), Decimal(0))
    total = (weighted / 100).quantize(Decimal("0.01"))
    assessment = await _insert(
        connection,
        ProjectAssessment,
        {
            "team_id": team,
            "rubric_id": rubric,
            "assessor_id": supervisor,
            "total": total,
            "comment": "A well-run project.",
        },
    )
    counts["project_assessments"] += 1
    for criterion, score in zip(criteria, scores, strict=True):
        await connection.execute(
            insert(AssessmentScore).values(
                assessment_id=assessment, criterion_id=criterion, score=score
            )
        )
