"""Request deadlines behind one timer behave as asyncio.timeout: a request past its deadline
is cancelled with TimeoutError; the others, and cancellations from elsewhere, are untouched."""

import asyncio

import pytest

from graph.http.deadlines import OPEN, Deadlines


async def test_only_the_requests_past_their_deadline_time_out() -> None:
    # Given an endpoint's deadlines of 0.1 s and requests of various lengths, started in turn
    deadlines = Deadlines(0.1)
    outcomes: dict[str, str] = {}

    async def request(name: str, seconds: float) -> None:
        try:
            async with deadlines.within(0.1):
                await asyncio.sleep(seconds)
            outcomes[name] = "answered"
        except TimeoutError:
            outcomes[name] = "timed out"

    # When they run together
    await asyncio.gather(
        request("quick", 0.01),
        request("slow", 0.5),
        request("quick again", 0.02),
        request("slower", 1.0),
    )

    # Then exactly the slow ones timed out, and nothing is left waiting
    assert outcomes == {
        "quick": "answered",
        "slow": "timed out",
        "quick again": "answered",
        "slower": "timed out",
    }
    assert all(deadline.state != OPEN for deadline in deadlines.open)


async def test_a_request_times_out_after_its_own_deadline_not_the_oldest() -> None:
    # Given a long request, then another one started 0.15 s later (deadlines of 0.2 s)
    deadlines = Deadlines(0.2)
    loop = asyncio.get_running_loop()
    ended: dict[str, float] = {}

    async def request(name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        started = loop.time()
        with pytest.raises(TimeoutError):
            async with deadlines.within(0.2):
                await asyncio.sleep(5)
        ended[name] = loop.time() - started

    # When both overrun
    await asyncio.gather(request("first", 0), request("second", 0.15))

    # Then each was cancelled at its own deadline
    assert 0.19 <= ended["first"] < 0.35
    assert 0.19 <= ended["second"] < 0.35


async def test_a_cancellation_from_elsewhere_stays_a_cancellation() -> None:
    # Given a request inside its deadline
    deadlines = Deadlines(5)
    entered = asyncio.Event()

    async def request() -> None:
        async with deadlines.within(5):
            entered.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(request())
    await entered.wait()

    # When its client goes away (the task is cancelled) before the deadline
    task.cancel()

    # Then it ends cancelled, not timed out
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_another_length_uses_asyncio_timeout() -> None:
    # Given deadlines of 5 s, asked for 0.05 s (settings changed at runtime)
    deadlines = Deadlines(5)

    # Then that request still times out after 0.05 s
    with pytest.raises(TimeoutError):
        async with deadlines.within(0.05):
            await asyncio.sleep(1)
