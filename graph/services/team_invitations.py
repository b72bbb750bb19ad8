"""Email invitations to project teams, claimed when an account verifies the invited address."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import NotificationKind, TeamMemberStatus, TeamRole
from db.models import ProjectTeam, ProjectTeamInvitation, ProjectTeamMember
from graph.services.notification import notify


async def claim(session: AsyncSession, engineer_id: int, email: str) -> int:
    """Turn the open invitations to `email` into INVITED memberships of `engineer_id` (a team
    the engineer already belongs to, or a topic they are already in a team on, is skipped);
    returns how many became memberships."""
    rows = (
        await session.execute(
            select(ProjectTeamInvitation, ProjectTeam)
            .join(ProjectTeam, ProjectTeam.id == ProjectTeamInvitation.team_id)
            .where(ProjectTeamInvitation.email == email, ProjectTeamInvitation.claimed_at.is_(None))
            .order_by(ProjectTeamInvitation.id)
            .with_for_update(of=ProjectTeamInvitation)
        )
    ).all()
    now = datetime.now(UTC)
    topics = set(
        await session.scalars(
            select(ProjectTeam.opportunity_id)
            .join(ProjectTeamMember, ProjectTeamMember.team_id == ProjectTeam.id)
            .where(ProjectTeamMember.engineer_id == engineer_id)
        )
    )
    claimed = 0
    for invitation, team in rows:
        invitation.claimed_at = now
        invitation.claimed_by_id = engineer_id
        if team.opportunity_id in topics:
            continue
        topics.add(team.opportunity_id)
        session.add(
            ProjectTeamMember(
                team_id=team.id,
                engineer_id=engineer_id,
                role=TeamRole.MEMBER.value,
                status=TeamMemberStatus.INVITED.value,
                invited_by_id=invitation.invited_by_id,
            )
        )
        await session.flush()
        await notify(
            session,
            [engineer_id],
            NotificationKind.PROJECT_TEAM_INVITED,
            opportunity_id=team.opportunity_id,
            actor_id=invitation.invited_by_id,
            payload={"team": team.name},
        )
        claimed += 1
    await session.flush()
    return claimed
