"""Notification rows: written in the transaction of the change that concerns the recipient.

Each row respects its recipient's channel for its kind (notification_preferences, else
DEFAULT_CHANNELS): NONE writes nothing, IN_APP a row, EMAIL a row and a mail in the outbox,
EMAIL_DIGEST a row that the next digest mails. Each row is published to its recipient's
`notificationReceived` subscribers. One statement writes rows, mails and events for any number
of recipients.
"""

import enum
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, false, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.driver import fetch
from db.enums import GlobalRole, NotificationChannel, NotificationKind
from db.models import Account, Affiliation, Notification, NotificationPreference
from graph.auth.viewer import Viewer
from graph.services.problems import reject
from graph.subscriptions.events import Event, publish

DEFAULT_CHANNELS: dict[NotificationKind, NotificationChannel] = {
    NotificationKind.APPLICATION_RECEIVED: NotificationChannel.EMAIL,
    NotificationKind.APPLICATION_SHORTLISTED: NotificationChannel.IN_APP,
    NotificationKind.APPLICATION_ACCEPTED: NotificationChannel.EMAIL,
    NotificationKind.APPLICATION_DECLINED: NotificationChannel.IN_APP,
    NotificationKind.APPLICATION_WITHDRAWN: NotificationChannel.IN_APP,
    NotificationKind.INVITATION_RECEIVED: NotificationChannel.EMAIL,
    NotificationKind.INVITATION_ANSWERED: NotificationChannel.IN_APP,
    NotificationKind.ENGAGEMENT_CHANGED: NotificationChannel.IN_APP,
    NotificationKind.COUNTERSIGN_REQUESTED: NotificationChannel.IN_APP,
    NotificationKind.FEEDBACK_DUE: NotificationChannel.IN_APP,
    NotificationKind.PROBLEM_REPORTED: NotificationChannel.EMAIL,
    NotificationKind.FORUM_REPLY: NotificationChannel.EMAIL_DIGEST,
    NotificationKind.FORUM_MENTION: NotificationChannel.EMAIL,
    NotificationKind.MEMBERSHIP_APPROVED: NotificationChannel.EMAIL,
    NotificationKind.MEMBERSHIP_REJECTED: NotificationChannel.EMAIL,
    NotificationKind.MEMBERSHIP_SUSPENDED: NotificationChannel.EMAIL,
    NotificationKind.MEMBERSHIP_ROLE_CHANGED: NotificationChannel.IN_APP,
    NotificationKind.EVENT_CANCELLED: NotificationChannel.EMAIL,
    NotificationKind.EVENT_MOVED: NotificationChannel.EMAIL,
    NotificationKind.EVENT_WAITLIST_PROMOTED: NotificationChannel.EMAIL,
    NotificationKind.CHAPTER_ANNOUNCEMENT: NotificationChannel.IN_APP,
    NotificationKind.PROGRAMME_APPLICATION_RECEIVED: NotificationChannel.EMAIL_DIGEST,
    NotificationKind.PROGRAMME_APPLICATION_DECIDED: NotificationChannel.EMAIL,
    NotificationKind.PROGRAMME_MATCHED: NotificationChannel.EMAIL,
    NotificationKind.INVESTMENT_COMMITMENT_CHANGED: NotificationChannel.IN_APP,
    NotificationKind.INVESTMENT_ASK_CLOSED: NotificationChannel.EMAIL,
    NotificationKind.PANEL_NOMINATED: NotificationChannel.EMAIL,
    NotificationKind.PANEL_CANDIDACY_RECEIVED: NotificationChannel.IN_APP,
    NotificationKind.PANEL_APPOINTED: NotificationChannel.EMAIL,
    NotificationKind.PANEL_MEMBERSHIP_ENDED: NotificationChannel.EMAIL,
    NotificationKind.PROJECT_TEAM_INVITED: NotificationChannel.EMAIL,
    NotificationKind.PROPOSAL_SUBMITTED: NotificationChannel.EMAIL,
    NotificationKind.PROPOSAL_REVIEWED: NotificationChannel.EMAIL,
    NotificationKind.PROJECT_MILESTONE_ADDED: NotificationChannel.IN_APP,
    NotificationKind.PROJECT_DELIVERABLE_SUBMITTED: NotificationChannel.IN_APP,
    NotificationKind.PROJECT_ASSESSED: NotificationChannel.EMAIL,
    NotificationKind.RFP_INVITATION: NotificationChannel.EMAIL,
    NotificationKind.RFP_CLOSED: NotificationChannel.IN_APP,
    NotificationKind.PROPOSAL_AWARDED: NotificationChannel.EMAIL,
    NotificationKind.PROPOSAL_NOT_AWARDED: NotificationChannel.EMAIL,
    NotificationKind.CONTRACT_MILESTONE_SUBMITTED: NotificationChannel.EMAIL,
    NotificationKind.CONTRACT_MILESTONE_ACCEPTED: NotificationChannel.IN_APP,
    NotificationKind.CONTRACT_MILESTONE_REWORK: NotificationChannel.EMAIL,
    NotificationKind.CONTRACT_REVIEWED: NotificationChannel.IN_APP,
    NotificationKind.HALL_OF_FAME_INDUCTED: NotificationChannel.EMAIL,
    NotificationKind.HALL_OF_FAME_DECIDED: NotificationChannel.IN_APP,
}
"""Sensible defaults: mail for what needs an answer or changes standing, a digest for forum
replies, in-app for the rest."""

SUMMARIES: dict[NotificationKind, str] = {
    NotificationKind.APPLICATION_RECEIVED: "New application to your opportunity",
    NotificationKind.APPLICATION_SHORTLISTED: "Your application was shortlisted",
    NotificationKind.APPLICATION_ACCEPTED: "Your application was accepted",
    NotificationKind.APPLICATION_DECLINED: "Your application was declined",
    NotificationKind.APPLICATION_WITHDRAWN: "An application was withdrawn",
    NotificationKind.INVITATION_RECEIVED: "You were invited to an opportunity",
    NotificationKind.INVITATION_ANSWERED: "Your invitation was answered",
    NotificationKind.ENGAGEMENT_CHANGED: "An engagement changed",
    NotificationKind.COUNTERSIGN_REQUESTED: "Work awaits your countersignature",
    NotificationKind.FEEDBACK_DUE: "Feedback is due",
    NotificationKind.PROBLEM_REPORTED: "A problem was reported on an engagement",
    NotificationKind.FORUM_REPLY: "New reply to your thread",
    NotificationKind.FORUM_MENTION: "You were mentioned in the forum",
    NotificationKind.MEMBERSHIP_APPROVED: "Your chapter membership was approved",
    NotificationKind.MEMBERSHIP_REJECTED: "Your request to join a chapter was declined",
    NotificationKind.MEMBERSHIP_SUSPENDED: "Your chapter membership was suspended",
    NotificationKind.MEMBERSHIP_ROLE_CHANGED: "Your role in a chapter changed",
    NotificationKind.EVENT_CANCELLED: "An event you registered for was cancelled",
    NotificationKind.EVENT_MOVED: "An event you registered for has moved",
    NotificationKind.EVENT_WAITLIST_PROMOTED: "You have a place at an event",
    NotificationKind.CHAPTER_ANNOUNCEMENT: "A new announcement from your chapter",
    NotificationKind.PROGRAMME_APPLICATION_RECEIVED: "New application to your mentorship programme",
    NotificationKind.PROGRAMME_APPLICATION_DECIDED: "Your mentorship programme application was "
    "decided",
    NotificationKind.PROGRAMME_MATCHED: "You were matched in a mentorship programme",
    NotificationKind.INVESTMENT_COMMITMENT_CHANGED: "A commitment to your investment ask changed",
    NotificationKind.INVESTMENT_ASK_CLOSED: "An investment ask you committed to closed",
    NotificationKind.PANEL_NOMINATED: "You were nominated for a panel",
    NotificationKind.PANEL_CANDIDACY_RECEIVED: "A new candidate for your panel",
    NotificationKind.PANEL_APPOINTED: "You were appointed to a panel",
    NotificationKind.PANEL_MEMBERSHIP_ENDED: "A panel membership ended",
    NotificationKind.PROJECT_TEAM_INVITED: "You were invited to a project team",
    NotificationKind.PROPOSAL_SUBMITTED: "A project proposal awaits your review",
    NotificationKind.PROPOSAL_REVIEWED: "Your project proposal was reviewed",
    NotificationKind.PROJECT_MILESTONE_ADDED: "A new milestone for your project",
    NotificationKind.PROJECT_DELIVERABLE_SUBMITTED: "A project deliverable was submitted",
    NotificationKind.PROJECT_ASSESSED: "Your project was assessed",
    NotificationKind.RFP_INVITATION: "You were invited to bid on an RFP",
    NotificationKind.RFP_CLOSED: "An RFP you bid on has closed",
    NotificationKind.PROPOSAL_AWARDED: "Your proposal was awarded the contract",
    NotificationKind.PROPOSAL_NOT_AWARDED: "An RFP you bid on was awarded to another proposal",
    NotificationKind.CONTRACT_MILESTONE_SUBMITTED: "A contract milestone awaits your acceptance",
    NotificationKind.CONTRACT_MILESTONE_ACCEPTED: "A contract milestone was accepted",
    NotificationKind.CONTRACT_MILESTONE_REWORK: "A contract milestone needs rework",
    NotificationKind.CONTRACT_REVIEWED: "You were reviewed on a completed contract",
    NotificationKind.HALL_OF_FAME_INDUCTED: "You were inducted into the Hall of Fame",
    NotificationKind.HALL_OF_FAME_DECIDED: "The council decided on your Hall of Fame nomination",
}
"""The line shown (and mailed) when the writer gave no `summary` of its own."""

MAIL_FOOTER = (
    "\n\n--\nBrain Gain portal. Choose how you hear about this kind of notification with "
    "notificationPreferencesUpdate (in-app, email, a digest, or not at all)."
)

_FAN_OUT = """
WITH chosen AS (
    SELECT r.id AS recipient_id, COALESCE(p.channel, $3) AS channel
    FROM unnest(CAST($1 AS int[])) AS r(id)
    JOIN engineers e ON e.id = r.id
    LEFT JOIN notification_preferences p ON p.engineer_id = r.id AND p.kind = $2
),
inserted AS (
    INSERT INTO notifications (recipient_id, kind, opportunity_id, application_id,
        engagement_id, thread_id, post_id, chapter_id, event_id, announcement_id, actor_id,
        payload, digest_pending)
    SELECT c.recipient_id, $2, $4, $5, $6,
        $7, $8, $9, $10, $11, $12,
        CAST($13 AS jsonb),
        c.channel = 'EMAIL_DIGEST'
    FROM chosen c WHERE c.channel <> 'NONE'
    ORDER BY c.recipient_id
    RETURNING id, recipient_id
),
published AS (
    INSERT INTO live_events (topic, ids, change)
    SELECT 'notifications:' || i.recipient_id, jsonb_build_object('notification', i.id), $2
    FROM inserted i ORDER BY i.id
    RETURNING id
),
then_published AS (
    INSERT INTO live_events (topic, ids, change)
    SELECT CAST($16 AS text), CAST($17 AS jsonb), CAST($18 AS text)
    FROM (SELECT count(*) FROM published) AS after_the_notifications
    WHERE CAST($16 AS text) IS NOT NULL
),
mailed AS (
    INSERT INTO outbox_emails (recipient, subject, body)
    SELECT a.email, $14, $15
    FROM chosen c JOIN accounts a ON a.engineer_id = c.recipient_id
    WHERE c.channel = 'EMAIL' AND a.email_verified_at IS NOT NULL
)
SELECT id FROM inserted ORDER BY id
"""
"""Rows, live events and mails for every recipient in one statement; run on the session's
driver connection (db.driver), its parameters in the order of FAN_OUT_PARAMETERS."""
FAN_OUT_PARAMETERS = (
    "recipients",
    "kind",
    "default_channel",
    "opportunity_id",
    "application_id",
    "engagement_id",
    "thread_id",
    "post_id",
    "chapter_id",
    "event_id",
    "announcement_id",
    "actor_id",
    "payload",
    "subject",
    "body",
    "then_topic",
    "then_ids",
    "then_change",
)
"""What $1, $2, … of _FAN_OUT stand for (bench/baseline_writes.py sends it too). The last
three are an event to publish after the notifications' own (`notify(then=…)`), or NULLs."""


class NotificationErrorCode(enum.Enum):
    """Why a notification mutation was refused."""

    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_PREFERENCES = "INVALID_PREFERENCES"


def summary_of(kind: NotificationKind, payload: dict[str, Any]) -> str:
    """The notification's one line: the writer's `summary`, else the kind's."""
    given = payload.get("summary")
    return str(given) if given else SUMMARIES[kind]


async def notify(
    session: AsyncSession,
    recipients: Iterable[int | None],
    kind: NotificationKind,
    *,
    opportunity_id: int | None = None,
    application_id: int | None = None,
    engagement_id: int | None = None,
    thread_id: int | None = None,
    post_id: int | None = None,
    chapter_id: int | None = None,
    event_id: int | None = None,
    announcement_id: int | None = None,
    actor_id: int | None = None,
    payload: dict[str, Any] | None = None,
    then: Event | None = None,
) -> list[int]:
    """Notify each distinct recipient (None skipped) as they chose for `kind`, in the caller's
    transaction; returns the ids of the rows written (none for those who chose NONE).

    `then` is published after the notifications' own events, in the same statement — or alone
    (graph.subscriptions.events.publish) when there is nobody to notify."""
    distinct = sorted({r for r in recipients if r is not None})
    if not distinct:
        if then is not None:
            await publish(session, then)
        return []
    if then is not None:
        then.encode()  # refuse what NOTIFY would refuse, before anything is written
    body = dict(payload or {})
    line = summary_of(kind, body)
    text_body = line + (f"\n\n{body['excerpt']}" if body.get("excerpt") else "") + MAIL_FOOTER
    rows = await fetch(
        session,
        _FAN_OUT,
        distinct,
        kind.value,
        DEFAULT_CHANNELS[kind].value,
        opportunity_id,
        application_id,
        engagement_id,
        thread_id,
        post_id,
        chapter_id,
        event_id,
        announcement_id,
        actor_id,
        json.dumps(body),
        line[:200],
        text_body,
        then.topic if then is not None else None,
        json.dumps(then.ids, separators=(",", ":")) if then is not None else None,
        then.change if then is not None else None,
    )
    return [row[0] for row in rows]


def own_notifications(viewer: Viewer) -> ColumnElement[bool]:
    """The rows a viewer may read: their own, as the signed-in engineer (nobody else's)."""
    if viewer.engineer_id is None:
        return false()
    return Notification.recipient_id == viewer.engineer_id


async def mark_read(
    session: AsyncSession, viewer: Viewer, notification_id: int | None
) -> tuple[list[int], datetime]:
    """Mark one of the viewer's notifications read (NOT_FOUND when it is not theirs) or, with
    None, all of them; returns the ids newly marked and the time; no commit."""
    now = await session.scalar(select(func.now()))
    assert now is not None
    statement = update(Notification).where(
        own_notifications(viewer), Notification.read_at.is_(None)
    )
    if notification_id is not None:
        exists = await session.scalar(
            select(Notification.id).where(
                own_notifications(viewer), Notification.id == notification_id
            )
        )
        if exists is None:
            raise reject(NotificationErrorCode.NOT_FOUND, "No such notification.", "input", "id")
        statement = statement.where(Notification.id == notification_id)
    marked = await session.scalars(statement.values(read_at=now).returning(Notification.id))
    return list(marked), now


async def unread_count(session: AsyncSession, viewer: Viewer) -> int:
    """How many of the viewer's notifications are unread."""
    count = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(own_notifications(viewer), Notification.read_at.is_(None))
    )
    return int(count or 0)


async def preferences_of(
    session: AsyncSession, engineer_id: int
) -> dict[NotificationKind, tuple[NotificationChannel, bool]]:
    """Every kind's channel for the engineer, and whether it is the default."""
    rows = await session.execute(
        select(NotificationPreference.kind, NotificationPreference.channel).where(
            NotificationPreference.engineer_id == engineer_id
        )
    )
    chosen = dict(rows.all())  # a Result has keys(): dict() would read it as a mapping
    return {
        kind: (
            (NotificationChannel(chosen[kind.value]), False)
            if kind.value in chosen
            else (DEFAULT_CHANNELS[kind], True)
        )
        for kind in NotificationKind
    }


async def set_preferences(
    session: AsyncSession,
    engineer_id: int,
    choices: Sequence[tuple[NotificationKind, NotificationChannel | None]],
) -> None:
    """Set (or, with None, reset to the default) the channel of each kind; no commit."""
    kinds = [kind for kind, _ in choices]
    if len(set(kinds)) != len(kinds):
        raise reject(
            NotificationErrorCode.INVALID_PREFERENCES,
            "Name each kind at most once.",
            "input",
            "preferences",
        )
    if len(kinds) > len(NotificationKind):
        raise reject(
            NotificationErrorCode.INVALID_PREFERENCES,
            f"At most {len(NotificationKind)} preferences.",
            "input",
            "preferences",
        )
    for kind, channel in choices:
        if channel is None:
            await session.execute(
                delete(NotificationPreference).where(
                    NotificationPreference.engineer_id == engineer_id,
                    NotificationPreference.kind == kind.value,
                )
            )
            continue
        upsert = insert(NotificationPreference).values(
            engineer_id=engineer_id, kind=kind.value, channel=channel.value
        )
        await session.execute(
            upsert.on_conflict_do_update(
                index_elements=[NotificationPreference.engineer_id, NotificationPreference.kind],
                set_={"channel": upsert.excluded.channel},
            )
        )


async def seeker_recipients(
    session: AsyncSession, seeker_id: int | None, institution_id: int | None
) -> list[int | None]:
    """Who hears about the seeker side: the posting engineer, else the institution's staff."""
    if seeker_id is not None:
        return [seeker_id]
    if institution_id is None:
        return []
    staff = await session.scalars(
        select(Affiliation.engineer_id).where(Affiliation.institution_id == institution_id)
    )
    return list(staff)


async def council_admins(session: AsyncSession) -> list[int | None]:
    """Engineers whose account holds the council admin role."""
    admins = await session.scalars(
        select(Account.engineer_id).where(Account.global_role == GlobalRole.COUNCIL_ADMIN)
    )
    return list(admins)
