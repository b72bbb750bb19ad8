"""rate budgets in PostgreSQL: an unlogged table of leaky buckets shared by every worker

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'rate_budgets',
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('level', sa.Double(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_budgets')),
        prefixes=['UNLOGGED'],
    )


def downgrade() -> None:
    op.drop_table('rate_budgets')
