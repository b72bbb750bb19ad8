"""Applications and proposals: apply, shortlist, decline, withdraw, reopen, accept; invitations."""

import enum
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import (
    ApplicationStatus,
    EngagementKind,
    EngagementStatus,
    InvitationStatus,
    NotificationKind,
    OpportunityStatus,
)
from db.models import (
    Application,
    ConsultancyRfp,
    Engagement,
    Engineer,
    Invitation,
    Opportunity,
)
from db.models.engagement import MESSAGE_MAX, REASON_MAX
from graph.auth.permissions import require_engineer
from graph.auth.viewer import Viewer
from graph.services import opportunity as opportunities
from graph.services.capacity import lock_capacity
from graph.services.notification import notify, seeker_recipients
from graph.services.problems import Problem, Rejected, reject
from graph.services.seeker import acts_for_seeker


class ApplicationErrorCode(enum.Enum):
    """Why an application or invitation mutation was refused."""

    NOT_FOUND = "NOT_FOUND"
    NOT_OPEN = "NOT_OPEN"
    OWN_OPPORTUNITY = "OWN_OPPORTUNITY"
    NOT_OFFERED = "NOT_OFFERED"
    ALREADY_APPLIED = "ALREADY_APPLIED"
    INVALID_MESSAGE = "INVALID_MESSAGE"
    PROPOSAL_REQUIRED = "PROPOSAL_REQUIRED"
    PROPOSAL_NOT_ALLOWED = "PROPOSAL_NOT_ALLOWED"
    INVALID_PROPOSAL = "INVALID_PROPOSAL"
    INVALID_REASON = "INVALID_REASON"
    NOT_SEEKER = "NOT_SEEKER"
    NOT_APPLICANT = "NOT_APPLICANT"
    NOT_INVITEE = "NOT_INVITEE"
    CANNOT_SHORTLIST = "CANNOT_SHORTLIST"
    CANNOT_DECLINE = "CANNOT_DECLINE"
    CANNOT_WITHDRAW = "CANNOT_WITHDRAW"
    CANNOT_REOPEN = "CANNOT_REOPEN"
    CANNOT_ACCEPT = "CANNOT_ACCEPT"
    CAPACITY_EXCEEDED = "CAPACITY_EXCEEDED"
    ALREADY_INVITED = "ALREADY_INVITED"
    CANNOT_ANSWER = "CANNOT_ANSWER"


@dataclass(frozen=True)
class Proposal:
    """A consultancy bid: price, currency, timeline and approach."""

    price: Decimal
    currency: str
    timeline: str
    approach: str


Code = ApplicationErrorCode


def _check_proposal(kind: str, proposal: Proposal | None) -> list[Problem]:
    """CONSULTANCY applications are proposals; no other kind carries one."""
    if kind != EngagementKind.CONSULTANCY:
        if proposal is not None:
            return [Problem(Code.PROPOSAL_NOT_ALLOWED, "Only consultancy takes a proposal.")]
        return []
    if proposal is None:
        return [Problem(Code.PROPOSAL_REQUIRED, "Consultancy applications are proposals.")]
    problems = []
    if proposal.price < 0 or proposal.price >= Decimal("1e10"):
        problems.append(Problem(Code.INVALID_PROPOSAL, "Price is out of range.", ("price",)))
    if len(proposal.currency) != 3 or not proposal.currency.isupper():
        problems.append(
            Problem(Code.INVALID_PROPOSAL, "Currency is an ISO 4217 code.", ("currency",))
        )
    if not proposal.timeline.strip() or not proposal.approach.strip():
        problems.append(
            Problem(
                Code.INVALID_PROPOSAL, "A proposal states timeline and approach.", ("approach",)
            )
        )
    return problems


async def _open_opportunity(
    session: AsyncSession, viewer: Viewer, opportunity_id: int
) -> Opportunity:
    """The opportunity, visible to the viewer and accepting applications (not EXPIRED)."""
    row = await opportunities.readable(session, viewer, opportunity_id)
    status = opportunities.effective_status(row.status, row.deadline, datetime.now(UTC))
    if status is not OpportunityStatus.OPEN:
        raise reject(Code.NOT_OPEN, f"The opportunity is {status.value}.", "opportunityId")
    return row


async def apply(
    session: AsyncSession,
    viewer: Viewer,
    opportunity_id: int,
    message: str,
    proposal: Proposal | None = None,
) -> Application:
    """Apply to an open opportunity the applicant may see and whose kind they offer."""
    applicant_id = require_engineer(viewer)
    target = await _open_opportunity(session, viewer, opportunity_id)
    if await acts_for_seeker(session, viewer, target.poster_id, target.institution_id):
        raise reject(Code.OWN_OPPORTUNITY, "You cannot apply to your own opportunity.")
    offers = await session.scalar(select(Engineer.offers).where(Engineer.id == applicant_id))
    problems: list[Problem] = []
    if target.kind not in (offers or []):
        problems.append(
            Problem(Code.NOT_OFFERED, f"Add {target.kind} to what you offer before applying.")
        )
    if not 1 <= len(message.strip()) <= MESSAGE_MAX:
        problems.append(Problem(Code.INVALID_MESSAGE, "Write 1 to 5000 characters.", ("message",)))
    problems += _check_proposal(target.kind, proposal)
    if await session.get(ConsultancyRfp, target.id) is not None:
        problems.append(
            Problem(Code.PROPOSAL_NOT_ALLOWED, "This RFP takes sealed bids: use proposalSubmit.")
        )
    existing = await session.scalar(
        select(Application.id).where(
            Application.opportunity_id == target.id, Application.applicant_id == applicant_id
        )
    )
    if existing is not None:
        problems.append(Problem(Code.ALREADY_APPLIED, "You already applied; reopen it instead."))
    if problems:
        raise Rejected(problems)
    row = Application(
        opportunity_id=target.id,
        applicant_id=applicant_id,
        message=message.strip(),
        proposal_price=proposal.price if proposal else None,
        proposal_currency=proposal.currency if proposal else None,
        proposal_timeline=proposal.timeline if proposal else None,
        proposal_approach=proposal.approach if proposal else None,
    )
    session.add(row)
    await session.flush()
    await notify(
        session,
        await seeker_recipients(session, target.poster_id, target.institution_id),
        NotificationKind.APPLICATION_RECEIVED,
        opportunity_id=target.id,
        application_id=row.id,
    )
    return row


async def _locked(session: AsyncSession, application_id: int) -> tuple[Application, Opportunity]:
    """The application (row-locked) and its opportunity."""
    found = (
        await session.execute(
            select(Application, Opportunity)
            .join(Opportunity, Opportunity.id == Application.opportunity_id)
            .where(Application.id == application_id)
            .with_for_update(of=Application)
        )
    ).one_or_none()
    if found is None:
        raise reject(Code.NOT_FOUND, "No such application.", "id")
    return found[0], found[1]


async def _as_seeker(
    session: AsyncSession, viewer: Viewer, application_id: int
) -> tuple[Application, Opportunity]:
    """The application when the viewer acts for its opportunity's seeker; NOT_FOUND for
    anyone who may not see it, NOT_SEEKER for its applicant."""
    application, target = await _locked(session, application_id)
    if await acts_for_seeker(session, viewer, target.poster_id, target.institution_id):
        return application, target
    if viewer.engineer_id == application.applicant_id:
        raise reject(Code.NOT_SEEKER, "Only the seeker side may do this.")
    raise reject(Code.NOT_FOUND, "No such application.", "id")


async def _as_applicant(
    session: AsyncSession, viewer: Viewer, application_id: int
) -> tuple[Application, Opportunity]:
    """The application when the viewer is its applicant."""
    application, target = await _locked(session, application_id)
    if viewer.engineer_id == application.applicant_id:
        return application, target
    if await acts_for_seeker(session, viewer, target.poster_id, target.institution_id):
        raise reject(Code.NOT_APPLICANT, "Only the applicant may do this.")
    raise reject(Code.NOT_FOUND, "No such application.", "id")


async def _decide(
    session: AsyncSession,
    application: Application,
    status: ApplicationStatus,
    kind: NotificationKind,
    recipients: list[int | None],
) -> Application:
    """Record the new status and tell whoever it concerns."""
    application.status = status.value
    application.decided_at = datetime.now(UTC)
    await session.flush()
    await notify(
        session,
        recipients,
        kind,
        opportunity_id=application.opportunity_id,
        application_id=application.id,
    )
    return application


async def shortlist(session: AsyncSession, viewer: Viewer, application_id: int) -> Application:
    """SUBMITTED → SHORTLISTED, by the seeker side."""
    application, _ = await _as_seeker(session, viewer, application_id)
    if application.status != ApplicationStatus.SUBMITTED:
        raise reject(Code.CANNOT_SHORTLIST, f"The application is {application.status}.")
    return await _decide(
        session,
        application,
        ApplicationStatus.SHORTLISTED,
        NotificationKind.APPLICATION_SHORTLISTED,
        [application.applicant_id],
    )


async def decline(
    session: AsyncSession, viewer: Viewer, application_id: int, reason: str
) -> Application:
    """SUBMITTED/SHORTLISTED → DECLINED with a reason, by the seeker side."""
    application, _ = await _as_seeker(session, viewer, application_id)
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED):
        raise reject(Code.CANNOT_DECLINE, f"The application is {application.status}.")
    if not 1 <= len(reason.strip()) <= REASON_MAX:
        raise reject(Code.INVALID_REASON, "Give a reason of 1 to 1000 characters.", "reason")
    application.decline_reason = reason.strip()
    return await _decide(
        session,
        application,
        ApplicationStatus.DECLINED,
        NotificationKind.APPLICATION_DECLINED,
        [application.applicant_id],
    )


async def withdraw(session: AsyncSession, viewer: Viewer, application_id: int) -> Application:
    """SUBMITTED/SHORTLISTED → WITHDRAWN, by the applicant."""
    application, target = await _as_applicant(session, viewer, application_id)
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED):
        raise reject(Code.CANNOT_WITHDRAW, f"The application is {application.status}.")
    return await _decide(
        session,
        application,
        ApplicationStatus.WITHDRAWN,
        NotificationKind.APPLICATION_WITHDRAWN,
        await seeker_recipients(session, target.poster_id, target.institution_id),
    )


async def reopen(session: AsyncSession, viewer: Viewer, application_id: int) -> Application:
    """WITHDRAWN → SUBMITTED, by the applicant, while the opportunity is open."""
    application, target = await _as_applicant(session, viewer, application_id)
    if application.status != ApplicationStatus.WITHDRAWN:
        raise reject(Code.CANNOT_REOPEN, f"The application is {application.status}.")
    await _open_opportunity(session, viewer, target.id)
    application.decline_reason = None
    return await _decide(
        session,
        application,
        ApplicationStatus.SUBMITTED,
        NotificationKind.APPLICATION_RECEIVED,
        await seeker_recipients(session, target.poster_id, target.institution_id),
    )


async def accept(
    session: AsyncSession, viewer: Viewer, application_id: int
) -> tuple[Application, Engagement]:
    """SUBMITTED/SHORTLISTED → ACCEPTED, by the seeker side: a PROPOSED engagement is created,
    within the contributor's capacity (their row is locked, so racing accepts serialise)."""
    application, target = await _as_seeker(session, viewer, application_id)
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED):
        raise reject(Code.CANNOT_ACCEPT, f"The application is {application.status}.")
    status = opportunities.effective_status(target.status, target.deadline, datetime.now(UTC))
    if status is not OpportunityStatus.OPEN:
        raise reject(Code.NOT_OPEN, f"The opportunity is {status.value}.")
    capacity = await lock_capacity(session, application.applicant_id)
    if not capacity.fits(target.hours_per_month):
        raise reject(
            Code.CAPACITY_EXCEEDED,
            "The contributor has no capacity left for this engagement.",
        )
    engagement = Engagement(
        kind=target.kind,
        opportunity_id=target.id,
        application_id=application.id,
        contributor_id=application.applicant_id,
        seeker_id=target.poster_id,
        institution_id=target.institution_id,
        hours_per_month=target.hours_per_month,
        status=EngagementStatus.PROPOSED.value,
    )
    session.add(engagement)
    await session.flush()
    application.status = ApplicationStatus.ACCEPTED.value
    application.decided_at = datetime.now(UTC)
    await notify(
        session,
        [application.applicant_id],
        NotificationKind.APPLICATION_ACCEPTED,
        opportunity_id=target.id,
        application_id=application.id,
        engagement_id=engagement.id,
    )
    return application, engagement


async def invite(
    session: AsyncSession, viewer: Viewer, opportunity_id: int, engineer_id: int, message: str = ""
) -> Invitation:
    """The seeker side invites a contributor to an opportunity (any non-closed status)."""
    target = await opportunities.readable(session, viewer, opportunity_id)
    if not await acts_for_seeker(session, viewer, target.poster_id, target.institution_id):
        raise reject(Code.NOT_SEEKER, "Only the seeker side may invite.")
    status = opportunities.effective_status(target.status, target.deadline, datetime.now(UTC))
    if status not in (OpportunityStatus.DRAFT, OpportunityStatus.OPEN):
        raise reject(Code.NOT_OPEN, f"The opportunity is {status.value}.")
    if len(message) > MESSAGE_MAX:
        raise reject(Code.INVALID_MESSAGE, "Write at most 5000 characters.", "message")
    if await session.get(Engineer, engineer_id) is None:
        raise reject(Code.NOT_FOUND, "No such engineer.", "engineerId")
    taken = await session.scalar(
        select(Invitation.id).where(
            Invitation.opportunity_id == target.id, Invitation.engineer_id == engineer_id
        )
    )
    if taken is not None:
        raise reject(Code.ALREADY_INVITED, "That engineer is already invited.", "engineerId")
    row = Invitation(opportunity_id=target.id, engineer_id=engineer_id, message=message)
    session.add(row)
    await session.flush()
    await notify(
        session, [engineer_id], NotificationKind.INVITATION_RECEIVED, opportunity_id=target.id
    )
    return row


async def answer_invitation(
    session: AsyncSession, viewer: Viewer, invitation_id: int, *, accept: bool, message: str = ""
) -> tuple[Invitation, Application | None]:
    """The invitee accepts (a SHORTLISTED application is filed for the seeker to accept) or
    declines."""
    invitation = await session.get(Invitation, invitation_id, with_for_update=True)
    if invitation is None or invitation.engineer_id != viewer.engineer_id:
        raise reject(Code.NOT_FOUND, "No such invitation.", "id")
    if invitation.status != InvitationStatus.PENDING:
        raise reject(Code.CANNOT_ANSWER, f"The invitation is {invitation.status}.")
    application = None
    if accept:
        application = await apply(
            session, viewer, invitation.opportunity_id, message or "Accepted the invitation."
        )
        application.status = ApplicationStatus.SHORTLISTED.value
    invitation.status = (InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED).value
    invitation.answered_at = datetime.now(UTC)
    await session.flush()
    target = await session.get(Opportunity, invitation.opportunity_id)
    assert target is not None
    await notify(
        session,
        await seeker_recipients(session, target.poster_id, target.institution_id),
        NotificationKind.INVITATION_ANSWERED,
        opportunity_id=target.id,
        payload={"accepted": accept},
    )
    return invitation, application
