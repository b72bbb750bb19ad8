"""authorization codes remember the token family they were exchanged for

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('authorization_codes', sa.Column('family_id', sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.drop_column('authorization_codes', 'family_id')
