"""statistics: a NOTIFY on the `stats` topic when a table the dashboards count changes

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 09:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTED_TABLES = (
    "engineers",
    "engineer_sectors",
    "memberships",
    "opportunities",
    "opportunity_sectors",
    "opportunity_chapters",
    "applications",
    "engagements",
    "ledger_entries",
    "events",
    "forum_threads",
    "forum_posts",
)
"""Tables whose rows the statistics count (graph/services/stats.py)."""

# One statement-level trigger per table: a write of any size sends one NOTIFY, delivered when
# its transaction commits (never when it rolls back), and PostgreSQL folds identical NOTIFYs of
# one transaction into one. The payload is an id-less event of the `stats` topic
# (graph.subscriptions.events): no row, no content, only "the figures may have changed".
FUNCTION = """
CREATE FUNCTION stats_changed_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('braingain_events', '{"topic":"stats","ids":{}}');
    RETURN NULL;
END;
$$
"""


def upgrade() -> None:
    op.execute(FUNCTION)
    for table in COUNTED_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_stats_changed"
            f" AFTER INSERT OR UPDATE OR DELETE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION stats_changed_notify()"
        )


def downgrade() -> None:
    for table in COUNTED_TABLES:
        op.execute(f"DROP TRIGGER {table}_stats_changed ON {table}")
    op.execute("DROP FUNCTION stats_changed_notify()")
