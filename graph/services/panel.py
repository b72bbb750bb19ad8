"""Advisory and curriculum-review panels: candidacies, appointments, terms and meetings.

Any signed-in engineer may nominate a colleague (the people who know good advisers are often
outside the institution); the nominee accepts before they can be appointed, so nobody sits on a
panel without agreeing. Contributors may also apply. Only the institution's staff appoint, up
to the seat count; each appointment is an ACTIVE engagement of the panel's kind, and each
meeting logs a countersigned session for every attending member, so panel work lands in the
contribution ledger.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.cpd import CpdConfig
from db.enums import (
    CandidacySource,
    CandidacyStatus,
    EngagementKind,
    EngagementStatus,
    NotificationKind,
    PanelKind,
    PanelStatus,
)
from db.models import (
    AdvisoryPanel,
    Engagement,
    EngagementSession,
    Engineer,
    Institution,
    PanelAttendance,
    PanelCandidacy,
    PanelMeeting,
    PanelMembership,
)
from db.models.panel import NAME_MAX, PURPOSE_MAX, SEATS_MAX, STATEMENT_MAX
from db.queries.panel import seat_taken
from graph.auth.viewer import Viewer
from graph.ids import encode_id
from graph.services import audit, ledger
from graph.services.notification import notify
from graph.services.problems import reject
from graph.services.staff import require_staff, tell_staff

TERM_MAX = timedelta(days=366 * 10)
"""The longest term a panel may have."""
NOTES_MAX = 20_000
MEETING_KINDS = {
    PanelKind.ADVISORY: EngagementKind.ADVISORY_PANEL,
    PanelKind.CURRICULUM_REVIEW: EngagementKind.CURRICULUM_REVIEW,
}
"""The engagement kind an appointment to each kind of panel creates."""


class PanelErrorCode(enum.Enum):
    """Why a panel mutation was refused."""

    NOT_FOUND = "NOT_FOUND"
    NOT_STAFF = "NOT_STAFF"
    NOT_CANDIDATE = "NOT_CANDIDATE"
    NOT_MEMBER = "NOT_MEMBER"
    PANEL_CLOSED = "PANEL_CLOSED"
    ALREADY_CLOSED = "ALREADY_CLOSED"
    ALREADY_CANDIDATE = "ALREADY_CANDIDATE"
    ALREADY_MEMBER = "ALREADY_MEMBER"
    ALREADY_ENDED = "ALREADY_ENDED"
    SELF_NOMINATION = "SELF_NOMINATION"
    NOT_ACCEPTED = "NOT_ACCEPTED"
    CANNOT_ACCEPT = "CANNOT_ACCEPT"
    CANNOT_WITHDRAW = "CANNOT_WITHDRAW"
    SEATS_FULL = "SEATS_FULL"
    TERM_OVER = "TERM_OVER"
    NOT_ATTENDEE = "NOT_ATTENDEE"
    INVALID_NAME = "INVALID_NAME"
    INVALID_PURPOSE = "INVALID_PURPOSE"
    INVALID_SEATS = "INVALID_SEATS"
    INVALID_TERM = "INVALID_TERM"
    INVALID_STATEMENT = "INVALID_STATEMENT"
    INVALID_MEETING = "INVALID_MEETING"


Code = PanelErrorCode


@dataclass(frozen=True)
class PanelDraft:
    """What an institution states when it opens a panel."""

    name: str
    purpose: str
    kind: PanelKind
    seats: int
    term_starts_on: date
    term_ends_on: date


@dataclass(frozen=True)
class MeetingDraft:
    """A panel meeting to log."""

    title: str
    held_on: date
    minutes: int
    notes: str
    attendees: Sequence[int]
    """Ids of the panel memberships that attended."""


def panel_snapshot(row: AdvisoryPanel) -> dict[str, Any]:
    """What the audit log records of a panel."""
    return {"status": row.status, "seats": row.seats, "name": row.name}


def membership_snapshot(row: PanelMembership) -> dict[str, Any]:
    """What the audit log records of a seat."""
    return {
        "memberId": row.member_id,
        "termStartsOn": row.term_starts_on.isoformat(),
        "termEndsOn": row.term_ends_on.isoformat(),
        "endedOn": row.ended_on.isoformat() if row.ended_on else None,
    }


def _today() -> date:
    return datetime.now(UTC).date()


async def _staff(session: AsyncSession, viewer: Viewer, institution_id: int) -> None:
    await require_staff(
        session, viewer, institution_id, Code.NOT_STAFF, "Only the institution's staff may do this."
    )


async def _panel(session: AsyncSession, panel_id: int) -> AdvisoryPanel:
    """The panel, row-locked (appointments to one panel serialise on it)."""
    row = await session.get(AdvisoryPanel, panel_id, with_for_update=True)
    if row is None:
        raise reject(Code.NOT_FOUND, "No such panel.", "panel")
    return row


def _panel_ref(row: AdvisoryPanel) -> dict[str, Any]:
    return {"panelId": encode_id("AdvisoryPanel", row.id), "name": row.name}


async def create(
    session: AsyncSession,
    viewer: Viewer,
    institution_id: int,
    draft: PanelDraft,
    *,
    request_id: str = "",
) -> AdvisoryPanel:
    """The institution's staff open a panel (OPEN to nominations and applications); audited."""
    if await session.get(Institution, institution_id) is None:
        raise reject(Code.NOT_FOUND, "No such institution.", "institution")
    await _staff(session, viewer, institution_id)
    name, purpose = draft.name.strip(), draft.purpose.strip()
    if not 1 <= len(name) <= NAME_MAX:
        raise reject(Code.INVALID_NAME, f"A name has 1–{NAME_MAX} characters.", "name")
    if not 1 <= len(purpose) <= PURPOSE_MAX:
        raise reject(Code.INVALID_PURPOSE, f"A purpose has 1–{PURPOSE_MAX} characters.", "purpose")
    if not 1 <= draft.seats <= SEATS_MAX:
        raise reject(Code.INVALID_SEATS, f"A panel has 1–{SEATS_MAX} seats.", "seats")
    if (
        draft.term_ends_on <= draft.term_starts_on
        or draft.term_ends_on < _today()
        or draft.term_ends_on - draft.term_starts_on > TERM_MAX
    ):
        raise reject(
            Code.INVALID_TERM,
            "The term ends after it starts, not in the past, within ten years.",
            "termEndsOn",
        )
    row = AdvisoryPanel(
        institution_id=institution_id,
        created_by_id=viewer.engineer_id,
        name=name,
        purpose=purpose,
        kind=draft.kind.value,
        seats=draft.seats,
        term_starts_on=draft.term_starts_on,
        term_ends_on=draft.term_ends_on,
    )
    session.add(row)
    await session.flush()
    audit.record(
        session,
        viewer,
        "advisoryPanel.create",
        row,
        chapter_id=None,
        before=None,
        after=panel_snapshot(row),
        request_id=request_id,
    )
    await session.flush()
    return row


async def close(
    session: AsyncSession, viewer: Viewer, panel_id: int, *, request_id: str = ""
) -> AdvisoryPanel:
    """The staff stop taking nominations and applications (appointing goes on); audited."""
    row = await _panel(session, panel_id)
    await _staff(session, viewer, row.institution_id)
    if row.status == PanelStatus.CLOSED:
        raise reject(Code.ALREADY_CLOSED, "The panel is already closed.")
    return await audit.audited_update(
        session,
        viewer,
        "advisoryPanel.close",
        row,
        panel_snapshot,
        chapter_id=None,
        request_id=request_id,
        status=PanelStatus.CLOSED.value,
        closed_at=datetime.now(UTC),
    )


def _statement(text: str) -> str:
    value = text.strip()
    if len(value) > STATEMENT_MAX:
        raise reject(
            Code.INVALID_STATEMENT,
            f"A statement is at most {STATEMENT_MAX} characters.",
            "statement",
        )
    return value


async def _open_for(session: AsyncSession, panel: AdvisoryPanel, candidate_id: int) -> None:
    """Refuse a new candidacy on a closed panel, or for a member or an existing candidate."""
    if panel.status != PanelStatus.OPEN:
        raise reject(Code.PANEL_CLOSED, "The panel takes no more candidates.", "panel")
    member = await session.scalar(
        select(PanelMembership.id).where(
            PanelMembership.panel_id == panel.id, PanelMembership.member_id == candidate_id
        )
    )
    if member is not None:
        raise reject(Code.ALREADY_MEMBER, "Already a member of this panel.")


async def _existing(
    session: AsyncSession, panel_id: int, candidate_id: int
) -> PanelCandidacy | None:
    found: PanelCandidacy | None = await session.scalar(
        select(PanelCandidacy)
        .where(PanelCandidacy.panel_id == panel_id, PanelCandidacy.candidate_id == candidate_id)
        .with_for_update()
    )
    if found is not None and found.status != CandidacyStatus.WITHDRAWN:
        raise reject(Code.ALREADY_CANDIDATE, "Already a candidate for this panel.")
    return found


async def nominate(
    session: AsyncSession,
    viewer: Viewer,
    panel_id: int,
    candidate_id: int,
    statement: str,
) -> PanelCandidacy:
    """A signed-in engineer nominates someone else; the nominee is asked to accept."""
    panel = await _panel(session, panel_id)
    if viewer.engineer_id is None:
        raise reject(Code.NOT_FOUND, "Only an engineer nominates.")
    if candidate_id == viewer.engineer_id:
        raise reject(Code.SELF_NOMINATION, "Apply instead of nominating yourself.", "candidate")
    if await session.get(Engineer, candidate_id) is None:
        raise reject(Code.NOT_FOUND, "No such engineer.", "candidate")
    await _open_for(session, panel, candidate_id)
    text = _statement(statement)
    row = await _existing(session, panel.id, candidate_id)
    if row is None:
        row = PanelCandidacy(panel_id=panel.id, candidate_id=candidate_id)
        session.add(row)
    row.source = CandidacySource.NOMINATED.value
    row.status = CandidacyStatus.NOMINATED.value
    row.nominated_by_id = viewer.engineer_id
    row.statement = text
    row.decided_at = None
    await session.flush()
    await notify(
        session,
        [candidate_id],
        NotificationKind.PANEL_NOMINATED,
        actor_id=viewer.engineer_id,
        payload={**_panel_ref(panel), "candidacyId": encode_id("PanelCandidacy", row.id)},
    )
    return row


async def _tell_staff(
    session: AsyncSession, panel: AdvisoryPanel, row: PanelCandidacy, kind: NotificationKind
) -> None:
    await tell_staff(
        session,
        panel.institution_id,
        kind,
        excluding=row.candidate_id,
        actor_id=row.candidate_id,
        payload={**_panel_ref(panel), "candidacyId": encode_id("PanelCandidacy", row.id)},
    )


async def apply(
    session: AsyncSession, viewer: Viewer, panel_id: int, statement: str
) -> PanelCandidacy:
    """A contributor applies for a seat; the staff are told."""
    panel = await _panel(session, panel_id)
    if viewer.engineer_id is None:
        raise reject(Code.NOT_FOUND, "Only an engineer applies.")
    await _open_for(session, panel, viewer.engineer_id)
    text = _statement(statement)
    row = await _existing(session, panel.id, viewer.engineer_id)
    if row is None:
        row = PanelCandidacy(panel_id=panel.id, candidate_id=viewer.engineer_id)
        session.add(row)
    row.source = CandidacySource.APPLIED.value
    row.status = CandidacyStatus.PENDING.value
    row.nominated_by_id = None
    row.statement = text
    row.decided_at = None
    await session.flush()
    await _tell_staff(session, panel, row, NotificationKind.PANEL_CANDIDACY_RECEIVED)
    return row


async def _own_candidacy(
    session: AsyncSession, viewer: Viewer, candidacy_id: int
) -> tuple[PanelCandidacy, AdvisoryPanel]:
    row = await session.get(PanelCandidacy, candidacy_id, with_for_update=True)
    if row is None or row.candidate_id != viewer.engineer_id:
        raise reject(Code.NOT_FOUND, "No such candidacy of yours.", "candidacy")
    return row, await _panel(session, row.panel_id)


async def accept_nomination(
    session: AsyncSession, viewer: Viewer, candidacy_id: int
) -> PanelCandidacy:
    """The nominee agrees to stand: the candidacy is PENDING, for the staff to decide."""
    row, panel = await _own_candidacy(session, viewer, candidacy_id)
    if row.status != CandidacyStatus.NOMINATED:
        raise reject(Code.CANNOT_ACCEPT, f"The candidacy is {row.status}.")
    if panel.status != PanelStatus.OPEN:
        raise reject(Code.PANEL_CLOSED, "The panel takes no more candidates.")
    row.status = CandidacyStatus.PENDING.value
    await session.flush()
    await _tell_staff(session, panel, row, NotificationKind.PANEL_CANDIDACY_RECEIVED)
    return row


async def withdraw_candidacy(
    session: AsyncSession, viewer: Viewer, candidacy_id: int
) -> PanelCandidacy:
    """The candidate withdraws (or declines a nomination) before being appointed."""
    row, _ = await _own_candidacy(session, viewer, candidacy_id)
    if row.status not in (CandidacyStatus.NOMINATED, CandidacyStatus.PENDING):
        raise reject(Code.CANNOT_WITHDRAW, f"The candidacy is {row.status}.")
    row.status = CandidacyStatus.WITHDRAWN.value
    row.decided_at = datetime.now(UTC)
    await session.flush()
    return row


async def appoint(
    session: AsyncSession, viewer: Viewer, candidacy_id: int, *, request_id: str = ""
) -> PanelMembership:
    """The staff appoint a PENDING candidate to a free seat for the rest of the panel's term:
    an ACTIVE engagement of the panel's kind is created; the member is told; audited."""
    row = await session.get(PanelCandidacy, candidacy_id, with_for_update=True)
    if row is None:
        raise reject(Code.NOT_FOUND, "No such candidacy.", "candidacy")
    panel = await _panel(session, row.panel_id)
    await _staff(session, viewer, panel.institution_id)
    if row.status == CandidacyStatus.APPOINTED:
        raise reject(Code.ALREADY_MEMBER, "The candidate was already appointed.")
    if row.status == CandidacyStatus.NOMINATED:
        raise reject(Code.NOT_ACCEPTED, "The nominee has not accepted the nomination yet.")
    if row.status != CandidacyStatus.PENDING:
        raise reject(Code.NOT_CANDIDATE, f"The candidacy is {row.status}.")
    today = _today()
    if panel.term_ends_on <= today:
        raise reject(Code.TERM_OVER, "The panel's term is over.")
    taken = await session.scalar(
        select(func.count()).where(PanelMembership.panel_id == panel.id, seat_taken())
    )
    if int(taken or 0) >= panel.seats:
        raise reject(Code.SEATS_FULL, f"All {panel.seats} seats are taken.")
    now = datetime.now(UTC)
    engagement = Engagement(
        kind=MEETING_KINDS[PanelKind(panel.kind)].value,
        contributor_id=row.candidate_id,
        seeker_id=viewer.engineer_id if viewer.engineer_id != row.candidate_id else None,
        institution_id=panel.institution_id,
        hours_per_month=0,
        status=EngagementStatus.ACTIVE.value,
        started_at=now,
    )
    session.add(engagement)
    await session.flush()
    membership = PanelMembership(
        panel_id=panel.id,
        member_id=row.candidate_id,
        candidacy_id=row.id,
        engagement_id=engagement.id,
        appointed_by_id=viewer.engineer_id,
        term_starts_on=max(today, panel.term_starts_on),
        term_ends_on=panel.term_ends_on,
    )
    session.add(membership)
    row.status = CandidacyStatus.APPOINTED.value
    row.decided_at = now
    await session.flush()
    audit.record(
        session,
        viewer,
        "advisoryPanel.appoint",
        membership,
        chapter_id=None,
        before=None,
        after=membership_snapshot(membership),
        request_id=request_id,
    )
    await notify(
        session,
        [row.candidate_id],
        NotificationKind.PANEL_APPOINTED,
        engagement_id=engagement.id,
        actor_id=viewer.engineer_id,
        payload={**_panel_ref(panel), "membershipId": encode_id("PanelMembership", membership.id)},
    )
    return membership


async def end_membership(
    session: AsyncSession, viewer: Viewer, membership_id: int, *, request_id: str = ""
) -> PanelMembership:
    """The member resigns, or the staff end a seat early (audited); its engagement completes."""
    membership = await session.get(PanelMembership, membership_id, with_for_update=True)
    if membership is None:
        raise reject(Code.NOT_FOUND, "No such panel membership.", "membership")
    panel = await _panel(session, membership.panel_id)
    resigning = viewer.engineer_id is not None and viewer.engineer_id == membership.member_id
    if not resigning:
        await _staff(session, viewer, panel.institution_id)
    today = _today()
    if membership.ended_on is not None or membership.term_ends_on < today:
        raise reject(Code.ALREADY_ENDED, "The membership has already ended.")
    before = membership_snapshot(membership)
    membership.ended_on = today
    if membership.engagement_id is not None:
        engagement = await session.get(Engagement, membership.engagement_id, with_for_update=True)
        if engagement is not None and engagement.status == EngagementStatus.ACTIVE:
            engagement.status = EngagementStatus.COMPLETED.value
            engagement.completed_at = datetime.now(UTC)
    await session.flush()
    payload = {**_panel_ref(panel), "membershipId": encode_id("PanelMembership", membership.id)}
    if resigning:
        await tell_staff(
            session,
            panel.institution_id,
            NotificationKind.PANEL_MEMBERSHIP_ENDED,
            excluding=membership.member_id,
            engagement_id=membership.engagement_id,
            actor_id=viewer.engineer_id,
            payload=payload,
        )
        return membership
    audit.record(
        session,
        viewer,
        "advisoryPanel.endMembership",
        membership,
        chapter_id=None,
        before=before,
        after=membership_snapshot(membership),
        request_id=request_id,
    )
    await notify(
        session,
        [membership.member_id],
        NotificationKind.PANEL_MEMBERSHIP_ENDED,
        engagement_id=membership.engagement_id,
        actor_id=viewer.engineer_id,
        payload=payload,
    )
    return membership


async def log_meeting(
    session: AsyncSession,
    viewer: Viewer,
    panel_id: int,
    draft: MeetingDraft,
    config: CpdConfig,
) -> PanelMeeting:
    """The staff log a meeting: for each attending member, a session of their engagement,
    countersigned at once (the staff are its seeker side) and so entered in the ledger."""
    panel = await _panel(session, panel_id)
    await _staff(session, viewer, panel.institution_id)
    title = draft.title.strip()
    if (
        not 1 <= len(title) <= NAME_MAX
        or not 1 <= draft.minutes <= 1440
        or draft.held_on > _today()
        or len(draft.notes) > NOTES_MAX
        or not 1 <= len(draft.attendees) <= SEATS_MAX
    ):
        raise reject(
            Code.INVALID_MEETING,
            f"A meeting has a title of 1–{NAME_MAX} characters, lasts 1–1440 minutes, is not "
            f"in the future, has at most {NOTES_MAX} characters of notes and 1–{SEATS_MAX} "
            "attendees.",
        )
    members = list(
        await session.scalars(
            select(PanelMembership)
            .where(PanelMembership.id.in_(sorted(set(draft.attendees))))
            .order_by(PanelMembership.id)
        )
    )
    engagements: dict[int, Engagement] = {}
    for member in members:
        if member.engagement_id is not None:
            found = await session.get(Engagement, member.engagement_id)
            if found is not None:
                engagements[member.id] = found
    held = draft.held_on
    if len(members) != len(set(draft.attendees)) or any(
        member.panel_id != panel.id
        or not member.term_starts_on <= held <= (member.ended_on or member.term_ends_on)
        or member.id not in engagements
        or engagements[member.id].status
        not in (EngagementStatus.ACTIVE, EngagementStatus.COMPLETED)
        for member in members
    ):
        raise reject(
            Code.NOT_ATTENDEE,
            "Attendees are members of this panel whose term covers the meeting's date.",
            "attendees",
        )
    meeting = PanelMeeting(
        panel_id=panel.id,
        title=title,
        held_on=held,
        minutes=draft.minutes,
        notes=draft.notes,
        logged_by_id=viewer.engineer_id,
    )
    session.add(meeting)
    await session.flush()
    now = datetime.now(UTC)
    for member in members:
        engagement = engagements[member.id]
        logged = EngagementSession(
            engagement_id=engagement.id,
            held_on=held,
            minutes=draft.minutes,
            notes=f"Panel meeting: {title}",
            attendee_ids=[member.member_id],
            logged_by_id=viewer.engineer_id,
            countersigned_at=now,
            countersigned_by_id=viewer.engineer_id,
        )
        session.add(logged)
        await session.flush()
        await ledger.record_session(session, engagement, logged, config)
        session.add(
            PanelAttendance(meeting_id=meeting.id, membership_id=member.id, session_id=logged.id)
        )
        await notify(
            session,
            [member.member_id],
            NotificationKind.ENGAGEMENT_CHANGED,
            engagement_id=engagement.id,
            actor_id=viewer.engineer_id,
            payload={"countersignedSessionId": logged.id},
        )
    await session.flush()
    return meeting
