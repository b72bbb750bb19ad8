"""Who may read what of the contribution engine: denied/allowed pairs through node, nodes,
the engineer's, institution's and chapter's lists, and a coordinator's aggregate view."""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import EngagementSession, Engineer, Feedback, OpportunityChapter
from graph.auth.viewer import ANONYMOUS
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import contribution_world as world
from tests import factories, viewers
from tests.conftest import GraphQLClient

NODES = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on Opportunity { title }
    ... on Application { message }
    ... on Engagement { kind sessions { minutes notes } }
  }
}
"""

SESSION_AND_FEEDBACK = """
query ($session: ID!, $feedback: ID!) {
  session: node(id: $session) {
    __typename
    ... on EngagementSession {
      heldOn minutes notes loggedBy { handle } attendees { handle }
    }
  }
  feedback: node(id: $feedback) {
    __typename
    ... on EngagementFeedback { rating comment author { handle } subject { handle } }
  }
  both: nodes(ids: [$feedback, $session]) { __typename ... on Node { id } }
}
"""

LISTS = """
query ($handle: String!, $institution: String!, $chapter: String!) {
  engineer(handle: $handle) { opportunities(first: 10) { totalCount nodes { title } } }
  institution(slug: $institution) {
    opportunities(first: 10) { totalCount nodes { title } }
  }
  chapter(slug: $chapter) { opportunities(first: 10) { totalCount nodes { title } } }
}
"""

ENGAGEMENT_SUMMARY = """
query ($slug: String!) {
  chapter(slug: $slug) {
    engagementSummary {
      byStatus { status count }
      contributors
      countersignedHours
    }
  }
}
"""


async def test_nodes_returns_contribution_objects_only_to_those_who_may_read_them(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given a draft, an application to it and an engagement with a session, and four people
    seeker = await factories.engineer(session)
    contributor = await factories.engineer(session)
    stranger = await factories.engineer(session)
    admin = await factories.engineer(session)
    await factories.account(session, admin, global_role="COUNCIL_ADMIN")
    draft = await world.opportunity(session, seeker, status="DRAFT", title="Unpublished")
    application = await world.application(session, draft, contributor, message="Pick me")
    engagement = await world.engagement(session, contributor, seeker)
    await world.add(
        session,
        EngagementSession(
            engagement_id=engagement.id,
            held_on=date(2025, 4, 1),
            minutes=40,
            notes="Between us",
            attendee_ids=[contributor.id],
            logged_by_id=contributor.id,
        ),
    )
    ids = [
        encode_id("Opportunity", draft.id),
        encode_id("Application", application.id),
        encode_id("Engagement", engagement.id),
    ]

    async def seen_by(who: Engineer) -> list[object]:
        viewer = await viewers.engineer(session, registry, who)
        return list((await graphql.data(NODES, {"ids": ids}, viewer))["nodes"])

    # Then the seeker reads all three (notes too); the contributor the application and the
    # engagement (the draft is not theirs to see); an admin the draft and the engagement but
    # not the notes; a stranger nothing, anonymous nothing
    session_read = {"minutes": 40, "notes": "Between us"}
    engagement_read = {"__typename": "Engagement", "kind": "MENTORSHIP", "sessions": [session_read]}
    assert await seen_by(seeker) == [
        {"__typename": "Opportunity", "title": "Unpublished"},
        {"__typename": "Application", "message": "Pick me"},
        engagement_read,
    ]
    assert await seen_by(contributor) == [
        None,
        {"__typename": "Application", "message": "Pick me"},
        engagement_read,
    ]
    assert await seen_by(admin) == [
        {"__typename": "Opportunity", "title": "Unpublished"},
        None,
        {**engagement_read, "sessions": [{"minutes": 40, "notes": None}]},
    ]
    assert await seen_by(stranger) == [None, None, None]
    assert (await graphql.data(NODES, {"ids": ids}))["nodes"] == [None, None, None]


async def test_node_returns_sessions_and_feedback_to_the_engagements_readers_only(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given a completed engagement of a contributor with a university (a staff member the
    # seeker), a session with notes and the contributor's feedback; an admin and a stranger
    contributor = await factories.engineer(session)
    seeker = await factories.engineer(session)
    staff = await factories.engineer(session)
    university = await factories.institution(session)
    await factories.affiliation(session, staff, university)
    stranger = await factories.engineer(session)
    admin = await factories.engineer(session)
    await factories.account(session, admin, global_role="COUNCIL_ADMIN")
    engagement = await world.engagement(
        session,
        contributor,
        seeker,
        institution_id=university.id,
        status="COMPLETED",
        completed_at=datetime.now(UTC),
    )
    logged = await world.add(
        session,
        EngagementSession(
            engagement_id=engagement.id,
            held_on=date(2025, 4, 1),
            minutes=40,
            notes="Between us",
            attendee_ids=[seeker.id, contributor.id],
            logged_by_id=contributor.id,
        ),
    )
    rated = await world.add(
        session,
        Feedback(
            engagement_id=engagement.id,
            author_id=contributor.id,
            subject_id=seeker.id,
            rating=5,
            comment="Sharp questions",
        ),
    )
    ids = {
        "session": encode_id("EngagementSession", logged.id),
        "feedback": encode_id("EngagementFeedback", rated.id),
    }

    async def seen_by(who: Engineer | None) -> object:
        viewer = await viewers.engineer(session, registry, who) if who is not None else ANONYMOUS
        result = await graphql.execute(SESSION_AND_FEEDBACK, ids, viewer)
        assert result.errors is None, result.errors
        return result.data

    # Then the parties (the contributor, the university's staff) read both, notes included
    by_id = sorted((contributor, seeker), key=lambda person: person.id)
    read: dict[str, Any] = {
        "session": {
            "__typename": "EngagementSession",
            "heldOn": "2025-04-01",
            "minutes": 40,
            "notes": "Between us",
            "loggedBy": {"handle": contributor.handle},
            "attendees": [{"handle": person.handle} for person in by_id],
        },
        "feedback": {
            "__typename": "EngagementFeedback",
            "rating": 5,
            "comment": "Sharp questions",
            "author": {"handle": contributor.handle},
            "subject": {"handle": seeker.handle},
        },
        "both": [
            {"__typename": "EngagementFeedback", "id": ids["feedback"]},
            {"__typename": "EngagementSession", "id": ids["session"]},
        ],
    }
    assert await seen_by(contributor) == read
    assert await seen_by(staff) == read
    # a council admin reads them too, but not the session's notes (the parties' only)
    assert await seen_by(admin) == {**read, "session": {**read["session"], "notes": None}}
    # and a stranger or anyone signed out reads nothing: null, no error, nothing leaked
    nothing = {"session": None, "feedback": None, "both": [None, None]}
    assert await seen_by(stranger) == nothing
    assert await seen_by(None) == nothing


async def test_owned_lists_hide_drafts_and_restricted_opportunities_from_others(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given an institution's staff member posting a public, a draft and a gulf-only one
    poster = await factories.engineer(session)
    member = await factories.engineer(session)
    stranger = await factories.engineer(session)
    university = await factories.institution(session, slug="acc-uni")
    await factories.affiliation(session, poster, university)
    gulf = await factories.chapter(session, "gulf-uae")
    await factories.membership(session, member, gulf, status="ACTIVE")
    for title, values in (
        ("Acc public", {}),
        ("Acc draft", {"status": "DRAFT"}),
        ("Acc gulf", {"visibility": "CHAPTER"}),
    ):
        row = await world.opportunity(
            session, poster, title=title, institution_id=university.id, **values
        )
        if title == "Acc gulf":
            await world.add(session, OpportunityChapter(opportunity_id=row.id, chapter_id=gulf.id))
    variables = {"handle": poster.handle, "institution": "acc-uni", "chapter": "gulf-uae"}

    async def titles(who: Engineer | None) -> list[list[str]]:
        viewer = await viewers.engineer(session, registry, who) if who is not None else ANONYMOUS
        data = await graphql.data(LISTS, variables, viewer)
        return [
            sorted(node["title"] for node in data[root]["opportunities"]["nodes"])
            for root in ("engineer", "institution", "chapter")
        ]

    # Then the poster sees everything, a gulf member the public and gulf ones, others public only
    assert await titles(poster) == [
        ["Acc draft", "Acc gulf", "Acc public"],
        ["Acc draft", "Acc gulf", "Acc public"],
        ["Acc gulf"],
    ]
    assert await titles(member) == [
        ["Acc gulf", "Acc public"],
        ["Acc gulf", "Acc public"],
        ["Acc gulf"],
    ]
    assert await titles(stranger) == [["Acc public"], ["Acc public"], []]
    assert await titles(None) == [["Acc public"], ["Acc public"], []]


async def test_a_coordinator_sees_members_engagements_in_aggregate_but_not_their_notes(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given a gulf-uae coordinator, a plain member with two engagements (one with notes)
    gulf = await factories.chapter(session, "gulf-uae")
    coordinator = await factories.engineer(session)
    await factories.membership(session, coordinator, gulf, role="coordinator")
    member = await factories.engineer(session)
    await factories.membership(session, member, gulf, role="member")
    seeker = await factories.engineer(session)
    active = await world.engagement(session, member, seeker)
    await world.engagement(
        session, member, seeker, status="COMPLETED", completed_at=active.started_at
    )
    await world.add(
        session,
        EngagementSession(
            engagement_id=active.id,
            held_on=date(2025, 4, 1),
            minutes=30,
            notes="Confidential",
            attendee_ids=[member.id],
            logged_by_id=member.id,
        ),
    )
    as_coordinator = await viewers.engineer(session, registry, coordinator)
    as_member = await viewers.engineer(session, registry, member)

    # Then the coordinator reads the aggregate
    summary = (await graphql.data(ENGAGEMENT_SUMMARY, {"slug": "gulf-uae"}, as_coordinator))[
        "chapter"
    ]["engagementSummary"]
    counts = {row["status"]: row["count"] for row in summary["byStatus"]}
    assert counts["ACTIVE"] == 1
    assert counts["COMPLETED"] == 1
    assert counts["PROPOSED"] == 0
    assert summary["contributors"] == 1
    assert summary["countersignedHours"] == 0.0
    # but not the engagement itself, so not its notes
    node = await graphql.data(NODES, {"ids": [encode_id("Engagement", active.id)]}, as_coordinator)
    assert node["nodes"] == [None]
    # and a plain member may not read the aggregate; nor may anyone signed out
    denied = await graphql.execute(ENGAGEMENT_SUMMARY, {"slug": "gulf-uae"}, as_member)
    assert denied.errors[0].extensions["code"] == "FORBIDDEN"
    assert denied.data["chapter"]["engagementSummary"] is None
    anonymous = await graphql.execute(ENGAGEMENT_SUMMARY, {"slug": "gulf-uae"})
    assert anonymous.errors[0].extensions["code"] == "UNAUTHENTICATED"
