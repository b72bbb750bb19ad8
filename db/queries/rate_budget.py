"""The leaky-bucket spend on `rate_budgets`: one atomic statement on the database's clock.

These run on a bare asyncpg connection, not a SQLAlchemy session: a spend sits on every
request's path, and the session's checkout and transaction bookkeeping would double its cost.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# A bucket's level (points in use) drains at $4 points per second from `updated_at` on. The
# spend adds $2 to the drained level (a negative cost refunds, never below zero) or, when that
# would overflow the capacity $3, leaves the row untouched: so `updated_at` equals this
# statement's clock exactly when the spend was taken. The row lock taken by ON CONFLICT
# serialises concurrent spends on one key from every worker.
_DRAINED = (
    "greatest(0, bucket.level - greatest(0, extract(epoch FROM excluded.updated_at"
    " - bucket.updated_at)::double precision) * $4)"
)
_SPEND_INTO = f"""
INSERT INTO rate_budgets AS bucket (key, level, updated_at)
SELECT $1::text,
       CASE WHEN $2::double precision <= $3::double precision THEN greatest(0, $2) ELSE 0 END,
       clock.now
FROM clock{{gated}}
ON CONFLICT (key) DO UPDATE SET
    level = CASE WHEN {_DRAINED} + $2 <= $3
                 THEN greatest(0, {_DRAINED} + $2) ELSE bucket.level END,
    updated_at = CASE WHEN {_DRAINED} + $2 <= $3
                      THEN excluded.updated_at ELSE bucket.updated_at END
RETURNING
    bucket.updated_at = (SELECT now FROM clock) AND $2 <= $3 AS allowed,
    greatest(0, bucket.level - greatest(0, extract(epoch FROM (SELECT now FROM clock)
        - bucket.updated_at)::double precision) * $4::double precision) AS level
"""
_CLOCK = "clock AS MATERIALIZED (SELECT clock_timestamp() AS now)"
SPEND = f"WITH {_CLOCK}{_SPEND_INTO.format(gated='')}"

_PARAMETER = re.compile(r"\$([0-9]+)")


@lru_cache(maxsize=16)
def spend_after_statement(gate: str, refused: str) -> str:
    """SPEND behind `gate`, a one-row SELECT with its own parameters from $1 (they become $5
    on): the spend is taken only when the gate returns a row whose boolean column `refused`
    is false; the statement answers the gate's columns and `allowed`/`level` (NULL when no
    spend was taken), and no row when the gate has none."""
    shifted = _PARAMETER.sub(lambda match: f"${int(match[1]) + 4}", gate)
    spend = _SPEND_INTO.format(gated=f", gate WHERE NOT gate.{refused}")
    return (
        f"WITH {_CLOCK},\ngate AS MATERIALIZED ({shifted}),\nspent AS ({spend})\n"
        "SELECT gate.*, spent.allowed, spent.level FROM gate LEFT JOIN spent ON true"
    )


PRUNE = """
DELETE FROM rate_budgets
WHERE updated_at < clock_timestamp() - make_interval(secs => $1::double precision)
"""


@dataclass(frozen=True)
class Spent:
    """Whether the spend was taken, and the bucket's level (points in use) right after it."""

    allowed: bool
    level: float


async def spend(connection: Any, key: str, cost: float, capacity: float, rate: float) -> Spent:
    """Take `cost` points from `key`'s bucket if they fit (negative cost gives points back)."""
    row = await connection.fetchrow(SPEND, key, float(cost), float(capacity), float(rate))
    return Spent(allowed=bool(row["allowed"]), level=float(row["level"]))


async def spend_after(
    connection: Any,
    gate: str,
    gate_arguments: Sequence[Any],
    refused: str,
    key: str,
    cost: float,
    capacity: float,
    rate: float,
) -> tuple[Any, Spent | None]:
    """`spend`, in the statement of `gate` and only if it lets it (spend_after_statement): the
    gate's row (None: it had none) and the spend (None: not taken, the gate refused it)."""
    row = await connection.fetchrow(
        spend_after_statement(gate, refused),
        key,
        float(cost),
        float(capacity),
        float(rate),
        *gate_arguments,
    )
    if row is None or row["allowed"] is None:
        return row, None
    return row, Spent(allowed=bool(row["allowed"]), level=float(row["level"]))


async def prune(connection: Any, idle_seconds: float) -> int:
    """Forget buckets untouched for `idle_seconds` (by then they have drained to empty)."""
    status: str = await connection.execute(PRUNE, float(idle_seconds))
    return int(status.split()[-1])


# Several refunds in one statement (keys distinct): each bucket drains to now, then gives
# `points` back (never below zero). Rows are locked in key order first, so two workers'
# batches over the same keys cannot deadlock; a key without a row is a full bucket already.
REFUND_MANY = """
WITH clock AS MATERIALIZED (SELECT clock_timestamp() AS now),
given AS (
    SELECT * FROM unnest($1::text[], $2::double precision[], $3::double precision[])
        AS g(key, points, rate)
),
locked AS MATERIALIZED (
    SELECT bucket.key FROM rate_budgets AS bucket
    WHERE bucket.key = ANY($1::text[]) ORDER BY bucket.key FOR UPDATE
)
UPDATE rate_budgets AS bucket
SET level = greatest(0, greatest(0, bucket.level - greatest(0, extract(epoch FROM clock.now
        - bucket.updated_at)::double precision) * g.rate) - g.points),
    updated_at = clock.now
FROM given AS g, clock
WHERE bucket.key = g.key AND bucket.key IN (SELECT key FROM locked)
"""


async def refund_many(connection: Any, refunds: list[tuple[str, float, float]]) -> None:
    """Give `points` back to each `key`'s bucket draining at `rate`: (key, points, rate),
    keys distinct; one statement."""
    keys = [key for key, _, _ in refunds]
    points = [float(amount) for _, amount, _ in refunds]
    rates = [float(rate) for _, _, rate in refunds]
    await connection.execute(REFUND_MANY, keys, points, rates)
