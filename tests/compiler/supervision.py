"""The compiled-read world's project supervision data: two teams on a university topic (one
assessed after a sent-back and an approved revision, one overdue), milestones with deliverable
versions, a rubric. Only new tables are written, so no earlier answer changes."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AssessmentRubric,
    AssessmentScore,
    ProjectAssessment,
    ProjectDeliverable,
    ProjectMilestone,
    ProjectTeam,
    ProjectTeamMember,
    ProposalRevision,
    RubricCriterion,
)
from graph.ids import decode_id_of, encode_id
from tests import contribution_world as contribution

if TYPE_CHECKING:
    from tests.compiler.conftest import World

PAST = datetime(2020, 1, 1, tzinfo=UTC)
FUTURE = datetime(2099, 1, 1, tzinfo=UTC)


async def build(session: AsyncSession, found: "World") -> None:
    """Teams on `opp-expired` (cmp-uni, posted by cmp-4): `team-assessed` (cmp-0 lead, cmp-2,
    cmp-3 invited) and `team-overdue` (cmp-5, proposal due in 2020)."""
    pk = found.pks
    topic = decode_id_of(found.ids["opp-expired"], "Opportunity")
    assessed = await contribution.add(
        session,
        ProjectTeam(
            opportunity_id=topic,
            name="Cmp canal team",
            proposal_status="APPROVED",
            proposal_due_at=FUTURE,
            created_by_id=pk["cmp-0"],
        ),
    )
    overdue = await contribution.add(
        session,
        ProjectTeam(
            opportunity_id=topic,
            name="Cmp late team",
            proposal_status="DRAFTING",
            proposal_due_at=PAST,
            created_by_id=pk["cmp-5"],
        ),
    )
    for team, handle, role, status in (
        (assessed, "cmp-0", "LEAD", "ACTIVE"),
        (assessed, "cmp-2", "MEMBER", "ACTIVE"),
        (assessed, "cmp-3", "MEMBER", "INVITED"),
        (overdue, "cmp-5", "LEAD", "ACTIVE"),
    ):
        await contribution.add(
            session,
            ProjectTeamMember(
                team_id=team.id,
                engineer_id=pk[handle],
                role=role,
                status=status,
                joined_at=PAST if status == "ACTIVE" else None,
            ),
        )
    for number, status, comment in (
        (1, "CHANGES_REQUESTED", "Cmp add a budget"),
        (2, "APPROVED", None),
    ):
        row = await contribution.add(
            session,
            ProposalRevision(
                team_id=assessed.id,
                number=number,
                title=f"Cmp canal proposal {number}",
                summary=f"Cmp revision {number} text",
                status=status,
                submitted_by_id=pk["cmp-0"],
                submitted_at=datetime(2025, 1, number, tzinfo=UTC),
                decided_by_id=pk["cmp-4"],
                decided_at=datetime(2025, 2, number, tzinfo=UTC),
                decision_comment=comment,
            ),
        )
        found.ids[f"revision-{number}"] = encode_id("ProposalRevision", row.id)
    missed = await contribution.add(
        session, ProjectMilestone(team_id=assessed.id, title="Cmp interim", due_at=PAST)
    )
    delivered = await contribution.add(
        session, ProjectMilestone(team_id=assessed.id, title="Cmp final", due_at=FUTURE)
    )
    for version in (1, 2):
        await contribution.add(
            session,
            ProjectDeliverable(
                milestone_id=delivered.id,
                version=version,
                url=f"https://example.org/cmp-final-v{version}.pdf",
                note=f"Cmp version {version}",
                submitted_by_id=pk["cmp-2"],
                submitted_at=datetime(2025, 3, version, tzinfo=UTC),
            ),
        )
    rubric = await contribution.add(
        session, AssessmentRubric(institution_id=pk["cmp-uni"], name="Cmp rubric")
    )
    criteria = []
    for position, (title, weight) in enumerate((("Cmp design", "60.5"), ("Cmp report", "39.5")), 1):
        criteria.append(
            await contribution.add(
                session,
                RubricCriterion(
                    rubric_id=rubric.id, position=position, title=title, weight=Decimal(weight)
                ),
            )
        )
    assessment = await contribution.add(
        session,
        ProjectAssessment(
            team_id=assessed.id,
            rubric_id=rubric.id,
            assessor_id=pk["cmp-4"],
            total=Decimal("75.25"),
            comment="Cmp good work",
        ),
    )
    for criterion, score in zip(criteria, ("80", "67.5"), strict=True):
        await contribution.add(
            session,
            AssessmentScore(
                assessment_id=assessment.id, criterion_id=criterion.id, score=Decimal(score)
            ),
        )
    found.ids["team-assessed"] = encode_id("ProjectTeam", assessed.id)
    found.ids["team-overdue"] = encode_id("ProjectTeam", overdue.id)
    found.ids["milestone-missed"] = encode_id("ProjectMilestone", missed.id)
    found.ids["milestone-delivered"] = encode_id("ProjectMilestone", delivered.id)
    found.ids["rubric"] = encode_id("AssessmentRubric", rubric.id)


def cases(found: "World") -> list[tuple[str, dict[str, Any] | None]]:
    """The supervision read documents over the world's teams, revisions, milestones, rubric."""
    from tests.auth import test_supervision_access as access
    from tests.graph import test_supervision, test_supervision_query_count

    ids = found.ids
    nodes = [
        ids["team-assessed"],
        ids["team-overdue"],
        ids["revision-1"],
        ids["revision-2"],
        ids["milestone-missed"],
        ids["milestone-delivered"],
        ids["rubric"],
    ]
    listed: list[tuple[str, dict[str, Any] | None]] = []
    for key in nodes[:2]:
        listed.append((test_supervision.TEAM_READ, {"id": key}))
        listed.append((access.TEAM_NODE, {"id": key}))
    listed.append((access.TEAM_NODES, {"ids": nodes}))
    listed.append((access.TEAM_NODE, {"id": encode_id("ProjectTeam", 2_000_000_000)}))
    listed.append((access.TOPIC_TEAMS, {"id": ids["opp-expired"]}))
    listed.append((access.MY_TEAMS, None))
    listed.append((access.RUBRICS, {"id": ids["uni"]}))
    for teams in (1, 5):
        listed.append(
            (
                test_supervision_query_count.TOPIC_TEAMS_DEEP,
                {"id": ids["opp-expired"], "teams": teams},
            )
        )
    return listed
