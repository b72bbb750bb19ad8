"""Event mutations: who may run them, what they change, whom they notify, and bad input."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditLogEntry, Event, EventRegistration, Membership, Notification
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import event_world, factories, viewers
from tests.conftest import GraphQLClient
from tests.event_world import EventWorld

CREATE = """
mutation ($input: EventCreateInput!) {
  eventCreate(input: $input) {
    event { id title kind timezone sequence status visibility capacity chapter { slug }
            speakers { name affiliation engineer { handle } } }
    userErrors { field code message }
  }
}
"""
UPDATE = """
mutation ($input: EventUpdateInput!) {
  eventUpdate(input: $input) {
    event { title startsAt sequence capacity attendeeCount waitlistCount }
    userErrors { field code }
  }
}
"""
CANCEL = """
mutation ($input: EventCancelInput!) {
  eventCancel(input: $input) { event { status sequence } userErrors { field code } }
}
"""
RSVP = """
mutation ($input: EventRsvpInput!) {
  eventRsvp(input: $input) {
    registration { status listed waitlistPosition engineer { handle } }
    userErrors { field code }
  }
}
"""
RSVP_CANCEL = """
mutation ($input: EventRsvpCancelInput!) {
  eventRsvpCancel(input: $input) { registration { status } userErrors { field code } }
}
"""
CHECK_IN = """
mutation ($input: EventCheckInInput!) {
  eventCheckIn(input: $input) {
    registration { status checkedInAt engineer { handle } }
    userErrors { field code }
  }
}
"""
INVITE = """
mutation ($input: EventCohostInviteInput!) {
  eventCohostInvite(input: $input) { event { cohost { slug } } userErrors { field code } }
}
"""
ACCEPT = """
mutation ($input: EventCohostAcceptInput!) {
  eventCohostAccept(input: $input) { event { cohost { slug } } userErrors { field code } }
}
"""
ANNOUNCE = """
mutation ($input: ChapterAnnouncementPostInput!) {
  chapterAnnouncementPost(input: $input) {
    announcement { title recipients author { handle } chapter { slug } }
    userErrors { field code }
  }
}
"""
ANNOUNCEMENTS = """
query ($slug: String!) {
  chapter(slug: $slug) { announcements(first: 5) { totalCount nodes { title body } } }
}
"""


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> EventWorld:
    """The events of tests/event_world.py."""
    return await event_world.build(session, registry)


def _at(days: float, hours: float = 0) -> str:
    return (datetime.now(UTC) + timedelta(days=days, hours=hours)).isoformat()


def _new_event(world: EventWorld, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "chapter": encode_id("Chapter", world.chapters["gulf"].id),
        "kind": "TALK",
        "title": "Desalination and the grid",
        "startsAt": _at(20),
        "endsAt": _at(20, 2),
        "capacity": 40,
        "venue": "Dubai Knowledge Park",
        "speakers": [
            {"engineer": world.engineer_id("member")},
            {"name": "Eng. Sara Malik", "affiliation": "DEWA"},
        ],
    }
    values.update(overrides)
    return values


async def _count(session: AsyncSession, model: Any, *where: Any) -> int:
    await session.flush()
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def _notifications(session: AsyncSession, kind: str) -> list[int]:
    rows = await session.scalars(select(Notification.recipient_id).where(Notification.kind == kind))
    return sorted(rows)


async def test_an_organiser_schedules_an_event_in_the_chapters_time_zone(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    data = await graphql.data(CREATE, {"input": _new_event(world)}, world.viewers["organiser"])
    payload = data["eventCreate"]
    assert payload["userErrors"] == []
    event = payload["event"]
    assert (event["title"], event["timezone"], event["sequence"], event["status"]) == (
        "Desalination and the grid",
        "Asia/Dubai",
        0,
        "SCHEDULED",
    )
    assert event["speakers"] == [
        {
            "name": world.engineers["member"].name,
            "affiliation": None,
            "engineer": {"handle": "ev-member"},
        },
        {"name": "Eng. Sara Malik", "affiliation": "DEWA", "engineer": None},
    ]
    assert await _count(session, AuditLogEntry, AuditLogEntry.action == "event.create") == 1


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("member", "FORBIDDEN"),
        ("uk_organiser", "FORBIDDEN"),
        ("outsider", "FORBIDDEN"),
        ("anonymous", "UNAUTHENTICATED"),
    ],
)
async def test_only_the_chapters_organisers_schedule_its_events(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession, who: str, code: str
) -> None:
    before = await _count(session, Event)
    result = await graphql.execute(CREATE, {"input": _new_event(world)}, world.viewers[who])
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == code
    assert await _count(session, Event) == before


async def test_a_chapter_without_the_events_feature_takes_no_events(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession, registry: ChapterRegistry
) -> None:
    east_asia = await factories.chapter(session, "east-asia")
    lead = await factories.engineer(session, handle="ev-east-lead")
    await factories.membership(session, lead, east_asia, role="events-lead")
    viewer = await viewers.engineer(session, registry, lead)
    chapter = encode_id("Chapter", east_asia.id)
    data = await graphql.data(CREATE, {"input": _new_event(world, chapter=chapter)}, viewer)
    assert data["eventCreate"]["userErrors"][0]["code"] == "EVENTS_DISABLED"


BAD_INPUT = [
    ({"chapter": "not-an-id"}, "NOT_FOUND", ["input", "chapter"]),
    ({"chapter": encode_id("Chapter", 999_999)}, "NOT_FOUND", ["input", "chapter"]),
    ({"title": "ab"}, "INVALID_TITLE", ["input", "title"]),
    ({"title": "x" * 201}, "INVALID_TITLE", ["input", "title"]),
    ({"description": "x" * 20_001}, "INVALID_DESCRIPTION", ["input", "description"]),
    ({"startsAt": _at(-1)}, "INVALID_TIME", ["input", "startsAt"]),
    ({"endsAt": _at(19)}, "INVALID_TIME", ["input", "endsAt"]),
    ({"endsAt": _at(40)}, "INVALID_TIME", ["input", "endsAt"]),
    ({"startsAt": "2030-01-01T10:00:00"}, "INVALID_TIME", ["input", "startsAt"]),
    ({"timezone": "Mars/Olympus"}, "INVALID_TIMEZONE", ["input", "timezone"]),
    ({"onlineUrl": "javascript:alert(1)"}, "INVALID_URL", ["input", "onlineUrl"]),
    ({"venue": None}, "NO_PLACE", ["input", "venue"]),
    ({"capacity": 0}, "INVALID_CAPACITY", ["input", "capacity"]),
    ({"capacity": 100_001}, "INVALID_CAPACITY", ["input", "capacity"]),
    ({"speakers": [{"engineer": encode_id("Engineer", 999_999)}]}, "INVALID_SPEAKER", None),
    ({"speakers": [{"name": " "}]}, "INVALID_SPEAKER", ["input", "speakers"]),
    (
        {"registrationOpensAt": _at(5), "registrationClosesAt": _at(4)},
        "INVALID_REGISTRATION_WINDOW",
        ["input", "registrationClosesAt"],
    ),
]


@pytest.mark.parametrize(("overrides", "code", "field"), BAD_INPUT)
async def test_bad_input_is_refused_and_changes_nothing(
    graphql: GraphQLClient,
    world: EventWorld,
    session: AsyncSession,
    overrides: dict[str, Any],
    code: str,
    field: list[str] | None,
) -> None:
    before = await _count(session, Event)
    data = await graphql.data(
        CREATE, {"input": _new_event(world, **overrides)}, world.viewers["organiser"]
    )
    error = data["eventCreate"]["userErrors"][0]
    assert error["code"] == code
    if field is not None:
        assert error["field"] == field
    assert data["eventCreate"]["event"] is None
    assert await _count(session, Event) == before
    assert await _count(session, AuditLogEntry, AuditLogEntry.action == "event.create") == 0


async def test_moving_an_event_notifies_everyone_registered_or_waiting(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    update = {"event": world.id("public"), "startsAt": _at(12), "endsAt": _at(12, 3)}
    data = await graphql.data(UPDATE, {"input": update}, world.viewers["organiser"])
    assert data["eventUpdate"]["userErrors"] == []
    assert data["eventUpdate"]["event"]["sequence"] == 1
    expected = sorted(
        world.engineers[name].id for name in ("attendee", "listed", "uk_member", "waiting")
    )
    assert await _notifications(session, "EVENT_MOVED") == expected
    assert await _count(session, AuditLogEntry, AuditLogEntry.action == "event.update") == 1


async def test_a_retitled_event_counts_a_revision_but_notifies_nobody(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    update = {"event": world.id("public"), "title": "Grid resilience night"}
    data = await graphql.data(UPDATE, {"input": update}, world.viewers["organiser"])
    assert data["eventUpdate"]["event"]["sequence"] == 1
    assert await _notifications(session, "EVENT_MOVED") == []
    again = await graphql.data(UPDATE, {"input": update}, world.viewers["organiser"])
    assert again["eventUpdate"]["userErrors"] == [{"field": ["input"], "code": "UNCHANGED"}]


async def test_more_capacity_promotes_the_waitlist_in_order(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    update = {"event": world.id("public"), "capacity": 5}
    data = await graphql.data(UPDATE, {"input": update}, world.viewers["organiser"])
    event = data["eventUpdate"]["event"]
    assert (event["attendeeCount"], event["waitlistCount"]) == (4, 0)
    assert await _notifications(session, "EVENT_WAITLIST_PROMOTED") == [
        world.engineers["waiting"].id
    ]


async def test_capacity_cannot_drop_below_the_places_taken(
    graphql: GraphQLClient, world: EventWorld
) -> None:
    update = {"event": world.id("public"), "capacity": 2}
    data = await graphql.data(UPDATE, {"input": update}, world.viewers["organiser"])
    assert data["eventUpdate"]["userErrors"] == [
        {"field": ["input", "capacity"], "code": "CAPACITY_BELOW_ATTENDEES"}
    ]


@pytest.mark.parametrize("who", ["uk_organiser", "member"])
async def test_others_cannot_edit_or_cancel_the_chapters_event(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession, who: str
) -> None:
    update = {"event": world.id("public"), "title": "Taken over"}
    result = await graphql.execute(UPDATE, {"input": update}, world.viewers[who])
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "FORBIDDEN"
    result = await graphql.execute(
        CANCEL, {"input": {"event": world.id("public")}}, world.viewers[who]
    )
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "FORBIDDEN"
    await session.refresh(world.events["public"])
    assert world.events["public"].status == "SCHEDULED"


async def test_cancelling_notifies_everyone_and_closes_registration(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    cancel = {"event": world.id("public"), "reason": "Venue flooded"}
    data = await graphql.data(CANCEL, {"input": cancel}, world.viewers["organiser"])
    assert data["eventCancel"]["event"] == {"status": "CANCELLED", "sequence": 1}
    expected = sorted(
        world.engineers[name].id for name in ("attendee", "listed", "uk_member", "waiting")
    )
    assert await _notifications(session, "EVENT_CANCELLED") == expected
    rsvp = await graphql.data(
        RSVP, {"input": {"event": world.id("public")}}, world.viewers["member"]
    )
    assert rsvp["eventRsvp"]["userErrors"] == [{"field": ["input", "event"], "code": "CANCELLED"}]
    again = await graphql.data(CANCEL, {"input": cancel}, world.viewers["organiser"])
    assert again["eventCancel"]["userErrors"][0]["code"] == "CANCELLED"


async def test_rsvp_takes_a_place_then_the_waitlist(
    graphql: GraphQLClient, world: EventWorld
) -> None:
    uk = {"input": {"event": world.id("uk"), "listed": True}}
    data = await graphql.data(RSVP, uk, world.viewers["member"])
    assert data["eventRsvp"]["registration"] == {
        "status": "REGISTERED",
        "listed": True,
        "waitlistPosition": None,
        "engineer": {"handle": "ev-member"},
    }
    full = {"input": {"event": world.id("public")}}
    data = await graphql.data(RSVP, full, world.viewers["member"])
    assert data["eventRsvp"]["registration"]["status"] == "WAITLISTED"
    assert data["eventRsvp"]["registration"]["waitlistPosition"] == 2
    again = await graphql.data(RSVP, full, world.viewers["member"])
    assert again["eventRsvp"]["userErrors"] == [
        {"field": ["input", "event"], "code": "ALREADY_REGISTERED"}
    ]


async def test_outsiders_cannot_rsvp_to_a_members_only_event(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    data = await graphql.data(
        RSVP, {"input": {"event": world.id("members")}}, world.viewers["uk_member"]
    )
    assert data["eventRsvp"]["userErrors"] == [{"field": ["input", "event"], "code": "NOT_FOUND"}]
    allowed = await graphql.data(
        RSVP, {"input": {"event": world.id("members")}}, world.viewers["member"]
    )
    assert allowed["eventRsvp"]["registration"]["status"] == "REGISTERED"


@pytest.mark.parametrize("event", ["not-an-id", encode_id("Event", 999_999)])
async def test_rsvp_to_an_unknown_event_is_not_found(
    graphql: GraphQLClient, world: EventWorld, event: str
) -> None:
    data = await graphql.data(RSVP, {"input": {"event": event}}, world.viewers["member"])
    assert data["eventRsvp"]["userErrors"] == [{"field": ["input", "event"], "code": "NOT_FOUND"}]


async def test_registration_closes_at_its_window(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    world.events["uk"].registration_closes_at = datetime.now(UTC) - timedelta(minutes=1)
    world.events["uk"].registration_opens_at = datetime.now(UTC) - timedelta(days=1)
    data = await graphql.data(RSVP, {"input": {"event": world.id("uk")}}, world.viewers["member"])
    assert data["eventRsvp"]["userErrors"][0]["code"] == "REGISTRATION_CLOSED"


async def test_giving_up_a_place_promotes_the_first_in_line(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    await graphql.data(RSVP, {"input": {"event": world.id("public")}}, world.viewers["member"])
    data = await graphql.data(
        RSVP_CANCEL, {"input": {"event": world.id("public")}}, world.viewers["attendee"]
    )
    assert data["eventRsvpCancel"]["registration"] == {"status": "CANCELLED"}
    statuses = dict(
        (
            await session.execute(
                select(EventRegistration.engineer_id, EventRegistration.status).where(
                    EventRegistration.event_id == world.events["public"].id
                )
            )
        ).all()
    )
    assert statuses[world.engineers["waiting"].id] == "REGISTERED"
    assert statuses[world.engineers["member"].id] == "WAITLISTED"
    assert await _notifications(session, "EVENT_WAITLIST_PROMOTED") == [
        world.engineers["waiting"].id
    ]
    again = await graphql.data(
        RSVP_CANCEL, {"input": {"event": world.id("public")}}, world.viewers["attendee"]
    )
    assert again["eventRsvpCancel"]["userErrors"][0]["code"] == "NOT_REGISTERED"


async def _starting_soon(session: AsyncSession, world: EventWorld) -> Event:
    event = world.events["public"]
    event.starts_at = datetime.now(UTC) + timedelta(hours=1)
    event.ends_at = event.starts_at + timedelta(hours=2)
    await session.flush()
    return event


@pytest.mark.parametrize("who", ["organiser", "admin"])
async def test_organisers_check_attendees_in(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession, who: str
) -> None:
    await _starting_soon(session, world)
    check_in = {"event": world.id("public"), "engineer": world.engineer_id("attendee")}
    data = await graphql.data(CHECK_IN, {"input": check_in}, world.viewers[who])
    registration = data["eventCheckIn"]["registration"]
    assert registration["checkedInAt"] is not None
    again = await graphql.data(CHECK_IN, {"input": check_in}, world.viewers[who])
    assert again["eventCheckIn"]["userErrors"][0]["code"] == "ALREADY_CHECKED_IN"
    assert await _count(session, AuditLogEntry, AuditLogEntry.action == "event.check_in") == 1


@pytest.mark.parametrize("who", ["uk_organiser", "member", "attendee"])
async def test_organisers_of_another_chapter_cannot_check_people_in(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession, who: str
) -> None:
    await _starting_soon(session, world)
    check_in = {"event": world.id("public"), "engineer": world.engineer_id("attendee")}
    result = await graphql.execute(CHECK_IN, {"input": check_in}, world.viewers[who])
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "FORBIDDEN"
    registration = await session.scalar(
        select(EventRegistration).where(
            EventRegistration.engineer_id == world.engineers["attendee"].id,
            EventRegistration.event_id == world.events["public"].id,
        )
    )
    assert registration is not None
    assert registration.checked_in_at is None


async def test_check_in_refuses_people_without_a_place_and_early_doors(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    early = {"event": world.id("public"), "engineer": world.engineer_id("attendee")}
    data = await graphql.data(CHECK_IN, {"input": early}, world.viewers["organiser"])
    assert data["eventCheckIn"]["userErrors"][0]["code"] == "CHECK_IN_CLOSED"
    await _starting_soon(session, world)
    waiting = {"event": world.id("public"), "engineer": world.engineer_id("waiting")}
    data = await graphql.data(CHECK_IN, {"input": waiting}, world.viewers["organiser"])
    assert data["eventCheckIn"]["userErrors"] == [
        {"field": ["input", "engineer"], "code": "NOT_REGISTERED"}
    ]


async def test_a_cohost_that_accepted_runs_the_event_too(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    invite = {"event": world.id("public"), "chapter": encode_id("Chapter", world.chapters["uk"].id)}
    denied = await graphql.execute(INVITE, {"input": invite}, world.viewers["uk_organiser"])
    assert denied.errors is not None
    assert denied.errors[0].extensions["code"] == "FORBIDDEN"
    data = await graphql.data(INVITE, {"input": invite}, world.viewers["organiser"])
    assert data["eventCohostInvite"] == {"event": {"cohost": None}, "userErrors": []}
    not_theirs = await graphql.execute(
        ACCEPT, {"input": {"event": world.id("public")}}, world.viewers["organiser"]
    )
    assert not_theirs.errors is not None
    assert not_theirs.errors[0].extensions["code"] == "FORBIDDEN"
    accepted = await graphql.data(
        ACCEPT, {"input": {"event": world.id("public")}}, world.viewers["uk_organiser"]
    )
    assert accepted["eventCohostAccept"]["event"] == {"cohost": {"slug": "uk-ireland"}}
    await _starting_soon(session, world)
    check_in = {"event": world.id("public"), "engineer": world.engineer_id("attendee")}
    data = await graphql.data(CHECK_IN, {"input": check_in}, world.viewers["uk_organiser"])
    assert data["eventCheckIn"]["registration"]["checkedInAt"] is not None


async def test_an_event_cannot_be_cohosted_by_its_own_chapter(
    graphql: GraphQLClient, world: EventWorld
) -> None:
    invite = {
        "event": world.id("public"),
        "chapter": encode_id("Chapter", world.chapters["gulf"].id),
    }
    data = await graphql.data(INVITE, {"input": invite}, world.viewers["organiser"])
    assert data["eventCohostInvite"]["userErrors"] == [
        {"field": ["input", "chapter"], "code": "INVALID_COHOST"}
    ]


async def test_a_coordinator_announces_to_every_active_member(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession, registry: ChapterRegistry
) -> None:
    pending = await factories.engineer(session, handle="ev-pending")
    await factories.membership(session, pending, world.chapters["gulf"], status="PENDING")
    post = {
        "chapter": encode_id("Chapter", world.chapters["gulf"].id),
        "title": "Iftar meetup",
        "body": "Join us on Friday.",
    }
    data = await graphql.data(ANNOUNCE, {"input": post}, world.viewers["organiser"])
    announcement = data["chapterAnnouncementPost"]["announcement"]
    active = await _count(
        session,
        Membership,
        Membership.chapter_id == world.chapters["gulf"].id,
        Membership.status == "ACTIVE",
    )
    assert announcement["recipients"] == active
    notified = await _notifications(session, "CHAPTER_ANNOUNCEMENT")
    assert pending.id not in notified
    assert len(notified) == active
    members = await graphql.data(ANNOUNCEMENTS, {"slug": "gulf-uae"}, world.viewers["member"])
    assert members["chapter"]["announcements"]["nodes"] == [
        {"title": "Iftar meetup", "body": "Join us on Friday."}
    ]
    outsiders = await graphql.data(ANNOUNCEMENTS, {"slug": "gulf-uae"}, world.viewers["uk_member"])
    assert outsiders["chapter"]["announcements"]["totalCount"] == 0


@pytest.mark.parametrize("who", ["member", "uk_organiser"])
async def test_members_and_other_chapters_cannot_announce(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession, who: str
) -> None:
    post = {
        "chapter": encode_id("Chapter", world.chapters["gulf"].id),
        "title": "Spam",
        "body": "Buy now.",
    }
    result = await graphql.execute(ANNOUNCE, {"input": post}, world.viewers[who])
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "FORBIDDEN"
    assert await _notifications(session, "CHAPTER_ANNOUNCEMENT") == []


async def test_an_announcement_needs_a_title_and_body(
    graphql: GraphQLClient, world: EventWorld
) -> None:
    post = {"chapter": encode_id("Chapter", world.chapters["gulf"].id), "title": "Hi", "body": ""}
    data = await graphql.data(ANNOUNCE, {"input": post}, world.viewers["organiser"])
    assert data["chapterAnnouncementPost"]["userErrors"][0]["code"] == "INVALID_ANNOUNCEMENT"


MALFORMED = ["not-an-id", encode_id("Chapter", 1), encode_id("Event", 999_999)]


@pytest.mark.parametrize("event", MALFORMED)
@pytest.mark.parametrize(
    ("document", "name", "extra"),
    [
        (UPDATE, "eventUpdate", {"title": "New title"}),
        (CANCEL, "eventCancel", {}),
        (RSVP_CANCEL, "eventRsvpCancel", {}),
        (ACCEPT, "eventCohostAccept", {}),
    ],
)
async def test_unknown_or_malformed_event_ids_are_not_found_and_change_nothing(
    graphql: GraphQLClient,
    world: EventWorld,
    session: AsyncSession,
    document: str,
    name: str,
    extra: dict[str, Any],
    event: str,
) -> None:
    audited = await _count(session, AuditLogEntry)
    data = await graphql.data(
        document, {"input": {"event": event, **extra}}, world.viewers["organiser"]
    )
    assert data[name]["userErrors"][0]["code"] == "NOT_FOUND"
    assert data[name]["userErrors"][0]["field"] == ["input", "event"]
    assert await _count(session, AuditLogEntry) == audited


async def test_check_in_of_a_malformed_engineer_id_is_refused(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    await _starting_soon(session, world)
    check_in = {"event": world.id("public"), "engineer": "garbage"}
    data = await graphql.data(CHECK_IN, {"input": check_in}, world.viewers["organiser"])
    assert data["eventCheckIn"]["userErrors"] == [
        {"field": ["input", "engineer"], "code": "NOT_REGISTERED"}
    ]


async def test_invalid_state_transitions_are_refused(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    # an invitation nobody sent cannot be accepted
    data = await graphql.data(
        ACCEPT, {"input": {"event": world.id("public")}}, world.viewers["uk_organiser"]
    )
    assert data["eventCohostAccept"]["userErrors"][0]["code"] == "NOT_INVITED"
    # an event that is over cannot be edited, cancelled or given up
    past = world.events["uk"]
    past.starts_at = datetime.now(UTC) - timedelta(hours=3)
    past.ends_at = datetime.now(UTC) - timedelta(hours=1)
    await session.flush()
    update = {"event": world.id("uk"), "title": "Too late now"}
    edited = await graphql.data(UPDATE, {"input": update}, world.viewers["uk_organiser"])
    assert edited["eventUpdate"]["userErrors"][0]["code"] == "ENDED"
    cancelled = await graphql.data(
        CANCEL, {"input": {"event": world.id("uk")}}, world.viewers["uk_organiser"]
    )
    assert cancelled["eventCancel"]["userErrors"][0]["code"] == "ENDED"
    rsvp = await graphql.data(RSVP, {"input": {"event": world.id("uk")}}, world.viewers["member"])
    assert rsvp["eventRsvp"]["userErrors"][0]["code"] == "REGISTRATION_CLOSED"
    # a required field cannot be cleared
    cleared = {"event": world.id("public"), "capacity": None}
    data = await graphql.data(UPDATE, {"input": cleared}, world.viewers["organiser"])
    assert data["eventUpdate"]["userErrors"] == [
        {"field": ["input", "capacity"], "code": "UNCHANGED"}
    ]


async def test_oversized_speaker_lists_are_refused(
    graphql: GraphQLClient, world: EventWorld, session: AsyncSession
) -> None:
    before = await _count(session, Event)
    speakers = [{"name": f"Guest {number}"} for number in range(21)]
    data = await graphql.data(
        CREATE, {"input": _new_event(world, speakers=speakers)}, world.viewers["organiser"]
    )
    assert data["eventCreate"]["userErrors"][0]["code"] == "INVALID_SPEAKER"
    assert await _count(session, Event) == before


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (RSVP, {"input": {"event": "RXZlbnQ6MQ"}}),
        (RSVP_CANCEL, {"input": {"event": "RXZlbnQ6MQ"}}),
        (CHECK_IN, {"input": {"event": "RXZlbnQ6MQ", "engineer": "RW5naW5lZXI6MQ"}}),
        (ACCEPT, {"input": {"event": "RXZlbnQ6MQ"}}),
    ],
)
async def test_anonymous_visitors_must_sign_in(
    graphql: GraphQLClient, document: str, variables: dict[str, Any]
) -> None:
    result = await graphql.execute(document, variables)
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"
