"""Applications: apply (proposals for consultancy), shortlist, decline, withdraw, reopen, accept
within capacity; invitations; a notification row for each concerned person."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Notification
from graph.chapters import ChapterRegistry
from graph.services import application as service
from graph.services.problems import Rejected
from tests import contribution_world as world
from tests import factories, viewers

PROPOSAL = service.Proposal(Decimal("1500.00"), "USD", "Six weeks", "Audit, then redesign.")


def codes(error: Rejected) -> set[str]:
    return {problem.code.value for problem in error.problems}


async def notifications(session: AsyncSession, recipient_id: int) -> list[str]:
    rows = await session.scalars(
        select(Notification.kind)
        .where(Notification.recipient_id == recipient_id)
        .order_by(Notification.id)
    )
    return list(rows)


async def test_applying_files_the_application_and_notifies_the_seeker(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    contributor = await factories.engineer(session)
    target = await world.opportunity(session, seeker)
    applied = await service.apply(
        session, await viewers.engineer(session, registry, contributor), target.id, "Happy to help."
    )
    assert applied.status == "SUBMITTED"
    assert await notifications(session, seeker.id) == ["APPLICATION_RECEIVED"]


async def test_an_expired_opportunity_refuses_applications(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    contributor = await factories.engineer(session)
    target = await world.opportunity(
        session, seeker, deadline=datetime.now(UTC) - timedelta(seconds=1)
    )
    with pytest.raises(Rejected) as refused:
        await service.apply(
            session, await viewers.engineer(session, registry, contributor), target.id, "Hello"
        )
    assert codes(refused.value) == {"NOT_OPEN"}


async def test_consultancy_applications_are_proposals_and_other_kinds_take_none(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    consultant = await factories.engineer(session, offers=["CONSULTANCY", "MENTORSHIP"])
    as_consultant = await viewers.engineer(session, registry, consultant)
    rfp = await world.opportunity(session, seeker, kind="CONSULTANCY")
    mentoring = await world.opportunity(session, seeker)
    with pytest.raises(Rejected) as refused:
        await service.apply(session, as_consultant, rfp.id, "Bid")
    assert codes(refused.value) == {"PROPOSAL_REQUIRED"}
    bid = await service.apply(session, as_consultant, rfp.id, "Bid", PROPOSAL)
    assert (bid.proposal_price, bid.proposal_currency) == (Decimal("1500.00"), "USD")
    with pytest.raises(Rejected) as refused:
        await service.apply(session, as_consultant, mentoring.id, "Hi", PROPOSAL)
    assert codes(refused.value) == {"PROPOSAL_NOT_ALLOWED"}


async def test_contributors_apply_only_for_kinds_they_offer_and_only_once(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    contributor = await factories.engineer(session, offers=["MENTORSHIP"])
    as_contributor = await viewers.engineer(session, registry, contributor)
    investment = await world.opportunity(session, seeker, kind="INVESTMENT")
    with pytest.raises(Rejected) as refused:
        await service.apply(session, as_contributor, investment.id, "Hi")
    assert codes(refused.value) == {"NOT_OFFERED"}
    target = await world.opportunity(session, seeker)
    await service.apply(session, as_contributor, target.id, "Hi")
    with pytest.raises(Rejected) as refused:
        await service.apply(session, as_contributor, target.id, "Again")
    assert codes(refused.value) == {"ALREADY_APPLIED"}


async def test_only_the_seeker_side_decides_and_strangers_do_not_see_the_application(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    contributor = await factories.engineer(session)
    stranger = await factories.engineer(session)
    target = await world.opportunity(session, seeker)
    applied = await world.application(session, target, contributor)
    as_contributor = await viewers.engineer(session, registry, contributor)
    as_seeker = await viewers.engineer(session, registry, seeker)
    with pytest.raises(Rejected) as refused:
        await service.accept(session, as_contributor, applied.id)
    assert codes(refused.value) == {"NOT_SEEKER"}
    with pytest.raises(Rejected) as refused:
        await service.shortlist(
            session, await viewers.engineer(session, registry, stranger), applied.id
        )
    assert codes(refused.value) == {"NOT_FOUND"}
    assert (await service.shortlist(session, as_seeker, applied.id)).status == "SHORTLISTED"
    with pytest.raises(Rejected) as refused:
        await service.decline(session, as_seeker, applied.id, "  ")
    assert codes(refused.value) == {"INVALID_REASON"}
    declined = await service.decline(session, as_seeker, applied.id, "We chose a local mentor.")
    assert (declined.status, declined.decline_reason) == ("DECLINED", "We chose a local mentor.")
    with pytest.raises(Rejected) as refused:
        await service.accept(session, as_seeker, applied.id)
    assert codes(refused.value) == {"CANNOT_ACCEPT"}
    assert await notifications(session, contributor.id) == [
        "APPLICATION_SHORTLISTED",
        "APPLICATION_DECLINED",
    ]


async def test_the_applicant_withdraws_and_reopens(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    contributor = await factories.engineer(session)
    target = await world.opportunity(session, seeker)
    applied = await world.application(session, target, contributor)
    as_contributor = await viewers.engineer(session, registry, contributor)
    with pytest.raises(Rejected) as refused:
        await service.withdraw(
            session, await viewers.engineer(session, registry, seeker), applied.id
        )
    assert codes(refused.value) == {"NOT_APPLICANT"}
    assert (await service.withdraw(session, as_contributor, applied.id)).status == "WITHDRAWN"
    with pytest.raises(Rejected) as refused:
        await service.withdraw(session, as_contributor, applied.id)
    assert codes(refused.value) == {"CANNOT_WITHDRAW"}
    assert (await service.reopen(session, as_contributor, applied.id)).status == "SUBMITTED"


async def test_accepting_creates_a_proposed_engagement_within_capacity(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    contributor = await factories.engineer(session, max_mentees=1, capacity_hours_per_month=10)
    as_seeker = await viewers.engineer(session, registry, seeker)
    first = await world.application(session, await world.opportunity(session, seeker), contributor)
    second = await world.application(session, await world.opportunity(session, seeker), contributor)
    accepted, engagement = await service.accept(session, as_seeker, first.id)
    assert accepted.status == "ACCEPTED"
    assert (engagement.status, engagement.contributor_id, engagement.seeker_id) == (
        "PROPOSED",
        contributor.id,
        seeker.id,
    )
    with pytest.raises(Rejected) as refused:
        await service.accept(session, as_seeker, second.id)
    assert codes(refused.value) == {"CAPACITY_EXCEEDED"}
    assert await notifications(session, contributor.id) == ["APPLICATION_ACCEPTED"]


async def test_hours_per_month_are_capacity_too(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    contributor = await factories.engineer(session, max_mentees=5, capacity_hours_per_month=6)
    big = await world.opportunity(session, seeker, hours_per_month=8)
    applied = await world.application(session, big, contributor)
    with pytest.raises(Rejected) as refused:
        await service.accept(session, await viewers.engineer(session, registry, seeker), applied.id)
    assert codes(refused.value) == {"CAPACITY_EXCEEDED"}


async def test_an_invitee_accepts_into_the_shortlist_or_declines(
    session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    invitee = await factories.engineer(session)
    other = await factories.engineer(session)
    target = await world.opportunity(session, seeker, visibility="INVITED")
    as_seeker = await viewers.engineer(session, registry, seeker)
    invitation = await service.invite(session, as_seeker, target.id, invitee.id, "Join us?")
    with pytest.raises(Rejected) as refused:
        await service.invite(session, as_seeker, target.id, invitee.id)
    assert codes(refused.value) == {"ALREADY_INVITED"}
    with pytest.raises(Rejected) as refused:
        await service.answer_invitation(
            session, await viewers.engineer(session, registry, other), invitation.id, accept=True
        )
    assert codes(refused.value) == {"NOT_FOUND"}
    answered, application = await service.answer_invitation(
        session, await viewers.engineer(session, registry, invitee), invitation.id, accept=True
    )
    assert answered.status == "ACCEPTED"
    assert application is not None
    assert application.status == "SHORTLISTED"
    assert await notifications(session, invitee.id) == ["INVITATION_RECEIVED"]
    assert "INVITATION_ANSWERED" in await notifications(session, seeker.id)
