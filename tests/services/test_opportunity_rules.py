"""Opportunity rules: EXPIRED from the deadline everywhere, who sees which, the lifecycle."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import (
    EngagementKind,
    MembershipStatus,
    OpportunityStatus,
    OpportunityVisibility,
)
from db.models import Invitation, Opportunity, OpportunityChapter
from db.queries.opportunity import status_expression
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry
from graph.services import opportunity as service
from graph.services.problems import Rejected
from tests import contribution_world as world
from tests import factories, viewers


def codes(error: Rejected) -> set[str]:
    return {problem.code.value for problem in error.problems}


async def test_an_open_opportunity_past_its_deadline_reads_expired_in_python_and_sql(
    session: AsyncSession,
) -> None:
    poster = await factories.engineer(session)
    past = await world.opportunity(session, poster, deadline=datetime.now(UTC) - timedelta(hours=1))
    future = await world.opportunity(session, poster)
    closed = await world.opportunity(
        session, poster, status="CLOSED", deadline=datetime.now(UTC) - timedelta(hours=1)
    )
    read = dict((await session.execute(select(Opportunity.id, status_expression()))).all())
    now = datetime.now(UTC)
    assert read[past.id] == "EXPIRED" == service.effective_status(past.status, past.deadline, now)
    assert (
        read[future.id] == "OPEN" == service.effective_status(future.status, future.deadline, now)
    )
    assert read[closed.id] == "CLOSED"


async def _visible(session: AsyncSession, viewer: Viewer, target: Opportunity) -> bool:
    found = await session.scalar(
        select(Opportunity.id).where(Opportunity.id == target.id, service.visible_to(viewer))
    )
    return found is not None


async def test_invited_opportunities_exist_only_for_invitees_and_the_seeker(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    poster = await factories.engineer(session)
    invitee = await factories.engineer(session)
    stranger = await factories.engineer(session)
    target = await world.opportunity(
        session, poster, visibility=OpportunityVisibility.INVITED.value
    )
    session.add(Invitation(opportunity_id=target.id, engineer_id=invitee.id))
    await session.flush()
    assert await _visible(session, await viewers.engineer(session, registry, invitee), target)
    assert await _visible(session, await viewers.engineer(session, registry, poster), target)
    assert not await _visible(session, await viewers.engineer(session, registry, stranger), target)
    assert not await _visible(session, ANONYMOUS, target)


async def test_chapter_opportunities_exist_only_for_active_members_of_those_chapters(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    poster = await factories.engineer(session)
    member = await factories.engineer(session)
    pending = await factories.engineer(session)
    gulf = await factories.chapter(session)
    await factories.membership(session, member, gulf)
    await factories.membership(session, pending, gulf, status=MembershipStatus.PENDING)
    target = await world.opportunity(
        session, poster, visibility=OpportunityVisibility.CHAPTER.value
    )
    session.add(OpportunityChapter(opportunity_id=target.id, chapter_id=gulf.id))
    await session.flush()
    assert await _visible(session, await viewers.engineer(session, registry, member), target)
    assert not await _visible(session, await viewers.engineer(session, registry, pending), target)
    assert not await _visible(session, ANONYMOUS, target)


async def test_drafts_are_seen_by_the_poster_and_the_institutions_staff_only(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    university = await factories.institution(session)
    staff = await factories.engineer(session)
    await factories.affiliation(session, staff, university)
    other = await factories.engineer(session)
    target = await world.opportunity(
        session, None, institution_id=university.id, status=OpportunityStatus.DRAFT.value
    )
    assert await _visible(session, await viewers.engineer(session, registry, staff), target)
    assert await _visible(session, viewers.client(university.id), target)
    assert not await _visible(session, await viewers.engineer(session, registry, other), target)


async def test_staff_post_drafts_for_their_institution_and_strangers_may_not(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    university = await factories.institution(session)
    staff = await factories.engineer(session)
    stranger = await factories.engineer(session)
    await factories.affiliation(session, staff, university)
    draft = service.OpportunityDraft(
        kind=EngagementKind.CURRICULUM_REVIEW,
        title="Review our power electronics syllabus",
        hours_per_month=6,
        duration_months=2,
    )
    row = await service.create(
        session,
        await viewers.engineer(session, registry, staff),
        draft,
        institution_id=university.id,
    )
    assert (row.status, row.institution_id, row.poster_id) == ("DRAFT", university.id, staff.id)
    with pytest.raises(Rejected) as refused:
        await service.create(
            session,
            await viewers.engineer(session, registry, stranger),
            draft,
            institution_id=university.id,
        )
    assert codes(refused.value) == {"NOT_STAFF"}


async def test_a_bad_draft_reports_every_problem_with_its_code(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    poster = await factories.engineer(session)
    draft = service.OpportunityDraft(
        kind=EngagementKind.MENTORSHIP,
        title="x",
        hours_per_month=0,
        duration_months=2,
        timezone_window=(20, 4),
        remote=False,
        deadline=datetime.now(UTC) - timedelta(days=1),
        visibility=OpportunityVisibility.CHAPTER,
    )
    with pytest.raises(Rejected) as refused:
        await service.create(session, await viewers.engineer(session, registry, poster), draft)
    assert codes(refused.value) == {
        "INVALID_TITLE",
        "INVALID_EFFORT",
        "INVALID_TIMEZONE_WINDOW",
        "INVALID_LOCATION",
        "INVALID_DEADLINE",
        "INVALID_VISIBILITY",
    }


async def test_the_lifecycle_refuses_each_invalid_transition_with_its_code(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    poster = await factories.engineer(session)
    other = await factories.engineer(session)
    as_poster = await viewers.engineer(session, registry, poster)
    target = await world.opportunity(session, poster, status="DRAFT")
    assert (await service.transition(session, as_poster, target.id, "publish")).status == "OPEN"
    with pytest.raises(Rejected) as refused:
        await service.transition(session, as_poster, target.id, "publish")
    assert codes(refused.value) == {"CANNOT_PUBLISH"}
    with pytest.raises(Rejected) as refused:
        await service.transition(
            session, await viewers.engineer(session, registry, other), target.id, "close"
        )
    assert codes(refused.value) == {"NOT_SEEKER"}
    assert (await service.transition(session, as_poster, target.id, "close")).status == "CLOSED"
    with pytest.raises(Rejected) as refused:
        await service.transition(session, as_poster, target.id, "fill")
    assert codes(refused.value) == {"CANNOT_FILL"}
    target.deadline = datetime.now(UTC) - timedelta(minutes=1)
    with pytest.raises(Rejected) as refused:
        await service.transition(session, as_poster, target.id, "reopen")
    assert codes(refused.value) == {"CANNOT_REOPEN"}
