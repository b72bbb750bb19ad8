"""Engagement rules: the state machine, milestones, sessions, countersigning, feedback, problems."""

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.cpd import CpdConfig
from db.enums import (
    EngagementStatus,
    MilestoneStatus,
    NotificationKind,
    ProblemReportStatus,
)
from db.models import Engagement, EngagementSession, Feedback, Milestone, ProblemReport
from db.models.engagement import MESSAGE_MAX, REASON_MAX
from graph.auth.viewer import Viewer
from graph.services import audit, ledger
from graph.services.capacity import lock_capacity
from graph.services.notification import council_admins, notify, seeker_recipients
from graph.services.problems import reject
from graph.services.seeker import acts_for_seeker

S = EngagementStatus
NOTES_MAX = 20_000
"""Longest session notes (the column's check constraint)."""
COMMENT_MAX = 5_000
"""Longest feedback comment (the column's check constraint)."""


class EngagementErrorCode(enum.Enum):
    """Why an engagement mutation was refused; one CANNOT_<VERB> per invalid transition."""

    NOT_FOUND = "NOT_FOUND"
    NOT_PARTY = "NOT_PARTY"
    NOT_SEEKER = "NOT_SEEKER"
    NOT_CONTRIBUTOR = "NOT_CONTRIBUTOR"
    NOT_ADMIN = "NOT_ADMIN"
    CANNOT_START = "CANNOT_START"
    CANNOT_DECLINE = "CANNOT_DECLINE"
    CANNOT_COMPLETE = "CANNOT_COMPLETE"
    CANNOT_CANCEL = "CANNOT_CANCEL"
    CANNOT_REPORT_PROBLEM = "CANNOT_REPORT_PROBLEM"
    CANNOT_RESOLVE_PROBLEM = "CANNOT_RESOLVE_PROBLEM"
    CANNOT_LOG_SESSION = "CANNOT_LOG_SESSION"
    CANNOT_ADD_MILESTONE = "CANNOT_ADD_MILESTONE"
    CANNOT_FINISH_MILESTONE = "CANNOT_FINISH_MILESTONE"
    CANNOT_COUNTERSIGN = "CANNOT_COUNTERSIGN"
    CANNOT_GIVE_FEEDBACK = "CANNOT_GIVE_FEEDBACK"
    CAPACITY_EXCEEDED = "CAPACITY_EXCEEDED"
    ALREADY_COUNTERSIGNED = "ALREADY_COUNTERSIGNED"
    ALREADY_GIVEN = "ALREADY_GIVEN"
    INVALID_REASON = "INVALID_REASON"
    INVALID_RATING = "INVALID_RATING"
    INVALID_SESSION = "INVALID_SESSION"
    INVALID_MILESTONE = "INVALID_MILESTONE"


Code = EngagementErrorCode


class Side(enum.Enum):
    """Who may take an action."""

    CONTRIBUTOR = "contributor"
    SEEKER = "seeker"
    PARTY = "party"
    ADMIN = "admin"


@dataclass(frozen=True)
class Transition:
    """One edge of the state machine: from which statuses, to which, by whom, else which code."""

    sources: frozenset[EngagementStatus]
    target: EngagementStatus | None  # None: decided by the action (resuming after a problem)
    side: Side
    code: EngagementErrorCode


TRANSITIONS: dict[str, Transition] = {
    "start": Transition(frozenset({S.PROPOSED}), S.ACTIVE, Side.CONTRIBUTOR, Code.CANNOT_START),
    "decline": Transition(
        frozenset({S.PROPOSED}), S.DECLINED, Side.CONTRIBUTOR, Code.CANNOT_DECLINE
    ),
    "complete": Transition(frozenset({S.ACTIVE}), S.COMPLETED, Side.SEEKER, Code.CANNOT_COMPLETE),
    "cancel": Transition(
        frozenset({S.PROPOSED, S.ACTIVE, S.PAUSED}), S.CANCELLED, Side.PARTY, Code.CANNOT_CANCEL
    ),
    "reportProblem": Transition(
        frozenset({S.PROPOSED, S.ACTIVE}), S.PAUSED, Side.PARTY, Code.CANNOT_REPORT_PROBLEM
    ),
    "resolveProblem": Transition(
        frozenset({S.PAUSED}), None, Side.ADMIN, Code.CANNOT_RESOLVE_PROBLEM
    ),
}


def snapshot(row: Engagement) -> dict[str, Any]:
    """What the audit log records of an engagement."""
    return {"status": row.status, "cancelReason": row.cancel_reason}


async def _side_of(session: AsyncSession, viewer: Viewer, row: Engagement) -> set[Side]:
    """Every side the viewer is on for this engagement."""
    sides: set[Side] = set()
    if viewer.engineer_id is not None and viewer.engineer_id == row.contributor_id:
        sides |= {Side.CONTRIBUTOR, Side.PARTY}
    if await acts_for_seeker(session, viewer, row.seeker_id, row.institution_id):
        sides |= {Side.SEEKER, Side.PARTY}
    if viewer.is_council_admin:
        sides.add(Side.ADMIN)
    return sides


async def _load(
    session: AsyncSession, viewer: Viewer, engagement_id: int
) -> tuple[Engagement, set[Side]]:
    """The engagement, row-locked, and the viewer's sides; NOT_FOUND when on no side."""
    row = await session.get(Engagement, engagement_id, with_for_update=True)
    if row is None:
        raise reject(Code.NOT_FOUND, "No such engagement.", "id")
    sides = await _side_of(session, viewer, row)
    if not sides:
        raise reject(Code.NOT_FOUND, "No such engagement.", "id")
    return row, sides


def _require(sides: set[Side], side: Side, *, admin_may: bool = False) -> None:
    """Refuse unless the viewer is on `side` (or is an admin acting as a third party)."""
    if side in sides or (admin_may and Side.ADMIN in sides):
        return
    code = {
        Side.CONTRIBUTOR: Code.NOT_CONTRIBUTOR,
        Side.SEEKER: Code.NOT_SEEKER,
        Side.PARTY: Code.NOT_PARTY,
        Side.ADMIN: Code.NOT_ADMIN,
    }[side]
    raise reject(code, f"Only the {side.value} may do this.")


async def _notify_parties(
    session: AsyncSession, row: Engagement, kind: NotificationKind, **payload: Any
) -> None:
    """Tell both parties about a change to the engagement."""
    recipients = [
        row.contributor_id,
        *await seeker_recipients(session, row.seeker_id, row.institution_id),
    ]
    await notify(session, recipients, kind, engagement_id=row.id, payload=payload)


async def transition(
    session: AsyncSession,
    viewer: Viewer,
    engagement_id: int,
    action: str,
    *,
    reason: str | None = None,
    request_id: str = "",
) -> Engagement:
    """Take one edge of the state machine; a council admin cancelling or resolving is audited."""
    edge = TRANSITIONS[action]
    row, sides = await _load(session, viewer, engagement_id)
    _require(sides, edge.side, admin_may=action == "cancel")
    current = EngagementStatus(row.status)
    if current not in edge.sources:
        raise reject(edge.code, f"Cannot {action} an engagement that is {current.value}.")
    before = snapshot(row)
    now = datetime.now(UTC)
    if action == "start":
        capacity = await lock_capacity(session, row.contributor_id)
        # The engagement already counts among the occupying ones; it fits if it did at accept.
        if capacity.engagements_used > capacity.max_engagements or (
            capacity.hours_used > capacity.hours_per_month
        ):
            raise reject(Code.CAPACITY_EXCEEDED, "Your capacity is exceeded.")
        row.started_at = now
        target = S.ACTIVE
    elif action == "complete":
        row.completed_at = now
        target = S.COMPLETED
    elif action in ("cancel", "reportProblem"):
        text = (reason or "").strip()
        if not 1 <= len(text) <= (REASON_MAX if action == "cancel" else MESSAGE_MAX):
            raise reject(Code.INVALID_REASON, "Give a reason.", "reason")
        if action == "cancel":
            row.cancel_reason = text
            target = S.CANCELLED
            await _resolve_open_problem(session, row, viewer, "Engagement cancelled.", now)
        else:
            session.add(
                ProblemReport(
                    engagement_id=row.id,
                    reporter_id=viewer.engineer_id,
                    description=text,
                    resumes_as=current.value,
                )
            )
            target = S.PAUSED
    elif action == "resolveProblem":
        report = await _resolve_open_problem(session, row, viewer, (reason or "").strip(), now)
        target = EngagementStatus(report.resumes_as) if report else S.ACTIVE
    else:
        assert edge.target is not None
        target = edge.target
    row.status = target.value
    await session.flush()
    kind = (
        NotificationKind.PROBLEM_REPORTED
        if action == "reportProblem"
        else NotificationKind.FEEDBACK_DUE
        if action == "complete"
        else NotificationKind.ENGAGEMENT_CHANGED
    )
    await _notify_parties(session, row, kind, action=action, status=row.status)
    if action == "reportProblem":
        await notify(
            session,
            await council_admins(session),
            NotificationKind.PROBLEM_REPORTED,
            engagement_id=row.id,
        )
    if Side.ADMIN in sides and not sides & {Side.PARTY}:
        audit.record(
            session,
            viewer,
            f"engagement.{action}",
            row,
            chapter_id=None,
            before=before,
            after=snapshot(row),
            request_id=request_id,
        )
        await session.flush()
    return row


async def _resolve_open_problem(
    session: AsyncSession, row: Engagement, viewer: Viewer, resolution: str, now: datetime
) -> ProblemReport | None:
    """Close the engagement's open problem report, if any."""
    report = await session.scalar(
        select(ProblemReport).where(
            ProblemReport.engagement_id == row.id,
            ProblemReport.status == ProblemReportStatus.OPEN,
        )
    )
    if report is not None:
        report.status = ProblemReportStatus.RESOLVED.value
        report.resolution = resolution or "Resolved."
        report.resolved_by_id = viewer.engineer_id
        report.resolved_at = now
    return report


async def log_session(
    session: AsyncSession,
    viewer: Viewer,
    engagement_id: int,
    *,
    held_on: date,
    minutes: int,
    notes: str = "",
    attendee_ids: Sequence[int] = (),
) -> EngagementSession:
    """A party logs a session of an ACTIVE engagement; the other side is asked to countersign."""
    row, sides = await _load(session, viewer, engagement_id)
    _require(sides, Side.PARTY)
    if row.status != S.ACTIVE:
        raise reject(Code.CANNOT_LOG_SESSION, f"The engagement is {row.status}.")
    parties = {party for party in (row.contributor_id, row.seeker_id) if party is not None}
    attendees = sorted(set(attendee_ids) or parties)
    if (
        not 1 <= minutes <= 1440
        or held_on > date.today()
        or not set(attendees) <= parties
        or len(notes) > NOTES_MAX
    ):
        raise reject(
            Code.INVALID_SESSION,
            "A session lasts 1-1440 minutes, is not in the future, only parties attend and "
            f"notes are at most {NOTES_MAX} characters.",
        )
    logged = EngagementSession(
        engagement_id=row.id,
        held_on=held_on,
        minutes=minutes,
        notes=notes,
        attendee_ids=attendees,
        logged_by_id=viewer.engineer_id,
    )
    session.add(logged)
    await session.flush()
    await notify(
        session,
        await seeker_recipients(session, row.seeker_id, row.institution_id),
        NotificationKind.COUNTERSIGN_REQUESTED,
        engagement_id=row.id,
        payload={"sessionId": logged.id},
    )
    return logged


async def countersign_session(
    session: AsyncSession, viewer: Viewer, session_id: int, config: CpdConfig
) -> EngagementSession:
    """The seeker side countersigns a session: it enters the contributor's ledger."""
    logged = await session.get(EngagementSession, session_id, with_for_update=True)
    if logged is None:
        raise reject(Code.NOT_FOUND, "No such session.", "id")
    row, sides = await _load(session, viewer, logged.engagement_id)
    _require(sides, Side.SEEKER)
    if logged.countersigned_at is not None:
        raise reject(Code.ALREADY_COUNTERSIGNED, "The session is already countersigned.")
    if row.status not in (S.ACTIVE, S.PAUSED, S.COMPLETED):
        raise reject(Code.CANNOT_COUNTERSIGN, f"The engagement is {row.status}.")
    logged.countersigned_at = datetime.now(UTC)
    logged.countersigned_by_id = viewer.engineer_id
    await session.flush()
    await ledger.record_session(session, row, logged, config)
    await notify(
        session,
        [row.contributor_id],
        NotificationKind.ENGAGEMENT_CHANGED,
        engagement_id=row.id,
        payload={"countersignedSessionId": logged.id},
    )
    return logged


async def add_milestone(
    session: AsyncSession,
    viewer: Viewer,
    engagement_id: int,
    *,
    title: str,
    due_on: date,
    minutes: int = 0,
) -> Milestone:
    """A party adds a milestone to a PROPOSED or ACTIVE engagement."""
    row, sides = await _load(session, viewer, engagement_id)
    _require(sides, Side.PARTY)
    if row.status not in (S.PROPOSED, S.ACTIVE):
        raise reject(Code.CANNOT_ADD_MILESTONE, f"The engagement is {row.status}.")
    if not 1 <= len(title.strip()) <= 200 or not 0 <= minutes <= 60000:
        raise reject(Code.INVALID_MILESTONE, "Title 1-200 characters, 0-60000 minutes.", "title")
    milestone = Milestone(engagement_id=row.id, title=title.strip(), due_on=due_on, minutes=minutes)
    session.add(milestone)
    await session.flush()
    others = [
        party
        for party in [
            row.contributor_id,
            *await seeker_recipients(session, row.seeker_id, row.institution_id),
        ]
        if party != viewer.engineer_id
    ]
    await notify(
        session,
        others,
        NotificationKind.ENGAGEMENT_CHANGED,
        engagement_id=row.id,
        payload={"milestoneId": milestone.id},
    )
    return milestone


async def finish_milestone(session: AsyncSession, viewer: Viewer, milestone_id: int) -> Milestone:
    """The contributor marks a PLANNED milestone DONE; the seeker side is asked to countersign."""
    milestone = await session.get(Milestone, milestone_id, with_for_update=True)
    if milestone is None:
        raise reject(Code.NOT_FOUND, "No such milestone.", "id")
    row, sides = await _load(session, viewer, milestone.engagement_id)
    _require(sides, Side.CONTRIBUTOR)
    if milestone.status != MilestoneStatus.PLANNED or row.status != S.ACTIVE:
        raise reject(Code.CANNOT_FINISH_MILESTONE, f"The milestone is {milestone.status}.")
    milestone.status = MilestoneStatus.DONE.value
    await session.flush()
    await notify(
        session,
        await seeker_recipients(session, row.seeker_id, row.institution_id),
        NotificationKind.COUNTERSIGN_REQUESTED,
        engagement_id=row.id,
        payload={"milestoneId": milestone.id},
    )
    return milestone


async def countersign_milestone(
    session: AsyncSession, viewer: Viewer, milestone_id: int, config: CpdConfig
) -> Milestone:
    """The seeker side countersigns a DONE milestone: it enters the contributor's ledger."""
    milestone = await session.get(Milestone, milestone_id, with_for_update=True)
    if milestone is None:
        raise reject(Code.NOT_FOUND, "No such milestone.", "id")
    row, sides = await _load(session, viewer, milestone.engagement_id)
    _require(sides, Side.SEEKER)
    if milestone.status == MilestoneStatus.COUNTERSIGNED:
        raise reject(Code.ALREADY_COUNTERSIGNED, "The milestone is already countersigned.")
    if milestone.status != MilestoneStatus.DONE:
        raise reject(Code.CANNOT_COUNTERSIGN, "Only a DONE milestone can be countersigned.")
    now = datetime.now(UTC)
    milestone.status = MilestoneStatus.COUNTERSIGNED.value
    milestone.countersigned_at = now
    milestone.countersigned_by_id = viewer.engineer_id
    await session.flush()
    await ledger.record_milestone(session, row, milestone, config, now.date())
    await notify(
        session,
        [row.contributor_id],
        NotificationKind.ENGAGEMENT_CHANGED,
        engagement_id=row.id,
        payload={"countersignedMilestoneId": milestone.id},
    )
    return milestone


async def give_feedback(
    session: AsyncSession, viewer: Viewer, engagement_id: int, *, rating: int, comment: str = ""
) -> Feedback:
    """A party rates the other (1-5) once the engagement is COMPLETED; once each."""
    row, sides = await _load(session, viewer, engagement_id)
    _require(sides, Side.PARTY)
    if row.status != S.COMPLETED:
        raise reject(Code.CANNOT_GIVE_FEEDBACK, f"The engagement is {row.status}.")
    if not 1 <= rating <= 5:
        raise reject(Code.INVALID_RATING, "Ratings run from 1 to 5.", "rating")
    if viewer.engineer_id is None:
        raise reject(Code.NOT_PARTY, "Feedback comes from an engineer.")
    author = viewer.engineer_id
    subject = row.seeker_id if author == row.contributor_id else row.contributor_id
    if subject is None:
        raise reject(Code.CANNOT_GIVE_FEEDBACK, "There is no engineer to rate.")
    given = await session.scalar(
        select(Feedback.id).where(Feedback.engagement_id == row.id, Feedback.author_id == author)
    )
    if given is not None:
        raise reject(Code.ALREADY_GIVEN, "You already gave feedback on this engagement.")
    if len(comment) > COMMENT_MAX:
        raise reject(
            Code.INVALID_RATING, f"Comments are at most {COMMENT_MAX} characters.", "comment"
        )
    feedback = Feedback(
        engagement_id=row.id, author_id=author, subject_id=subject, rating=rating, comment=comment
    )
    session.add(feedback)
    await session.flush()
    await notify(
        session,
        [subject],
        NotificationKind.ENGAGEMENT_CHANGED,
        engagement_id=row.id,
        payload={"feedbackId": feedback.id},
    )
    return feedback
