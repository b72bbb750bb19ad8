"""automatic persisted queries: documents registered by SHA-256, shared by every worker

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 04:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'persisted_queries',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('document', sa.Text(), nullable=False),
        sa.Column(
            'created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False
        ),
        sa.Column(
            'last_used_at',
            sa.DateTime(timezone=True),
            server_default=sa.text('now()'),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint('sha256', name=op.f('pk_persisted_queries')),
    )
    op.create_index(
        'ix_persisted_queries_last_used', 'persisted_queries', ['last_used_at'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_persisted_queries_last_used', table_name='persisted_queries')
    op.drop_table('persisted_queries')
