"""Work inside an engagement, and invitations: log sessions, add and finish milestones,
countersign (the ledger entry is written in the same transaction), feedback both ways; the
seeker side invites, the invitee accepts or declines.

Each is `<entity><Verb>(input:)`, runs its service in one transaction (graph.resolvers.mutation),
writes notification rows for the recipients in it, and returns the changed object with
`userErrors`.
"""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.enums import InvitationStatus
from graph.auth.permissions import requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.ids import encode_id
from graph.resolvers.mutation import Answers, decode, run_checked
from graph.resolvers.opportunity import ApplicationUserError, EngagementUserError
from graph.services import application as applications
from graph.services import engagement as engagements
from graph.services.application import ApplicationErrorCode
from graph.services.engagement import EngagementErrorCode
from graph.services.problems import Rejected
from graph.types.contribution_summary import cpd_config
from graph.types.engagement import (
    Engagement,
    EngagementFeedback,
    EngagementMilestone,
    EngagementSession,
    LedgerEntry,
)
from graph.types.opportunity import Application, Opportunity

SCOPE = requires(Scope.ENGAGEMENTS_WRITE)


@strawberry.type(description="A seeker's invitation to one contributor.")
class Invitation:
    """An invitation, as the invitee and the seeker side see it."""

    id: strawberry.ID = strawberry.field(description="Global ID of the invitation.")
    status: InvitationStatus = strawberry.field(description="Lifecycle status.")
    message: str = strawberry.field(description="The seeker's message.")
    opportunity: Opportunity = strawberry.field(description="The opportunity invited to.")

    @classmethod
    def of(cls, row: models.Invitation, target: models.Opportunity) -> "Invitation":
        """Build from its row and its opportunity's row."""
        return cls(
            id=strawberry.ID(encode_id("Invitation", row.id)),
            status=InvitationStatus(row.status),
            message=row.message,
            opportunity=Opportunity.from_model(target),
        )


@strawberry.type(description="Result of an invitation mutation.")
class InvitationPayload:
    """The invitation (and the application an acceptance filed), or why not."""

    invitation: Invitation | None = strawberry.field(
        description="The invitation after the change; null when refused."
    )
    application: Application | None = strawberry.field(
        description="The SHORTLISTED application `invitationAccept` filed; null otherwise."
    )
    user_errors: list[ApplicationUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation on an engagement's session log.")
class EngagementSessionPayload:
    """The session, its engagement and (when countersigned) the ledger entry, or why not."""

    session: EngagementSession | None = strawberry.field(
        description="The session after the change; null when refused."
    )
    engagement: Engagement | None = strawberry.field(description="Its engagement.")
    ledger_entry: LedgerEntry | None = strawberry.field(
        description="The ledger entry countersigning wrote; null otherwise."
    )
    user_errors: list[EngagementUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation on an engagement's milestones.")
class EngagementMilestonePayload:
    """The milestone, its engagement and (when countersigned) the ledger entry, or why not."""

    milestone: EngagementMilestone | None = strawberry.field(
        description="The milestone after the change; null when refused."
    )
    engagement: Engagement | None = strawberry.field(description="Its engagement.")
    ledger_entry: LedgerEntry | None = strawberry.field(
        description="The ledger entry countersigning wrote; null otherwise."
    )
    user_errors: list[EngagementUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of giving feedback on an engagement.")
class EngagementFeedbackPayload:
    """The feedback, or why not."""

    feedback: EngagementFeedback | None = strawberry.field(
        description="The feedback given; null when refused."
    )
    user_errors: list[EngagementUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.input(description="Invite a contributor to an opportunity.")
class OpportunityInviteInput:
    """Opportunity, invitee, message."""

    opportunity: strawberry.ID = strawberry.field(description="ID of a DRAFT or OPEN opportunity.")
    engineer: strawberry.ID = strawberry.field(description="ID of the engineer to invite.")
    message: str = strawberry.field(default="", description="A note, at most 5,000 characters.")


@strawberry.input(description="An invitation to answer.")
class InvitationAnswerInput:
    """The invitation and an optional message."""

    invitation: strawberry.ID = strawberry.field(description="ID of the invitation.")
    message: str = strawberry.field(
        default="", description="Message of the application accepting files (optional)."
    )


@strawberry.input(description="A working session to log.")
class EngagementLogSessionInput:
    """When, how long, notes, who attended."""

    engagement: strawberry.ID = strawberry.field(description="ID of an ACTIVE engagement.")
    held_on: date = strawberry.field(description="When it was held (not in the future).")
    minutes: int = strawberry.field(description="How long, 1–1,440 minutes.")
    notes: str = strawberry.field(
        default="", description="What was done, at most 20,000 characters (parties only read it)."
    )
    attendees: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="IDs of the parties who attended (both parties when empty).",
    )


@strawberry.input(description="A milestone to add.")
class EngagementAddMilestoneInput:
    """Title, due date, effort."""

    engagement: strawberry.ID = strawberry.field(
        description="ID of a PROPOSED or ACTIVE engagement."
    )
    title: str = strawberry.field(description="What is delivered, 1–200 characters.")
    due_on: date = strawberry.field(description="When it is due.")
    minutes: int = strawberry.field(default=0, description="Work it takes, 0–60,000 minutes.")


@strawberry.input(description="One milestone to act on.")
class MilestoneInput:
    """The milestone."""

    milestone: strawberry.ID = strawberry.field(description="ID of the milestone.")


@strawberry.input(description="One logged session to act on.")
class SessionInput:
    """The session."""

    session: strawberry.ID = strawberry.field(description="ID of the session.")


@strawberry.input(description="Feedback on a completed engagement.")
class EngagementFeedbackInput:
    """Rating and comment."""

    engagement: strawberry.ID = strawberry.field(description="ID of a COMPLETED engagement.")
    rating: int = strawberry.field(description="1 (poor) to 5 (excellent).")
    comment: str = strawberry.field(default="", description="At most 5,000 characters.")


APPLICATION_ANSWERS = Answers(ApplicationUserError, ApplicationErrorCode)
ENGAGEMENT_ANSWERS = Answers(EngagementUserError, EngagementErrorCode)


def _key(value: str, type_name: str, field: str) -> int:
    return decode(value, type_name, EngagementErrorCode.NOT_FOUND, field)


async def _ledger_entry(
    session: AsyncSession, *, session_id: int | None = None, milestone_id: int | None = None
) -> models.LedgerEntry | None:
    source = (
        models.LedgerEntry.session_id == session_id
        if session_id is not None
        else models.LedgerEntry.milestone_id == milestone_id
    )
    found: models.LedgerEntry | None = await session.scalar(
        select(models.LedgerEntry).where(source)
    )
    return found


OPPORTUNITY_INVITE = (
    "Invite a contributor to a DRAFT or OPEN opportunity (the seeker side); they are "
    "notified and may see it even when it is INVITED-only." + SCOPE
)


async def opportunity_invite(
    info: Info,
    input: Annotated[OpportunityInviteInput, strawberry.argument(description="The invitation.")],
) -> InvitationPayload:
    """opportunityInvite."""
    viewer = info.context.viewer
    code = ApplicationErrorCode.NOT_FOUND

    async def work(session: AsyncSession) -> tuple[Invitation, None]:
        target = decode(input.opportunity, "Opportunity", code, "opportunity")
        engineer = decode(input.engineer, "Engineer", code, "engineer")
        row = await applications.invite(session, viewer, target, engineer, input.message)
        opportunity = await session.get_one(models.Opportunity, row.opportunity_id)
        return Invitation.of(row, opportunity), None

    return _invitation_payload(await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE))


def _invitation_payload(
    result: tuple[Invitation, Application | None] | Rejected,
) -> InvitationPayload:
    if isinstance(result, Rejected):
        errors = APPLICATION_ANSWERS.errors(result)
        return InvitationPayload(invitation=None, application=None, user_errors=errors)
    invitation, application = result
    return InvitationPayload(invitation=invitation, application=application, user_errors=[])


def _answer(accept: bool) -> Callable[..., Awaitable[InvitationPayload]]:
    async def resolve(
        info: Info,
        input: Annotated[InvitationAnswerInput, strawberry.argument(description="The answer.")],
    ) -> InvitationPayload:
        viewer = info.context.viewer

        async def work(session: AsyncSession) -> tuple[Invitation, Application | None]:
            key = decode(
                input.invitation,
                "Invitation",
                ApplicationErrorCode.NOT_FOUND,
                "invitation",
            )
            row, application = await applications.answer_invitation(
                session, viewer, key, accept=accept, message=input.message
            )
            opportunity = await session.get_one(models.Opportunity, row.opportunity_id)
            return (
                Invitation.of(row, opportunity),
                Application.from_model(application) if application is not None else None,
            )

        return _invitation_payload(await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE))

    return resolve


invitation_accept = _answer(True)
invitation_decline = _answer(False)
INVITATION_ACCEPT = (
    "Accept an invitation (the invitee): a SHORTLISTED application is filed for the seeker "
    "side to accept; CANNOT_ANSWER once answered." + SCOPE
)
INVITATION_DECLINE = "Decline an invitation (the invitee); the seeker side is notified." + SCOPE


def _session_payload(
    result: tuple[models.EngagementSession, models.Engagement, models.LedgerEntry | None]
    | Rejected,
) -> EngagementSessionPayload:
    if isinstance(result, Rejected):
        return EngagementSessionPayload(
            session=None,
            engagement=None,
            ledger_entry=None,
            user_errors=ENGAGEMENT_ANSWERS.errors(result),
        )
    logged, engagement, entry = result
    return EngagementSessionPayload(
        session=EngagementSession.of(logged),
        engagement=Engagement.from_model(engagement),
        ledger_entry=LedgerEntry.from_model(entry) if entry is not None else None,
        user_errors=[],
    )


ENGAGEMENT_LOG_SESSION = (
    "Log a working session of an ACTIVE engagement (a party): date, minutes, notes, who "
    "attended; the seeker side is asked to countersign." + SCOPE
)


async def engagement_log_session(
    info: Info,
    input: Annotated[EngagementLogSessionInput, strawberry.argument(description="The session.")],
) -> EngagementSessionPayload:
    """engagementLogSession."""
    viewer = info.context.viewer

    async def work(
        session: AsyncSession,
    ) -> tuple[models.EngagementSession, models.Engagement, None]:
        key = _key(input.engagement, "Engagement", "engagement")
        attendees = [_key(value, "Engineer", "attendees") for value in input.attendees]
        logged = await engagements.log_session(
            session,
            viewer,
            key,
            held_on=input.held_on,
            minutes=input.minutes,
            notes=input.notes,
            attendee_ids=attendees,
        )
        return logged, await session.get_one(models.Engagement, key), None

    return _session_payload(await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE))


ENGAGEMENT_COUNTERSIGN_SESSION = (
    "Countersign a logged session (the seeker side): it enters the contributor's ledger with "
    "its CPD points; ALREADY_COUNTERSIGNED the second time." + SCOPE
)


async def engagement_countersign_session(
    info: Info,
    input: Annotated[SessionInput, strawberry.argument(description="The session.")],
) -> EngagementSessionPayload:
    """engagementCountersignSession."""
    viewer = info.context.viewer

    async def work(
        session: AsyncSession,
    ) -> tuple[models.EngagementSession, models.Engagement, models.LedgerEntry | None]:
        key = _key(input.session, "EngagementSession", "session")
        logged = await engagements.countersign_session(session, viewer, key, cpd_config())
        engagement = await session.get_one(models.Engagement, logged.engagement_id)
        return logged, engagement, await _ledger_entry(session, session_id=logged.id)

    return _session_payload(await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE))


def _milestone_payload(
    result: tuple[models.Milestone, models.Engagement, models.LedgerEntry | None] | Rejected,
) -> EngagementMilestonePayload:
    if isinstance(result, Rejected):
        return EngagementMilestonePayload(
            milestone=None,
            engagement=None,
            ledger_entry=None,
            user_errors=ENGAGEMENT_ANSWERS.errors(result),
        )
    milestone, engagement, entry = result
    return EngagementMilestonePayload(
        milestone=EngagementMilestone.from_model(milestone),
        engagement=Engagement.from_model(engagement),
        ledger_entry=LedgerEntry.from_model(entry) if entry is not None else None,
        user_errors=[],
    )


ENGAGEMENT_ADD_MILESTONE = (
    "Add a milestone (title, due date, minutes) to a PROPOSED or ACTIVE engagement (a party); "
    "the other side is notified." + SCOPE
)


async def engagement_add_milestone(
    info: Info,
    input: Annotated[EngagementAddMilestoneInput, strawberry.argument(description="Milestone.")],
) -> EngagementMilestonePayload:
    """engagementAddMilestone."""
    viewer = info.context.viewer

    async def work(session: AsyncSession) -> tuple[models.Milestone, models.Engagement, None]:
        key = _key(input.engagement, "Engagement", "engagement")
        milestone = await engagements.add_milestone(
            session, viewer, key, title=input.title, due_on=input.due_on, minutes=input.minutes
        )
        return milestone, await session.get_one(models.Engagement, key), None

    return _milestone_payload(await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE))


def _milestone_action(
    act: Callable[[AsyncSession, Info, int], Awaitable[models.Milestone]], *, ledger: bool
) -> Callable[..., Awaitable[EngagementMilestonePayload]]:
    async def resolve(
        info: Info,
        input: Annotated[MilestoneInput, strawberry.argument(description="The milestone.")],
    ) -> EngagementMilestonePayload:
        async def work(
            session: AsyncSession,
        ) -> tuple[models.Milestone, models.Engagement, models.LedgerEntry | None]:
            milestone = await act(
                session, info, _key(input.milestone, "EngagementMilestone", "milestone")
            )
            engagement = await session.get_one(models.Engagement, milestone.engagement_id)
            entry = await _ledger_entry(session, milestone_id=milestone.id) if ledger else None
            return milestone, engagement, entry

        return _milestone_payload(await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE))

    return resolve


async def _finish(session: AsyncSession, info: Info, key: int) -> models.Milestone:
    return await engagements.finish_milestone(session, info.context.viewer, key)


async def _countersign(session: AsyncSession, info: Info, key: int) -> models.Milestone:
    return await engagements.countersign_milestone(session, info.context.viewer, key, cpd_config())


engagement_finish_milestone = _milestone_action(_finish, ledger=False)
engagement_countersign_milestone = _milestone_action(_countersign, ledger=True)
ENGAGEMENT_FINISH_MILESTONE = (
    "Mark a PLANNED milestone of an ACTIVE engagement DONE (the contributor); the seeker side "
    "is asked to countersign." + SCOPE
)
ENGAGEMENT_COUNTERSIGN_MILESTONE = (
    "Countersign a DONE milestone (the seeker side): it enters the contributor's ledger." + SCOPE
)

ENGAGEMENT_GIVE_FEEDBACK = (
    "Rate the other party 1–5 with a comment once the engagement is COMPLETED (each party "
    "once; ALREADY_GIVEN the second time); they are notified." + SCOPE
)


async def engagement_give_feedback(
    info: Info,
    input: Annotated[EngagementFeedbackInput, strawberry.argument(description="The feedback.")],
) -> EngagementFeedbackPayload:
    """engagementGiveFeedback."""
    viewer = info.context.viewer

    async def work(session: AsyncSession) -> models.Feedback:
        key = _key(input.engagement, "Engagement", "engagement")
        return await engagements.give_feedback(
            session, viewer, key, rating=input.rating, comment=input.comment
        )

    result = await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE)
    return ENGAGEMENT_ANSWERS.payload(
        EngagementFeedbackPayload, result, feedback=EngagementFeedback.of
    )
