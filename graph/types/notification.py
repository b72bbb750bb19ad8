"""Notifications: what concerns the signed-in engineer, and how they want to hear about it."""

from datetime import datetime

import strawberry

from db import models
from db.enums import NotificationChannel, NotificationKind
from graph.ids import encode_id
from graph.services.notification import NotificationErrorCode, summary_of
from graph.types.engineer import Engineer
from graph.types.enums import describe_enum
from graph.types.node import Node
from graph.types.sql_only import unserved

describe_enum(
    NotificationKind,
    "What a notification tells its recipient.",
    {
        "APPLICATION_RECEIVED": "Someone applied to an opportunity you posted.",
        "APPLICATION_SHORTLISTED": "Your application was shortlisted.",
        "APPLICATION_ACCEPTED": "Your application was accepted: an engagement starts.",
        "APPLICATION_DECLINED": "Your application was declined.",
        "APPLICATION_WITHDRAWN": "An applicant withdrew their application.",
        "INVITATION_RECEIVED": "A seeker invited you to an opportunity.",
        "INVITATION_ANSWERED": "A contributor answered your invitation.",
        "ENGAGEMENT_CHANGED": "An engagement you take part in changed state.",
        "COUNTERSIGN_REQUESTED": "Logged work awaits your countersignature.",
        "FEEDBACK_DUE": "A finished engagement awaits your feedback.",
        "PROBLEM_REPORTED": "A problem was reported on an engagement.",
        "FORUM_REPLY": "Someone replied to a forum thread you started.",
        "FORUM_MENTION": "Someone @mentioned your handle in a forum thread or reply.",
        "MEMBERSHIP_APPROVED": "A coordinator approved your request to join a chapter.",
        "MEMBERSHIP_REJECTED": "A coordinator declined your request to join a chapter.",
        "MEMBERSHIP_SUSPENDED": "A coordinator suspended your chapter membership.",
        "MEMBERSHIP_ROLE_CHANGED": "A coordinator gave you a role in a chapter.",
        "EVENT_CANCELLED": "An event you registered or queued for was cancelled.",
        "EVENT_MOVED": "An event you registered or queued for changed its time or place.",
        "EVENT_WAITLIST_PROMOTED": "A place opened up: you moved from the waitlist to attending.",
        "CHAPTER_ANNOUNCEMENT": "Your chapter's coordinators posted an announcement.",
        "PROGRAMME_APPLICATION_RECEIVED": "Someone applied to a mentorship programme you run.",
        "PROGRAMME_APPLICATION_DECIDED": "Your mentorship programme application was accepted "
        "or declined.",
        "PROGRAMME_MATCHED": "A mentorship programme's cohort was published: you have a mentor "
        "or mentee.",
        "INVESTMENT_COMMITMENT_CHANGED": "A soft commitment to your startup's investment ask was "
        "made, changed or withdrawn (the committer is named only if they disclosed themselves).",
        "INVESTMENT_ASK_CLOSED": "An investment ask you committed to was closed.",
        "PANEL_NOMINATED": "Someone nominated you for a seat on a panel; accept or decline.",
        "PANEL_CANDIDACY_RECEIVED": "A candidate applied, or accepted a nomination, for a seat on "
        "your institution's panel.",
        "PANEL_APPOINTED": "You were appointed to a panel (an engagement started).",
        "PANEL_MEMBERSHIP_ENDED": "A panel seat ended early: the member resigned or was removed.",
        "PROJECT_TEAM_INVITED": "A student invited you to their final-year project team.",
        "PROPOSAL_SUBMITTED": "A team submitted a proposal revision on a topic you supervise.",
        "PROPOSAL_REVIEWED": "A supervisor approved your team's proposal or requested changes.",
        "PROJECT_MILESTONE_ADDED": "A supervisor set a milestone for your project team.",
        "PROJECT_DELIVERABLE_SUBMITTED": "A team you supervise submitted a deliverable version.",
        "PROJECT_ASSESSED": "Your project team's final assessment was recorded.",
        "RFP_INVITATION": "An institution invited you to bid on an RFP, from your listing.",
        "RFP_CLOSED": "An RFP you bid on closed early: the institution now reads the proposals.",
        "PROPOSAL_AWARDED": "Your proposal won: the contract engagement has started.",
        "PROPOSAL_NOT_AWARDED": "An RFP you bid on was awarded to another proposal.",
        "CONTRACT_MILESTONE_SUBMITTED": "A contract milestone was submitted for your acceptance.",
        "CONTRACT_MILESTONE_ACCEPTED": "The institution accepted a milestone of your contract.",
        "CONTRACT_MILESTONE_REWORK": "The institution sent a contract milestone back for rework.",
        "CONTRACT_REVIEWED": "The other side of a completed contract reviewed you.",
        "HALL_OF_FAME_INDUCTED": "The council inducted you into the Hall of Fame.",
        "HALL_OF_FAME_DECIDED": "The council decided on someone you nominated for the Hall of "
        "Fame (inducted or not).",
    },
)
describe_enum(
    NotificationChannel,
    "How you hear about one kind of notification.",
    {
        "IN_APP": "Listed in `viewer.notifications` and pushed by `notificationReceived`.",
        "EMAIL": "In the app, and an email to your verified address as it happens.",
        "EMAIL_DIGEST": "In the app, and collected into one digest email now and then.",
        "NONE": "Not at all: nothing is recorded for this kind.",
    },
)
describe_enum(
    NotificationErrorCode,
    "Why a notification mutation was refused.",
    {
        "NOT_FOUND": "No such notification of yours (it is someone else's or does not exist).",
        "INVALID_INPUT": "The input names neither one notification nor all of them, or both.",
        "INVALID_PREFERENCES": "A kind is named twice, or too many preferences are given.",
    },
)

SUBJECTS = (
    ("post_id", "ForumPost"),
    ("thread_id", "ForumThread"),
    ("engagement_id", "Engagement"),
    ("application_id", "Application"),
    ("opportunity_id", "Opportunity"),
    ("chapter_id", "Chapter"),
)
"""Which row a notification is about, most specific first, and its GraphQL type."""


@strawberry.type(
    description="Something that concerns you: a reply, a mention, a decision on your "
    "membership, an application. Visible only to its recipient: `node` and `nodes` return null "
    "for anyone else's."
)
class Notification(Node):
    """A notification."""

    pk: strawberry.Private[int]
    actor_pk: strawberry.Private[int | None]
    kind: NotificationKind = strawberry.field(description="What happened.")
    summary: str = strawberry.field(description="One line saying what happened.")
    excerpt: str | None = strawberry.field(
        description="The start of the text concerned (a reply's body), when there is one."
    )
    subject_id: strawberry.ID | None = strawberry.field(
        description="The global ID of what it is about (the reply, thread, engagement, "
        "application, opportunity or chapter); fetch it with `node`, which applies that "
        "object's own visibility."
    )
    read: bool = strawberry.field(description="True once marked read.")
    read_at: datetime | None = strawberry.field(description="When it was marked read.")
    created_at: datetime = strawberry.field(description="When it was written.")

    @classmethod
    def from_model(cls, row: models.Notification) -> "Notification":
        """Build from a notifications row (the caller checked it is the viewer's)."""
        subject = next(
            (
                strawberry.ID(encode_id(type_name, getattr(row, column)))
                for column, type_name in SUBJECTS
                if getattr(row, column) is not None
            ),
            None,
        )
        excerpt = row.payload.get("excerpt")
        return cls(
            id=strawberry.ID(encode_id("Notification", row.id)),
            pk=row.id,
            actor_pk=row.actor_id,
            kind=NotificationKind(row.kind),
            summary=summary_of(NotificationKind(row.kind), row.payload),
            excerpt=str(excerpt) if excerpt is not None else None,
            subject_id=subject,
            read=row.read_at is not None,
            read_at=row.read_at,
            created_at=row.created_at,
        )

    @strawberry.field(description="Who caused it (the replier, the coordinator), if a person did.")
    def actor(self) -> Engineer | None:
        """Compiled: graph/reads/notification.py."""
        raise unserved()


@strawberry.type(description="Your channel for one kind of notification.")
class NotificationPreference:
    """A kind and its channel."""

    kind: NotificationKind = strawberry.field(description="The kind of notification.")
    channel: NotificationChannel = strawberry.field(description="How you hear about it.")
    is_default: bool = strawberry.field(
        description="True when you have not chosen: the portal's default applies."
    )


@strawberry.input(description="Which notifications to list.")
class NotificationFilter:
    """Criteria of `viewer.notifications`."""

    unread: bool | None = strawberry.field(
        default=None,
        description="True: only unread ones; false: only read ones; omitted: all.",
    )
