"""No N+1 in event reads: nested events, attendees and speakers cost the same number of
statements for few or many chapters and events (strawberry; the compiled path is one)."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import StatementCounter
from db.models import Engineer, Event, EventRegistration, EventSpeaker
from graph.chapters import ChapterRegistry
from tests import factories, viewers
from tests.conftest import GraphQLClient

CHAPTER_EVENTS = """
query ($chapters: Int!, $events: Int!) {
  chapters(first: $chapters) {
    nodes {
      slug
      events(first: $events) {
        totalCount
        nodes {
          title onlineUrl attendeeCount waitlistCount placesLeft checkedInCount
          chapter { slug } cohost { slug }
          speakers { name engineer { handle } }
          viewerRegistration { status }
          attendees(first: 5) {
            totalCount nodes { checkedInAt waitlistPosition engineer { handle } }
          }
          waitlist(first: 5) { nodes { waitlistPosition } }
        }
      }
      announcements(first: 3) { totalCount nodes { title author { handle } } }
    }
  }
}
"""


async def _busy_chapters(session: AsyncSession) -> Engineer:
    """Every chapter with four events, each with two speakers, three attendees and a waitlist;
    returns an attendee of all of them."""
    people = [await factories.engineer(session, handle=f"count-ev-{n}") for n in range(4)]
    starts = datetime.now(UTC) + timedelta(days=5)
    for slug in ("gulf-uae", "uk-ireland", "saudi-arabia", "germany-central-europe"):
        chapter = await factories.chapter(session, slug)
        for number in range(4):
            event = Event(
                chapter_id=chapter.id,
                kind="TALK",
                title=f"{slug} talk {number}",
                starts_at=starts + timedelta(days=number),
                ends_at=starts + timedelta(days=number, hours=1),
                timezone=chapter.timezone,
                online_url="https://meet.example.org/x",
                capacity=3,
                uid=f"{uuid.uuid4()}@count",
            )
            session.add(event)
            await session.flush()
            session.add_all(
                [
                    EventSpeaker(event_id=event.id, position=0, engineer_id=people[0].id),
                    EventSpeaker(event_id=event.id, position=1, name="Guest"),
                    *[
                        EventRegistration(
                            event_id=event.id,
                            engineer_id=person.id,
                            status="REGISTERED" if index < 3 else "WAITLISTED",
                            listed=True,
                        )
                        for index, person in enumerate(people)
                    ],
                ]
            )
    await session.flush()
    return people[1]


async def test_nested_event_reads_do_not_grow_with_chapters_or_events(
    session: AsyncSession,
    graphql: GraphQLClient,
    statements: StatementCounter,
    registry: ChapterRegistry,
) -> None:
    attendee = await _busy_chapters(session)
    viewer = await viewers.engineer(session, registry, attendee)

    statements.reset()
    small = await graphql.data(CHAPTER_EVENTS, {"chapters": 3, "events": 1}, viewer)
    small_count = statements.count
    statements.reset()
    large = await graphql.data(CHAPTER_EVENTS, {"chapters": 9, "events": 4}, viewer)
    large_count = statements.count

    listed = [chapter for chapter in large["chapters"]["nodes"] if chapter["events"]["nodes"]]
    assert len(listed) == 4
    assert all(len(chapter["events"]["nodes"]) == 4 for chapter in listed)
    first = listed[0]["events"]["nodes"][0]
    assert first["attendeeCount"] == 3
    assert first["viewerRegistration"] == {"status": "REGISTERED"}
    assert first["onlineUrl"] == "https://meet.example.org/x"
    assert len(small["chapters"]["nodes"]) == 3
    assert small_count == large_count
    assert large_count <= 20, statements.statements
