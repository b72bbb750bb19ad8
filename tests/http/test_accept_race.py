"""Racing accepts over real HTTP: a contributor's last slot goes to exactly one of them.

Row locks only serialise separate transactions, so the app runs on its own engine against the
test database (uvicorn in the test's loop, each request on its own pooled connection), the rows
are committed first and deleted afterwards.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.engine import DatabaseLocation
from db.models import Engagement, Engineer, Opportunity
from graph.app import create_app
from graph.auth.authentication import engineer_subject
from graph.auth.scopes import Scope
from graph.auth.tokens import issue_access_token
from graph.chapters import ChapterRegistry
from graph.extensions.budget import MemoryBudgetStore
from graph.http.settings import BudgetSettings, HardeningSettings
from graph.ids import encode_id
from graph.settings import Settings
from tests import contribution_world as world
from tests import factories
from tests.support.in_loop import served

RACERS = 6
ACCEPT = """
mutation Accept($input: ApplicationInput!) {
  applicationAccept(input: $input) {
    application { status }
    engagement { id status }
    userErrors { code }
  }
}
"""


@dataclass
class Race:
    """Committed rows: a contributor with one slot left, and an application to each of
    RACERS opportunities of RACERS different seekers."""

    contributor: Engineer | None = None
    seekers: list[Engineer] = field(default_factory=list)
    applications: list[int] = field(default_factory=list)


@pytest.fixture
async def race(engine: AsyncEngine) -> AsyncIterator[Race]:
    tag = uuid.uuid4().hex[:10]
    found = Race()
    async with AsyncSession(engine, expire_on_commit=False) as session:
        contributor = await factories.engineer(
            session, handle=f"race-c-{tag}", max_mentees=2, capacity_hours_per_month=40
        )
        found.contributor = contributor
        busy_with = await factories.engineer(session, handle=f"race-b-{tag}", offers=[])
        found.seekers.append(busy_with)
        await world.engagement(session, contributor, busy_with)  # one slot of two taken
        for number in range(RACERS):
            seeker = await factories.engineer(session, handle=f"race-s{number}-{tag}", offers=[])
            found.seekers.append(seeker)
            target = await world.opportunity(session, seeker, title=f"Race {number} {tag}")
            found.applications.append((await world.application(session, target, contributor)).id)
        await session.commit()
    try:
        yield found
    finally:
        async with AsyncSession(engine) as session:
            ids = [contributor.id, *(seeker.id for seeker in found.seekers)]
            # engagements first: deleting a seeker nulls `seeker_id` (has_seeker refuses that)
            # before its contributor's row cascades, when the heap returns the seeker first
            await session.execute(
                delete(Engagement).where(
                    Engagement.contributor_id.in_(ids) | Engagement.seeker_id.in_(ids)
                )
            )
            await session.execute(delete(Opportunity).where(Opportunity.poster_id.in_(ids)))
            await session.execute(delete(Engineer).where(Engineer.id.in_(ids)))
            await session.commit()


async def test_parallel_accepts_fill_the_last_slot_exactly_once(
    database: DatabaseLocation, engine: AsyncEngine, registry: ChapterRegistry, race: Race
) -> None:
    settings = Settings(
        database_url=database.url, environment="test", max_body_bytes=100_000, log_level="INFO"
    )
    app = create_app(
        settings,
        registry=registry,
        budget_store=MemoryBudgetStore(),
        hardening=HardeningSettings(budget=BudgetSettings(capacity=10**9, restore_rate=10**9)),
    )

    def token(who: Engineer) -> str:
        signed, _ = issue_access_token(
            app.state.auth.keys.signing_key(),
            issuer=settings.issuer,
            audience=settings.audience,
            subject=engineer_subject(who.id),
            client_id="test",
            scopes=[Scope.ENGAGEMENTS_WRITE, Scope.PROFILES_READ],
            lifetime_seconds=300,
        )
        return signed

    async with (
        LifespanManager(app),
        served(app, log_level="error") as address,
        httpx.AsyncClient(base_url=f"http://{address}", timeout=30) as client,
    ):
        # When every seeker accepts the contributor's application at the same moment
        async def accept(seeker: Engineer, application: int) -> dict[str, object]:
            response = await client.post(
                "/graphql",
                json={
                    "query": ACCEPT,
                    "variables": {"input": {"application": encode_id("Application", application)}},
                },
                headers={"Authorization": f"Bearer {token(seeker)}"},
            )
            assert response.status_code == 200, response.text
            body = response.json()
            assert "errors" not in body, body
            payload: dict[str, object] = body["data"]["applicationAccept"]
            return payload

        answers = await asyncio.gather(
            *(
                accept(seeker, application)
                for seeker, application in zip(race.seekers[1:], race.applications, strict=True)
            )
        )

    # Then exactly one wins an engagement; every other gets CAPACITY_EXCEEDED and changes nothing
    winners = [answer for answer in answers if answer["userErrors"] == []]
    losers = [answer for answer in answers if answer["userErrors"] != []]
    assert len(winners) == 1
    assert winners[0]["application"] == {"status": "ACCEPTED"}
    assert len(losers) == RACERS - 1
    assert all(answer["userErrors"] == [{"code": "CAPACITY_EXCEEDED"}] for answer in losers)
    assert all(answer["engagement"] is None for answer in losers)
    assert race.contributor is not None
    async with AsyncSession(engine) as session:
        engagements = await session.scalar(
            select(func.count())
            .select_from(Engagement)
            .where(Engagement.contributor_id == race.contributor.id)
        )
    assert engagements == 2
