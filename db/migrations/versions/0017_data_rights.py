"""data rights: data exports and erased engineers

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 09:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("engineers", sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "data_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engineer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "requested_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("byte_size", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('PENDING', 'RUNNING', 'READY', 'EXPIRED', 'FAILED')",
            name=op.f("ck_data_exports_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["engineer_id"],
            ["engineers.id"],
            name=op.f("fk_data_exports_engineer_id_engineers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_exports")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_data_exports_token_hash")),
    )
    op.create_index("ix_data_exports_engineer", "data_exports", ["engineer_id", "id"])
    op.create_index(
        "ix_data_exports_one_under_way",
        "data_exports",
        ["engineer_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('PENDING', 'RUNNING')"),
    )
    op.create_index(
        "ix_data_exports_pending",
        "data_exports",
        ["id"],
        postgresql_where=sa.text("status = 'PENDING'"),
    )


def downgrade() -> None:
    op.drop_index("ix_data_exports_pending", table_name="data_exports")
    op.drop_index("ix_data_exports_one_under_way", table_name="data_exports")
    op.drop_index("ix_data_exports_engineer", table_name="data_exports")
    op.drop_table("data_exports")
    op.drop_column("engineers", "erased_at")
