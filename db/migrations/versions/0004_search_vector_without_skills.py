"""a second search vector without skills, for viewers who may not see an engineer's skills

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = """
CREATE FUNCTION engineer_search_vector_without_skills(e engineers) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('english', coalesce(e.name, '')), 'A')
        || setweight(to_tsvector('english', coalesce(e.headline, '')), 'B')
        || setweight(to_tsvector('english', coalesce(e.bio, '')), 'C')
$$;

CREATE OR REPLACE FUNCTION engineers_search_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := engineer_search_vector(NEW);
    NEW.search_vector_without_skills := engineer_search_vector_without_skills(NEW);
    RETURN NEW;
END $$;

UPDATE engineers SET search_vector = NULL;
"""

DOWNGRADE = """
CREATE OR REPLACE FUNCTION engineers_search_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := engineer_search_vector(NEW);
    RETURN NEW;
END $$;

DROP FUNCTION engineer_search_vector_without_skills(engineers);
"""


def upgrade() -> None:
    op.add_column(
        'engineers',
        sa.Column('search_vector_without_skills', postgresql.TSVECTOR(), nullable=True),
    )
    op.create_index(
        'ix_engineers_search_vector_without_skills',
        'engineers',
        ['search_vector_without_skills'],
        unique=False,
        postgresql_using='gin',
    )
    for statement in UPGRADE.strip().split("\n\n"):
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE.strip().split("\n\n"):
        op.execute(statement)
    op.drop_index(
        'ix_engineers_search_vector_without_skills',
        table_name='engineers',
        postgresql_using='gin',
    )
    op.drop_column('engineers', 'search_vector_without_skills')
