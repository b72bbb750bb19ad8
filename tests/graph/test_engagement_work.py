"""Work inside engagements and invitations over GraphQL: denied/allowed pairs, every invalid
transition's userErrors code, the ledger entry countersigning writes, notification rows."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Application,
    EngagementSession,
    Engineer,
    Feedback,
    Invitation,
    LedgerEntry,
    Milestone,
    Notification,
)
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import contribution_world as world
from tests import factories, viewers
from tests.conftest import GraphQLClient

INVITE = """
mutation ($input: OpportunityInviteInput!) {
  opportunityInvite(input: $input) {
    invitation { id status opportunity { title } }
    userErrors { field code }
  }
}
"""
ACCEPT_INVITATION = """
mutation ($input: InvitationAnswerInput!) {
  invitationAccept(input: $input) {
    invitation { status } application { status }
    userErrors { code }
  }
}
"""
DECLINE_INVITATION = """
mutation ($input: InvitationAnswerInput!) {
  invitationDecline(input: $input) { invitation { status } userErrors { code } }
}
"""
LOG_SESSION = """
mutation ($input: EngagementLogSessionInput!) {
  engagementLogSession(input: $input) {
    session { id heldOn minutes notes attendees { handle } }
    engagement { status }
    userErrors { field code }
  }
}
"""
COUNTERSIGN_SESSION = """
mutation ($input: SessionInput!) {
  engagementCountersignSession(input: $input) {
    session { countersignedAt } ledgerEntry { minutes hours kind }
    userErrors { code }
  }
}
"""
ADD_MILESTONE = """
mutation ($input: EngagementAddMilestoneInput!) {
  engagementAddMilestone(input: $input) {
    milestone { id title dueOn status minutes } userErrors { field code }
  }
}
"""
FINISH_MILESTONE = """
mutation ($input: MilestoneInput!) {
  engagementFinishMilestone(input: $input) { milestone { status } userErrors { code } }
}
"""
COUNTERSIGN_MILESTONE = """
mutation ($input: MilestoneInput!) {
  engagementCountersignMilestone(input: $input) {
    milestone { status } ledgerEntry { minutes } userErrors { code }
  }
}
"""
FEEDBACK = """
mutation ($input: EngagementFeedbackInput!) {
  engagementGiveFeedback(input: $input) {
    feedback { rating comment author { handle } subject { handle } }
    userErrors { field code }
  }
}
"""
OPPORTUNITY = """
query ($id: ID!) { node(id: $id) { ... on Opportunity { title } } }
"""


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _notified(session: AsyncSession, who: Engineer) -> list[str]:
    rows = await session.scalars(
        select(Notification.kind)
        .where(Notification.recipient_id == who.id)
        .order_by(Notification.id)
    )
    return list(rows)


def _payload(data: dict[str, Any]) -> Any:
    return next(iter(data.values()))


async def test_the_seeker_invites_and_the_invitee_answers(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given an INVITED opportunity, its seeker, a contributor and a stranger
    seeker = await factories.engineer(session, offers=[])
    contributor = await factories.engineer(session)
    stranger = await factories.engineer(session)
    target = await world.opportunity(session, seeker, visibility="INVITED", title="By invitation")
    as_seeker = await viewers.engineer(session, registry, seeker)
    as_contributor = await viewers.engineer(session, registry, contributor)
    as_stranger = await viewers.engineer(session, registry, stranger)
    opportunity_id = encode_id("Opportunity", target.id)
    variables = {
        "input": {"opportunity": opportunity_id, "engineer": encode_id("Engineer", contributor.id)}
    }
    assert (await graphql.data(OPPORTUNITY, {"id": opportunity_id}, as_contributor))["node"] is None

    # When a stranger, or a malformed reference, tries: refused, nothing written
    denied = _payload(await graphql.data(INVITE, variables, as_stranger))
    assert denied["userErrors"] == [{"field": ["input", "id"], "code": "NOT_FOUND"}]
    malformed = _payload(
        await graphql.data(
            INVITE, {"input": {**variables["input"], "engineer": "bogus"}}, as_seeker
        )
    )
    assert malformed["userErrors"] == [{"field": ["input", "engineer"], "code": "NOT_FOUND"}]
    assert await _count(session, Invitation) == 0

    # When the seeker invites: the contributor is notified and now sees the opportunity
    invited = _payload(await graphql.data(INVITE, variables, as_seeker))
    assert invited["invitation"]["status"] == "PENDING"
    assert await _notified(session, contributor) == ["INVITATION_RECEIVED"]
    seen = await graphql.data(OPPORTUNITY, {"id": opportunity_id}, as_contributor)
    assert seen["node"] == {"title": "By invitation"}
    again = _payload(await graphql.data(INVITE, variables, as_seeker))
    assert again["userErrors"][0]["code"] == "ALREADY_INVITED"

    # Then only the invitee answers; accepting files a SHORTLISTED application, once
    answer = {"input": {"invitation": invited["invitation"]["id"], "message": "Happy to."}}
    other = _payload(await graphql.data(ACCEPT_INVITATION, answer, as_stranger))
    assert other["userErrors"] == [{"code": "NOT_FOUND"}]
    accepted = _payload(await graphql.data(ACCEPT_INVITATION, answer, as_contributor))
    assert accepted["invitation"] == {"status": "ACCEPTED"}
    assert accepted["application"] == {"status": "SHORTLISTED"}
    assert "INVITATION_ANSWERED" in await _notified(session, seeker)
    twice = _payload(await graphql.data(DECLINE_INVITATION, answer, as_contributor))
    assert twice["userErrors"] == [{"code": "CANNOT_ANSWER"}]
    assert await _count(session, Application) == 1


async def test_an_invitee_declines(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session, offers=[])
    contributor = await factories.engineer(session)
    target = await world.opportunity(session, seeker)
    row = await world.add(session, Invitation(opportunity_id=target.id, engineer_id=contributor.id))
    answer = {"input": {"invitation": encode_id("Invitation", row.id)}}
    declined = _payload(
        await graphql.data(
            DECLINE_INVITATION, answer, await viewers.engineer(session, registry, contributor)
        )
    )
    assert declined == {"invitation": {"status": "DECLINED"}, "userErrors": []}
    assert await _count(session, Application) == 0
    assert await _notified(session, seeker) == ["INVITATION_ANSWERED"]


async def _parties(
    session: AsyncSession, registry: ChapterRegistry, **overrides: Any
) -> tuple[Any, Viewer, Viewer, Viewer, Engineer, Engineer]:
    contributor = await factories.engineer(session)
    seeker = await factories.engineer(session)
    stranger = await factories.engineer(session)
    engagement = await world.engagement(session, contributor, seeker, **overrides)
    return (
        engagement,
        await viewers.engineer(session, registry, contributor),
        await viewers.engineer(session, registry, seeker),
        await viewers.engineer(session, registry, stranger),
        contributor,
        seeker,
    )


async def test_a_party_logs_a_session_and_the_seeker_countersigns_it_into_the_ledger(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    engagement, as_contributor, as_seeker, as_stranger, contributor, seeker = await _parties(
        session, registry
    )
    key = encode_id("Engagement", engagement.id)
    good = {"engagement": key, "heldOn": "2025-03-01", "minutes": 90, "notes": "Load flow"}
    refused = {
        "a stranger": (as_stranger, good, "NOT_FOUND"),
        "a future date": (
            as_contributor,
            {**good, "heldOn": (date.today() + timedelta(days=2)).isoformat()},
            "INVALID_SESSION",
        ),
        "too long": (as_contributor, {**good, "minutes": 1441}, "INVALID_SESSION"),
        "a non-party attendee": (
            as_contributor,
            {**good, "attendees": [encode_id("Engineer", 999_999)]},
            "INVALID_SESSION",
        ),
        "oversized notes": (as_contributor, {**good, "notes": "x" * 20_001}, "INVALID_SESSION"),
        "a malformed engagement": (as_contributor, {**good, "engagement": "x"}, "NOT_FOUND"),
    }
    for case, (who, values, code) in refused.items():
        result = _payload(await graphql.data(LOG_SESSION, {"input": values}, who))
        assert [e["code"] for e in result["userErrors"]] == [code], case
    assert await _count(session, EngagementSession) == 0

    logged = _payload(await graphql.data(LOG_SESSION, {"input": good}, as_contributor))
    assert logged["userErrors"] == []
    assert logged["session"]["notes"] == "Load flow"
    assert sorted(a["handle"] for a in logged["session"]["attendees"]) == sorted(
        [contributor.handle, seeker.handle]
    )
    assert await _notified(session, seeker) == ["COUNTERSIGN_REQUESTED"]

    sign = {"input": {"session": logged["session"]["id"]}}
    by_contributor = _payload(await graphql.data(COUNTERSIGN_SESSION, sign, as_contributor))
    assert by_contributor["userErrors"] == [{"code": "NOT_SEEKER"}]
    assert await _count(session, LedgerEntry) == 0
    signed = _payload(await graphql.data(COUNTERSIGN_SESSION, sign, as_seeker))
    assert signed["ledgerEntry"] == {"minutes": 90, "hours": 1.5, "kind": "MENTORSHIP"}
    assert signed["session"]["countersignedAt"] is not None
    assert "ENGAGEMENT_CHANGED" in await _notified(session, contributor)
    twice = _payload(await graphql.data(COUNTERSIGN_SESSION, sign, as_seeker))
    assert twice["userErrors"] == [{"code": "ALREADY_COUNTERSIGNED"}]
    assert await _count(session, LedgerEntry) == 1


async def test_sessions_are_logged_only_on_active_engagements(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    engagement, as_contributor, *_ = await _parties(session, registry, status="PROPOSED")
    values = {
        "engagement": encode_id("Engagement", engagement.id),
        "heldOn": "2025-03-01",
        "minutes": 30,
    }
    result = _payload(await graphql.data(LOG_SESSION, {"input": values}, as_contributor))
    assert result["userErrors"] == [{"field": None, "code": "CANNOT_LOG_SESSION"}]


async def test_milestones_are_added_finished_by_the_contributor_and_countersigned(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    engagement, as_contributor, as_seeker, as_stranger, contributor, _ = await _parties(
        session, registry
    )
    values = {
        "engagement": encode_id("Engagement", engagement.id),
        "title": "Draft the study",
        "dueOn": "2025-05-01",
        "minutes": 240,
    }
    for who, given, code in (
        (as_stranger, values, "NOT_FOUND"),
        (as_seeker, {**values, "title": " "}, "INVALID_MILESTONE"),
        (as_seeker, {**values, "minutes": 60_001}, "INVALID_MILESTONE"),
    ):
        refused = _payload(await graphql.data(ADD_MILESTONE, {"input": given}, who))
        assert [e["code"] for e in refused["userErrors"]] == [code]
    assert await _count(session, Milestone) == 0
    added = _payload(await graphql.data(ADD_MILESTONE, {"input": values}, as_seeker))
    assert added["milestone"]["status"] == "PLANNED"
    assert await _notified(session, contributor) == ["ENGAGEMENT_CHANGED"]

    target = {"input": {"milestone": added["milestone"]["id"]}}
    early = _payload(await graphql.data(COUNTERSIGN_MILESTONE, target, as_seeker))
    assert early["userErrors"] == [{"code": "CANNOT_COUNTERSIGN"}]
    by_seeker = _payload(await graphql.data(FINISH_MILESTONE, target, as_seeker))
    assert by_seeker["userErrors"] == [{"code": "NOT_CONTRIBUTOR"}]
    done = _payload(await graphql.data(FINISH_MILESTONE, target, as_contributor))
    assert done["milestone"] == {"status": "DONE"}
    again = _payload(await graphql.data(FINISH_MILESTONE, target, as_contributor))
    assert again["userErrors"] == [{"code": "CANNOT_FINISH_MILESTONE"}]
    by_contributor = _payload(await graphql.data(COUNTERSIGN_MILESTONE, target, as_contributor))
    assert by_contributor["userErrors"] == [{"code": "NOT_SEEKER"}]
    signed = _payload(await graphql.data(COUNTERSIGN_MILESTONE, target, as_seeker))
    assert signed["milestone"] == {"status": "COUNTERSIGNED"}
    assert signed["ledgerEntry"] == {"minutes": 240}
    twice = _payload(await graphql.data(COUNTERSIGN_MILESTONE, target, as_seeker))
    assert twice["userErrors"] == [{"code": "ALREADY_COUNTERSIGNED"}]


async def test_feedback_both_ways_once_the_engagement_is_completed(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    engagement, as_contributor, as_seeker, as_stranger, contributor, seeker = await _parties(
        session, registry
    )
    values = {"engagement": encode_id("Engagement", engagement.id), "rating": 5, "comment": "Great"}
    early = _payload(await graphql.data(FEEDBACK, {"input": values}, as_contributor))
    assert early["userErrors"] == [{"field": None, "code": "CANNOT_GIVE_FEEDBACK"}]
    engagement.status = "COMPLETED"
    engagement.completed_at = engagement.started_at
    await session.flush()
    for who, given, code in (
        (as_stranger, values, "NOT_FOUND"),
        (as_contributor, {**values, "rating": 6}, "INVALID_RATING"),
        (as_contributor, {**values, "rating": 0}, "INVALID_RATING"),
        (as_contributor, {**values, "comment": "x" * 5001}, "INVALID_RATING"),
    ):
        refused = _payload(await graphql.data(FEEDBACK, {"input": given}, who))
        assert [e["code"] for e in refused["userErrors"]] == [code]
    assert await _count(session, Feedback) == 0
    given = _payload(await graphql.data(FEEDBACK, {"input": values}, as_contributor))
    assert given["feedback"]["author"]["handle"] == contributor.handle
    assert given["feedback"]["subject"]["handle"] == seeker.handle
    assert await _notified(session, seeker) == ["ENGAGEMENT_CHANGED"]
    back = _payload(await graphql.data(FEEDBACK, {"input": {**values, "rating": 4}}, as_seeker))
    assert back["feedback"]["subject"]["handle"] == contributor.handle
    twice = _payload(await graphql.data(FEEDBACK, {"input": values}, as_contributor))
    assert twice["userErrors"] == [{"field": None, "code": "ALREADY_GIVEN"}]
    assert await _count(session, Feedback) == 2


async def test_writing_needs_the_engagements_scope(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    engagement, *_, contributor, _ = await _parties(session, registry)
    values = {
        "engagement": encode_id("Engagement", engagement.id),
        "heldOn": "2025-03-01",
        "minutes": 30,
    }
    anonymous = await graphql.execute(LOG_SESSION, {"input": values})
    assert anonymous.errors[0].extensions["code"] == "UNAUTHENTICATED"
    read_only = await viewers.engineer(session, registry, contributor, frozenset())
    narrow = await graphql.execute(LOG_SESSION, {"input": values}, read_only)
    assert narrow.errors[0].extensions["code"] == "INSUFFICIENT_SCOPE"
