"""Advisory and curriculum-review panels: the root list, `node` fetchers and mutations.

Each mutation is `<entity><Verb>(input:)`, runs its service in one transaction
(graph.resolvers.mutation), writes notification rows (and audit rows for the staff's
actions on others) in it, and returns the changed object with `userErrors`.
"""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.enums import PanelKind
from graph.auth.permissions import requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.resolvers.mutation import Answers, decode, run_checked
from graph.services import panel as service
from graph.services.panel import PanelErrorCode
from graph.services.problems import Rejected
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.contribution_summary import cpd_config
from graph.types.panel import AdvisoryPanel, PanelCandidacy, PanelMeeting, PanelMembership
from graph.types.sql_only import unserved

Code = PanelErrorCode
STAFF_SCOPE = requires(Scope.OPPORTUNITIES_WRITE)
CANDIDATE_SCOPE = requires(Scope.ENGAGEMENTS_WRITE)


def advisory_panels(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
) -> Connection[AdvisoryPanel]:
    """Every panel, newest first (panels are public)."""
    raise unserved()


@strawberry.type(description="Why a panel mutation was refused.")
class PanelUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: PanelErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


ANSWERS = Answers(PanelUserError, PanelErrorCode)
"""How panel mutations answer."""


@strawberry.type(description="Result of a mutation on a panel.")
class AdvisoryPanelPayload:
    """The panel as it is now, or why nothing changed."""

    panel: AdvisoryPanel | None = strawberry.field(
        description="The panel after the change; null when refused."
    )
    user_errors: list[PanelUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation on a candidacy.")
class PanelCandidacyPayload:
    """The candidacy as it is now, or why nothing changed."""

    candidacy: PanelCandidacy | None = strawberry.field(
        description="The candidacy after the change; null when refused."
    )
    user_errors: list[PanelUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation on a seat.")
class PanelMembershipPayload:
    """The seat as it is now, or why nothing changed."""

    membership: PanelMembership | None = strawberry.field(
        description="The seat after the change; null when refused."
    )
    user_errors: list[PanelUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of logging a panel meeting.")
class PanelMeetingPayload:
    """The meeting, or why nothing was logged."""

    meeting: PanelMeeting | None = strawberry.field(
        description="The meeting logged; null when refused."
    )
    user_errors: list[PanelUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.input(description="A panel to open.")
class AdvisoryPanelCreateInput:
    """The institution and the panel."""

    institution: strawberry.ID = strawberry.field(description="ID of your institution.")
    name: str = strawberry.field(description="The panel's name, 1–200 characters.")
    purpose: str = strawberry.field(description="What it is for, 1–5,000 characters.")
    kind: PanelKind = strawberry.field(description="Advisory or curriculum review.")
    seats: int = strawberry.field(description="How many members, 1–50.")
    term_starts_on: date = strawberry.field(description="First day of the term.")
    term_ends_on: date = strawberry.field(
        description="Last day of the term: after the start, not past, within ten years."
    )


@strawberry.input(description="One panel to act on.")
class AdvisoryPanelInput:
    """The panel."""

    panel: strawberry.ID = strawberry.field(description="ID of the panel.")


@strawberry.input(description="A nomination.")
class PanelNominateInput:
    """The panel, the nominee, why."""

    panel: strawberry.ID = strawberry.field(description="ID of an OPEN panel.")
    candidate: strawberry.ID = strawberry.field(description="ID of the engineer you nominate.")
    statement: str = strawberry.field(default="", description="Why them, at most 5,000 characters.")


@strawberry.input(description="An application for a seat.")
class PanelApplyInput:
    """The panel and why."""

    panel: strawberry.ID = strawberry.field(description="ID of an OPEN panel.")
    statement: str = strawberry.field(default="", description="Why you, at most 5,000 characters.")


@strawberry.input(description="One candidacy to act on.")
class PanelCandidacyInput:
    """The candidacy."""

    candidacy: strawberry.ID = strawberry.field(description="ID of the candidacy.")


@strawberry.input(description="One seat to act on.")
class PanelMembershipInput:
    """The seat."""

    membership: strawberry.ID = strawberry.field(description="ID of the panel membership.")


@strawberry.input(description="A panel meeting to log.")
class PanelMeetingLogInput:
    """Panel, title, date, length, notes, attendees."""

    panel: strawberry.ID = strawberry.field(description="ID of the panel.")
    title: str = strawberry.field(description="What it was about, 1–200 characters.")
    held_on: date = strawberry.field(description="When it was held (not in the future).")
    minutes: int = strawberry.field(description="How long, 1–1,440 minutes.")
    notes: str = strawberry.field(
        default="", description="Minutes of the meeting, at most 20,000 characters."
    )
    attendees: list[strawberry.ID] = strawberry.field(
        description="IDs of the panel memberships of the members who attended (at least one)."
    )


def _panel_payload(result: models.AdvisoryPanel | Rejected) -> AdvisoryPanelPayload:
    return ANSWERS.payload(AdvisoryPanelPayload, result, panel=AdvisoryPanel.from_model)


def _candidacy_payload(result: models.PanelCandidacy | Rejected) -> PanelCandidacyPayload:
    return ANSWERS.payload(PanelCandidacyPayload, result, candidacy=PanelCandidacy.from_model)


def _membership_payload(result: models.PanelMembership | Rejected) -> PanelMembershipPayload:
    return ANSWERS.payload(PanelMembershipPayload, result, membership=PanelMembership.from_model)


def _key(value: str, type_name: str, field: str) -> int:
    return decode(value, type_name, Code.NOT_FOUND, field)


PANEL_CREATE = (
    "Open a panel for your institution (its staff, or its client): name, purpose, kind, seats "
    "and term; it takes nominations and applications at once; audited." + STAFF_SCOPE
)


async def advisory_panel_create(
    info: Info,
    input: Annotated[AdvisoryPanelCreateInput, strawberry.argument(description="The panel.")],
) -> AdvisoryPanelPayload:
    """advisoryPanelCreate."""

    async def work(session: AsyncSession) -> models.AdvisoryPanel:
        institution = _key(input.institution, "Institution", "institution")
        draft = service.PanelDraft(
            name=input.name,
            purpose=input.purpose,
            kind=input.kind,
            seats=input.seats,
            term_starts_on=input.term_starts_on,
            term_ends_on=input.term_ends_on,
        )
        return await service.create(
            session, info.context.viewer, institution, draft, request_id=info.context.request_id
        )

    return _panel_payload(await run_checked(info, work, scope=Scope.OPPORTUNITIES_WRITE))


PANEL_CLOSE = (
    "Stop taking nominations and applications (the institution's staff); pending candidates "
    "may still be appointed; audited." + STAFF_SCOPE
)


async def advisory_panel_close(
    info: Info,
    input: Annotated[AdvisoryPanelInput, strawberry.argument(description="The panel.")],
) -> AdvisoryPanelPayload:
    """advisoryPanelClose."""

    async def work(session: AsyncSession) -> models.AdvisoryPanel:
        key = _key(input.panel, "AdvisoryPanel", "panel")
        return await service.close(
            session, info.context.viewer, key, request_id=info.context.request_id
        )

    return _panel_payload(await run_checked(info, work, scope=Scope.OPPORTUNITIES_WRITE))


PANEL_NOMINATE = (
    "Nominate another engineer for a seat on an OPEN panel (any signed-in engineer: the "
    "people who know good advisers are often outside the institution). The nominee is told "
    "and must accept before the staff can appoint them." + CANDIDATE_SCOPE
)


async def panel_nominate(
    info: Info,
    input: Annotated[PanelNominateInput, strawberry.argument(description="The nomination.")],
) -> PanelCandidacyPayload:
    """panelNominate."""

    async def work(session: AsyncSession) -> models.PanelCandidacy:
        panel = _key(input.panel, "AdvisoryPanel", "panel")
        candidate = _key(input.candidate, "Engineer", "candidate")
        return await service.nominate(
            session, info.context.viewer, panel, candidate, input.statement
        )

    result = await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE, engineer=True)
    return _candidacy_payload(result)


PANEL_APPLY = (
    "Apply for a seat on an OPEN panel (a signed-in engineer); the institution's staff are "
    "told." + CANDIDATE_SCOPE
)


async def panel_apply(
    info: Info,
    input: Annotated[PanelApplyInput, strawberry.argument(description="The application.")],
) -> PanelCandidacyPayload:
    """panelApply."""

    async def work(session: AsyncSession) -> models.PanelCandidacy:
        panel = _key(input.panel, "AdvisoryPanel", "panel")
        return await service.apply(session, info.context.viewer, panel, input.statement)

    result = await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE, engineer=True)
    return _candidacy_payload(result)


def _candidate_action(
    action: Callable[[AsyncSession, Any, int], Awaitable[models.PanelCandidacy]],
) -> Callable[..., Awaitable[PanelCandidacyPayload]]:
    async def resolve(
        info: Info,
        input: Annotated[PanelCandidacyInput, strawberry.argument(description="The candidacy.")],
    ) -> PanelCandidacyPayload:
        async def work(session: AsyncSession) -> models.PanelCandidacy:
            key = _key(input.candidacy, "PanelCandidacy", "candidacy")
            return await action(session, info.context.viewer, key)

        result = await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE, engineer=True)
        return _candidacy_payload(result)

    return resolve


panel_nomination_accept = _candidate_action(service.accept_nomination)
PANEL_NOMINATION_ACCEPT = (
    "Accept your nomination (the nominee): the candidacy is PENDING for the staff to decide; "
    "they are told." + CANDIDATE_SCOPE
)
panel_candidacy_withdraw = _candidate_action(service.withdraw_candidacy)
PANEL_CANDIDACY_WITHDRAW = (
    "Withdraw your candidacy, or decline your nomination (the candidate), before an "
    "appointment." + CANDIDATE_SCOPE
)

PANEL_APPOINT = (
    "Appoint a PENDING candidate to a free seat for the rest of the panel's term (the "
    "institution's staff): an ACTIVE engagement of the panel's kind starts; the member is told; "
    "audited. SEATS_FULL when every seat is taken." + STAFF_SCOPE
)


async def panel_appoint(
    info: Info,
    input: Annotated[PanelCandidacyInput, strawberry.argument(description="The candidacy.")],
) -> PanelMembershipPayload:
    """panelAppoint."""

    async def work(session: AsyncSession) -> models.PanelMembership:
        key = _key(input.candidacy, "PanelCandidacy", "candidacy")
        return await service.appoint(
            session, info.context.viewer, key, request_id=info.context.request_id
        )

    return _membership_payload(await run_checked(info, work, scope=Scope.OPPORTUNITIES_WRITE))


PANEL_MEMBERSHIP_END = (
    "End a seat early: the member resigns, or the institution's staff remove them (audited); "
    "its engagement completes and the other side is told." + CANDIDATE_SCOPE
)


async def panel_membership_end(
    info: Info,
    input: Annotated[PanelMembershipInput, strawberry.argument(description="The seat.")],
) -> PanelMembershipPayload:
    """panelMembershipEnd."""

    async def work(session: AsyncSession) -> models.PanelMembership:
        key = _key(input.membership, "PanelMembership", "membership")
        return await service.end_membership(
            session, info.context.viewer, key, request_id=info.context.request_id
        )

    return _membership_payload(await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE))


PANEL_MEETING_LOG = (
    "Log a panel meeting (the institution's staff): each attending member gets a "
    "countersigned session of their panel engagement, entered in the contribution ledger."
    + STAFF_SCOPE
)


async def panel_meeting_log(
    info: Info,
    input: Annotated[PanelMeetingLogInput, strawberry.argument(description="The meeting.")],
) -> PanelMeetingPayload:
    """panelMeetingLog."""

    async def work(session: AsyncSession) -> models.PanelMeeting:
        panel = _key(input.panel, "AdvisoryPanel", "panel")
        attendees = [_key(value, "PanelMembership", "attendees") for value in input.attendees]
        draft = service.MeetingDraft(
            title=input.title,
            held_on=input.held_on,
            minutes=input.minutes,
            notes=input.notes,
            attendees=attendees,
        )
        return await service.log_meeting(session, info.context.viewer, panel, draft, cpd_config())

    result = await run_checked(info, work, scope=Scope.OPPORTUNITIES_WRITE)
    return ANSWERS.payload(PanelMeetingPayload, result, meeting=PanelMeeting.from_model)
