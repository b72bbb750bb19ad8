"""Mutation payloads read through the compiled path, inside the mutation's transaction."""

from typing import Any

import pytest
from graphql import GraphQLObjectType, get_named_type
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import StatementCounter
from db.models import EngagementSession, ForumPost
from graph.chapters import ChapterRegistry, load_registry
from graph.ids import encode_id
from graph.schema import schema
from tests import contribution_world, factories, forum_world, viewers
from tests.auth.test_forum_mutations import MODERATE, POST_CREATE, POST_VOTE, THREAD_CREATE
from tests.conftest import GraphQLClient, compiled_objects
from tests.forum_world import ForumWorld

DEEP_POST_CREATE = """
mutation Reply($thread: ID!, $body: String!, $first: Int!, $withThread: Boolean!) {
  forumPostCreate(input: {thread: $thread, body: $body}) {
    post {
      ...Reply
      thread @include(if: $withThread) {
        title
        posts(first: $first) { totalCount edges { node { body author { handle } } } }
      }
    }
    userErrors { field code }
  }
}
fragment Reply on ForumPost { id body viewerVote author { handle name } }
"""


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> ForumWorld:
    """The forum of tests/forum_world.py."""
    return await forum_world.build(session, registry)


async def _run(
    graphql: GraphQLClient, document: str, variables: dict[str, Any], viewer: Any
) -> tuple[Any, int]:
    before = graphql.objects.completed
    data = await graphql.data(document, variables, viewer)
    return next(iter(data.values())), graphql.objects.completed - before


async def test_a_reply_and_everything_nested_under_it_come_from_one_statement(
    graphql: GraphQLClient, world: ForumWorld
) -> None:
    variables = {
        "thread": world.id("ForumThread", "gulf"),
        "body": "Two months, with a site visit.",
        "first": 50,
        "withThread": True,
    }
    payload, compiled = await _run(graphql, DEEP_POST_CREATE, variables, world.viewers["member"])
    assert compiled == 1
    post = payload["post"]
    assert list(post) == ["id", "body", "viewerVote", "author", "thread"]
    assert post["body"] == "Two months, with a site visit."
    assert post["author"]["handle"] == world.engineers["member"].handle
    replies = post["thread"]["posts"]
    # the new reply is in its thread's list: the read saw the mutation's own write
    assert replies["totalCount"] == len(replies["edges"])
    assert replies["edges"][-1]["node"]["body"] == "Two months, with a site visit."
    assert payload["userErrors"] == []


async def test_the_statement_count_of_a_payload_does_not_grow_with_its_nesting(
    graphql: GraphQLClient, world: ForumWorld, statements: StatementCounter
) -> None:
    counts = []
    for first, with_thread in ((1, False), (1, True), (50, True)):
        variables = {
            "thread": world.id("ForumThread", "gulf"),
            "body": f"Reply {first} {with_thread}",
            "first": first,
            "withThread": with_thread,
        }
        statements.reset()
        before = graphql.objects.completed
        await graphql.data(DEEP_POST_CREATE, variables, world.viewers["member"])
        counts.append(statements.count + graphql.objects.completed - before)
    assert counts[0] == counts[1] == counts[2], counts


async def test_a_refused_mutation_reads_nothing_and_changes_nothing(
    graphql: GraphQLClient, world: ForumWorld, session: AsyncSession
) -> None:
    before = await session.scalar(select(func.count()).select_from(ForumPost))
    variables = {"thread": world.id("ForumThread", "gulf"), "body": "  "}
    payload, compiled = await _run(graphql, POST_CREATE, variables, world.viewers["member"])
    assert payload["post"] is None
    assert payload["userErrors"][0]["code"] == "INVALID_BODY"
    assert compiled == 0
    assert await session.scalar(select(func.count()).select_from(ForumPost)) == before


@pytest.mark.parametrize("document", [THREAD_CREATE, POST_VOTE, MODERATE])
async def test_forum_payloads_are_compiled(
    graphql: GraphQLClient, world: ForumWorld, document: str
) -> None:
    variables: Any = {
        THREAD_CREATE: {
            "category": world.id("ForumCategory", "global"),
            "title": "Net metering in Dubai",
            "body": "How long did DEWA take?",
        },
        POST_VOTE: {"post": world.id("ForumPost", "global-2"), "value": 1},
        MODERATE: {"target": world.id("ForumPost", "gulf-2"), "action": "HIDE"},
    }[document]
    who = "moderator" if document is MODERATE else "outsider"
    payload, compiled = await _run(graphql, document, variables, world.viewers[who])
    assert payload["userErrors"] == []
    assert compiled == 1


SESSION_LOG = """
mutation Log($input: EngagementLogSessionInput!, $deep: Boolean!) {
  engagementLogSession(input: $input) {
    session {
      minutes
      ... @include(if: $deep) {
        notes
        loggedBy { handle sectors { slug } }
        attendees { handle chapters(first: 5) { totalCount nodes { slug } } }
      }
    }
    userErrors { code }
  }
}
"""
SESSION_COUNTERSIGN = """
mutation Sign($input: SessionInput!) {
  engagementCountersignSession(input: $input) {
    session { countersignedAt notes loggedBy { handle } attendees { handle } }
    userErrors { code }
  }
}
"""
FEEDBACK_GIVE = """
mutation Rate($input: EngagementFeedbackInput!, $deep: Boolean!) {
  engagementGiveFeedback(input: $input) {
    feedback {
      rating
      ... @include(if: $deep) {
        comment
        author { handle sectors { slug } }
        subject { handle chapters(first: 5) { totalCount nodes { slug } } }
      }
    }
    userErrors { code }
  }
}
"""


async def test_session_and_feedback_payloads_are_read_by_one_statement_however_deep(
    graphql: GraphQLClient,
    session: AsyncSession,
    registry: ChapterRegistry,
    statements: StatementCounter,
) -> None:
    # Given an ACTIVE engagement between two members of a chapter
    gulf = await factories.chapter(session, "gulf-uae")
    contributor = await factories.engineer(session)
    seeker = await factories.engineer(session)
    for person in (contributor, seeker):
        await factories.membership(session, person, gulf)
    engagement = await contribution_world.engagement(session, contributor, seeker)
    as_contributor = await viewers.engineer(session, registry, contributor)
    as_seeker = await viewers.engineer(session, registry, seeker)
    key = encode_id("Engagement", engagement.id)

    async def measured(
        document: str, variables: dict[str, Any], viewer: Any
    ) -> tuple[Any, int, tuple[int, int]]:
        """The payload, the statements it took and the objects (and their statements) the
        compiled path read; the mutation executor answered it (no resolver of strawberry's)."""
        statements.reset()
        before = (graphql.objects.completed, graphql.objects.statements)
        answered = graphql.compiled_answers
        data = await graphql.data(document, variables, viewer)
        assert graphql.compiled_answers == answered + 1
        read = (
            graphql.objects.completed - before[0],
            graphql.objects.statements - before[1],
        )
        return next(iter(data.values())), statements.count + read[1], read

    # When the contributor logs two sessions, reading the payload shallow and then deep
    counts = []
    logged = []
    for deep in (False, True):
        values = {"engagement": key, "heldOn": "2025-03-01", "minutes": 60, "notes": "Relays"}
        payload, count, read = await measured(
            SESSION_LOG, {"input": values, "deep": deep}, as_contributor
        )
        # Then the session, its logger and attendees with their own lists, is one statement
        assert payload["userErrors"] == []
        assert read == (1, 1)
        counts.append(count)
        logged.append(payload["session"])
    assert counts[0] == counts[1], counts
    assert logged[1]["notes"] == "Relays"
    assert logged[1]["loggedBy"]["handle"] == contributor.handle
    attendees = logged[1]["attendees"]
    assert sorted(item["handle"] for item in attendees) == sorted(
        [contributor.handle, seeker.handle]
    )
    assert all(item["chapters"]["nodes"] == [{"slug": "gulf-uae"}] for item in attendees)

    # When the seeker countersigns one: the same, for the countersigned session
    found = (
        await session.scalars(
            select(EngagementSession.id).where(EngagementSession.engagement_id == engagement.id)
        )
    ).first()
    assert found is not None
    signed, _, read = await measured(
        SESSION_COUNTERSIGN,
        {"input": {"session": encode_id("EngagementSession", found)}},
        as_seeker,
    )
    assert read == (1, 1)
    assert signed["session"]["countersignedAt"] is not None
    assert signed["session"]["loggedBy"] == {"handle": contributor.handle}

    # When both sides rate the completed engagement, shallow and deep
    engagement.status = "COMPLETED"
    engagement.completed_at = engagement.started_at
    await session.flush()
    counts = []
    rated = []
    for who, deep in ((as_contributor, False), (as_seeker, True)):
        values = {"engagement": key, "rating": 4, "comment": "Thorough"}
        payload, count, read = await measured(FEEDBACK_GIVE, {"input": values, "deep": deep}, who)
        assert payload["userErrors"] == []
        assert read == (1, 1)
        counts.append(count)
        rated.append(payload["feedback"])
    # Then each feedback, with its author and subject and their lists, is one statement
    assert counts[0] == counts[1], counts
    assert rated[0] == {"rating": 4}
    assert rated[1]["author"]["handle"] == seeker.handle
    assert rated[1]["subject"]["chapters"]["nodes"] == [{"slug": "gulf-uae"}]


STRAWBERRY_PAYLOAD_OBJECTS = {
    "AccountUserError": "a plain value built by the resolver (no row)",
    "ApplicationUserError": "a plain value built by the resolver (no row)",
    "ChapterUserError": "a plain value built by the resolver (no row)",
    "ConsentUserError": "a plain value built by the resolver (no row)",
    "EngagementUserError": "a plain value built by the resolver (no row)",
    "ForumUserError": "a plain value built by the resolver (no row)",
    "EventUserError": "a plain value built by the resolver (no row)",
    "NotificationUserError": "a plain value built by the resolver (no row)",
    "NotificationPreference": "a value computed from the defaults and the person's choices",
    "OpportunityUserError": "a plain value built by the resolver (no row)",
    "ProfileUserError": "a plain value built by the resolver (no row)",
    "Invitation": "not a Node: an invitation is read through its opportunity",
    "EngagementMilestone": "not a Node: read through its engagement (`Engagement.milestones`)",
    "MentorshipProgrammeUserError": "a plain value built by the resolver (no row)",
    "InvestmentUserError": "a plain value built by the resolver (no row)",
    "PanelUserError": "a plain value built by the resolver (no row)",
    "SupervisionUserError": "a plain value built by the resolver (no row)",
    "ConsultancyUserError": "a plain value built by the resolver (no row)",
    "DataRightsUserError": "a plain value built by the resolver (no row)",
    "HallOfFameUserError": "a plain value built by the resolver (no row)",
}
"""Object types in mutation payloads that strawberry's resolvers complete, and why."""


def test_every_payload_object_is_read_compiled_or_named_here() -> None:
    served = compiled_objects(load_registry())
    found = set()
    for field in schema._schema.mutation_type.fields.values():  # type: ignore[union-attr]
        payload = get_named_type(field.type)
        assert isinstance(payload, GraphQLObjectType)
        for item in payload.fields.values():
            named = get_named_type(item.type)
            if isinstance(named, GraphQLObjectType) and not served.serves(named.name):
                found.add(named.name)
    assert found == set(STRAWBERRY_PAYLOAD_OBJECTS)
