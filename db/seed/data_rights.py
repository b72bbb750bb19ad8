"""Demo data exports: one in each state (READY with its document, PENDING, RUNNING, EXPIRED,
FAILED), for engineers chosen deterministically among those with the longest histories.

Their download secrets are random and thrown away: nobody can download a seeded export (an
engineer asks for a new one), but every state shows in `node(id:)` and the export worker
picks the PENDING one (and the RUNNING one once its claim's lease has run out).
"""

from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.queries.data_export import BUILD

DATA_RIGHTS_TABLES = ("data_exports",)

LIFETIME = timedelta(days=7)
STATES = ("READY", "PENDING", "RUNNING", "EXPIRED", "FAILED")

PICK = """
SELECT e.id FROM engineers e
WHERE e.erased_at IS NULL
ORDER BY (SELECT count(*) FROM ledger_entries l WHERE l.engineer_id = e.id) DESC, e.id
LIMIT :count
"""

INSERT = """
INSERT INTO data_exports (engineer_id, status, token_hash, requested_at, claimed_by, claimed_at,
    ready_at, expires_at, byte_size, last_error)
SELECT :engineer_id, p.status, encode(sha256(gen_random_uuid()::text::bytea), 'hex'),
    now() - p.age,
    CASE WHEN p.status = 'RUNNING' THEN 'seed-worker' END,
    CASE WHEN p.status <> 'PENDING' THEN now() - p.age END,
    CASE WHEN p.status IN ('READY', 'EXPIRED') THEN now() - p.age END,
    CASE WHEN p.status IN ('READY', 'EXPIRED') THEN now() - p.age + interval '7 days' END,
    CASE WHEN p.status = 'EXPIRED' THEN 48213 END,
    CASE WHEN p.status = 'FAILED' THEN 'canceling statement due to statement timeout' END
FROM (SELECT CAST(:status AS text) AS status, CAST(:age AS interval) AS age) p
RETURNING id
"""

AGES = {
    "READY": timedelta(hours=1),
    "PENDING": timedelta(minutes=2),
    "RUNNING": timedelta(minutes=1),
    "EXPIRED": timedelta(days=30),
    "FAILED": timedelta(days=3),
}
"""How long ago each state's export was requested (an expired one, past its seven days)."""


async def seed_data_rights(connection: AsyncConnection) -> dict[str, int]:
    """One export per state for the engineers with the longest ledgers (READY built in SQL)."""
    engineers = list((await connection.execute(text(PICK), {"count": len(STATES)})).scalars())
    written = 0
    for engineer_id, status in zip(engineers, STATES, strict=False):
        export_id = (
            await connection.execute(
                text(INSERT), {"engineer_id": engineer_id, "status": status, "age": AGES[status]}
            )
        ).scalar_one()
        if status == "READY":
            await connection.execute(
                BUILD,
                {"id": engineer_id, "export_id": export_id, "lifetime": LIFETIME},
            )
        written += 1
    return {"data_exports": written}
