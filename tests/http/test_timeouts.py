"""Timeouts: PostgreSQL's statement_timeout and the request deadline; nothing half-done."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import strawberry
from asgi_lifespan import LifespanManager
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import DatabaseLocation, create_engine
from graph.app import create_app
from graph.context import Info
from graph.extensions.admission import AdmissionControl
from graph.extensions.errors import MaskUnexpectedErrors
from graph.extensions.limits import LimitedParser
from graph.extensions.validation import ValidationWithPageLimits
from graph.http.settings import HardeningSettings
from graph.schema import BrainGainSchema
from tests.http.conftest import settings

PROBE = "timeout_probe"
SLOW_WRITE = "mutation ($tag: String!) { slowWrite(tag: $tag) }"


@strawberry.type(description="Test root.")
class Query:
    """Reads for the timeout tests."""

    @strawberry.field(description="Rows written with this tag.")
    async def written(self, info: Info, tag: str) -> int:
        """Count probe rows."""
        async with info.context.database.session() as session:
            result = await session.execute(
                text(f"SELECT count(*) FROM {PROBE} WHERE tag = :tag"), {"tag": tag}
            )
            return int(result.scalar_one())


@strawberry.type(description="Test mutations.")
class Mutation:
    """A write followed by a slow statement, committed only at the end."""

    @strawberry.mutation(description="Insert a row, sleep in SQL, then commit.")
    async def slow_write(self, info: Info, tag: str) -> bool:
        """Half of the work happens before the slow statement."""
        async with info.context.database.session() as session:
            await session.execute(text(f"INSERT INTO {PROBE} (tag) VALUES (:tag)"), {"tag": tag})
            await session.execute(text("SELECT pg_sleep(2)"))
            await session.commit()
        return True


SCHEMA = BrainGainSchema(
    query=Query,
    mutation=Mutation,
    extensions=[LimitedParser, ValidationWithPageLimits, AdmissionControl, MaskUnexpectedErrors],
)


@pytest.fixture
async def probe_table(engine: AsyncEngine) -> AsyncIterator[None]:
    """A committed scratch table (the timeout paths must roll back real transactions)."""
    async with engine.begin() as connection:
        await connection.execute(text(f"CREATE TABLE IF NOT EXISTS {PROBE} (tag text)"))
    yield
    async with engine.begin() as connection:
        await connection.execute(text(f"DROP TABLE IF EXISTS {PROBE}"))


@asynccontextmanager
async def serving(
    database: DatabaseLocation, statement_ms: int, request_s: float
) -> AsyncIterator[httpx.AsyncClient]:
    """The app on its own engine with these timeouts."""
    engine = create_engine(database.url, pool_size=2, statement_timeout_ms=statement_ms)
    app = create_app(
        settings(),
        engine=engine,
        schema=SCHEMA,
        hardening=HardeningSettings(request_timeout_seconds=request_s),
    )
    try:
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield client
    finally:
        await engine.dispose()


async def _written(client: httpx.AsyncClient, tag: str) -> int:
    response = await client.post(
        "/graphql",
        json={"query": "query ($t: String!) { written(tag: $t) }", "variables": {"t": tag}},
    )
    value: int = response.json()["data"]["written"]
    return value


async def test_statement_timeout_is_a_clear_error_and_rolls_back(
    database: DatabaseLocation, probe_table: None
) -> None:
    tag = uuid.uuid4().hex
    async with serving(database, statement_ms=300, request_s=15) as client:
        response = await client.post(
            "/graphql", json={"query": SLOW_WRITE, "variables": {"tag": tag}}
        )

        body = response.json()
        error = body["errors"][0]
        assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "reason": "STATEMENT_TIMEOUT"}
        assert "took too long" in error["message"]
        assert "pg_sleep" not in str(body)
        assert "SELECT" not in str(body)
        assert body["data"] is None
        assert await _written(client, tag) == 0


async def test_request_timeout_cancels_and_leaves_nothing_behind(
    database: DatabaseLocation, probe_table: None, engine: AsyncEngine
) -> None:
    tag = uuid.uuid4().hex
    async with serving(database, statement_ms=10_000, request_s=0.5) as client:
        response = await client.post(
            "/graphql", json={"query": SLOW_WRITE, "variables": {"tag": tag}}
        )

        assert response.status_code == 503
        body = response.json()
        assert "data" not in body
        error = body["errors"][0]
        assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        assert error["extensions"]["reason"] == "TIMEOUT"
        assert error["message"].startswith("The operation did not finish within 0.5 s")
        await asyncio.sleep(0.2)
        assert await _written(client, tag) == 0
        async with engine.connect() as connection:
            sleeping = await connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                    "AND query = 'SELECT pg_sleep(2)' AND datname = current_database()"
                )
            )
            assert sleeping.scalar_one() == 0, "the slow statement must not keep running"
