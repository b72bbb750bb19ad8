"""Request timeouts of one length behind one timer: asyncio.timeout's behaviour, for less.

`asyncio.timeout` arms a loop timer for every request and cancels it at the end (≈ 4 µs of
CPU per request). Every HTTP request of an endpoint gets the same timeout, so their deadlines
fall due in the order the requests started: one timer, armed for the oldest deadline still
open, serves them all. A request past its deadline is cancelled and its `async with` raises
TimeoutError, exactly as under `asyncio.timeout` (a cancellation from elsewhere stays one).
"""

import asyncio
from collections import deque
from contextlib import AbstractAsyncContextManager
from types import TracebackType

OPEN, EXPIRING, DONE = 0, 1, 2


class Deadline:
    """One request's deadline (`async with`), like the Timeout `asyncio.timeout` returns."""

    __slots__ = ("cancelling", "deadlines", "state", "task", "when")

    def __init__(self, deadlines: "Deadlines") -> None:
        self.deadlines = deadlines
        self.state = OPEN
        self.when = 0.0
        self.cancelling = 0

    async def __aenter__(self) -> None:
        """Start the clock for the current task."""
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("a Deadline must be used inside a task")
        self.task = task
        self.cancelling = task.cancelling()
        self.deadlines.start(self)

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop it; the cancellation the deadline caused becomes TimeoutError."""
        expired = self.state == EXPIRING
        self.state = DONE
        if expired and self.task.uncancel() <= self.cancelling and kind is asyncio.CancelledError:
            raise TimeoutError from error


class Deadlines:
    """The open deadlines of one endpoint's requests, oldest first, and the one timer."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.open: deque[Deadline] = deque()
        self.timer: asyncio.TimerHandle | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    def within(self, seconds: float) -> AbstractAsyncContextManager[object]:
        """A timeout of `seconds` for the request (asyncio's own for any other length)."""
        if seconds != self.seconds:
            return asyncio.timeout(seconds)
        return Deadline(self)

    def start(self, deadline: Deadline) -> None:
        """Queue a deadline starting now; arm the timer when none is."""
        loop = asyncio.get_running_loop()
        if loop is not self.loop:  # another event loop (tests): the old one's timer is gone
            if self.timer is not None:
                self.timer.cancel()
            self.timer = None
            self.open.clear()
            self.loop = loop
        deadline.when = loop.time() + self.seconds
        queue = self.open
        while queue and queue[0].state == DONE:
            queue.popleft()
        queue.append(deadline)
        if self.timer is None:
            self.timer = loop.call_at(deadline.when, self.expire)

    def expire(self) -> None:
        """Cancel the requests whose deadline passed; re-arm for the next open one."""
        assert self.loop is not None
        self.timer = None
        now = self.loop.time()
        queue = self.open
        while queue:
            head = queue[0]
            if head.state == DONE:
                queue.popleft()
            elif head.when > now:
                self.timer = self.loop.call_at(head.when, self.expire)
                return
            else:
                queue.popleft()
                head.state = EXPIRING
                head.task.cancel()
