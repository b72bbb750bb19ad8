"""Calendar feeds parsed by a real iCalendar parser: zones, stable UIDs, SEQUENCE, tokens."""

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import CalendarFeed
from graph.app import create_app
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from graph.settings import Settings
from tests import event_world, factories, viewers
from tests.conftest import GraphQLClient
from tests.event_world import EventWorld

SETTINGS = Settings(database_url=None, environment="test", max_body_bytes=100_000, log_level="INFO")
ROTATE = "mutation { calendarFeedRotate { token path } }"
REVOKE = "mutation { calendarFeedRevoke { revoked } }"
UPDATE = """
mutation ($input: EventUpdateInput!) { eventUpdate(input: $input) { userErrors { code } } }
"""
CANCEL = """
mutation ($event: ID!) { eventCancel(input: {event: $event}) { userErrors { code } } }
"""
CREATE = """
mutation ($input: EventCreateInput!) {
  eventCreate(input: $input) { event { id timezone } userErrors { code } }
}
"""


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> EventWorld:
    """The events of tests/event_world.py."""
    return await event_world.build(session, registry)


@pytest.fixture
async def client(
    sessionmaker: async_sessionmaker[AsyncSession], registry: ChapterRegistry
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the app, inside the test's transaction."""
    app = create_app(SETTINGS, sessionmaker=sessionmaker, registry=registry)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


async def _calendar(client: httpx.AsyncClient, path: str) -> Calendar:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> dict[str, Any]:
    return {str(entry["SUMMARY"]): entry for entry in calendar.walk("VEVENT")}


def _zones(calendar: Calendar) -> set[str]:
    return {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}


async def test_a_chapter_feed_lists_its_public_events_in_dubai_time(
    client: httpx.AsyncClient, world: EventWorld, session: AsyncSession
) -> None:
    calendar = await _calendar(client, "/chapters/gulf-uae/events.ics")
    assert str(calendar["VERSION"]) == "2.0"
    assert _zones(calendar) == {"Asia/Dubai"}
    events = _events(calendar)
    assert set(events) == {"Grid resilience evening"}  # the members-only workshop stays out
    entry = events["Grid resilience evening"]
    start = entry.decoded("DTSTART")
    assert entry["DTSTART"].params["TZID"] == "Asia/Dubai"
    assert start.utcoffset() == timedelta(hours=4)
    assert start.astimezone(UTC) == world.events["public"].starts_at
    assert entry.decoded("DTEND").astimezone(UTC) == world.events["public"].ends_at
    assert str(entry["UID"]) == world.events["public"].uid
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert str(entry["LOCATION"]) == "DIFC Gate Village, Dubai"
    assert "URL" not in entry  # the online link is for attendees


async def test_a_toronto_chapter_feed_follows_daylight_saving(
    client: httpx.AsyncClient,
    graphql: GraphQLClient,
    session: AsyncSession,
    registry: ChapterRegistry,
    world: EventWorld,
) -> None:
    toronto = await factories.chapter(session, "north-america-east")
    toronto.timezone = "America/Toronto"
    lead = await factories.engineer(session, handle="ev-toronto-lead")
    await factories.membership(session, lead, toronto, role="events-lead")
    viewer = await viewers.engineer(session, registry, lead)
    year = datetime.now(UTC).year + 1
    for month, title in ((1, "Winter grid talk"), (7, "Summer grid talk")):
        starts = datetime(year, month, 15, 23, 30, tzinfo=UTC)
        event = {
            "chapter": encode_id("Chapter", toronto.id),
            "kind": "TALK",
            "title": title,
            "startsAt": starts.isoformat(),
            "endsAt": (starts + timedelta(hours=1)).isoformat(),
            "capacity": 30,
            "venue": "MaRS Discovery District, Toronto",
        }
        created = await graphql.data(CREATE, {"input": event}, viewer)
        assert created["eventCreate"]["event"]["timezone"] == "America/Toronto"
    calendar = await _calendar(client, "/chapters/north-america-east/events.ics")
    assert _zones(calendar) == {"America/Toronto"}
    events = _events(calendar)
    winter, summer = events["Winter grid talk"], events["Summer grid talk"]
    assert winter["DTSTART"].params["TZID"] == "America/Toronto"
    assert winter.decoded("DTSTART").utcoffset() == timedelta(hours=-5)
    assert summer.decoded("DTSTART").utcoffset() == timedelta(hours=-4)
    assert winter.decoded("DTSTART").strftime("%H:%M") == "18:30"
    assert summer.decoded("DTSTART").strftime("%H:%M") == "19:30"
    assert winter.decoded("DTSTART").astimezone(UTC) == datetime(year, 1, 15, 23, 30, tzinfo=UTC)
    zone = next(iter(calendar.walk("VTIMEZONE")))
    kinds = {component.name for component in zone.subcomponents}
    assert kinds == {"STANDARD", "DAYLIGHT"}


async def test_edits_keep_the_uid_and_raise_the_sequence_and_cancelling_marks_it(
    client: httpx.AsyncClient, graphql: GraphQLClient, world: EventWorld
) -> None:
    before = _events(await _calendar(client, "/chapters/gulf-uae/events.ics"))
    entry = before["Grid resilience evening"]
    update = {"event": world.id("public"), "title": "Grid resilience night"}
    await graphql.data(UPDATE, {"input": update}, world.viewers["organiser"])
    moved = _events(await _calendar(client, "/chapters/gulf-uae/events.ics"))
    edited = moved["Grid resilience night"]
    assert str(edited["UID"]) == str(entry["UID"])
    assert int(edited["SEQUENCE"]) == int(entry["SEQUENCE"]) + 1
    await graphql.data(CANCEL, {"event": world.id("public")}, world.viewers["organiser"])
    cancelled = _events(await _calendar(client, "/chapters/gulf-uae/events.ics"))
    gone = cancelled["Grid resilience night"]
    assert str(gone["UID"]) == str(entry["UID"])
    assert str(gone["STATUS"]) == "CANCELLED"
    assert int(gone["SEQUENCE"]) == int(entry["SEQUENCE"]) + 2


async def test_an_unknown_chapter_has_no_feed(client: httpx.AsyncClient) -> None:
    response = await client.get("/chapters/atlantis/events.ics")
    assert response.status_code == 404


async def test_a_personal_feed_shows_my_events_with_their_links(
    client: httpx.AsyncClient, graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    rotated = await graphql.data(ROTATE, None, world.viewers["attendee"])
    token = rotated["calendarFeedRotate"]["token"]
    assert rotated["calendarFeedRotate"]["path"] == f"/calendar/{token}.ics"
    stored = await session.scalar(
        select(CalendarFeed.token_hash).where(
            CalendarFeed.engineer_id == world.engineers["attendee"].id
        )
    )
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    calendar = await _calendar(client, f"/calendar/{token}.ics")
    events = _events(calendar)
    assert set(events) == {"Grid resilience evening", "Members' protection relay workshop"}
    assert str(events["Grid resilience evening"]["URL"]) == "https://meet.example.org/grid"


async def test_feed_tokens_of_one_person_never_show_anothers_events(
    client: httpx.AsyncClient, graphql: GraphQLClient, world: EventWorld
) -> None:
    mine = (await graphql.data(ROTATE, None, world.viewers["waiting"]))["calendarFeedRotate"]
    theirs = (await graphql.data(ROTATE, None, world.viewers["uk_member"]))["calendarFeedRotate"]
    waiting = _events(await _calendar(client, f"/calendar/{mine['token']}.ics"))
    assert set(waiting) == {"Grid resilience evening"}
    assert str(waiting["Grid resilience evening"]["STATUS"]) == "TENTATIVE"
    assert "URL" not in waiting["Grid resilience evening"]  # a waitlist spot is not a place
    other = _events(await _calendar(client, f"/calendar/{theirs['token']}.ics"))
    assert set(other) == {"Grid resilience evening"}
    assert "Members' protection relay workshop" not in other
    assert str(other["Grid resilience evening"]["STATUS"]) == "CONFIRMED"


async def test_rotating_or_revoking_a_feed_token_stops_the_old_address(
    client: httpx.AsyncClient, graphql: GraphQLClient, world: EventWorld
) -> None:
    first = (await graphql.data(ROTATE, None, world.viewers["attendee"]))["calendarFeedRotate"]
    second = (await graphql.data(ROTATE, None, world.viewers["attendee"]))["calendarFeedRotate"]
    assert first["token"] != second["token"]
    assert (await client.get(first["path"])).status_code == 404
    assert (await client.get(second["path"])).status_code == 200
    revoked = await graphql.data(REVOKE, None, world.viewers["attendee"])
    assert revoked["calendarFeedRevoke"] == {"revoked": True}
    assert (await client.get(second["path"])).status_code == 404
    again = await graphql.data(REVOKE, None, world.viewers["attendee"])
    assert again["calendarFeedRevoke"] == {"revoked": False}


@pytest.mark.parametrize("token", ["guess", "A" * 43, "x" * 500])
async def test_guessed_tokens_find_nothing(client: httpx.AsyncClient, token: str) -> None:
    assert (await client.get(f"/calendar/{token}.ics")).status_code == 404


async def test_anonymous_visitors_cannot_make_a_feed(
    graphql: GraphQLClient, world: EventWorld
) -> None:
    result = await graphql.execute(ROTATE, None, world.viewers["anonymous"])
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"
