"""Factories for project supervision: a topic with its supervisors, teams in each state."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import EngagementKind
from db.models import (
    AssessmentRubric,
    Engineer,
    Institution,
    Opportunity,
    ProjectTeam,
    ProjectTeamMember,
    ProposalRevision,
    RubricCriterion,
)
from tests import contribution_world as contribution
from tests import factories


@dataclass
class Topic:
    """A PROJECT_SUPERVISION topic of a university, its people and one team."""

    university: Institution
    topic: Opportunity
    poster: Engineer
    """Staff of the university who posted the topic (the lead supervisor)."""
    staff: Engineer
    """Other staff of the university (reads, does not supervise)."""
    cosupervisor: Engineer
    """An overseas engineer with an ACTIVE engagement on the topic."""
    lead: Engineer
    member: Engineer
    stranger: Engineer
    team: ProjectTeam


async def topic(session: AsyncSession, **overrides: Any) -> Topic:
    """An open topic with a poster, other staff, a co-supervisor and a DRAFTING team of two."""
    university = await factories.institution(session)
    poster = await factories.engineer(session, is_overseas=False, offers=[])
    staff = await factories.engineer(session, is_overseas=False, offers=[])
    await factories.affiliation(session, poster, university)
    await factories.affiliation(session, staff, university)
    cosupervisor = await factories.engineer(session)
    lead = await factories.engineer(session, is_overseas=False, offers=[])
    member = await factories.engineer(session, is_overseas=False, offers=[])
    stranger = await factories.engineer(session)
    values: dict[str, Any] = {
        "kind": EngagementKind.PROJECT_SUPERVISION.value,
        "title": "Smart irrigation scheduling for canal command areas",
        "institution_id": university.id,
    }
    values.update(overrides)
    row = await contribution.opportunity(session, poster, **values)
    await contribution.engagement(
        session,
        cosupervisor,
        poster,
        kind=EngagementKind.PROJECT_SUPERVISION.value,
        opportunity_id=row.id,
        institution_id=university.id,
    )
    team = await team_of(session, row, lead, member)
    return Topic(university, row, poster, staff, cosupervisor, lead, member, stranger, team)


async def team_of(
    session: AsyncSession, target: Opportunity, lead: Engineer, *others: Engineer, **overrides: Any
) -> ProjectTeam:
    """A team led by `lead` with `others` as ACTIVE members."""
    values: dict[str, Any] = {
        "opportunity_id": target.id,
        "name": f"Team {lead.handle}",
        "proposal_due_at": datetime.now(UTC) + timedelta(days=14),
        "created_by_id": lead.id,
    }
    values.update(overrides)
    team: ProjectTeam = await contribution.add(session, ProjectTeam(**values))
    joined = datetime.now(UTC)
    for index, person in enumerate((lead, *others)):
        await contribution.add(
            session,
            ProjectTeamMember(
                team_id=team.id,
                engineer_id=person.id,
                role="LEAD" if index == 0 else "MEMBER",
                status="ACTIVE",
                joined_at=joined,
            ),
        )
    return team


async def revision(
    session: AsyncSession, team: ProjectTeam, number: int = 1, **overrides: Any
) -> ProposalRevision:
    """A SUBMITTED revision of the team's proposal."""
    values: dict[str, Any] = {
        "team_id": team.id,
        "number": number,
        "title": f"Proposal revision {number}",
        "summary": "Sensors, a scheduler and a pilot on one distributary.",
        "status": "SUBMITTED",
    }
    values.update(overrides)
    revised: ProposalRevision = await contribution.add(session, ProposalRevision(**values))
    return revised


async def rubric(
    session: AsyncSession, university: Institution, weights: tuple[str, ...] = ("40", "35", "25")
) -> AssessmentRubric:
    """A rubric of the university with criteria of these weights."""
    row: AssessmentRubric = await contribution.add(
        session, AssessmentRubric(institution_id=university.id, name=f"Rubric {university.slug}")
    )
    for position, weight in enumerate(weights, start=1):
        await contribution.add(
            session,
            RubricCriterion(
                rubric_id=row.id,
                position=position,
                title=f"Criterion {position}",
                weight=Decimal(weight),
            ),
        )
    return row
