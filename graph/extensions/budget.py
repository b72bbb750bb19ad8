"""Rate budgets: a leaky bucket of cost points per client, shared by every worker via Redis.

A client's bucket holds at most `capacity` points and refills at `restore_rate` points per
second. An operation spends its requested cost before it runs (refused when the bucket holds
less) and gets back the difference between requested and actual cost afterwards, as
Shopify's GraphQL Admin API does. The clock is Redis's, so workers on different hosts agree.
"""

import asyncio
import math
import time
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis

from graph.auth.viewer import Viewer

# KEYS[1] bucket; ARGV: capacity, restore rate (points/s), cost (negative refunds).
# Returns {allowed (0/1), available points after the call (string), seconds to wait}.
_LEAKY_BUCKET = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'available', 'at')
local available = tonumber(state[1])
local at = tonumber(state[2])
if available == nil then
  available = capacity
else
  available = math.min(capacity, available + math.max(0, now - at) * rate)
end
local allowed = 1
local wait = 0
if cost > available then
  allowed = 0
  wait = (cost - available) / rate
else
  available = math.min(capacity, available - cost)
end
redis.call('HSET', KEYS[1], 'available', tostring(available), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 60)
return {allowed, tostring(available), tostring(wait)}
"""


def budget_key(viewer: Viewer, client_ip: str | None) -> str:
    """Whose bucket pays: the token's subject (engineer, else OAuth client), else the IP."""
    if viewer.engineer_id is not None:
        return f"engineer:{viewer.engineer_id}"
    if viewer.client_id is not None:
        return f"client:{viewer.client_id}"
    return f"ip:{client_ip or 'unknown'}"


@dataclass(frozen=True)
class BucketState:
    """The outcome of spending (or refunding) points from one bucket."""

    allowed: bool
    available: float
    retry_after: float
    capacity: int
    restore_rate: float

    @property
    def seconds_until_full(self) -> float:
        """How long until the bucket is full again at the restore rate."""
        return max(0.0, (self.capacity - self.available) / self.restore_rate)


class BudgetStore(Protocol):
    """Where buckets live; every worker of one deployment must share it."""

    async def spend(self, key: str, cost: float, capacity: int, restore_rate: float) -> BucketState:
        """Take `cost` points if the bucket holds them (negative cost gives points back)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class RedisBudgetStore:
    """Buckets in Redis, updated atomically by one Lua script on Redis's clock."""

    def __init__(self, url: str, prefix: str = "braingain:budget:") -> None:
        self.redis: Redis = Redis.from_url(url)
        self.prefix = prefix
        self.script = self.redis.register_script(_LEAKY_BUCKET)

    async def spend(self, key: str, cost: float, capacity: int, restore_rate: float) -> BucketState:
        """Run the bucket script for `key`."""
        allowed, available, wait = await self.script(
            keys=[self.prefix + key], args=[capacity, restore_rate, cost]
        )
        return BucketState(
            allowed=bool(allowed),
            available=float(available),
            retry_after=float(wait),
            capacity=capacity,
            restore_rate=restore_rate,
        )

    async def close(self) -> None:
        """Close the connection pool."""
        await self.redis.aclose()


class MemoryBudgetStore:
    """Buckets in this process only: for development without Redis and for unit tests."""

    def __init__(self) -> None:
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = asyncio.Lock()

    async def spend(self, key: str, cost: float, capacity: int, restore_rate: float) -> BucketState:
        """The same arithmetic as the Redis script, on the monotonic clock."""
        async with self.lock:
            now = time.monotonic()
            available, at = self.buckets.get(key, (float(capacity), now))
            available = min(capacity, available + max(0.0, now - at) * restore_rate)
            allowed = cost <= available
            wait = 0.0 if allowed else (cost - available) / restore_rate
            if allowed:
                available = min(float(capacity), available - cost)
            self.buckets[key] = (available, now)
        return BucketState(allowed, available, wait, capacity, restore_rate)

    async def close(self) -> None:
        """Nothing to release."""


def retry_after_seconds(state: BucketState) -> int:
    """Whole seconds a throttled client should wait (at least 1)."""
    return max(1, math.ceil(state.retry_after))
