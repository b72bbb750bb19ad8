"""Fixtures: a migrated PostgreSQL per test run, and a rolled-back transaction per test."""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from strawberry.types import ExecutionResult

from db.engine import DatabaseLocation, StatementCounter, create_engine, stop_embedded
from db.lean import lean_sessionmaker
from db.migrate import upgrade
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry, load_registry
from graph.compiler.connections import sessions
from graph.compiler.mutations import CompiledMutations
from graph.compiler.objects import CompiledObjects
from graph.compiler.operation import CompiledQueries
from graph.compiler.reads import CompiledReads
from graph.context import Context
from graph.database import LeanSource, RequestDatabase
from graph.extensions.admission import Admission
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


class CountedConnection:
    """A driver connection whose statements StatementCounter counts."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    async def fetchval(self, query: str, *args: Any) -> Any:
        """Count, then run."""
        StatementCounter.note(query)
        return await self.driver.fetchval(query, *args)


_OBJECTS: dict[int, CompiledObjects] = {}


def compiled_objects(registry: ChapterRegistry) -> CompiledObjects:
    """The app's completer of payload objects (graph.compiler.objects), one per registry."""
    found = _OBJECTS.get(id(registry))
    if found is None:
        found = _OBJECTS[id(registry)] = CompiledObjects(
            CompiledQueries(schema._schema, registry=registry)
        )
    return found


class SharedConnection:
    """The test's connection as a lean transaction's (db.lean): already in the test's
    transaction, so a lean transaction is a savepoint in it."""

    nested = True

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def take(self) -> Any:
        """The test connection's driver connection."""
        raw = await self.connection.get_raw_connection()
        return raw.driver_connection

    def give_back(self, connection: Any, error: BaseException | None) -> None:
        """Nothing to give back: the test owns the connection."""


def lean_over(sessionmaker: async_sessionmaker[AsyncSession]) -> LeanSource:
    """Lean transactions (db.lean) in the test's transaction: on the connection the test's
    sessions are bound to, as savepoints."""
    bind = sessionmaker.kw["bind"]
    assert isinstance(bind, AsyncConnection), bind
    return LeanSource(lean_sessionmaker(), SharedConnection(bind))


class GraphQLClient:
    """Executes documents against the schema with a fresh Context per call."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        session: AsyncSession,
        registry: ChapterRegistry,
        *,
        compiled_mutations: bool = True,
    ):
        self.sessionmaker = sessionmaker
        self.session = session
        self.registry = registry
        self.objects = compiled_objects(registry)
        self.mutations = CompiledMutations(self.objects)
        self.lean = lean_over(sessionmaker)
        """Compiled mutations run in lean transactions, as the app runs them (db.lean)."""
        self.mutations_enabled = compiled_mutations
        """Mutations go through graph.compiler.mutations first, as the app sends them (off:
        strawberry's executor runs them, as with BRAINGAIN_COMPILED_MUTATIONS=0)."""
        self.compiled_answers = 0

    async def execute(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        viewer: Viewer = ANONYMOUS,
    ) -> Any:
        """Run `document` as `viewer`; returns strawberry's ExecutionResult."""
        await self.session.flush()
        database = RequestDatabase(self.sessionmaker, self.lean)
        context = Context.create(database, self.registry, viewer)
        try:
            return await self.run(document, variables, viewer, context)
        finally:
            await database.close()

    async def run(
        self,
        document: str,
        variables: dict[str, Any] | None,
        viewer: Viewer,
        context: Context,
    ) -> ExecutionResult:
        """Run `document` with `context` as the app does: the compiled path first, then
        strawberry for what it leaves (invalid documents, introspection, mutations it does
        not plan)."""
        context.objects = self.objects  # payloads and events read as the app reads them
        answered = await self._compiled(document, variables, viewer, context)
        if answered is not None:
            return answered
        result: ExecutionResult = await schema.execute(
            document, variable_values=variables, context_value=context
        )
        return result

    async def _compiled(
        self,
        document: str,
        variables: dict[str, Any] | None,
        viewer: Viewer,
        context: Context,
    ) -> ExecutionResult | None:
        """The compiled read path's answer, as the app gives it (None: strawberry's turn)."""

        async def made() -> Context:
            return context

        reads = CompiledReads(self.objects.queries, schema, acquire=self._acquire)
        reads.mutations = self.mutations if self.mutations_enabled else None
        answer = await reads.answer(
            document, None, variables, viewer, Admission(), made, mutations=True
        )
        if answer is None:
            return None
        self.compiled_answers += 1
        data = orjson.loads(answer.data_json) if answer.data_json is not None else None
        return ExecutionResult(
            data=data, errors=answer.errors or None, extensions=answer.extensions or None
        )

    @asynccontextmanager
    async def _acquire(self) -> AsyncIterator[Any]:
        """The driver connection of a session in the test's transaction, its statements
        counted by the `statements` fixture like SQLAlchemy's."""
        async with sessions(self.sessionmaker)() as driver:
            yield CountedConnection(driver)

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
