"""One LISTEN connection per worker, fanning each NOTIFY out to its subscribers' bounded queues.

The connection is opened lazily by the first subscriber and kept while the worker runs. When it
drops, it is reopened with exponential backoff (with jitter), and everything committed to
`live_events` meanwhile is replayed from the table, in id order, before newer NOTIFYs: the
events after the highest id this worker delivered, and those of the last REPLAY_WINDOW_SECONDS
before the loss (a transaction that took an id before the loss may commit after it). Each
subscription remembers the event ids it received, so a replayed event never arrives twice.
A subscriber may also resume after a cursor (`subscribe(topic, after=id)`): the events of its
topic after that id are queued first. A subscriber whose queue is full is dropped: its iterator
raises `SubscriberTooSlow` instead of memory growing.
"""

import asyncio
import contextlib
import json
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from db.engine import connect_args, to_libpq_url
from graph.errors import Throttled
from graph.subscriptions.events import CHANNEL, Event

logger = logging.getLogger(__name__)

QUEUE_SIZE = 100
FIRST_BACKOFF_SECONDS = 0.25
MAX_BACKOFF_SECONDS = 30.0
HEALTH_CHECK_SECONDS = 30.0
CONNECT_TIMEOUT_SECONDS = 10.0
REPLAY_WINDOW_SECONDS = 60.0
"""After a reconnect, also replay events created this long before the connection was lost."""
SEEN_MAX = 10_000
"""Event ids each subscription remembers, to drop duplicates of replayed events."""

REPLAY = (
    "SELECT id, topic, ids::text, change FROM live_events"
    " WHERE topic = ANY($1::text[]) AND (id > $2 OR created_at > to_timestamp($3))"
    " ORDER BY id"
)
RESUME = (
    "SELECT id, topic, ids::text, change FROM live_events"
    " WHERE topic = $1 AND id > $2 ORDER BY id LIMIT $3"
)

Connect = Callable[[], Awaitable[Any]]


class SubscriberTooSlow(Throttled):
    """The subscriber did not keep up with its events and was dropped."""


class Subscription:
    """One subscriber's interest in a topic: a bounded queue the broker fills."""

    def __init__(self, broker: "EventBroker", topic: str, queue_size: int) -> None:
        self.broker = broker
        self.topic = topic
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=queue_size)
        self.overflowed = False
        self.ready = False
        """Registered and the worker is LISTENing: nothing committed from now on is missed."""
        self._wake = asyncio.Event()
        self._seen: set[int] = set()
        self._seen_order: deque[int] = deque()
        self._held: list[Event] | None = None
        """While the subscription's own resume query runs, live events wait here."""
        self.floor = 0
        """Replays after a reconnect bring this subscription only events with a higher id (the
        log's end when it subscribed, or its `after`): nothing from before it subscribed."""

    def hold(self) -> None:
        """Keep live events aside until `release` (the resume replay goes first)."""
        self._held = []

    def release(self, replayed: list[Event]) -> None:
        """Queue the replayed events, then those held back meanwhile (duplicates dropped)."""
        held, self._held = self._held or [], None
        for event in (*replayed, *held):
            self.offer(event)

    def offer(self, event: Event) -> None:
        """Queue an event (once per event id); on a full queue mark the subscriber as too slow
        and unregister it."""
        if self.overflowed:
            return
        if self._held is not None:
            self._held.append(event)
            return
        if event.id is not None:
            if event.id in self._seen:
                return
            self._seen.add(event.id)
            self._seen_order.append(event.id)
            if len(self._seen_order) > SEEN_MAX:
                self._seen.discard(self._seen_order.popleft())
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            self.broker.unsubscribe(self)
            self._wake.set()

    async def next(self) -> Event:
        """The next event; SubscriberTooSlow once the queue overflowed."""
        while True:
            if not self.queue.empty():
                return self.queue.get_nowait()
            if self.overflowed:
                raise SubscriberTooSlow(
                    f"The subscription fell more than {self.queue.maxsize} events behind and "
                    "was ended; subscribe again.",
                    queueSize=self.queue.maxsize,
                )
            getting = asyncio.ensure_future(self.queue.get())
            waking = asyncio.ensure_future(self._wake.wait())
            try:
                done, _ = await asyncio.wait({getting, waking}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                waking.cancel()
                if not getting.done():
                    getting.cancel()
            if getting in done and not getting.cancelled():
                return getting.result()

    def close(self) -> None:
        """Stop receiving (idempotent)."""
        self.broker.unsubscribe(self)


class EventBroker:
    """This worker's LISTEN connection and the registry of topic → subscriptions."""

    def __init__(
        self,
        url: str | None = None,
        *,
        connect: Connect | None = None,
        queue_size: int = QUEUE_SIZE,
        first_backoff: float = FIRST_BACKOFF_SECONDS,
        max_backoff: float = MAX_BACKOFF_SECONDS,
        health_check_seconds: float = HEALTH_CHECK_SECONDS,
    ) -> None:
        if connect is None:
            if url is None:
                raise ValueError("EventBroker needs a database URL or a connect function")
            libpq = to_libpq_url(url)
            # the socket directory and port as the engine reads them (`?host=` beats the netloc)
            where = {
                key: value for key, value in connect_args(url).items() if key != "server_settings"
            }
            connect = lambda: asyncpg.connect(  # noqa: E731
                libpq, timeout=CONNECT_TIMEOUT_SECONDS, **where
            )
        self._connect = connect
        self.queue_size = queue_size
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self.health_check_seconds = health_check_seconds
        self.topics: dict[str, set[Subscription]] = {}
        self.observers: dict[str, list[Callable[[Event], None]]] = {}
        """In-process listeners of a topic (caches): called with each event, no queue."""
        self.connection: Any = None
        self.connections_opened = 0
        self._opening = asyncio.Lock()
        self._reconnecting: asyncio.Task[None] | None = None
        self._health: asyncio.Task[None] | None = None
        self._closed = False
        self._changed = asyncio.Event()
        self.high_water: int | None = None
        """The highest live-event id this worker delivered (None before the first LISTEN)."""
        self.lost_at: float | None = None
        """When the LISTEN connection was last lost (time.time()), until replayed."""
        self.replays = 0
        """Replays run after a reconnect (for tests and logs)."""
        self._replaying: list[str] | None = None
        self._query = asyncio.Lock()
        """Serialises queries on the current LISTEN connection (each connection has its own)."""

    @property
    def subscriber_count(self) -> int:
        """Subscriptions registered on this worker and listening."""
        return sum(
            subscription.ready
            for subscribers in self.topics.values()
            for subscription in subscribers
        )

    @property
    def listening(self) -> bool:
        """Whether the LISTEN connection is up."""
        return self.connection is not None and not self.connection.is_closed()

    async def subscribe(self, topic: str, after: int | None = None) -> Subscription:
        """Register for `topic`; returns once this worker is LISTENing, so nothing committed
        afterwards is missed. With `after` (a live-event id), the topic's events after it are
        queued first, in order. Raises when the database cannot be reached."""
        if self._closed:
            raise RuntimeError("the event broker is closed")
        subscription = Subscription(self, topic, self.queue_size)
        if after is not None:
            subscription.hold()
        self.topics.setdefault(topic, set()).add(subscription)
        try:
            await self._listen()
            subscription.floor = self.high_water or 0
            if after is not None:
                subscription.floor = after
                rows = await self._fetch(RESUME, topic, after, self.queue_size + 1)
                subscription.release([_event(row) for row in rows])
        except BaseException:
            self.unsubscribe(subscription)
            raise
        subscription.ready = True
        self._touch()
        return subscription

    async def observe(self, topic: str, callback: Callable[[Event], None]) -> None:
        """Call `callback` with every event of `topic` this worker receives from now on (for
        in-process caches: not a subscriber, so no queue, no replay, not counted); returns
        once the worker is LISTENing."""
        if self._closed:
            raise RuntimeError("the event broker is closed")
        self.observers.setdefault(topic, []).append(callback)
        try:
            await self._listen()
        except BaseException:
            self.observers[topic].remove(callback)
            raise

    async def _fetch(self, query: str, *arguments: Any) -> list[Any]:
        """Run a query on the LISTEN connection (one at a time; it is shared)."""
        lock, connection = self._query, self.connection
        async with lock:
            if connection is None or connection.is_closed():
                raise ConnectionError("the event LISTEN connection is down")
            rows: list[Any] = await connection.fetch(query, *arguments)
            return rows

    def unsubscribe(self, subscription: Subscription) -> None:
        """Forget a subscription (idempotent)."""
        subscribers = self.topics.get(subscription.topic)
        if subscribers is None:
            return
        subscribers.discard(subscription)
        if not subscribers:
            del self.topics[subscription.topic]
        self._touch()

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        """Return once `condition` holds, re-checking after every change of the registrations
        or of the LISTEN connection."""
        while not condition():
            await self._changed.wait()

    def _touch(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def close(self) -> None:
        """Stop reconnecting and close the LISTEN connection."""
        self._closed = True
        for task in (self._reconnecting, self._health):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        connection, self.connection = self.connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), timeout=5)

    def deliver(self, payload: str) -> None:
        """Fan one NOTIFY payload out to the subscribers of its topic (held back while a
        replay runs, so that replayed events go first)."""
        if self._replaying is not None:
            self._replaying.append(payload)
            return
        event = Event.decode(payload)
        if event is None:
            logger.warning("ignoring a malformed event payload on %s", CHANNEL)
            return
        self._fan_out(event)

    def _fan_out(self, event: Event, replayed: bool = False) -> None:
        if event.id is not None and (self.high_water is None or event.id > self.high_water):
            self.high_water = event.id
        for callback in self.observers.get(event.topic, ()):
            callback(event)
        for subscription in list(self.topics.get(event.topic, ())):
            if replayed and event.id is not None and event.id <= subscription.floor:
                continue  # committed before this subscriber came
            subscription.offer(event)

    async def _catch_up(self, connection: Any, lock: asyncio.Lock) -> None:
        """On a new LISTEN connection: note where the log stands (first time), or replay what
        was committed while the previous connection was down."""
        async with lock:
            if self.high_water is None:
                self.high_water = int(
                    await connection.fetchval("SELECT coalesce(max(id), 0) FROM live_events")
                )
                return
            if self.lost_at is None:
                return
            since = self.lost_at - REPLAY_WINDOW_SECONDS
            rows = await connection.fetch(REPLAY, list(self.topics), self.high_water, since)
        for row in rows:
            self._fan_out(_event(row), replayed=True)
        self.lost_at = None
        self.replays += 1
        if rows:
            logger.info("replayed %d event(s) missed while LISTEN was down", len(rows))

    async def _listen(self) -> None:
        if self.listening:
            return
        async with self._opening:
            if self.listening:
                return
            connection = await self._connect()
            lock = asyncio.Lock()  # not the old connection's: a query may hang on it
            self._replaying = []
            try:
                await connection.add_listener(CHANNEL, self._on_notify)
                await self._catch_up(connection, lock)
            except BaseException:
                self._replaying = None
                connection.terminate()
                raise
            held, self._replaying = self._replaying, None
            for payload in held:
                self.deliver(payload)
            connection.add_termination_listener(self._on_lost)
            self.connection, self._query = connection, lock
            self.connections_opened += 1
            self._touch()
            if self._health is None or self._health.done():
                self._health = asyncio.create_task(self._check_health())

    def _on_notify(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        self.deliver(payload)

    def _on_lost(self, connection: Any) -> None:
        if connection is not self.connection or self._closed:
            return
        self.connection = None
        if self.lost_at is None:
            self.lost_at = time.time()
        self._touch()
        logger.warning("event LISTEN connection lost; reconnecting")
        if self._reconnecting is None or self._reconnecting.done():
            self._reconnecting = asyncio.create_task(self._reconnect())

    async def _reconnect(self) -> None:
        attempt = 0
        while not self._closed and not self.listening:
            delay = min(self.max_backoff, self.first_backoff * 2**attempt)
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            attempt += 1
            try:
                await self._listen()
            except Exception as error:
                logger.warning("event LISTEN reconnect %d failed: %s", attempt, error)
        if self.listening:
            logger.info("event LISTEN connection restored after %d attempt(s)", attempt)

    async def _check_health(self) -> None:
        """Notice a connection that died silently (no FIN/RST): a cheap query, with a timeout."""
        while not self._closed:
            await asyncio.sleep(self.health_check_seconds)
            connection, lock = self.connection, self._query
            if connection is None or connection.is_closed():
                continue
            try:
                async with lock:
                    await asyncio.wait_for(
                        connection.execute("SELECT 1"), self.health_check_seconds
                    )
            except Exception as error:
                logger.warning("event LISTEN connection unhealthy: %s", error)
                connection.terminate()  # fires the termination listener, which reconnects


def _event(row: Any) -> Event:
    """A live_events row as the event its NOTIFY carried."""
    return Event(row["topic"], json.loads(row["ids"]), row["id"], row["change"])
