"""membership indexes matching the (since, id) keyset order of member lists

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 00:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_memberships_chapter_status", table_name="memberships")
    op.drop_index("ix_memberships_engineer", table_name="memberships")
    op.create_index(
        "ix_memberships_chapter_status_since",
        "memberships",
        ["chapter_id", "status", "since", "id"],
    )
    op.create_index("ix_memberships_engineer_since", "memberships", ["engineer_id", "since", "id"])


def downgrade() -> None:
    op.drop_index("ix_memberships_engineer_since", table_name="memberships")
    op.drop_index("ix_memberships_chapter_status_since", table_name="memberships")
    op.create_index("ix_memberships_engineer", "memberships", ["engineer_id", "id"])
    op.create_index(
        "ix_memberships_chapter_status", "memberships", ["chapter_id", "status", "id"]
    )
