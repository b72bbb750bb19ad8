"""A programme's cohort: propose the optimal pairs, adjust them by hand, publish them as
engagements in one transaction, and log group sessions."""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import (
    EngagementKind,
    EngagementStatus,
    NotificationKind,
    ProgrammeFormat,
    ProgrammeRole,
    ProgrammeStatus,
)
from db.models import (
    Engagement,
    EngagementSession,
    MentorshipApplication,
    MentorshipPair,
    MentorshipProgramme,
)
from db.queries.programme import PairScore, score_pairs
from graph.auth.permissions import require_engineer
from graph.auth.viewer import Viewer
from graph.ids import encode_id
from graph.services import audit, cohort_matching
from graph.services.notification import notify
from graph.services.problems import reject
from graph.services.programme import ACCEPTED
from graph.services.programme_access import (
    Code,
    not_found,
    programme_for_update,
    require_coordinator,
    require_unpublished,
)

NOTES_MAX = 20_000


async def _accepted(
    session: AsyncSession, programme_id: int
) -> tuple[dict[int, int], list[int], dict[int, int]]:
    """Accepted mentors' slots and accepted mentees of the programme (by application id), and
    each application's engineer."""
    rows = (
        await session.execute(
            select(
                MentorshipApplication.id,
                MentorshipApplication.role,
                MentorshipApplication.slots,
                MentorshipApplication.applicant_id,
            )
            .where(
                MentorshipApplication.programme_id == programme_id,
                MentorshipApplication.status == ACCEPTED,
            )
            .order_by(MentorshipApplication.id)
        )
    ).all()
    slots = {row.id: row.slots or 0 for row in rows if row.role == ProgrammeRole.MENTOR.value}
    mentees = [row.id for row in rows if row.role == ProgrammeRole.MENTEE.value]
    return slots, mentees, {row.id: row.applicant_id for row in rows}


async def proposal(
    session: AsyncSession, programme_id: int
) -> tuple[cohort_matching.Assignment, dict[tuple[int, int], PairScore]]:
    """The optimal assignment of the programme's accepted mentees to its accepted mentors, and
    every pair's score (one scoring statement, then the solver)."""
    slots, mentees, _ = await _accepted(session, programme_id)
    scored = await score_pairs(session, programme_id, list(slots), mentees)
    by_pair = {(s.mentor_application_id, s.mentee_application_id): s for s in scored}
    scores = {pair: found.score for pair, found in by_pair.items()}
    return cohort_matching.optimal(slots, mentees, scores), by_pair


def _pair(programme_id: int, scored: PairScore, *, manual: bool) -> MentorshipPair:
    return MentorshipPair(
        programme_id=programme_id,
        mentor_application_id=scored.mentor_application_id,
        mentee_application_id=scored.mentee_application_id,
        score=scored.score,
        factors=scored.factors,
        explanation=scored.sentence,
        manual=manual,
    )


async def _cohort_snapshot(session: AsyncSession, programme: MentorshipProgramme) -> dict[str, Any]:
    total = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(MentorshipPair.score), 0)).where(
                MentorshipPair.programme_id == programme.id
            )
        )
    ).one()
    return {"status": programme.status, "pairs": int(total[0]), "totalScore": str(total[1])}


async def propose(
    session: AsyncSession, viewer: Viewer, programme_id: int, *, request_id: str
) -> MentorshipProgramme:
    """Replace the proposed pairs with the optimal assignment (unpublished programmes);
    audited."""
    programme = await programme_for_update(session, programme_id, "input", "programme")
    await require_coordinator(session, viewer, programme, "input", "programme")
    require_unpublished(programme, "input", "programme")
    before = await _cohort_snapshot(session, programme)
    assignment, by_pair = await proposal(session, programme.id)
    if not assignment.pairs:
        raise reject(
            Code.NOTHING_TO_MATCH,
            "Accept at least one mentor and one mentee before matching.",
            "input",
            "programme",
        )
    await session.execute(delete(MentorshipPair).where(MentorshipPair.programme_id == programme.id))
    session.add_all(_pair(programme.id, by_pair[pair], manual=False) for pair in assignment.pairs)
    programme.status = ProgrammeStatus.PROPOSED.value
    programme.proposed_at = datetime.now(UTC)
    await session.flush()
    audit.record(
        session,
        viewer,
        "mentorship_programme.propose",
        programme,
        chapter_id=programme.chapter_id,
        before=before,
        after=await _cohort_snapshot(session, programme),
        request_id=request_id,
    )
    await session.flush()
    return programme


async def adjust(
    session: AsyncSession,
    viewer: Viewer,
    programme_id: int,
    *,
    remove: Sequence[int],
    add: Sequence[tuple[int, int]],
    request_id: str,
) -> MentorshipProgramme:
    """Remove proposed pairs and add pairs (mentor application, mentee application) by hand; a
    swap is two removals and two additions. Every mentor stays within their slots and every
    mentee in one pair at most; added pairs are scored like proposed ones; audited."""
    programme = await programme_for_update(session, programme_id, "input", "programme")
    await require_coordinator(session, viewer, programme, "input", "programme")
    require_unpublished(programme, "input", "programme")
    if programme.status != ProgrammeStatus.PROPOSED.value:
        raise reject(
            Code.NOT_PROPOSED, "Propose a cohort before adjusting it.", "input", "programme"
        )
    before = await _cohort_snapshot(session, programme)
    existing = {
        row.id: row
        for row in await session.scalars(
            select(MentorshipPair).where(MentorshipPair.programme_id == programme.id)
        )
    }
    if any(key not in existing for key in remove):
        raise reject(Code.INVALID_PAIR, "No such pair in this cohort.", "input", "remove")
    for key in set(remove):
        await session.delete(existing.pop(key))
    slots, mentees, _ = await _accepted(session, programme.id)
    if len(set(add)) != len(add) or any(
        mentor not in slots or mentee not in mentees for mentor, mentee in add
    ):
        raise reject(
            Code.INVALID_PAIR,
            "Pairs join an accepted mentor and an accepted mentee of this programme.",
            "input",
            "add",
        )
    paired = {row.mentee_application_id for row in existing.values()}
    added_mentees = [mentee for _, mentee in add]
    if paired & set(added_mentees) or len(set(added_mentees)) != len(added_mentees):
        raise reject(Code.MENTEE_TAKEN, "A mentee is in one pair at most.", "input", "add")
    load = Counter(row.mentor_application_id for row in existing.values())
    load.update(mentor for mentor, _ in add)
    if any(load[mentor] > slots[mentor] for mentor in load):
        raise reject(
            Code.OVER_SLOTS, "A mentor would have more mentees than slots.", "input", "add"
        )
    await session.flush()
    if add:
        scored = await score_pairs(
            session,
            programme.id,
            sorted({mentor for mentor, _ in add}),
            sorted(set(added_mentees)),
        )
        by_pair = {(s.mentor_application_id, s.mentee_application_id): s for s in scored}
        for mentor, mentee in add:
            found = by_pair.get((mentor, mentee)) or PairScore(mentor, mentee, Decimal(0), [], "")
            session.add(_pair(programme.id, found, manual=True))
    await session.flush()
    audit.record(
        session,
        viewer,
        "mentorship_programme.adjust",
        programme,
        chapter_id=programme.chapter_id,
        before=before,
        after={
            **await _cohort_snapshot(session, programme),
            "removed": sorted(set(remove)),
            "added": [list(pair) for pair in add],
        },
        request_id=request_id,
    )
    await session.flush()
    return programme


async def publish(
    session: AsyncSession, viewer: Viewer, programme_id: int, *, request_id: str
) -> MentorshipProgramme:
    """Publish the proposed cohort: one ACTIVE MENTORSHIP engagement per pair (mentor the
    contributor, mentee the seeker), all in this transaction; everyone paired is notified;
    audited."""
    programme = await programme_for_update(session, programme_id, "input", "programme")
    await require_coordinator(session, viewer, programme, "input", "programme")
    require_unpublished(programme, "input", "programme")
    pairs = list(
        await session.scalars(
            select(MentorshipPair)
            .where(MentorshipPair.programme_id == programme.id)
            .order_by(MentorshipPair.id)
        )
    )
    if programme.status != ProgrammeStatus.PROPOSED.value or not pairs:
        raise reject(
            Code.NOT_PROPOSED,
            "Propose a cohort with pairs before publishing.",
            "input",
            "programme",
        )
    before = await _cohort_snapshot(session, programme)
    _, _, engineers = await _accepted(session, programme.id)
    now = datetime.now(UTC)
    engagements = [
        Engagement(
            kind=EngagementKind.MENTORSHIP.value,
            contributor_id=engineers[pair.mentor_application_id],
            seeker_id=engineers[pair.mentee_application_id],
            institution_id=programme.institution_id,
            hours_per_month=programme.hours_per_month,
            status=EngagementStatus.ACTIVE.value,
            started_at=now,
        )
        for pair in pairs
    ]
    session.add_all(engagements)
    await session.flush()
    for pair, engagement in zip(pairs, engagements, strict=True):
        pair.engagement_id = engagement.id
    programme.status = ProgrammeStatus.PUBLISHED.value
    programme.published_at = now
    await session.flush()
    audit.record(
        session,
        viewer,
        "mentorship_programme.publish",
        programme,
        chapter_id=programme.chapter_id,
        before=before,
        after={**await _cohort_snapshot(session, programme), "engagements": len(engagements)},
        request_id=request_id,
    )
    await notify(
        session,
        sorted(
            {engineers[p.mentor_application_id] for p in pairs}
            | {engineers[p.mentee_application_id] for p in pairs}
        ),
        NotificationKind.PROGRAMME_MATCHED,
        chapter_id=programme.chapter_id,
        actor_id=viewer.engineer_id,
        payload={
            "programmeId": encode_id("MentorshipProgramme", programme.id),
            "summary": f"You were matched in {programme.name}",
        },
    )
    return programme


async def log_group_session(
    session: AsyncSession,
    viewer: Viewer,
    programme_id: int,
    *,
    held_on: date,
    minutes: int,
    notes: str,
    attendee_ids: Sequence[int],
) -> EngagementSession:
    """A mentor of a published GROUP programme logs one shared session with their mentees.

    It is one engagement session, on the mentor's first engagement of the programme, with every
    attendee listed: countersigned there, it enters the ledger once (the mentor gave the hour
    once, however many mentees attended).
    """
    engineer_id = require_engineer(viewer)
    programme = await session.get(MentorshipProgramme, programme_id)
    if programme is None:
        raise not_found("programme", "input", "programme")
    if programme.format != ProgrammeFormat.GROUP.value:
        raise reject(Code.NOT_GROUP, "The programme is not group mentoring.", "input", "programme")
    group = (
        await session.execute(
            select(MentorshipPair.engagement_id, Engagement.seeker_id, Engagement.status)
            .join(Engagement, Engagement.id == MentorshipPair.engagement_id)
            .join(
                MentorshipApplication,
                MentorshipApplication.id == MentorshipPair.mentor_application_id,
            )
            .where(
                MentorshipPair.programme_id == programme.id,
                MentorshipApplication.applicant_id == engineer_id,
            )
            .order_by(MentorshipPair.engagement_id)
        )
    ).all()
    if not group:
        raise reject(
            Code.NOT_MENTOR,
            "Only a mentor of the published cohort logs its group sessions.",
            "input",
            "programme",
        )
    members = {row.seeker_id for row in group}
    attendees = set(attendee_ids) or members
    if (
        not 1 <= minutes <= 1440
        or held_on > date.today()
        or not attendees <= members
        or len(notes) > NOTES_MAX
        or group[0].status != EngagementStatus.ACTIVE.value
    ):
        raise reject(
            Code.INVALID_SESSION,
            "A group session lasts 1-1440 minutes, is not in the future, is attended by your "
            f"mentees in this programme, has notes of at most {NOTES_MAX} characters, and the "
            "group's engagement is ACTIVE.",
            "input",
        )
    logged = EngagementSession(
        engagement_id=group[0].engagement_id,
        held_on=held_on,
        minutes=minutes,
        notes=notes,
        attendee_ids=sorted({engineer_id, *(a for a in attendees if a is not None)}),
        logged_by_id=engineer_id,
    )
    session.add(logged)
    await session.flush()
    await notify(
        session,
        [group[0].seeker_id],
        NotificationKind.COUNTERSIGN_REQUESTED,
        engagement_id=group[0].engagement_id,
        payload={"sessionId": logged.id},
    )
    return logged
