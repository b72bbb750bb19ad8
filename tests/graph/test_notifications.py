"""Notifications: who is told of replies, mentions and membership decisions; reading, marking
read and choosing channels; nobody sees another's notifications in any path."""

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import StatementCounter
from db.enums import NotificationKind
from db.models import Engineer, LiveEvent, Membership, Notification, OutboxEmail
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from graph.services.notification import notify
from graph.subscriptions.events import POST_ADDED, forum_thread_changed
from tests import factories, forum_world, viewers
from tests.conftest import GraphQLClient
from tests.forum_world import ForumWorld

NOTIFICATIONS = """
query ($first: Int, $after: String, $unread: Boolean) {
  viewer {
    unreadNotificationCount
    notifications(first: $first, after: $after, filter: {unread: $unread}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        node { id kind summary excerpt subjectId read readAt createdAt actor { handle } }
      }
    }
  }
}
"""
NOTIFICATION_NODE = """
query ($id: ID!) { node(id: $id) { __typename ... on Notification { id kind summary read } } }
"""
NOTIFICATION_NODES = """
query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Notification { id kind subjectId } } }
"""
PREFERENCES = "{ viewer { notificationPreferences { kind channel isDefault } } }"
MARK_READ = """
mutation ($id: ID, $all: Boolean) {
  notificationMarkRead(input: {id: $id, all: $all}) {
    markedCount unreadCount notification { id read } userErrors { field code message }
  }
}
"""
PREFERENCES_UPDATE = """
mutation ($preferences: [NotificationPreferenceInput!]!) {
  notificationPreferencesUpdate(input: {preferences: $preferences}) {
    preferences { kind channel isDefault } userErrors { field code }
  }
}
"""
POST_CREATE = """
mutation ($thread: ID!, $body: String!) {
  forumPostCreate(input: {thread: $thread, body: $body}) { post { id } userErrors { code } }
}
"""
POST_EDIT = """
mutation ($post: ID!, $body: String!) {
  forumPostEdit(input: {post: $post, body: $body}) { post { id } userErrors { code } }
}
"""
APPROVE = """
mutation ($id: ID!) {
  membershipApprove(input: {membership: $id}) { membership { status } userErrors { code } }
}
"""
REJECT = """
mutation ($id: ID!) {
  membershipReject(input: {membership: $id}) { removedMembershipId userErrors { code } }
}
"""
SUSPEND = """
mutation ($id: ID!) {
  membershipSuspend(input: {membership: $id}) { membership { status } userErrors { code } }
}
"""


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> ForumWorld:
    """The forum of tests/forum_world.py; the thread author has a verified account."""
    built = await forum_world.build(session, registry)
    await factories.account(session, built.engineers["author"])
    return built


async def _rows(session: AsyncSession, who: Engineer) -> list[Notification]:
    await session.flush()
    found = await session.scalars(
        select(Notification).where(Notification.recipient_id == who.id).order_by(Notification.id)
    )
    return list(found)


async def _reply(
    graphql: GraphQLClient, world: ForumWorld, who: str, thread: str, body: str
) -> dict[str, Any]:
    data = await graphql.data(
        POST_CREATE, {"thread": world.id("ForumThread", thread), "body": body}, world.viewers[who]
    )
    assert data["forumPostCreate"]["userErrors"] == [], data
    post: dict[str, Any] = data["forumPostCreate"]["post"]
    return post


async def test_a_reply_notifies_the_threads_author_and_nobody_else(
    graphql: GraphQLClient, session: AsyncSession, world: ForumWorld
) -> None:
    # Given the author's thread in the global category
    # When a member replies, and the author replies in their own thread
    post = await _reply(graphql, world, "member", "global", "Try a string inverter first.")
    await _reply(graphql, world, "author", "global", "Thanks, I will.")

    # Then the author is told once, of the member's reply, and the member not at all
    rows = await _rows(session, world.engineers["author"])
    assert [row.kind for row in rows] == ["FORUM_REPLY"]
    assert rows[0].actor_id == world.engineers["member"].id
    assert encode_id("ForumPost", rows[0].post_id or 0) == post["id"]
    assert await _rows(session, world.engineers["member"]) == []
    listed = await graphql.data(NOTIFICATIONS, {"first": 10}, world.viewers["author"])
    node = listed["viewer"]["notifications"]["edges"][0]["node"]
    assert node["summary"] == "@forum-member replied to your thread “global question about solar”"
    assert node["excerpt"] == "Try a string inverter first."
    assert node["subjectId"] == post["id"]
    assert node["actor"] == {"handle": "forum-member"}
    assert listed["viewer"]["unreadNotificationCount"] == 1


async def test_a_mention_of_a_handle_notifies_that_engineer(
    graphql: GraphQLClient, session: AsyncSession, world: ForumWorld
) -> None:
    # When a member mentions the moderator (twice), the author, an unknown handle, an email
    # address and themselves
    body = (
        "@forum-moderator what do you think? cc @Forum-Moderator @forum-author @no-such-person "
        "mail me at someone@forum-outsider.org — @forum-member"
    )
    await _reply(graphql, world, "member", "global", body)

    # Then the moderator and the author hear of the mention once each (the author's mention
    # replaces the reply notice), nobody else
    moderator = await _rows(session, world.engineers["moderator"])
    author = await _rows(session, world.engineers["author"])
    assert [row.kind for row in moderator] == ["FORUM_MENTION"]
    assert [row.kind for row in author] == ["FORUM_MENTION"]
    assert moderator[0].payload["summary"].startswith("@forum-member mentioned you in")
    for name in ("member", "outsider"):
        assert await _rows(session, world.engineers[name]) == []


async def test_a_mention_never_reveals_a_members_only_thread_to_an_outsider(
    graphql: GraphQLClient, session: AsyncSession, world: ForumWorld
) -> None:
    # When a gulf member mentions an outsider and the uk moderator in the members-only lounge
    await _reply(graphql, world, "member", "gulf", "@forum-outsider @forum-uk-moderator look")

    # Then neither is told (they cannot read the thread); the gulf moderator mentioned later is
    await _reply(graphql, world, "member", "gulf", "@forum-moderator look")
    assert await _rows(session, world.engineers["outsider"]) == []
    assert await _rows(session, world.engineers["uk_moderator"]) == []
    assert [r.kind for r in await _rows(session, world.engineers["moderator"])] == ["FORUM_MENTION"]


async def test_an_edit_notifies_only_the_newly_mentioned(
    graphql: GraphQLClient, session: AsyncSession, world: ForumWorld
) -> None:
    post = await _reply(graphql, world, "member", "global", "@forum-moderator first")
    edited = await graphql.data(
        POST_EDIT,
        {"post": post["id"], "body": "@forum-moderator and @forum-admin"},
        world.viewers["member"],
    )
    assert edited["forumPostEdit"]["userErrors"] == []
    assert len(await _rows(session, world.engineers["moderator"])) == 1
    assert [r.kind for r in await _rows(session, world.engineers["admin"])] == ["FORUM_MENTION"]


async def test_a_refused_reply_notifies_nobody(
    graphql: GraphQLClient, session: AsyncSession, world: ForumWorld
) -> None:
    # When an outsider tries to reply in the members-only lounge, mentioning the moderator
    result = await graphql.execute(
        POST_CREATE,
        {"thread": world.id("ForumThread", "gulf"), "body": "@forum-moderator hi"},
        world.viewers["outsider"],
    )
    # Then it is refused and nothing was written, nothing published
    assert result.data["forumPostCreate"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert await session.scalar(select(func.count()).select_from(Notification)) == 0


async def test_membership_decisions_notify_the_member(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given a coordinator, two pending applicants and an active member of gulf-uae
    gulf = await factories.chapter(session, "gulf-uae")
    lead = await factories.engineer(session, handle="notify-lead")
    await factories.membership(session, lead, gulf, role="coordinator")
    people = {name: await factories.engineer(session, handle=f"notify-{name}") for name in (
        "approved", "rejected", "suspended")}  # fmt: skip
    rows = {
        name: await factories.membership(
            session, person, gulf, status="ACTIVE" if name == "suspended" else "PENDING"
        )
        for name, person in people.items()
    }
    coordinator = await viewers.engineer(session, registry, lead)

    # When the coordinator approves, rejects and suspends
    for document, name in ((APPROVE, "approved"), (REJECT, "rejected"), (SUSPEND, "suspended")):
        result = await graphql.data(
            document, {"id": encode_id("Membership", rows[name].id)}, coordinator
        )
        assert all(not payload["userErrors"] for payload in result.values())

    # Then each member is told of the decision, naming the chapter and the coordinator
    for name, kind in (
        ("approved", "MEMBERSHIP_APPROVED"),
        ("rejected", "MEMBERSHIP_REJECTED"),
        ("suspended", "MEMBERSHIP_SUSPENDED"),
    ):
        (row,) = await _rows(session, people[name])
        assert (row.kind, row.chapter_id, row.actor_id) == (kind, gulf.id, lead.id)
        assert gulf.name in row.payload["summary"]


async def test_a_refused_decision_notifies_nobody(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    gulf = await factories.chapter(session, "gulf-uae")
    member = await factories.engineer(session, handle="notify-plain")
    pending = await factories.engineer(session, handle="notify-pending")
    await factories.membership(session, member, gulf)
    row = await factories.membership(session, pending, gulf, status="PENDING")
    result = await graphql.execute(
        APPROVE,
        {"id": encode_id("Membership", row.id)},
        await viewers.engineer(session, registry, member),
    )
    # a plain member cannot even see a pending request
    assert result.data["membershipApprove"]["userErrors"] == [{"code": "NOT_FOUND"}]
    assert await _rows(session, pending) == []
    assert (await session.get_one(Membership, row.id)).status == "PENDING"


@pytest.fixture
async def inbox(session: AsyncSession, registry: ChapterRegistry) -> dict[str, Any]:
    """Two engineers with three and one notifications (one of the three read)."""
    mine = await factories.engineer(session, handle="inbox-mine")
    theirs = await factories.engineer(session, handle="inbox-theirs")
    ids = []
    for kind in ("FORUM_REPLY", "MEMBERSHIP_APPROVED", "FORUM_MENTION"):
        ids += await notify(
            session,
            [mine.id],
            NotificationKind(kind),
            actor_id=theirs.id,
            payload={"summary": f"about {kind}"},
        )
    other = await notify(session, [theirs.id], NotificationKind.FORUM_REPLY, actor_id=mine.id)
    row = await session.get_one(Notification, ids[0])
    row.read_at = func.now()
    await session.flush()
    return {
        "mine": await viewers.engineer(session, registry, mine),
        "theirs": await viewers.engineer(session, registry, theirs),
        "ids": [encode_id("Notification", key) for key in ids],
        "other": encode_id("Notification", other[0]),
        "engineers": (mine, theirs),
    }


async def test_viewer_lists_own_notifications_newest_first_and_filters_unread(
    graphql: GraphQLClient, inbox: dict[str, Any]
) -> None:
    every = await graphql.data(NOTIFICATIONS, {"first": 2}, inbox["mine"])
    unread = await graphql.data(NOTIFICATIONS, {"first": 10, "unread": True}, inbox["mine"])
    read = await graphql.data(NOTIFICATIONS, {"first": 10, "unread": False}, inbox["mine"])

    page = every["viewer"]["notifications"]
    assert page["totalCount"] == 3
    assert page["pageInfo"]["hasNextPage"]
    assert [edge["node"]["id"] for edge in page["edges"]] == inbox["ids"][::-1][:2]
    rest = await graphql.data(
        NOTIFICATIONS, {"first": 2, "after": page["pageInfo"]["endCursor"]}, inbox["mine"]
    )
    assert [e["node"]["id"] for e in rest["viewer"]["notifications"]["edges"]] == [inbox["ids"][0]]
    assert every["viewer"]["unreadNotificationCount"] == 2
    assert [e["node"]["kind"] for e in unread["viewer"]["notifications"]["edges"]] == [
        "FORUM_MENTION",
        "MEMBERSHIP_APPROVED",
    ]
    assert [e["node"]["read"] for e in read["viewer"]["notifications"]["edges"]] == [True]


@pytest.mark.parametrize("who", ["anonymous", "theirs"])
async def test_nobody_reads_anothers_notifications(
    graphql: GraphQLClient, inbox: dict[str, Any], who: str
) -> None:
    # Given someone else (or nobody) asking for mine, by list, node and nodes
    viewer: Viewer = ANONYMOUS if who == "anonymous" else inbox["theirs"]
    listed = await graphql.data(NOTIFICATIONS, {"first": 10}, viewer)
    node = await graphql.data(NOTIFICATION_NODE, {"id": inbox["ids"][1]}, viewer)
    nodes = await graphql.data(NOTIFICATION_NODES, {"ids": inbox["ids"]}, viewer)

    # Then they get null for each, and only their own in their list
    assert node == {"node": None}
    assert nodes == {"nodes": [None, None, None]}
    own = [e["node"]["id"] for e in listed["viewer"]["notifications"]["edges"]]
    assert own == ([] if who == "anonymous" else [inbox["other"]])


async def test_the_recipient_reads_their_notification_by_id(
    graphql: GraphQLClient, inbox: dict[str, Any]
) -> None:
    node = await graphql.data(NOTIFICATION_NODE, {"id": inbox["ids"][1]}, inbox["mine"])
    nodes = await graphql.data(
        NOTIFICATION_NODES, {"ids": [inbox["ids"][0], inbox["other"]]}, inbox["mine"]
    )
    assert node["node"] == {
        "__typename": "Notification",
        "id": inbox["ids"][1],
        "kind": "MEMBERSHIP_APPROVED",
        "summary": "about MEMBERSHIP_APPROVED",
        "read": False,
    }
    assert [item and item["id"] for item in nodes["nodes"]] == [inbox["ids"][0], None]


async def test_mark_one_read_then_all(graphql: GraphQLClient, inbox: dict[str, Any]) -> None:
    one = await graphql.data(MARK_READ, {"id": inbox["ids"][1]}, inbox["mine"])
    again = await graphql.data(MARK_READ, {"id": inbox["ids"][1]}, inbox["mine"])
    every = await graphql.data(MARK_READ, {"all": True}, inbox["mine"])
    theirs = await graphql.data(NOTIFICATIONS, {"first": 5}, inbox["theirs"])

    assert one["notificationMarkRead"] == {
        "markedCount": 1,
        "unreadCount": 1,
        "notification": {"id": inbox["ids"][1], "read": True},
        "userErrors": [],
    }
    assert again["notificationMarkRead"]["markedCount"] == 0
    assert every["notificationMarkRead"]["markedCount"] == 1
    assert every["notificationMarkRead"]["unreadCount"] == 0
    # another's notifications are untouched by "all"
    assert theirs["viewer"]["unreadNotificationCount"] == 1


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ("other", "NOT_FOUND"),
        ({"id": "not-an-id"}, "NOT_FOUND"),
        ({"id": encode_id("ForumPost", 1)}, "NOT_FOUND"),
        ({}, "INVALID_INPUT"),
        ({"all": False}, "INVALID_INPUT"),
        ("both", "INVALID_INPUT"),
    ],
)
async def test_mark_read_refuses_bad_input_and_changes_nothing(
    graphql: GraphQLClient, inbox: dict[str, Any], variables: Any, code: str
) -> None:
    if variables == "other":
        variables = {"id": inbox["other"]}
    elif variables == "both":
        variables = {"id": inbox["ids"][1], "all": True}
    result = await graphql.data(MARK_READ, variables, inbox["mine"])
    assert result["notificationMarkRead"]["userErrors"][0]["code"] == code
    mine = await graphql.data(NOTIFICATIONS, {"first": 1}, inbox["mine"])
    theirs = await graphql.data(NOTIFICATIONS, {"first": 1}, inbox["theirs"])
    assert mine["viewer"]["unreadNotificationCount"] == 2
    assert theirs["viewer"]["unreadNotificationCount"] == 1


async def test_anonymous_cannot_mark_read_or_choose(graphql: GraphQLClient) -> None:
    for document, variables in (
        (MARK_READ, {"all": True}),
        (PREFERENCES_UPDATE, {"preferences": []}),
        (PREFERENCES, None),
    ):
        result = await graphql.execute(document, variables)
        assert result.errors is not None
        assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"


async def test_preferences_have_defaults_and_can_be_changed_and_reset(
    graphql: GraphQLClient, inbox: dict[str, Any]
) -> None:
    defaults = await graphql.data(PREFERENCES, None, inbox["mine"])
    chosen = {p["kind"]: p for p in defaults["viewer"]["notificationPreferences"]}
    assert chosen["FORUM_REPLY"] == {
        "kind": "FORUM_REPLY",
        "channel": "EMAIL_DIGEST",
        "isDefault": True,
    }
    assert chosen["FORUM_MENTION"]["channel"] == "EMAIL"
    assert chosen["ENGAGEMENT_CHANGED"]["channel"] == "IN_APP"

    changed = await graphql.data(
        PREFERENCES_UPDATE,
        {"preferences": [{"kind": "FORUM_REPLY", "channel": "NONE"}]},
        inbox["mine"],
    )
    after = {p["kind"]: p for p in changed["notificationPreferencesUpdate"]["preferences"]}
    assert after["FORUM_REPLY"] == {"kind": "FORUM_REPLY", "channel": "NONE", "isDefault": False}
    reset = await graphql.data(
        PREFERENCES_UPDATE, {"preferences": [{"kind": "FORUM_REPLY"}]}, inbox["mine"]
    )
    back = {p["kind"]: p for p in reset["notificationPreferencesUpdate"]["preferences"]}
    assert back["FORUM_REPLY"]["isDefault"] is True
    # another engineer's preferences are their own
    theirs = await graphql.data(PREFERENCES, None, inbox["theirs"])
    assert all(p["isDefault"] for p in theirs["viewer"]["notificationPreferences"])


async def test_preferences_update_refuses_a_kind_named_twice(
    graphql: GraphQLClient, inbox: dict[str, Any]
) -> None:
    result = await graphql.data(
        PREFERENCES_UPDATE,
        {
            "preferences": [
                {"kind": "FORUM_REPLY", "channel": "NONE"},
                {"kind": "FORUM_REPLY", "channel": "EMAIL"},
            ]
        },
        inbox["mine"],
    )
    assert result["notificationPreferencesUpdate"] == {
        "preferences": None,
        "userErrors": [{"field": ["input", "preferences"], "code": "INVALID_PREFERENCES"}],
    }
    after = await graphql.data(PREFERENCES, None, inbox["mine"])
    assert all(p["isDefault"] for p in after["viewer"]["notificationPreferences"])


async def test_each_channel_is_respected_when_notifying(
    session: AsyncSession, registry: ChapterRegistry, graphql: GraphQLClient
) -> None:
    # Given four engineers with verified accounts choosing each channel for replies
    people = {}
    for channel in ("IN_APP", "EMAIL", "EMAIL_DIGEST", "NONE"):
        person = await factories.engineer(
            session, handle=f"channel-{channel.lower().replace('_', '-')}"
        )
        await factories.account(session, person)
        viewer = await viewers.engineer(session, registry, person)
        await graphql.data(
            PREFERENCES_UPDATE,
            {"preferences": [{"kind": "FORUM_REPLY", "channel": channel}]},
            viewer,
        )
        people[channel] = person

    # When each is notified of a reply
    events_before = await session.scalar(select(func.count()).select_from(LiveEvent))
    written = await notify(
        session,
        [person.id for person in people.values()],
        NotificationKind.FORUM_REPLY,
        payload={"summary": "A reply", "excerpt": "the words"},
    )

    # Then NONE writes nothing, EMAIL queues a mail, EMAIL_DIGEST waits for the digest
    rows = {channel: await _rows(session, person) for channel, person in people.items()}
    assert len(written) == 3
    assert rows["NONE"] == []
    assert [row.digest_pending for row in rows["EMAIL_DIGEST"]] == [True]
    assert [row.digest_pending for row in rows["IN_APP"]] == [False]
    mails = list(
        await session.scalars(select(OutboxEmail).where(OutboxEmail.recipient.like("channel-%")))
    )
    assert [(mail.recipient, mail.subject) for mail in mails] == [
        ("channel-email@example.org", "A reply")
    ]
    assert "the words" in mails[0].body
    assert mails[0].message_id.endswith("@braingain")
    # and each row was published to its recipient's stream
    events_after = await session.scalar(select(func.count()).select_from(LiveEvent))
    assert events_after == (events_before or 0) + 3


async def test_listing_notifications_costs_the_same_statements_for_any_page_size(
    graphql: GraphQLClient, inbox: dict[str, Any], statements: StatementCounter
) -> None:
    mine, theirs = inbox["engineers"]
    for _ in range(6):
        await notify(session := graphql.session, [mine.id], NotificationKind.FORUM_REPLY,
                     actor_id=theirs.id)  # fmt: skip
    await session.flush()
    counts = []
    for size in (1, 8):
        statements.reset()
        await graphql.data(NOTIFICATIONS, {"first": size}, inbox["mine"])
        counts.append(statements.count)
    assert counts[0] == counts[1]


async def test_fan_out_is_one_statement_whatever_the_number_of_recipients(
    session: AsyncSession, statements: StatementCounter
) -> None:
    people = [await factories.engineer(session, handle=f"fan-{n}") for n in range(40)]
    await session.flush()
    counts = []
    for group in (people[:2], people[2:]):
        statements.reset()
        written = await notify(session, [p.id for p in group], NotificationKind.FORUM_MENTION)
        counts.append(statements.count)
        assert len(written) == len(group)
    assert counts == [1, 1]


async def test_an_event_published_with_the_notifications_follows_theirs_in_one_statement(
    session: AsyncSession, statements: StatementCounter
) -> None:
    """notify(then=…): a reply's thread event goes in the fan-out's statement, after the
    notifications' own events (NOTIFY delivers them in that order); alone when nobody is
    notified."""
    people = [await factories.engineer(session, handle=f"then-{n}") for n in range(2)]
    await session.flush()
    last = await session.scalar(select(func.coalesce(func.max(LiveEvent.id), 0)))
    statements.reset()
    await notify(
        session,
        [p.id for p in people],
        NotificationKind.FORUM_MENTION,
        then=forum_thread_changed(7, POST_ADDED, 8),
    )
    assert statements.count == 1
    await notify(session, [], NotificationKind.FORUM_MENTION, then=forum_thread_changed(9, "X"))
    rows = (
        await session.execute(
            select(LiveEvent.topic, LiveEvent.ids, LiveEvent.change)
            .where(LiveEvent.id > last)
            .order_by(LiveEvent.id)
        )
    ).all()
    assert [(topic, change) for topic, _, change in rows] == [
        (f"notifications:{people[0].id}", "FORUM_MENTION"),
        (f"notifications:{people[1].id}", "FORUM_MENTION"),
        ("forum-thread:7", POST_ADDED),
        ("forum-thread:9", "X"),
    ]
    assert rows[2][1] == {"thread": 7, "post": 8}
