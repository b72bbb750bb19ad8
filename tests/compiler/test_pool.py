"""The compiled path's lean connection pool: one request per connection, in order, and a
connection that cannot serve the next request as it is never reaches it."""

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from db.engine import DatabaseLocation
from graph.compiler.connections import create_pool, pooled
from graph.compiler.pool import LeanPool, PoolClosed

BACKEND = "SELECT pg_backend_pid()"


@pytest.fixture
async def pool(database: DatabaseLocation) -> AsyncIterator[LeanPool]:
    """A pool of two connections to the test database."""
    opened = await create_pool(database.url, size=2, statement_timeout_ms=5_000)
    yield opened
    await opened.close()


async def test_a_connection_serves_one_request_at_a_time(pool: LeanPool) -> None:
    # Given two connections and eight concurrent requests
    acquire = pooled(pool)
    in_use: set[int] = set()
    seen: set[int] = set()

    async def request() -> None:
        async with acquire() as connection:
            backend = await connection.fetchval(BACKEND)
            assert backend not in in_use, "a connection was handed to two requests"
            in_use.add(backend)
            await asyncio.sleep(0.01)
            in_use.discard(backend)
            seen.add(backend)

    # When they all run
    await asyncio.gather(*(request() for _ in range(8)))

    # Then every one was answered on one of the two connections, never shared
    assert len(seen) == 2


async def test_waiting_requests_are_served_first_come_first_served(pool: LeanPool) -> None:
    # Given both connections taken
    order: list[int] = []
    release = asyncio.Event()
    held = asyncio.Semaphore(0)

    async def holder() -> None:
        async with pool.acquire():
            held.release()
            await release.wait()

    async def waiter(number: int) -> None:
        async with pool.acquire() as connection:
            order.append(number)
            await connection.fetchval("SELECT 1")

    holders = [asyncio.create_task(holder()) for _ in range(2)]
    for _ in holders:
        await held.acquire()
    # When five requests queue up, then the connections come back
    waiters = []
    for number in range(5):
        waiters.append(asyncio.create_task(waiter(number)))
        await asyncio.sleep(0)  # it runs up to its place in line
        assert len(pool.waiters) == number + 1
    release.set()
    await asyncio.gather(*holders, *waiters)

    # Then they were served in the order they came
    assert order == [0, 1, 2, 3, 4]


async def test_a_cancelled_statement_does_not_hand_its_connection_on(pool: LeanPool) -> None:
    # Given a request whose statement is cancelled half-way (a request timeout, a client gone)
    backends: list[int] = []
    sleeping = asyncio.Event()

    async def slow_request() -> None:
        async with pool.acquire() as connection:
            backends.append(await connection.fetchval(BACKEND))
            sleeping.set()
            await connection.fetchval("SELECT pg_sleep(30)")

    task = asyncio.create_task(slow_request())
    await sleeping.wait()
    await asyncio.sleep(0.05)  # the statement is on its way
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    # When the next requests run
    later = set()
    for _ in range(3):
        async with pool.acquire() as connection:
            later.add(await connection.fetchval(BACKEND))

    # Then they are answered, never on the interrupted connection
    assert backends[0] not in later


async def test_a_transaction_left_open_never_leaks_into_the_next_request(
    pool: LeanPool,
) -> None:
    # Given a request that opens a transaction and does not end it
    async with pool.acquire() as connection:
        await connection.execute("BEGIN")
        leaky = await connection.fetchval(BACKEND)

    # When the next requests take connections
    for _ in range(3):
        async with pool.acquire() as connection:
            # Then none of them is inside a transaction, nor the leaky connection
            assert not connection.is_in_transaction()
            assert await connection.fetchval(BACKEND) != leaky


async def test_a_statement_the_server_refuses_keeps_its_connection(pool: LeanPool) -> None:
    # Given a request whose statement fails in PostgreSQL (the connection is idle again)
    backends: list[int] = []

    async def failing_request() -> None:
        async with pool.acquire() as connection:
            backends.append(await connection.fetchval(BACKEND))
            await connection.fetchval("SELECT 1 / 0")

    with pytest.raises(asyncpg.PostgresError):
        await failing_request()
    kept = backends[0]

    # When the next request runs, then it gets the same, working connection
    async with pool.acquire() as connection:
        assert await connection.fetchval(BACKEND) == kept


async def test_a_connection_the_server_closed_is_replaced(
    pool: LeanPool, database: DatabaseLocation
) -> None:
    # Given a connection whose backend the server terminated
    async with pool.acquire() as connection:
        lost = await connection.fetchval(BACKEND)
    killer = await asyncpg.connect(**pool.connect)
    try:
        assert await killer.fetchval("SELECT pg_terminate_backend($1)", lost)
    finally:
        await killer.close()

    # When requests run (the first on it may fail: the driver learns it is gone then)
    answered = []
    for _ in range(3):
        try:
            async with pool.acquire() as connection:
                answered.append(await connection.fetchval(BACKEND))
        except (
            asyncpg.PostgresError,
            asyncpg.InterfaceError,
            asyncpg.InternalClientError,
            ConnectionError,
        ):
            # "terminating connection due to administrator command", a reset, or the driver
            # still consuming that FATAL message when the request arrives
            continue

    # Then they are answered on a fresh connection
    assert answered
    assert lost not in answered


async def test_a_closed_pool_hands_out_nothing(pool: LeanPool) -> None:
    # Given a request waiting for a connection when the pool closes
    held = [await pool.take(), await pool.take()]
    waiting = asyncio.create_task(pool.take())
    await asyncio.sleep(0)
    await pool.close()

    # Then the waiting request is refused, and so is the next one
    with pytest.raises(PoolClosed):
        await waiting
    with pytest.raises(PoolClosed):
        await pool.take()
    for connection in held:
        pool.give_back(connection, None)
        assert connection.is_closed()
