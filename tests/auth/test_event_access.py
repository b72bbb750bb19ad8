"""Event reads: members-only events, online links and attendee lists, denied and allowed."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ChapterAnnouncement, EventRegistration
from graph.chapters import ChapterRegistry
from graph.compiler.operation import CompiledQueries
from graph.ids import encode_id
from graph.schema import schema
from tests import event_world
from tests.compiler.conftest import BothPaths
from tests.conftest import GraphQLClient
from tests.event_world import EventWorld
from tests.graph import test_event_query_count

EVENT_NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename
    ... on Event {
      title visibility onlineUrl venue attendeeCount waitlistCount placesLeft
      checkedInCount noShowCount chapter { slug }
    }
  }
}
"""
EVENT_NODES = """
query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Event { title } } }
"""
CHAPTER_EVENTS = """
query ($slug: String!) {
  chapter(slug: $slug) { events(first: 10) { totalCount nodes { title visibility } } }
}
"""
ALL_EVENTS = """
query { events(first: 20) { totalCount nodes { title chapter { slug } } } }
"""
ATTENDEES = """
query ($id: ID!) {
  node(id: $id) {
    ... on Event {
      attendeeCount
      attendees(first: 10) { totalCount nodes { listed engineer { handle } checkedInAt } }
      waitlist(first: 10) { totalCount nodes { waitlistPosition engineer { handle } } }
    }
  }
}
"""
MY_EVENTS = """
query {
  viewer {
    events(first: 10) {
      totalCount
      nodes { title viewerRegistration { status waitlistPosition } }
    }
  }
}
"""

MEMBERS_OF_GULF = ("organiser", "member", "attendee", "admin")
NOT_MEMBERS_OF_GULF = ("anonymous", "outsider", "uk_organiser", "uk_member")


@pytest.fixture
def both(graphql: GraphQLClient, session: AsyncSession) -> BothPaths:
    """Strawberry and the compiled path over the test's transaction: every read below is
    answered by both, identically, in one statement on the compiled path."""
    return BothPaths(graphql, session, CompiledQueries(schema._schema, registry=graphql.registry))


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> EventWorld:
    """The events of tests/event_world.py."""
    return await event_world.build(session, registry)


@pytest.mark.parametrize("who", MEMBERS_OF_GULF)
async def test_members_only_event_is_seen_by_members_and_admins_in_every_path(
    both: BothPaths, world: EventWorld, who: str
) -> None:
    viewer = world.viewers[who]
    node = await both.compare(EVENT_NODE, {"id": world.id("members")}, viewer)
    assert node["node"]["title"] == "Members' protection relay workshop"
    nodes = await both.compare(EVENT_NODES, {"ids": [world.id("members")]}, viewer)
    assert nodes["nodes"][0]["title"] == "Members' protection relay workshop"
    listed = await both.compare(CHAPTER_EVENTS, {"slug": "gulf-uae"}, viewer)
    titles = [event["title"] for event in listed["chapter"]["events"]["nodes"]]
    assert "Members' protection relay workshop" in titles
    everything = await both.compare(ALL_EVENTS, None, viewer)
    assert "Members' protection relay workshop" in [
        event["title"] for event in everything["events"]["nodes"]
    ]


@pytest.mark.parametrize("who", NOT_MEMBERS_OF_GULF)
async def test_members_only_event_is_invisible_to_outsiders_in_every_path(
    both: BothPaths, world: EventWorld, who: str
) -> None:
    viewer = world.viewers[who]
    node = await both.compare(EVENT_NODE, {"id": world.id("members")}, viewer)
    assert node["node"] is None
    nodes = await both.compare(EVENT_NODES, {"ids": [world.id("members")]}, viewer)
    assert nodes["nodes"] == [None]
    listed = await both.compare(CHAPTER_EVENTS, {"slug": "gulf-uae"}, viewer)
    assert listed["chapter"]["events"]["totalCount"] == 1
    assert [event["title"] for event in listed["chapter"]["events"]["nodes"]] == [
        "Grid resilience evening"
    ]
    everything = await both.compare(ALL_EVENTS, None, viewer)
    assert "Members' protection relay workshop" not in [
        event["title"] for event in everything["events"]["nodes"]
    ]
    assert everything["events"]["totalCount"] == 2


@pytest.mark.parametrize("who", ["attendee", "listed", "uk_member", "organiser", "admin"])
async def test_online_link_shows_to_people_holding_a_place_and_organisers(
    both: BothPaths, world: EventWorld, who: str
) -> None:
    data = await both.compare(EVENT_NODE, {"id": world.id("public")}, world.viewers[who])
    assert data["node"]["onlineUrl"] == "https://meet.example.org/grid"


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "waiting", "uk_organiser"])
async def test_online_link_is_hidden_from_the_unregistered(
    both: BothPaths, world: EventWorld, who: str
) -> None:
    data = await both.compare(EVENT_NODE, {"id": world.id("public")}, world.viewers[who])
    assert data["node"]["onlineUrl"] is None
    assert data["node"]["venue"] == "DIFC Gate Village, Dubai"


@pytest.mark.parametrize("who", ["organiser", "admin"])
async def test_organisers_see_every_attendee_and_the_counts(
    both: BothPaths, world: EventWorld, who: str
) -> None:
    data = await both.compare(ATTENDEES, {"id": world.id("public")}, world.viewers[who])
    event = data["node"]
    assert event["attendeeCount"] == 3
    assert [n["engineer"]["handle"] for n in event["attendees"]["nodes"]] == [
        "ev-attendee",
        "ev-listed",
        "ev-uk-member",
    ]
    assert event["waitlist"]["nodes"] == [
        {"waitlistPosition": 1, "engineer": {"handle": "ev-waiting"}}
    ]
    counts = await both.compare(EVENT_NODE, {"id": world.id("public")}, world.viewers[who])
    assert counts["node"]["checkedInCount"] == 0


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "uk_organiser"])
async def test_others_see_the_count_and_only_the_people_who_chose_to_be_listed(
    both: BothPaths, world: EventWorld, who: str
) -> None:
    data = await both.compare(ATTENDEES, {"id": world.id("public")}, world.viewers[who])
    event = data["node"]
    assert event["attendeeCount"] == 3
    assert event["attendees"]["totalCount"] == 1
    assert [n["engineer"]["handle"] for n in event["attendees"]["nodes"]] == ["ev-listed"]
    assert event["waitlist"]["nodes"] == []
    counts = await both.compare(EVENT_NODE, {"id": world.id("public")}, world.viewers[who])
    assert counts["node"]["checkedInCount"] is None
    assert counts["node"]["noShowCount"] is None


async def test_an_attendee_sees_themselves_on_the_list(both: BothPaths, world: EventWorld) -> None:
    data = await both.compare(ATTENDEES, {"id": world.id("public")}, world.viewers["attendee"])
    handles = [n["engineer"]["handle"] for n in data["node"]["attendees"]["nodes"]]
    assert handles == ["ev-attendee", "ev-listed"]


async def test_viewer_events_lists_what_i_registered_or_wait_for(
    both: BothPaths, world: EventWorld
) -> None:
    mine = await both.compare(MY_EVENTS, None, world.viewers["attendee"])
    assert [n["title"] for n in mine["viewer"]["events"]["nodes"]] == [
        "Grid resilience evening",
        "Members' protection relay workshop",
    ]
    waiting = await both.compare(MY_EVENTS, None, world.viewers["waiting"])
    assert waiting["viewer"]["events"]["nodes"] == [
        {
            "title": "Grid resilience evening",
            "viewerRegistration": {"status": "WAITLISTED", "waitlistPosition": 1},
        }
    ]
    nobody = await both.compare(MY_EVENTS, None, world.viewers["anonymous"])
    assert nobody["viewer"]["events"]["totalCount"] == 0


ANNOUNCEMENT_NODE = """
query ($id: ID!) { node(id: $id) { ... on ChapterAnnouncement { title chapter { slug } } } }
"""


async def _announcement(session: AsyncSession, world: EventWorld) -> str:
    row = ChapterAnnouncement(
        chapter_id=world.chapters["gulf"].id,
        author_id=world.engineers["organiser"].id,
        title="Members' news",
        body="For members.",
    )
    session.add(row)
    await session.flush()
    return encode_id("ChapterAnnouncement", row.id)


@pytest.mark.parametrize("who", MEMBERS_OF_GULF)
async def test_announcements_are_read_by_the_chapters_members(
    both: BothPaths, world: EventWorld, session: AsyncSession, who: str
) -> None:
    announcement = await _announcement(session, world)
    data = await both.compare(ANNOUNCEMENT_NODE, {"id": announcement}, world.viewers[who])
    assert data["node"] == {"title": "Members' news", "chapter": {"slug": "gulf-uae"}}


@pytest.mark.parametrize("who", NOT_MEMBERS_OF_GULF)
async def test_announcements_are_hidden_from_everyone_else(
    both: BothPaths, world: EventWorld, session: AsyncSession, who: str
) -> None:
    announcement = await _announcement(session, world)
    data = await both.compare(ANNOUNCEMENT_NODE, {"id": announcement}, world.viewers[who])
    assert data["node"] is None


async def _checked_in(session: AsyncSession, world: EventWorld) -> None:
    registration = await session.scalar(
        select(EventRegistration).where(
            EventRegistration.engineer_id == world.engineers["listed"].id,
            EventRegistration.event_id == world.events["public"].id,
        )
    )
    assert registration is not None
    registration.checked_in_at = datetime.now(UTC)
    await session.flush()


@pytest.mark.parametrize("who", ["organiser", "admin", "listed"])
async def test_check_in_times_show_to_the_person_and_organisers(
    both: BothPaths, world: EventWorld, session: AsyncSession, who: str
) -> None:
    await _checked_in(session, world)
    data = await both.compare(ATTENDEES, {"id": world.id("public")}, world.viewers[who])
    listed = [
        node
        for node in data["node"]["attendees"]["nodes"]
        if node["engineer"]["handle"] == "ev-listed"
    ]
    assert listed[0]["checkedInAt"] is not None


@pytest.mark.parametrize("who", ["anonymous", "member", "attendee", "uk_organiser"])
async def test_check_in_times_are_hidden_from_others(
    both: BothPaths, world: EventWorld, session: AsyncSession, who: str
) -> None:
    await _checked_in(session, world)
    data = await both.compare(ATTENDEES, {"id": world.id("public")}, world.viewers[who])
    listed = [
        node
        for node in data["node"]["attendees"]["nodes"]
        if node["engineer"]["handle"] == "ev-listed"
    ]
    assert listed == [{"listed": True, "engineer": {"handle": "ev-listed"}, "checkedInAt": None}]


REGISTRATION_NODE = """
query ($id: ID!) {
  node(id: $id) { ... on EventRegistration { status listed engineer { handle } } }
}
"""


async def _registration_id(session: AsyncSession, world: EventWorld, who: str) -> str:
    registration = await session.scalar(
        select(EventRegistration).where(
            EventRegistration.engineer_id == world.engineers[who].id,
            EventRegistration.event_id == world.events["public"].id,
        )
    )
    assert registration is not None
    return encode_id("EventRegistration", registration.id)


@pytest.mark.parametrize("who", ["attendee", "organiser", "admin"])
async def test_an_unlisted_rsvp_is_fetched_by_its_person_and_organisers(
    both: BothPaths, world: EventWorld, session: AsyncSession, who: str
) -> None:
    rsvp = await _registration_id(session, world, "attendee")
    data = await both.compare(REGISTRATION_NODE, {"id": rsvp}, world.viewers[who])
    assert data["node"] == {
        "status": "REGISTERED",
        "listed": False,
        "engineer": {"handle": "ev-attendee"},
    }


@pytest.mark.parametrize("who", ["anonymous", "member", "listed", "uk_organiser"])
async def test_an_unlisted_rsvp_is_hidden_from_everyone_else(
    both: BothPaths, world: EventWorld, session: AsyncSession, who: str
) -> None:
    rsvp = await _registration_id(session, world, "attendee")
    data = await both.compare(REGISTRATION_NODE, {"id": rsvp}, world.viewers[who])
    assert data["node"] is None
    listed = await _registration_id(session, world, "listed")
    shown = await both.compare(REGISTRATION_NODE, {"id": listed}, world.viewers[who])
    assert shown["node"]["engineer"] == {"handle": "ev-listed"}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("attendee", "REGISTERED"),
        ("waiting", "WAITLISTED"),
        ("organiser", None),
        ("outsider", None),
        ("anonymous", None),
    ],
)
async def test_viewer_registration_is_the_viewers_own_in_every_path(
    both: BothPaths, world: EventWorld, who: str, status: str | None
) -> None:
    # Given the public event, with four people registered or waitlisted
    # When each kind of viewer lists the chapters' events with their own registration
    listed = await both.compare(
        test_event_query_count.CHAPTER_EVENTS, {"chapters": 20, "events": 3}, world.viewers[who]
    )

    # Then they see their own, and nobody else's (an anonymous viewer has none)
    found = [
        event["viewerRegistration"]
        for chapter in listed["chapters"]["nodes"]
        for event in chapter["events"]["nodes"]
        if event["title"] == world.events["public"].title
    ]
    assert found == [{"status": status} if status is not None else None]
