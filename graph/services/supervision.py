"""Project supervision rules: student teams on a topic, invitations, versioned proposals and
the supervisors' verdicts. Milestones, rubrics and assessments: supervision_work.py."""

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import (
    EngagementKind,
    NotificationKind,
    OpportunityStatus,
    ProjectProposalStatus,
    RevisionStatus,
    TeamMemberStatus,
    TeamRole,
)
from db.models import (
    Engineer,
    Opportunity,
    ProjectTeam,
    ProjectTeamInvitation,
    ProjectTeamMember,
    ProposalRevision,
)
from db.models.supervision import COMMENT_MAX, NAME_MAX, SUMMARY_MAX, TITLE_MAX
from db.queries.supervision import supervisor_ids
from graph.auth.permissions import require_engineer
from graph.auth.viewer import Viewer
from graph.services import audit
from graph.services import opportunity as opportunities
from graph.services.account import EMAIL, normalise_email
from graph.services.notification import notify
from graph.services.outbox import queue_email
from graph.services.problems import Problem, Rejected, reject
from graph.services.supervision_access import revisions_visible, teams_visible

MAX_MEMBERS = 8
"""Students per team, invited ones and open email invitations included."""
DEFAULT_PROPOSAL_WINDOW = timedelta(days=21)
"""When the proposal is due if the team does not say."""


class SupervisionErrorCode(enum.Enum):
    """Why a project supervision mutation was refused."""

    NOT_FOUND = "NOT_FOUND"
    NOT_PROJECT_TOPIC = "NOT_PROJECT_TOPIC"
    TOPIC_NOT_OPEN = "TOPIC_NOT_OPEN"
    OWN_TOPIC = "OWN_TOPIC"
    INVALID_NAME = "INVALID_NAME"
    NAME_TAKEN = "NAME_TAKEN"
    INVALID_DUE_DATE = "INVALID_DUE_DATE"
    ALREADY_IN_TEAM = "ALREADY_IN_TEAM"
    TEAM_FULL = "TEAM_FULL"
    INVALID_INVITEE = "INVALID_INVITEE"
    INVALID_EMAIL = "INVALID_EMAIL"
    ALREADY_INVITED = "ALREADY_INVITED"
    NOT_INVITED = "NOT_INVITED"
    NOT_TEAM_MEMBER = "NOT_TEAM_MEMBER"
    NOT_SUPERVISOR = "NOT_SUPERVISOR"
    NOT_STAFF = "NOT_STAFF"
    INVALID_TITLE = "INVALID_TITLE"
    INVALID_SUMMARY = "INVALID_SUMMARY"
    INVALID_COMMENT = "INVALID_COMMENT"
    ALREADY_APPROVED = "ALREADY_APPROVED"
    REVISION_NOT_SUBMITTED = "REVISION_NOT_SUBMITTED"
    PROPOSAL_NOT_APPROVED = "PROPOSAL_NOT_APPROVED"
    ALREADY_ASSESSED = "ALREADY_ASSESSED"
    INVALID_URL = "INVALID_URL"
    INVALID_NOTE = "INVALID_NOTE"
    INVALID_CRITERIA = "INVALID_CRITERIA"
    INVALID_WEIGHTS = "INVALID_WEIGHTS"
    INVALID_SCORES = "INVALID_SCORES"
    RUBRIC_NOT_OF_INSTITUTION = "RUBRIC_NOT_OF_INSTITUTION"


Code = SupervisionErrorCode


@dataclass(frozen=True)
class TeamAccess:
    """A team (row-locked), its topic, and what the viewer is to it."""

    team: ProjectTeam
    topic: Opportunity
    member_status: TeamMemberStatus | None
    supervisor: bool

    @property
    def active_member(self) -> bool:
        """The viewer has joined the team."""
        return self.member_status is TeamMemberStatus.ACTIVE


def revision_snapshot(revision: ProposalRevision) -> dict[str, Any]:
    """What the audit log records of a proposal revision."""
    return {
        "number": revision.number,
        "status": revision.status,
        "decisionComment": revision.decision_comment,
    }


async def is_supervisor(session: AsyncSession, viewer: Viewer, opportunity_id: int) -> bool:
    """The viewer is the topic's poster or one of its co-supervising contributors."""
    if viewer.engineer_id is None:
        return False
    return await supervises(session, viewer.engineer_id, opportunity_id)


async def supervises(session: AsyncSession, engineer_id: int, opportunity_id: int) -> bool:
    """The engineer is the topic's poster or one of its co-supervising contributors."""
    found = supervisor_ids(opportunity_id).subquery()
    return bool(await session.scalar(select(exists().where(found.c[0] == engineer_id))))


async def supervisors_of(session: AsyncSession, opportunity_id: int) -> list[int | None]:
    """Every supervisor of the topic's teams."""
    return list(await session.scalars(supervisor_ids(opportunity_id)))


async def active_members(session: AsyncSession, team_id: int) -> list[int | None]:
    """The students who joined the team."""
    rows = await session.scalars(
        select(ProjectTeamMember.engineer_id).where(
            ProjectTeamMember.team_id == team_id,
            ProjectTeamMember.status == TeamMemberStatus.ACTIVE,
        )
    )
    return list(rows)


async def load_team(session: AsyncSession, viewer: Viewer, team_id: int) -> TeamAccess:
    """The team, row-locked, if the viewer may see it (NOT_FOUND otherwise), with their roles."""
    team = await session.scalar(
        select(ProjectTeam)
        .where(ProjectTeam.id == team_id, teams_visible(viewer))
        .with_for_update()
    )
    if team is None:
        raise reject(Code.NOT_FOUND, "No such project team.", "input", "team")
    topic = await session.get_one(Opportunity, team.opportunity_id)
    status = None
    if viewer.engineer_id is not None:
        found = await session.scalar(
            select(ProjectTeamMember.status).where(
                ProjectTeamMember.team_id == team.id,
                ProjectTeamMember.engineer_id == viewer.engineer_id,
            )
        )
        status = TeamMemberStatus(found) if found is not None else None
    supervisor = await is_supervisor(session, viewer, topic.id)
    return TeamAccess(team, topic, status, supervisor)


def require_member(access: TeamAccess) -> None:
    """Refuse unless the viewer has joined the team."""
    if not access.active_member:
        raise reject(Code.NOT_TEAM_MEMBER, "Only the team's students may do this.")


def require_supervisor(access: TeamAccess) -> None:
    """Refuse unless the viewer supervises the team's topic."""
    if not access.supervisor:
        raise reject(Code.NOT_SUPERVISOR, "Only the topic's supervisors may do this.")


async def create_team(
    session: AsyncSession,
    viewer: Viewer,
    opportunity_id: int,
    name: str,
    proposal_due_at: datetime | None,
) -> ProjectTeam:
    """A student forms a team on a visible, open PROJECT_SUPERVISION topic and leads it."""
    student = require_engineer(viewer)
    topic = await opportunities.readable(session, viewer, opportunity_id)
    if topic.kind != EngagementKind.PROJECT_SUPERVISION:
        raise reject(Code.NOT_PROJECT_TOPIC, "Teams form on project topics.", "input", "topic")
    now = datetime.now(UTC)
    status = opportunities.effective_status(topic.status, topic.deadline, now)
    if status not in (OpportunityStatus.OPEN, OpportunityStatus.FILLED):
        raise reject(Code.TOPIC_NOT_OPEN, f"The topic is {status.value}.", "input", "topic")
    if await is_supervisor(session, viewer, topic.id):
        raise reject(Code.OWN_TOPIC, "Supervisors do not join their own topic's teams.")
    problems: list[Problem] = []
    cleaned = name.strip()
    if not 1 <= len(cleaned) <= NAME_MAX:
        problems.append(
            Problem(Code.INVALID_NAME, "Names are 1 to 120 characters.", ("input", "name"))
        )
    due = proposal_due_at or now + DEFAULT_PROPOSAL_WINDOW
    if due <= now:
        problems.append(
            Problem(
                Code.INVALID_DUE_DATE,
                "The proposal is due in the future.",
                ("input", "proposalDueAt"),
            )
        )
    if await _in_a_team(session, topic.id, student):
        problems.append(Problem(Code.ALREADY_IN_TEAM, "You are already in a team on this topic."))
    taken = await session.scalar(
        select(ProjectTeam.id).where(
            ProjectTeam.opportunity_id == topic.id, ProjectTeam.name == cleaned
        )
    )
    if taken is not None:
        problems.append(
            Problem(Code.NAME_TAKEN, "A team on this topic has that name.", ("input", "name"))
        )
    if problems:
        raise Rejected(problems)
    team = ProjectTeam(
        opportunity_id=topic.id,
        name=cleaned,
        proposal_status=ProjectProposalStatus.DRAFTING.value,
        proposal_due_at=due,
        created_by_id=student,
    )
    session.add(team)
    await session.flush()
    session.add(
        ProjectTeamMember(
            team_id=team.id,
            engineer_id=student,
            role=TeamRole.LEAD.value,
            status=TeamMemberStatus.ACTIVE.value,
            invited_by_id=student,
            joined_at=now,
        )
    )
    await session.flush()
    return team


async def _in_a_team(session: AsyncSession, opportunity_id: int, engineer_id: int) -> bool:
    """The engineer is (or is invited to be) in a team on the topic."""
    found = await session.scalar(
        select(ProjectTeamMember.team_id)
        .join(ProjectTeam, ProjectTeam.id == ProjectTeamMember.team_id)
        .where(
            ProjectTeam.opportunity_id == opportunity_id,
            ProjectTeamMember.engineer_id == engineer_id,
        )
        .limit(1)
    )
    return found is not None


async def _seats_taken(session: AsyncSession, team_id: int) -> int:
    """Members (invited included) and open email invitations of the team."""
    members = await session.scalar(select(func.count()).where(ProjectTeamMember.team_id == team_id))
    invited = await session.scalar(
        select(func.count()).where(
            ProjectTeamInvitation.team_id == team_id, ProjectTeamInvitation.claimed_at.is_(None)
        )
    )
    return int(members or 0) + int(invited or 0)


async def _add_invitee(
    session: AsyncSession, access: TeamAccess, engineer_id: int, inviter: int | None
) -> None:
    """Make the engineer an INVITED member and tell them."""
    if await _in_a_team(session, access.topic.id, engineer_id):
        raise reject(
            Code.ALREADY_IN_TEAM, "That student is already in a team on this topic.", "input"
        )
    if await supervises(session, engineer_id, access.topic.id):
        raise reject(Code.INVALID_INVITEE, "Supervisors cannot be team members.", "input")
    session.add(
        ProjectTeamMember(
            team_id=access.team.id,
            engineer_id=engineer_id,
            role=TeamRole.MEMBER.value,
            status=TeamMemberStatus.INVITED.value,
            invited_by_id=inviter,
        )
    )
    await session.flush()
    await notify(
        session,
        [engineer_id],
        NotificationKind.PROJECT_TEAM_INVITED,
        opportunity_id=access.topic.id,
        actor_id=inviter,
        payload={"team": access.team.name},
    )


async def invite(
    session: AsyncSession,
    viewer: Viewer,
    team_id: int,
    *,
    engineer_id: int | None = None,
    email: str | None = None,
    site: str = "",
) -> ProjectTeam:
    """A team's student invites another: an engineer by ID, or anyone by email (who becomes an
    INVITED member once they sign up and verify that address)."""
    require_engineer(viewer)
    if (engineer_id is None) == (email is None):
        raise reject(Code.INVALID_INVITEE, "Name an engineer or an email, not both.", "input")
    access = await load_team(session, viewer, team_id)
    require_member(access)
    if access.team.proposal_status == ProjectProposalStatus.APPROVED:
        raise reject(Code.ALREADY_APPROVED, "The team is fixed once its proposal is approved.")
    if await _seats_taken(session, access.team.id) >= MAX_MEMBERS:
        raise reject(Code.TEAM_FULL, f"A team has at most {MAX_MEMBERS} students.")
    if engineer_id is not None:
        if await session.get(Engineer, engineer_id) is None:
            raise reject(Code.NOT_FOUND, "No such engineer.", "input", "engineer")
        await _add_invitee(session, access, engineer_id, viewer.engineer_id)
        return access.team
    address = normalise_email(email or "")
    if len(address) > 254 or not EMAIL.match(address):
        raise reject(Code.INVALID_EMAIL, "Not an email address.", "input", "email")
    known = await session.scalar(select(Engineer.id).where(Engineer.email == address))
    if known is not None:
        await _add_invitee(session, access, known, viewer.engineer_id)
        return access.team
    pending = await session.scalar(
        select(ProjectTeamInvitation.id).where(
            ProjectTeamInvitation.team_id == access.team.id,
            ProjectTeamInvitation.email == address,
        )
    )
    if pending is not None:
        raise reject(Code.ALREADY_INVITED, "That address is already invited.", "input", "email")
    session.add(
        ProjectTeamInvitation(
            team_id=access.team.id, email=address, invited_by_id=viewer.engineer_id
        )
    )
    await session.flush()
    queue_email(
        session,
        address,
        f"You are invited to join the project team {access.team.name}",
        f"A fellow student invited you to their final-year project team "
        f'"{access.team.name}" on "{access.topic.title}".\n\n'
        f"Sign up with this address ({site}/sign-up) and verify it: the invitation then "
        "waits for you in the portal.\n",
    )
    return access.team


async def join(session: AsyncSession, viewer: Viewer, team_id: int) -> ProjectTeam:
    """An invited student joins the team."""
    require_engineer(viewer)
    access = await load_team(session, viewer, team_id)
    if access.member_status is not TeamMemberStatus.INVITED:
        raise reject(Code.NOT_INVITED, "You have no pending invitation to this team.")
    row = await session.get_one(
        ProjectTeamMember, (access.team.id, viewer.engineer_id), with_for_update=True
    )
    row.status = TeamMemberStatus.ACTIVE.value
    row.joined_at = datetime.now(UTC)
    await session.flush()
    return access.team


def _check_proposal(title: str, summary: str) -> list[Problem]:
    problems: list[Problem] = []
    if not 3 <= len(title.strip()) <= TITLE_MAX:
        problems.append(
            Problem(Code.INVALID_TITLE, "Titles are 3 to 200 characters.", ("input", "title"))
        )
    if not 1 <= len(summary.strip()) <= SUMMARY_MAX:
        problems.append(
            Problem(
                Code.INVALID_SUMMARY, "Summaries are 1 to 20000 characters.", ("input", "summary")
            )
        )
    return problems


async def submit_proposal(
    session: AsyncSession, viewer: Viewer, team_id: int, title: str, summary: str
) -> ProposalRevision:
    """A team's student submits the next revision of its proposal; a revision still awaiting
    review is SUPERSEDED by it (and kept)."""
    require_engineer(viewer)
    access = await load_team(session, viewer, team_id)
    require_member(access)
    if access.team.proposal_status == ProjectProposalStatus.APPROVED:
        raise reject(Code.ALREADY_APPROVED, "The proposal is already approved.")
    problems = _check_proposal(title, summary)
    if problems:
        raise Rejected(problems)
    latest = await session.scalar(
        select(ProposalRevision)
        .where(ProposalRevision.team_id == access.team.id)
        .order_by(ProposalRevision.number.desc())
        .limit(1)
    )
    if latest is not None and latest.status == RevisionStatus.SUBMITTED:
        latest.status = RevisionStatus.SUPERSEDED.value
    revision = ProposalRevision(
        team_id=access.team.id,
        number=(latest.number if latest is not None else 0) + 1,
        title=title.strip(),
        summary=summary.strip(),
        status=RevisionStatus.SUBMITTED.value,
        submitted_by_id=viewer.engineer_id,
    )
    session.add(revision)
    access.team.proposal_status = ProjectProposalStatus.SUBMITTED.value
    await session.flush()
    await notify(
        session,
        await supervisors_of(session, access.topic.id),
        NotificationKind.PROPOSAL_SUBMITTED,
        opportunity_id=access.topic.id,
        actor_id=viewer.engineer_id,
        payload={"team": access.team.name, "revision": revision.number},
    )
    return revision


async def review_proposal(
    session: AsyncSession,
    viewer: Viewer,
    revision_id: int,
    *,
    approve: bool,
    comment: str,
    request_id: str = "",
) -> ProposalRevision:
    """A supervisor approves the revision awaiting review, or requests changes (with a
    comment); audited, and the team's students are told."""
    require_engineer(viewer)
    team_id = await session.scalar(
        select(ProposalRevision.team_id).where(
            ProposalRevision.id == revision_id, revisions_visible(viewer)
        )
    )
    if team_id is None:
        raise reject(Code.NOT_FOUND, "No such proposal revision.", "input", "revision")
    access = await load_team(session, viewer, team_id)
    require_supervisor(access)
    revision = await session.get_one(ProposalRevision, revision_id, with_for_update=True)
    if revision.status != RevisionStatus.SUBMITTED:
        raise reject(
            Code.REVISION_NOT_SUBMITTED,
            f"Only a revision awaiting review can be decided; this one is {revision.status}.",
            "input",
            "revision",
        )
    text = comment.strip()
    if len(text) > COMMENT_MAX or (not approve and not text):
        raise reject(
            Code.INVALID_COMMENT,
            "Say what should change (1 to 5000 characters)."
            if not approve
            else "Comments are at most 5000 characters.",
            "input",
            "comment",
        )
    before = revision_snapshot(revision)
    revision.status = (
        RevisionStatus.APPROVED if approve else RevisionStatus.CHANGES_REQUESTED
    ).value
    revision.decided_by_id = viewer.engineer_id
    revision.decided_at = datetime.now(UTC)
    revision.decision_comment = text or None
    access.team.proposal_status = (
        ProjectProposalStatus.APPROVED if approve else ProjectProposalStatus.CHANGES_REQUESTED
    ).value
    await session.flush()
    audit.record(
        session,
        viewer,
        "proposal.approve" if approve else "proposal.requestChanges",
        revision,
        chapter_id=None,
        before=before,
        after=revision_snapshot(revision),
        request_id=request_id,
    )
    await notify(
        session,
        await active_members(session, access.team.id),
        NotificationKind.PROPOSAL_REVIEWED,
        opportunity_id=access.topic.id,
        actor_id=viewer.engineer_id,
        payload={"team": access.team.name, "revision": revision.number, "verdict": revision.status},
    )
    return revision
