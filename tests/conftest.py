"""Fixtures: a migrated PostgreSQL per test run, and a rolled-back transaction per test."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import DatabaseLocation, StatementCounter, create_engine, stop_embedded
from db.migrate import upgrade
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry, load_registry
from graph.compiler.objects import CompiledObjects
from graph.compiler.operation import CompiledQueries
from graph.context import Context
from graph.database import RequestDatabase
from graph.schema import schema
from graph.services.chapter import sync_chapters
from tests.database import provision


@pytest.fixture(scope="session")
def database() -> Iterator[DatabaseLocation]:
    """A migrated test database holding the chapters from chapters_config/."""
    location = provision()
    upgrade(location.url)
    yield location
    stop_embedded(location)


@pytest.fixture(scope="session")
def registry() -> ChapterRegistry:
    """The chapters of chapters_config/."""
    return load_registry()


@pytest.fixture(scope="session")
async def engine(
    database: DatabaseLocation, registry: ChapterRegistry
) -> AsyncIterator[AsyncEngine]:
    """One engine for the run; chapters synced once and committed."""
    engine = create_engine(database.url, pool_size=2)
    async with AsyncSession(engine) as session:
        await sync_chapters(session, registry)
        await session.commit()
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside a transaction that is rolled back after the test."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """Sessions joined to the test's transaction: their commits become savepoints."""
    return async_sessionmaker(
        bind=connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
    )


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for arranging data (factories flush through it)."""
    async with sessionmaker() as session:
        yield session


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[StatementCounter]:
    """Counts SQL statements sent during the test."""
    counter = StatementCounter(engine)
    yield counter
    counter.close()


_OBJECTS: dict[int, CompiledObjects] = {}


def compiled_objects(registry: ChapterRegistry) -> CompiledObjects:
    """The app's completer of payload objects (graph.compiler.objects), one per registry."""
    found = _OBJECTS.get(id(registry))
    if found is None:
        found = _OBJECTS[id(registry)] = CompiledObjects(
            CompiledQueries(schema._schema, registry=registry)
        )
    return found


class GraphQLClient:
    """Executes documents against the schema with a fresh Context per call."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        session: AsyncSession,
        registry: ChapterRegistry,
    ):
        self.sessionmaker = sessionmaker
        self.session = session
        self.registry = registry
        self.objects = compiled_objects(registry)

    async def execute(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        viewer: Viewer = ANONYMOUS,
    ) -> Any:
        """Run `document` as `viewer`; returns strawberry's ExecutionResult."""
        await self.session.flush()
        database = RequestDatabase(self.sessionmaker)
        context = Context.create(database, self.registry, viewer)
        context.objects = self.objects  # payloads and events read as the app reads them
        try:
            return await schema.execute(
                document, variable_values=variables, context_value=context
            )
        finally:
            await database.close()

    async def data(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        viewer: Viewer = ANONYMOUS,
    ) -> Any:
        """Run `document` as `viewer` and return its data, failing on any error."""
        result = await self.execute(document, variables, viewer)
        assert result.errors is None, result.errors
        return result.data


@pytest.fixture
def graphql(
    sessionmaker: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    registry: ChapterRegistry,
) -> GraphQLClient:
    """A client that executes GraphQL in the test's transaction."""
    return GraphQLClient(sessionmaker, session, registry)
