"""Fixtures for the compiled read path: a varied data set and a client running both paths."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from strawberry.types import ExecutionResult

from db.engine import StatementCounter
from db.models import (
    AccessLogEntry,
    ChapterAnnouncement,
    DataExport,
    Engineer,
    Event,
    EventRegistration,
    EventSpeaker,
    Institution,
    Notification,
    Sector,
)
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.compiler import consent
from graph.compiler.operation import CompiledQueries
from graph.compiler.reads import CompiledReads
from graph.context import Context
from graph.database import RequestDatabase
from graph.extensions.admission import Admission
from graph.extensions.limits import Limits
from graph.ids import decode_id, encode_id
from graph.schema import schema
from tests import factories
from tests.compiler import contributions, hall_of_fame, panels, programmes, supervision
from tests.conftest import GraphQLClient

FIELD_VISIBILITIES: dict[int, dict[str, str]] = {
    1: {"city": "MEMBERS", "skills": "PRIVATE", "capacity": "CHAPTER", "email": "PUBLIC"},
    2: {
        "sectors": "MEMBERS",
        "timezone": "PRIVATE",
        "languages": "MEMBERS",
        "pec_registration_number": "PUBLIC",
        "phone": "PUBLIC",
    },
    3: {"pec_registration_number": "PUBLIC", "positions": "CHAPTER"},
    5: {"skills": "CHAPTER", "city": "CHAPTER", "email": "CHAPTER", "education": "MEMBERS"},
    4: {
        "affiliations": "MEMBERS",
        "education": "CHAPTER",
        "skills": "MEMBERS",
        "sectors": "PRIVATE",
    },
    6: {"city": "nonsense", "pec_registration_number": "PUBLIC"},
}
"""Visibility settings per engineer number: masks and filters must agree with strawberry."""

LIVE_GRANTS: dict[int, list[list[str]]] = {
    1: [["email", "city", "skills", "capacity"], ["phone", "city"]],
    2: [["sectors", "timezone", "languages", "affiliations"]],
    4: [["affiliations", "education", "sectors", "pec_registration_number"]],
    5: [["email", "skills", "positions"]],
    6: [["email", "city", "phone"]],
}
"""Live consent grants to the university, by engineer number: fields hidden by visibility
(read under consent, logged), shown anyway (public: not logged), two grants naming `city`
(the lower id is logged), and an unreadable visibility setting (private, so consent applies)."""


@dataclass
class World:
    """What the data set holds, for building variables."""

    handles: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    pks: dict[str, int] = field(default_factory=dict)
    """Primary keys of engineers (by handle), chapters and institutions (by slug), for
    building viewers."""


class CountingConnection:
    """Wraps the driver connection to count the statements the compiled path sends."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.count = 0

    async def fetchval(self, query: str, *args: Any) -> Any:
        """Run one statement."""
        self.count += 1
        return await self.connection.fetchval(query, *args)


UNLIMITED = Limits(
    max_depth=100,
    max_aliases=10_000,
    max_tokens=1_000_000,
    max_characters=10_000_000,
    max_cost=10**9,
    max_expanded_selections=10**6,
)
"""The compiled path alone, as the tests ask it: no budget, and limits no test document
reaches (some ask for more aliases than an HTTP request may, to test the planner's own)."""

LogRow = tuple[int, int | None, int, str | None, tuple[str, ...], str]
"""An access-log row as compared: engineer, institution, grant, client, fields, request id."""


@dataclass
class BothPaths:
    """Runs a document as the app does (`app`: the compiled statement, with the residual and
    Python fields strawberry completes) and through the compiled statement alone; the
    answers themselves are pinned by the golden files (test_golden.py)."""

    graphql: GraphQLClient
    session: AsyncSession
    compiled: CompiledQueries
    last_statement_count: int = 0

    async def app(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        viewer: Viewer = ANONYMOUS,
        request_id: str | None = None,
        reads: consent.Reads | None = None,
    ) -> ExecutionResult:
        """The app's result (its consent reads logged, with `reads` given beforehand)."""
        await self.session.flush()
        database = RequestDatabase(self.graphql.sessionmaker)
        context = Context.create(database, self.graphql.registry, viewer, request_id)
        for read, fields in (reads or {}).items():
            context.consent_reads[read] |= fields
        try:
            return await self.graphql.run(document, variables, viewer, context)
        finally:
            await database.close()

    async def compiled_data(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        viewer: Viewer = ANONYMOUS,
        request_id: str | None = None,
    ) -> Any | None:
        """The compiled path's `data`, or None when it falls back to strawberry (or answers
        with errors: compiled_response)."""
        response = await self.compiled_response(document, variables, viewer, request_id)
        if response is None or "errors" in response:
            return None
        return response["data"]

    async def compiled_response(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        viewer: Viewer = ANONYMOUS,
        request_id: str | None = None,
    ) -> dict[str, Any] | None:
        """The compiled path's response as strawberry's `data` and `errors` (formatted), or
        None when it falls back to strawberry: page-size errors before execution, as the
        endpoint's compiled path reports them, then the statement and its error marks."""
        await self.session.flush()
        connection = await self.session.connection()
        raw = await connection.get_raw_connection()
        counting = CountingConnection(raw.driver_connection)
        identity = request_id or uuid4().hex
        database = RequestDatabase(self.graphql.sessionmaker)

        async def context() -> Context:
            return Context.create(database, self.graphql.registry, viewer, identity)

        @asynccontextmanager
        async def acquire() -> AsyncIterator[CountingConnection]:
            yield counting

        reads = CompiledReads(self.compiled, schema, acquire)
        bind = self.session.bind
        assert isinstance(bind, AsyncConnection)
        writes = StatementCounter(bind.engine)  # strawberry's and the access log's statements
        try:
            result = await reads.answer(
                document, None, variables, viewer, Admission(limits=UNLIMITED), context
            )
        finally:
            writes.close()
            await database.close()
        if result is None:
            return None
        self.last_statement_count = counting.count + writes.count
        data = None if result.data_json is None else orjson.loads(result.data_json)
        response: dict[str, Any] = {"data": data}
        if result.errors:
            response["errors"] = [error.formatted for error in result.errors]
        return response

    async def compare_response(
        self, document: str, variables: dict[str, Any] | None = None, viewer: Viewer = ANONYMOUS
    ) -> dict[str, Any]:
        """Assert the compiled statement answers, errors and all, exactly as the app; return
        it."""
        actual = await self.compiled_response(document, variables, viewer)
        result = await self.app(document, variables, viewer)
        expected: dict[str, Any] = {"data": result.data}
        if result.errors:
            expected["errors"] = [error.formatted for error in result.errors]
        assert actual is not None, "the document should compile"
        assert json.dumps(actual) == json.dumps(expected)
        return actual

    async def compare(
        self, document: str, variables: dict[str, Any] | None = None, viewer: Viewer = ANONYMOUS
    ) -> Any:
        """Assert the document compiles and the statement gives the app's data, keys in the
        same order; return it."""
        expected = await self.app(document, variables, viewer)
        assert expected.errors is None, expected.errors
        actual = await self.compiled_data(document, variables, viewer)
        assert actual is not None, "the document should compile"
        assert json.dumps(actual) == json.dumps(expected.data)
        return actual

    async def compare_logged(
        self, document: str, variables: dict[str, Any] | None = None, viewer: Viewer = ANONYMOUS
    ) -> tuple[Any, list[LogRow]]:
        """As `compare`, and both paths wrote the same access-log rows; (data, rows)."""
        request_id = uuid4().hex
        mark = await self.last_log_id()
        expected = await self.app(document, variables, viewer, request_id)
        assert expected.errors is None, expected.errors
        logged = await self.log_since(mark)
        mark = await self.last_log_id()
        actual = await self.compiled_data(document, variables, viewer, request_id)
        assert actual is not None, "the document should compile"
        assert json.dumps(actual) == json.dumps(expected.data)
        assert await self.log_since(mark) == logged
        return actual, logged

    async def last_log_id(self) -> int:
        """The newest access-log row's id (0 when there is none)."""
        last = await self.session.scalar(select(func.coalesce(func.max(AccessLogEntry.id), 0)))
        assert isinstance(last, int)
        return last

    async def log_since(self, last_id: int) -> list[LogRow]:
        """Access-log rows written after `last_id`, sorted."""
        entry = AccessLogEntry
        rows = await self.session.execute(
            select(
                entry.engineer_id,
                entry.institution_id,
                entry.consent_grant_id,
                entry.client_id,
                entry.fields,
                entry.request_id,
            ).where(entry.id > last_id)
        )
        return sorted(
            (engineer, institution, grant, client, tuple(fields), request)
            for engineer, institution, grant, client, fields, request in rows
        )


async def _consent_grants(
    session: AsyncSession, world: World, university: Institution, startup: Institution
) -> None:
    """The university holds live grants (LIVE_GRANTS), one expired and one revoked; the
    startup only an expired and a revoked one."""
    world.pks["cmp-uni"], world.pks["cmp-start"] = university.id, startup.id
    engineers = {
        number: await session.get_one(Engineer, world.pks[f"cmp-{number}"]) for number in range(7)
    }
    past = datetime.now(UTC) - timedelta(days=1)
    for number, grants in LIVE_GRANTS.items():
        for fields in grants:
            await factories.consent_grant(session, engineers[number], university, fields)
    lapsed = [
        (3, university, ["positions", "email"], {"expires_at": past}),
        (0, university, ["phone", "email"], {"revoked_at": past}),
        (1, startup, ["email", "city"], {"expires_at": past}),
        (4, startup, ["affiliations"], {"revoked_at": past}),
    ]
    for number, institution, fields, overrides in lapsed:
        await factories.consent_grant(session, engineers[number], institution, fields, **overrides)


@pytest.fixture
def both(graphql: GraphQLClient, session: AsyncSession) -> BothPaths:
    """Both execution paths over the test's transaction (the compiled plans are the test
    client's, shared by every test: a plan does not depend on the viewer or the data)."""
    return BothPaths(graphql, session, graphql.objects.queries)


@pytest.fixture
async def world(session: AsyncSession) -> World:
    """Engineers with every kind of nested record, memberships in each status, institutions."""
    return await build_world(session)


async def build_world(session: AsyncSession) -> World:
    """The data set of `world`, built through the factories."""
    found = World()
    water = await factories.sector(session, slug="cmp-water", name="Cmp Water")
    grid = await factories.sector(session, slug="cmp-grid", name='Cmp Grid "Power" ö')
    skills = [
        await factories.skill(session, slug="cmp-hydro", name="Cmp Hydro", sector_id=water.id),
        await factories.skill(session, slug="cmp-relay", name="Cmp Relay", sector_id=grid.id),
        await factories.skill(session, slug="cmp-misc", name="Cmp Misc"),
    ]
    gulf = await factories.chapter(session, "gulf-uae")
    uk = await factories.chapter(session, "uk-ireland")
    university = await factories.institution(session, slug="cmp-uni", name="Cmp University")
    startup = await factories.institution(
        session, slug="cmp-start", name="Cmp Startup", kind="STARTUP", verified=False
    )
    for number in range(7):
        engineer = await factories.engineer(
            session,
            handle=f"cmp-{number}",
            name="Cmp Same" if number in (2, 3) else f'Cmp Ünïcode {number} \\ "q"',
            bio="cmpword",
            photo_url=None if number % 2 else f"https://example.org/{number}.jpg",
            pec_status="VERIFIED" if number % 3 == 0 else "UNREGISTERED",
            pec_registration_number=f"PEC-{number}" if number % 3 == 0 else None,
            languages=[] if number == 4 else ["en", "ur"],
            seeks=["MENTORSHIP"] if number % 2 else [],
            email=f"cmp-{number}@example.org",
            phone=f"+97150000000{number}",
            field_visibility=FIELD_VISIBILITIES.get(number, {}),
        )
        found.handles.append(engineer.handle)
        found.pks[engineer.handle] = engineer.id
        found.ids[engineer.handle] = encode_id("Engineer", engineer.id)
        for index, skill in enumerate(skills[: number % 4]):
            await factories.claim_skill(session, engineer, skill, years=3 + index % 2)
        if number % 2 == 0:
            await factories.join_sector(session, engineer, water)
        if number % 3 == 0:
            await factories.join_sector(session, engineer, grid)
        await factories.position(session, engineer, title="Now", start_date=date(2021, 1, 1))
        if number % 2:
            await factories.position(
                session,
                engineer,
                title="Before",
                start_date=date(2015, 5, 1),
                end_date=date(2020, 12, 31),
            )
        if number % 3 == 1:
            await factories.affiliation(session, engineer, university, role=f"Lecturer {number}")
            await factories.affiliation(session, engineer, startup, since=date(2022, 2, 2))
        membership = await factories.membership(
            session,
            engineer,
            gulf,
            status=("ACTIVE", "ACTIVE", "PENDING", "SUSPENDED")[number % 4],
            role="moderator" if number == 1 else "member",
        )
        found.ids[f"membership-{number}"] = encode_id("Membership", membership.id)
        if number % 2:
            await factories.membership(
                session,
                engineer,
                uk,
                since=datetime(2024, 3, 1, 12, 0, 0, 123456 * number % 1000000, tzinfo=UTC),
            )
    await _consent_grants(session, found, university, startup)
    await _forum(session, found, gulf.id, uk.id)
    await _events(session, found, gulf.id, uk.id)
    found.pks["gulf-uae"] = gulf.id
    await contributions.build(session, found)
    found.ids["gulf"] = encode_id("Chapter", gulf.id)
    found.pks["gulf-uae"], found.pks["uk-ireland"] = gulf.id, uk.id
    await _notifications(session, found)
    found.ids["uni"] = encode_id("Institution", university.id)
    found.ids["water"] = encode_id("Sector", water.id)
    found.ids["hydro"] = encode_id("Skill", skills[0].id)
    found.ids["misc"] = encode_id("Skill", skills[2].id)
    await programmes.build(session, found)
    await panels.build(session, found)
    await supervision.build(session, found)
    await _data_exports(session, found)
    await hall_of_fame.build(session, found)
    return found


async def _data_exports(session: AsyncSession, found: World) -> None:
    """Data exports of cmp-1 (the `self` viewer) in each state, and one of cmp-0's."""
    requested = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    states = [
        ("cmp-1", "READY", 4096),
        ("cmp-1", "EXPIRED", None),
        ("cmp-1", "PENDING", None),
        ("cmp-0", "READY", 2048),
    ]
    for number, (handle, status, size) in enumerate(states):
        ready = requested + timedelta(minutes=1) if status != "PENDING" else None
        row = DataExport(
            engineer_id=found.pks[handle],
            status=status,
            token_hash=f"{number:064x}",
            requested_at=requested,
            ready_at=ready,
            expires_at=ready + timedelta(days=7) if ready is not None else None,
            byte_size=size,
        )
        session.add(row)
        await session.flush()
        found.ids[f"export-{number}"] = encode_id("DataExport", row.id)


async def _notifications(session: AsyncSession, found: World) -> None:
    """cmp-1: a read reply notice with an actor and thread, an unread mention of a reply, an
    unread membership decision (no summary given); cmp-0: one of its own."""
    mine, theirs = found.pks["cmp-1"], found.pks["cmp-0"]
    thread = decode_id(found.ids["cmp-gulf-thread-2"]).key
    post = decode_id(found.ids["cmp-gulf-thread-2-post-0"]).key
    rows = [
        Notification(
            recipient_id=mine,
            kind="FORUM_REPLY",
            actor_id=theirs,
            thread_id=thread,
            payload={"summary": 'Cmp "reply" ö', "excerpt": "Cmp \\ words"},
            read_at=datetime(2025, 1, 2, 3, 4, 5, 600000, tzinfo=UTC),
        ),
        Notification(
            recipient_id=mine,
            kind="FORUM_MENTION",
            actor_id=found.pks["cmp-2"],
            thread_id=thread,
            post_id=post,
            payload={"summary": "Cmp mention"},
        ),
        Notification(
            recipient_id=mine, kind="MEMBERSHIP_APPROVED", chapter_id=found.pks["gulf-uae"]
        ),
        Notification(recipient_id=theirs, kind="ENGAGEMENT_CHANGED"),
    ]
    session.add_all(rows)
    await session.flush()
    for number, row in enumerate(rows):
        found.ids[f"notification-{number}"] = encode_id("Notification", row.id)


async def _forum(session: AsyncSession, found: World, gulf_id: int, uk_id: int) -> None:
    """Global, sector and chapter categories (gulf-uae's members-only); threads with replies,
    votes, an accepted answer, hidden replies and a hidden thread in each."""
    water = await session.scalar(select(Sector).where(Sector.slug == "cmp-water"))
    assert water is not None
    authors = [
        await session.scalar(select(Engineer).where(Engineer.handle == f"cmp-{n}"))
        for n in range(7)
    ]
    places: dict[str, dict[str, Any]] = {
        "cmp-global": {"kind": "GLOBAL"},
        "cmp-sector": {"kind": "SECTOR", "sector_id": water.id},
        "cmp-gulf": {"kind": "CHAPTER", "chapter_id": gulf_id, "members_only": True},
        "cmp-uk": {"kind": "CHAPTER", "chapter_id": uk_id},
    }
    for index, (slug, values) in enumerate(places.items()):
        category = await factories.forum_category(
            session, slug=slug, name=f'Cmp "{slug}" ö', position=index + 1, **values
        )
        found.ids[slug] = encode_id("ForumCategory", category.id)
        for number in range(3):
            author = authors[(index + number) % 7]
            assert author is not None
            thread = await factories.forum_thread(
                session,
                category,
                author,
                title=f"Cmp thread {slug} {number}",
                tags=["cmp", slug],
                pinned=number == 2,
                hidden=number == 1,
                locked=number == 0,
            )
            found.ids[f"{slug}-thread-{number}"] = encode_id("ForumThread", thread.id)
            posts = []
            for reply in range(number * 3):
                replier = authors[(reply + number) % 7]
                assert replier is not None
                post = await factories.forum_post(
                    session,
                    thread,
                    replier,
                    body=f'Cmp reply {reply} \\ "q" ö',
                    hidden=reply == 1,
                    edited_at=datetime(2025, 3, 1, tzinfo=UTC) if reply == 2 else None,
                )
                posts.append(post)
                found.ids[f"{slug}-thread-{number}-post-{reply}"] = encode_id("ForumPost", post.id)
            if posts:
                voter = authors[6]
                assert voter is not None
                await factories.forum_vote(session, posts[0], voter, -1)
                thread.accepted_post_id = posts[-1].id
                await session.flush()


def _at(month: int, day: int, hour: int = 0, year: int = 2030) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


async def _events(session: AsyncSession, found: World, gulf_id: int, uk_id: int) -> None:
    """Gulf: an open meetup co-hosted by uk-ireland (full, with a waitlist, listed and unlisted
    attendees, an engineer and a guest speaking), a members-only workshop and a cancelled
    webinar; uk-ireland: a past talk with a check-in and a no-show. Announcements in both."""
    people = {
        number: await session.scalar(select(Engineer).where(Engineer.handle == f"cmp-{number}"))
        for number in range(7)
    }
    ids = {number: engineer.id for number, engineer in people.items() if engineer is not None}
    events: dict[str, dict[str, Any]] = {
        "event-open": {
            "chapter_id": gulf_id,
            "cohost_chapter_id": uk_id,
            "cohost_accepted_at": _at(1, 2),
            "kind": "MEETUP",
            "title": 'Cmp meetup "grid" ö',
            "starts_at": _at(3, 1, 16),
            "ends_at": _at(3, 1, 19),
            "timezone": "Asia/Dubai",
            "online_url": "https://meet.example.org/cmp",
            "venue": "Cmp Hall, Dubai",
            "capacity": 2,
            "registration_closes_at": _at(2, 28),
        },
        "event-members": {
            "chapter_id": gulf_id,
            "kind": "WORKSHOP",
            "title": "Cmp members workshop",
            "starts_at": _at(3, 5, 9),
            "ends_at": _at(3, 5, 17),
            "timezone": "Asia/Dubai",
            "venue": "Cmp Lab",
            "capacity": 10,
            "visibility": "MEMBERS_ONLY",
        },
        "event-past": {
            "chapter_id": uk_id,
            "kind": "TALK",
            "title": "Cmp past talk",
            "starts_at": _at(6, 1, 18, year=2025),
            "ends_at": _at(6, 1, 20, year=2025),
            "timezone": "Europe/London",
            "online_url": "https://meet.example.org/past",
            "capacity": 5,
        },
        "event-cancelled": {
            "chapter_id": gulf_id,
            "kind": "WEBINAR",
            "title": "Cmp cancelled webinar",
            "starts_at": _at(4, 1, 12),
            "ends_at": _at(4, 1, 13),
            "timezone": "Asia/Dubai",
            "online_url": "https://meet.example.org/cancelled",
            "capacity": 50,
            "status": "CANCELLED",
            "sequence": 2,
        },
    }
    rows: dict[str, Event] = {}
    for name, values in events.items():
        row = Event(uid=f"{name}@cmp", description=f"About {name}.", **values)
        session.add(row)
        await session.flush()
        rows[name] = row
        found.ids[name] = encode_id("Event", row.id)
    open_event = rows["event-open"]
    session.add(EventSpeaker(event_id=open_event.id, position=0, engineer_id=ids[2]))
    session.add(
        EventSpeaker(event_id=open_event.id, position=1, name="Cmp Guest", affiliation="Cmp Co")
    )
    registrations = [
        ("event-open", 0, "REGISTERED", True, None),
        ("event-open", 1, "REGISTERED", False, None),
        ("event-open", 5, "WAITLISTED", False, None),
        ("event-open", 4, "WAITLISTED", True, None),
        ("event-open", 6, "CANCELLED", True, None),
        ("event-members", 1, "REGISTERED", False, None),
        ("event-past", 3, "REGISTERED", True, _at(6, 1, 18, year=2025)),
        ("event-past", 1, "REGISTERED", True, None),
        ("event-cancelled", 0, "REGISTERED", False, None),
    ]
    for index, (name, number, status, listed, checked_in) in enumerate(registrations):
        registration = EventRegistration(
            event_id=rows[name].id,
            engineer_id=ids[number],
            status=status,
            listed=listed,
            queued_at=_at(1, 1 + index, year=2029),
            registered_at=_at(1, 1 + index, year=2029) if status == "REGISTERED" else None,
            checked_in_at=checked_in,
        )
        session.add(registration)
        await session.flush()
        found.ids[f"registration-{index}"] = encode_id("EventRegistration", registration.id)
    for index, (chapter_id, title) in enumerate(
        [(gulf_id, "Cmp gulf news"), (gulf_id, 'Cmp "second" ö'), (uk_id, "Cmp uk news")]
    ):
        announcement = ChapterAnnouncement(
            chapter_id=chapter_id,
            author_id=ids[6],
            title=title,
            body=f"Cmp body {index}",
            recipients=index + 3,
            created_at=_at(1, 10 + index, year=2029),
        )
        session.add(announcement)
        await session.flush()
        found.ids[f"announcement-{index}"] = encode_id("ChapterAnnouncement", announcement.id)
    await session.flush()
