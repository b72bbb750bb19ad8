"""A person with a full history on the portal, for export and erasure tests.

`subject` (Zarmeen Qadri-Haroon, a distinctive name and email) has a profile with a skill, a
sector, a position, an affiliation, a chapter membership, an account, a forum thread and a
reply in the counterpart's thread, a completed mentorship of the counterpart with a
countersigned session and ledger entries on both sides, feedback, an application, a consent
grant with an access-log entry, notifications, a calendar feed and a sign-in session.
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import EngagementKind, ProfileField
from db.models import (
    AccessLogEntry,
    CalendarFeed,
    Engagement,
    EngagementSession,
    Engineer,
    Feedback,
    ForumPost,
    ForumThread,
    LedgerEntry,
    Notification,
    OAuthClient,
    RefreshToken,
)
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from tests import contribution_world, factories, viewers

NAME = "Zarmeen Qadri-Haroon"
EMAIL = "zarmeen.qadri.haroon@example.org"
PHONE = "+971500001234"
HANDLE = "zarmeen-qadri"
BIO = "Zarmeen builds substations across the Gulf."


@dataclass
class DataRightsWorld:
    """The subject, the people around them and the rows that tie them."""

    subject: Engineer
    counterpart: Engineer
    bystander: Engineer
    thread: ForumThread
    subject_thread: ForumThread
    reply: ForumPost
    completed: Engagement
    active: Engagement
    viewers: dict[str, Viewer] = field(default_factory=dict)


async def build(session: AsyncSession, registry: ChapterRegistry) -> DataRightsWorld:
    """Create the world and the viewers of its three people."""
    subject = await factories.engineer(
        session, handle=HANDLE, name=NAME, email=EMAIL, phone=PHONE, bio=BIO
    )
    counterpart = await factories.engineer(session, country_code="PK", city="Lahore")
    bystander = await factories.engineer(session)
    await factories.account(session, subject, email=EMAIL)
    sector = await factories.sector(session)
    await factories.join_sector(session, subject, sector)
    await factories.claim_skill(session, subject, await factories.skill(session))
    await factories.position(session, subject)
    university = await factories.institution(session)
    await factories.affiliation(session, subject, university)
    gulf = await factories.chapter(session, "gulf-uae")
    await factories.membership(session, subject, gulf)
    await factories.membership(session, counterpart, gulf)
    await factories.membership(session, bystander, gulf)

    category = await factories.forum_category(session)
    thread = await factories.forum_thread(session, category, counterpart)
    reply = await factories.forum_post(
        session, thread, subject, body=f"As {NAME}, I would size the inverter first."
    )
    subject_thread = await factories.forum_thread(
        session, category, subject, body=f"{NAME} asks: who has commissioned a 132 kV GIS?"
    )

    completed = await contribution_world.add(
        session,
        Engagement(
            kind=EngagementKind.MENTORSHIP.value,
            contributor_id=subject.id,
            seeker_id=counterpart.id,
            hours_per_month=4,
            status="COMPLETED",
            started_at=datetime.now(UTC) - timedelta(days=90),
            completed_at=datetime.now(UTC) - timedelta(days=10),
        ),
    )
    active = await contribution_world.engagement(session, subject, counterpart)
    held = await contribution_world.add(
        session,
        EngagementSession(
            engagement_id=completed.id,
            held_on=date.today() - timedelta(days=20),
            minutes=90,
            notes=f"{NAME} walked through protection settings.",
            attendee_ids=[subject.id, counterpart.id],
            logged_by_id=subject.id,
            countersigned_at=datetime.now(UTC) - timedelta(days=19),
            countersigned_by_id=counterpart.id,
        ),
    )
    await contribution_world.add(
        session,
        LedgerEntry(
            engineer_id=subject.id,
            engagement_id=completed.id,
            session_id=held.id,
            kind=EngagementKind.MENTORSHIP.value,
            counterpart_id=counterpart.id,
            minutes=90,
            cpd_points=Decimal("1.50"),
            occurred_on=held.held_on,
        ),
    )
    await contribution_world.add(
        session,
        Feedback(
            engagement_id=completed.id,
            author_id=subject.id,
            subject_id=counterpart.id,
            rating=5,
            comment=f"A pleasure — {NAME}",
        ),
    )
    await contribution_world.add(
        session,
        Feedback(
            engagement_id=completed.id,
            author_id=counterpart.id,
            subject_id=subject.id,
            rating=5,
            comment="Generous with time.",
        ),
    )
    opportunity = await contribution_world.opportunity(session, counterpart)
    await contribution_world.application(
        session, opportunity, subject, message=f"{NAME} here: I can help."
    )

    grant = await factories.consent_grant(session, subject, university, [ProfileField.EMAIL])
    await contribution_world.add(
        session,
        AccessLogEntry(
            engineer_id=subject.id,
            institution_id=university.id,
            consent_grant_id=grant.id,
            fields=[ProfileField.EMAIL.value],
            request_id="request-1",
        ),
    )
    await contribution_world.add(
        session, Notification(recipient_id=subject.id, kind="ENGAGEMENT_CHANGED")
    )
    await contribution_world.add(
        session,
        Notification(
            recipient_id=counterpart.id,
            kind="FORUM_REPLY",
            thread_id=thread.id,
            post_id=reply.id,
            actor_id=subject.id,
            payload={
                "summary": f"@{HANDLE} replied to “{thread.title}”",
                "excerpt": f"As {NAME}, I would size",
            },
        ),
    )
    await contribution_world.add(
        session,
        CalendarFeed(engineer_id=subject.id, token_hash=hashlib.sha256(b"feed-token").hexdigest()),
    )
    app = await contribution_world.add(
        session, OAuthClient(client_id=f"app-{uuid.uuid4().hex[:8]}", name="Portal app")
    )
    await contribution_world.add(
        session,
        RefreshToken(
            token_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
            family_id=uuid.uuid4(),
            client_id=app.id,
            engineer_id=subject.id,
            scope="profiles:read",
            expires_at=datetime.now(UTC) + timedelta(days=30),
        ),
    )
    world = DataRightsWorld(
        subject, counterpart, bystander, thread, subject_thread, reply, completed, active
    )
    for name, who in (("subject", subject), ("counterpart", counterpart), ("bystander", bystander)):
        world.viewers[name] = await viewers.engineer(session, registry, who)
    return world
