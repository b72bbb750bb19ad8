"""Engagements: the state machine with a code per invalid transition, sessions and milestones
countersigned into the ledger, feedback both ways, problem reports that pause."""

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import GlobalRole
from db.models import AuditLogEntry, LedgerEntry, Notification
from graph.chapters import ChapterRegistry
from graph.services import engagement as service
from graph.services import ledger
from graph.services.problems import Rejected
from tests import contribution_world as world
from tests import factories, viewers


def codes(error: Rejected) -> set[str]:
    return {problem.code.value for problem in error.problems}


async def test_a_mentorship_runs_from_proposal_to_feedback_and_the_ledger_adds_up(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    contributor = await factories.engineer(session)
    seeker = await factories.engineer(session)
    as_contributor = await viewers.engineer(session, registry, contributor)
    as_seeker = await viewers.engineer(session, registry, seeker)
    row = await world.engagement(session, contributor, seeker, status="PROPOSED", started_at=None)

    assert (await service.transition(session, as_contributor, row.id, "start")).status == "ACTIVE"
    first = await service.log_session(
        session, as_contributor, row.id, held_on=date(2026, 1, 5), minutes=50, notes="Load flow"
    )
    second = await service.log_session(
        session, as_seeker, row.id, held_on=date(2026, 2, 5), minutes=70
    )
    await service.countersign_session(session, as_seeker, first.id, world.CPD)
    await service.countersign_session(session, as_seeker, second.id, world.CPD)
    milestone = await service.add_milestone(
        session, as_seeker, row.id, title="Thesis draft", due_on=date(2026, 3, 1), minutes=600
    )
    await service.finish_milestone(session, as_contributor, milestone.id)
    await service.countersign_milestone(session, as_seeker, milestone.id, world.CPD)
    assert (await service.transition(session, as_seeker, row.id, "complete")).status == "COMPLETED"
    await service.give_feedback(session, as_contributor, row.id, rating=5, comment="Keen student")
    given = await service.give_feedback(session, as_seeker, row.id, rating=4)
    assert (given.subject_id, given.rating) == (contributor.id, 4)

    summary = await ledger.summary(session, contributor.id, world.CPD)
    worked = await ledger.countersigned_minutes(session, contributor.id)
    entries = await session.scalar(
        select(func.sum(LedgerEntry.minutes)).where(LedgerEntry.engineer_id == contributor.id)
    )
    assert summary.total.minutes == worked == entries == 50 + 70 + 600
    assert summary.total.engagements == 1
    # 12 hours of mentorship at 1 point/hour, plus the milestone bonus of 2
    assert summary.total.cpd_points == 14
    assert summary.by_kind["MENTORSHIP"].minutes == 720
    assert sum(year.minutes for year in summary.by_year.values()) == 720
    assert [badge.slug for badge in summary.badges] == ["first-contribution"]


async def test_the_ledger_only_holds_countersigned_work(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    contributor = await factories.engineer(session)
    seeker = await factories.engineer(session)
    row = await world.engagement(session, contributor, seeker)
    as_contributor = await viewers.engineer(session, registry, contributor)
    logged = await service.log_session(
        session, as_contributor, row.id, held_on=date(2026, 1, 5), minutes=45
    )
    assert await ledger.countersigned_minutes(session, contributor.id) == 0
    assert (await ledger.summary(session, contributor.id, world.CPD)).total.minutes == 0
    with pytest.raises(Rejected) as refused:
        await service.countersign_session(session, as_contributor, logged.id, world.CPD)
    assert codes(refused.value) == {"NOT_SEEKER"}
    as_seeker = await viewers.engineer(session, registry, seeker)
    await service.countersign_session(session, as_seeker, logged.id, world.CPD)
    with pytest.raises(Rejected) as refused:
        await service.countersign_session(session, as_seeker, logged.id, world.CPD)
    assert codes(refused.value) == {"ALREADY_COUNTERSIGNED"}
    kinds = await session.scalars(
        select(Notification.kind).where(Notification.recipient_id == seeker.id)
    )
    assert list(kinds) == ["COUNTERSIGN_REQUESTED"]


@pytest.mark.parametrize(
    ("status", "action", "side", "code"),
    [
        ("ACTIVE", "start", "contributor", "CANNOT_START"),
        ("ACTIVE", "decline", "contributor", "CANNOT_DECLINE"),
        ("PROPOSED", "complete", "seeker", "CANNOT_COMPLETE"),
        ("COMPLETED", "cancel", "seeker", "CANNOT_CANCEL"),
        ("PAUSED", "reportProblem", "contributor", "CANNOT_REPORT_PROBLEM"),
        ("PROPOSED", "start", "seeker", "NOT_CONTRIBUTOR"),
        ("ACTIVE", "complete", "contributor", "NOT_SEEKER"),
        ("PAUSED", "resolveProblem", "seeker", "NOT_ADMIN"),
        ("ACTIVE", "start", "stranger", "NOT_FOUND"),
    ],
)
async def test_each_invalid_transition_has_its_code(
    session: AsyncSession,
    registry: ChapterRegistry,
    status: str,
    action: str,
    side: str,
    code: str,
) -> None:
    contributor = await factories.engineer(session)
    seeker = await factories.engineer(session)
    stranger = await factories.engineer(session)
    completed = {"completed_at": func.now()} if status == "COMPLETED" else {}
    row = await world.engagement(session, contributor, seeker, status=status, **completed)
    who = {"contributor": contributor, "seeker": seeker, "stranger": stranger}[side]
    with pytest.raises(Rejected) as refused:
        await service.transition(
            session, await viewers.engineer(session, registry, who), row.id, action, reason="Why"
        )
    assert codes(refused.value) == {code}


async def test_feedback_waits_for_completion_and_ratings_run_one_to_five(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    contributor = await factories.engineer(session)
    seeker = await factories.engineer(session)
    row = await world.engagement(session, contributor, seeker)
    as_seeker = await viewers.engineer(session, registry, seeker)
    with pytest.raises(Rejected) as refused:
        await service.give_feedback(session, as_seeker, row.id, rating=5)
    assert codes(refused.value) == {"CANNOT_GIVE_FEEDBACK"}
    await service.transition(session, as_seeker, row.id, "complete")
    with pytest.raises(Rejected) as refused:
        await service.give_feedback(session, as_seeker, row.id, rating=6)
    assert codes(refused.value) == {"INVALID_RATING"}
    await service.give_feedback(session, as_seeker, row.id, rating=3)
    with pytest.raises(Rejected) as refused:
        await service.give_feedback(session, as_seeker, row.id, rating=4)
    assert codes(refused.value) == {"ALREADY_GIVEN"}


async def test_a_problem_report_pauses_the_engagement_until_an_admin_resolves_it(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    contributor = await factories.engineer(session)
    seeker = await factories.engineer(session)
    admin = await factories.engineer(session)
    await factories.account(session, admin, global_role=GlobalRole.COUNCIL_ADMIN)
    row = await world.engagement(session, contributor, seeker)
    as_seeker = await viewers.engineer(session, registry, seeker)
    paused = await service.transition(
        session, as_seeker, row.id, "reportProblem", reason="Sessions keep being missed."
    )
    assert paused.status == "PAUSED"
    with pytest.raises(Rejected) as refused:
        await service.log_session(session, as_seeker, row.id, held_on=date(2026, 1, 1), minutes=30)
    assert codes(refused.value) == {"CANNOT_LOG_SESSION"}
    admin_kinds = await session.scalars(
        select(Notification.kind).where(Notification.recipient_id == admin.id)
    )
    assert list(admin_kinds) == ["PROBLEM_REPORTED"]
    resumed = await service.transition(
        session,
        await viewers.engineer(session, registry, admin),
        row.id,
        "resolveProblem",
        reason="Talked to both.",
        request_id="req-1",
    )
    assert resumed.status == "ACTIVE"
    audit = await session.scalar(
        select(AuditLogEntry).where(AuditLogEntry.target_type == "Engagement")
    )
    assert audit is not None
    assert (audit.action, audit.actor_engineer_id, audit.before, audit.after) == (
        "engagement.resolveProblem",
        admin.id,
        {"status": "PAUSED", "cancelReason": None},
        {"status": "ACTIVE", "cancelReason": None},
    )


async def test_cancelling_needs_a_reason(session: AsyncSession, registry: ChapterRegistry) -> None:
    contributor = await factories.engineer(session)
    seeker = await factories.engineer(session)
    row = await world.engagement(session, contributor, seeker)
    as_contributor = await viewers.engineer(session, registry, contributor)
    with pytest.raises(Rejected) as refused:
        await service.transition(session, as_contributor, row.id, "cancel", reason=" ")
    assert codes(refused.value) == {"INVALID_REASON"}
    cancelled = await service.transition(
        session, as_contributor, row.id, "cancel", reason="Moved to a new job."
    )
    assert (cancelled.status, cancelled.cancel_reason) == ("CANCELLED", "Moved to a new job.")
