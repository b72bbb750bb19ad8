"""RSVPs racing over real HTTP: places never exceed capacity and the waitlist keeps its order.

The app runs under uvicorn on a real socket with its own connection pool over committed rows,
so every request is its own transaction and the event's row lock is what serialises them.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.applications import Starlette

from db.engine import DatabaseLocation
from db.models import AuditLogEntry, Engineer, Event, EventRegistration, Membership
from graph.app import create_app
from graph.auth.authentication import engineer_subject
from graph.auth.scopes import Scope
from graph.auth.tokens import issue_access_token
from graph.compiler.settings import CompilerSettings
from graph.extensions.budget import MemoryBudgetStore
from graph.http.settings import BudgetSettings, HardeningSettings
from graph.ids import encode_id
from tests import factories
from tests.http.conftest import settings
from tests.support.in_loop import served

RSVP = """
mutation ($event: ID!) {
  eventRsvp(input: {event: $event}) { registration { status } userErrors { code } }
}
"""
RSVP_CANCEL = """
mutation ($event: ID!) {
  eventRsvpCancel(input: {event: $event}) { registration { status } userErrors { code } }
}
"""
GROW = """
mutation ($event: ID!, $capacity: Int!) {
  eventUpdate(input: {event: $event, capacity: $capacity}) {
    event { capacity } userErrors { code }
  }
}
"""
CAPACITY = 5
GROWN = 8
PEOPLE = 24


@dataclass
class Crowd:
    """Committed rows of the race: an organiser, members and the event."""

    organiser: Engineer
    members: list[Engineer] = field(default_factory=list)
    event_id: int = 0


@pytest.fixture
async def crowd(engine: AsyncEngine) -> AsyncIterator[Crowd]:
    """A gulf-uae events lead, PEOPLE members and a meetup of CAPACITY places, committed and
    deleted afterwards."""
    tag = uuid.uuid4().hex[:8]
    async with AsyncSession(engine, expire_on_commit=False) as session:
        gulf = await factories.chapter(session, "gulf-uae")
        organiser = await factories.engineer(session, handle=f"race-lead-{tag}")
        await factories.membership(session, organiser, gulf, role="events-lead")
        crowd = Crowd(organiser)
        for number in range(PEOPLE):
            member = await factories.engineer(session, handle=f"race-{number}-{tag}")
            await factories.membership(session, member, gulf)
            crowd.members.append(member)
        starts = datetime.now(UTC) + timedelta(days=3)
        event = Event(
            chapter_id=gulf.id,
            kind="MEETUP",
            title="Race night",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            timezone="Asia/Dubai",
            venue="Dubai",
            capacity=CAPACITY,
            uid=f"race-{tag}@events.braingain",
        )
        session.add(event)
        await session.commit()
        crowd.event_id = event.id
    try:
        yield crowd
    finally:
        engineer_ids = [crowd.organiser.id, *(member.id for member in crowd.members)]
        async with AsyncSession(engine) as session:
            await session.execute(
                delete(AuditLogEntry).where(
                    AuditLogEntry.target_type == "Event", AuditLogEntry.target_id == crowd.event_id
                )
            )
            await session.execute(delete(Event).where(Event.id == crowd.event_id))
            await session.execute(
                delete(Membership).where(Membership.engineer_id.in_(engineer_ids))
            )
            await session.execute(delete(Engineer).where(Engineer.id.in_(engineer_ids)))
            await session.commit()


def _token(app: Starlette, engineer_id: int) -> str:
    configured = settings()
    token, _ = issue_access_token(
        app.state.auth.keys.signing_key(),
        issuer=configured.issuer,
        audience=configured.audience,
        subject=engineer_subject(engineer_id),
        client_id="test",
        scopes=list(Scope),
        lifetime_seconds=300,
    )
    return token


async def _rows(engine: AsyncEngine, event_id: int) -> list[Any]:
    async with AsyncSession(engine) as session:
        result = await session.execute(
            select(
                EventRegistration.engineer_id,
                EventRegistration.status,
                EventRegistration.queued_at,
                EventRegistration.id,
            )
            .where(EventRegistration.event_id == event_id)
            .order_by(EventRegistration.queued_at, EventRegistration.id)
        )
        return list(result)


async def test_parallel_rsvps_and_cancellations_keep_capacity_and_waitlist_order(
    database: DatabaseLocation, engine: AsyncEngine, crowd: Crowd
) -> None:
    app = create_app(
        settings(database_url=database.url, environment="production", log_level="WARNING"),
        budget_store=MemoryBudgetStore(),
        hardening=HardeningSettings(budget=BudgetSettings(capacity=10**9, restore_rate=10**9)),
        compiler=CompilerSettings(tune_gc=False),
    )
    event = encode_id("Event", crowd.event_id)
    peak = 0
    storm_over = asyncio.Event()

    async def watch() -> None:
        # Samples the places taken, committed, while the storm runs.
        nonlocal peak
        async with AsyncSession(engine) as session:
            while not storm_over.is_set():
                taken = await session.scalar(
                    select(func.count())
                    .select_from(EventRegistration)
                    .where(
                        EventRegistration.event_id == crowd.event_id,
                        EventRegistration.status == "REGISTERED",
                    )
                )
                capacity = await session.scalar(
                    select(Event.capacity).where(Event.id == crowd.event_id)
                )
                await session.rollback()
                assert taken is not None
                assert capacity is not None
                peak = max(peak, taken - capacity)
                await asyncio.sleep(0.005)

    async with LifespanManager(app) as manager, served(manager.app) as address:
        tokens = {member.id: _token(app, member.id) for member in crowd.members}
        lead = _token(app, crowd.organiser.id)
        async with httpx.AsyncClient(base_url=f"http://{address}", timeout=60) as client:

            async def call(token: str, document: str, **variables: Any) -> dict[str, Any]:
                response = await client.post(
                    "/graphql",
                    json={"query": document, "variables": {"event": event, **variables}},
                    headers={"Authorization": f"Bearer {token}"},
                )
                body: dict[str, Any] = response.json()
                assert "errors" not in body, body
                data: dict[str, Any] = body["data"]
                return data

            watcher = asyncio.create_task(watch())
            # Given everyone asking for a place at once
            first_wave = crowd.members[:16]
            answers = await asyncio.gather(
                *(call(tokens[member.id], RSVP) for member in first_wave)
            )
            statuses = [answer["eventRsvp"]["registration"]["status"] for answer in answers]
            assert statuses.count("REGISTERED") == CAPACITY
            assert statuses.count("WAITLISTED") == 16 - CAPACITY

            # When holders give up places, newcomers ask and capacity grows, all at once
            registered = [
                member
                for member, status in zip(first_wave, statuses, strict=True)
                if status == "REGISTERED"
            ]
            quitting = registered[:3]
            newcomers = crowd.members[16:]
            calls = [call(tokens[member.id], RSVP_CANCEL) for member in quitting]
            calls += [call(tokens[member.id], RSVP) for member in newcomers]
            calls.append(call(lead, GROW, capacity=GROWN))
            results = await asyncio.gather(*calls)
            storm_over.set()
            await watcher

    # Then no moment had more places taken than the capacity
    assert peak <= 0
    for result in results:
        payload = next(iter(result.values()))
        assert payload["userErrors"] == [], payload

    rows = await _rows(engine, crowd.event_id)
    active = [row for row in rows if row.status in ("REGISTERED", "WAITLISTED")]
    taken = [row for row in active if row.status == "REGISTERED"]
    waiting = [row for row in active if row.status == "WAITLISTED"]
    # And places are full while anyone waits
    assert len(taken) == GROWN
    assert len(waiting) == len(active) - GROWN
    # And the waitlist kept its order: everyone promoted asked before everyone still waiting
    first_holders = {member.id for member in registered}
    promoted = [row for row in taken if row.engineer_id not in first_holders]
    assert promoted
    assert max((row.queued_at, row.id) for row in promoted) < min(
        (row.queued_at, row.id) for row in waiting
    )
    # And those who quit hold nothing
    quitters = {member.id for member in quitting}
    assert {row.engineer_id for row in rows if row.status == "CANCELLED"} == quitters
