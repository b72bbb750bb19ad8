"""forum: categories, threads, posts, votes and reports; search and counters kept by triggers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 00:37:20.090623
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = """
CREATE FUNCTION forum_thread_search_vector(t forum_threads) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('english', coalesce(t.title, '')), 'A')
        || setweight(to_tsvector('english', array_to_string(t.tags, ' ')), 'B')
        || setweight(to_tsvector('english', coalesce(t.body, '')), 'C')
$$;

CREATE FUNCTION forum_threads_search_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search := forum_thread_search_vector(NEW);
    RETURN NEW;
END $$;

CREATE TRIGGER forum_threads_search
BEFORE INSERT OR UPDATE OF title, body, tags, search ON forum_threads
FOR EACH ROW EXECUTE FUNCTION forum_threads_search_refresh();

CREATE FUNCTION forum_posts_count_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE forum_threads
        SET post_count = post_count + 1,
            last_posted_at = greatest(last_posted_at, NEW.created_at)
        WHERE id = NEW.thread_id;
    ELSE
        UPDATE forum_threads SET post_count = post_count - 1 WHERE id = OLD.thread_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER forum_posts_count
AFTER INSERT OR DELETE ON forum_posts
FOR EACH ROW EXECUTE FUNCTION forum_posts_count_refresh();

CREATE FUNCTION forum_votes_score_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE forum_posts SET score = score - OLD.value WHERE id = OLD.post_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE forum_posts SET score = score + NEW.value WHERE id = NEW.post_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER forum_votes_score
AFTER INSERT OR UPDATE OR DELETE ON forum_votes
FOR EACH ROW EXECUTE FUNCTION forum_votes_score_refresh();
"""

DROP_TRIGGERS = """
DROP TRIGGER forum_votes_score ON forum_votes;

DROP FUNCTION forum_votes_score_refresh();

DROP TRIGGER forum_posts_count ON forum_posts;

DROP FUNCTION forum_posts_count_refresh();

DROP TRIGGER forum_threads_search ON forum_threads;

DROP FUNCTION forum_threads_search_refresh();

DROP FUNCTION forum_thread_search_vector(forum_threads);
"""


def upgrade() -> None:
    op.create_table('forum_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=True),
    sa.Column('chapter_id', sa.Integer(), nullable=True),
    sa.Column('members_only', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('position', sa.SmallInteger(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("(kind = 'GLOBAL' AND sector_id IS NULL AND chapter_id IS NULL) OR (kind = 'SECTOR' AND sector_id IS NOT NULL AND chapter_id IS NULL) OR (kind = 'CHAPTER' AND chapter_id IS NOT NULL AND sector_id IS NULL)", name=op.f('ck_forum_categories_place_matches_kind')),
    sa.CheckConstraint("NOT members_only OR kind = 'CHAPTER'", name=op.f('ck_forum_categories_members_only_in_chapter')),
    sa.CheckConstraint("kind IN ('GLOBAL', 'SECTOR', 'CHAPTER')", name=op.f('ck_forum_categories_kind_known')),
    sa.CheckConstraint("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name=op.f('ck_forum_categories_slug_format')),
    sa.CheckConstraint('position BETWEEN 0 AND 10000', name=op.f('ck_forum_categories_position_range')),
    sa.ForeignKeyConstraint(['chapter_id'], ['chapters.id'], name=op.f('fk_forum_categories_chapter_id_chapters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sector_id'], ['sectors.id'], name=op.f('fk_forum_categories_sector_id_sectors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_categories')),
    sa.UniqueConstraint('slug', name=op.f('uq_forum_categories_slug'))
    )
    op.create_index('ix_forum_categories_chapter', 'forum_categories', ['chapter_id', 'position', 'id'], unique=False)
    op.create_index('ix_forum_categories_position', 'forum_categories', ['position', 'id'], unique=False)
    op.create_index('ix_forum_categories_sector', 'forum_categories', ['sector_id', 'position', 'id'], unique=False)
    op.create_table('forum_threads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('tags', postgresql.ARRAY(sa.Text()), server_default='{}', nullable=False),
    sa.Column('pinned', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('locked', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('hidden', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('accepted_post_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_posted_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('post_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('search', postgresql.TSVECTOR(), nullable=True),
    sa.CheckConstraint("array_to_string(tags, ' ') ~ '^([a-z0-9]+(-[a-z0-9]+)*( |$))*$'", name=op.f('ck_forum_threads_tags_format')),
    sa.CheckConstraint('cardinality(tags) <= 5', name=op.f('ck_forum_threads_tags_count')),
    sa.CheckConstraint('char_length(body) BETWEEN 1 AND 20000', name=op.f('ck_forum_threads_body_length')),
    sa.CheckConstraint('char_length(title) BETWEEN 3 AND 200', name=op.f('ck_forum_threads_title_length')),
    sa.CheckConstraint('last_posted_at >= created_at', name=op.f('ck_forum_threads_last_posted_after_created')),
    sa.CheckConstraint('post_count >= 0', name=op.f('ck_forum_threads_post_count_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['engineers.id'], name=op.f('fk_forum_threads_author_id_engineers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['category_id'], ['forum_categories.id'], name=op.f('fk_forum_threads_category_id_forum_categories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_threads'))
    )
    op.create_index('ix_forum_threads_accepted_post', 'forum_threads', ['accepted_post_id'], unique=False)
    op.create_index('ix_forum_threads_activity', 'forum_threads', ['last_posted_at', 'id'], unique=False)
    op.create_index('ix_forum_threads_author', 'forum_threads', ['author_id', 'created_at', 'id'], unique=False)
    op.create_index('ix_forum_threads_category_activity', 'forum_threads', ['category_id', 'pinned', 'last_posted_at', 'id'], unique=False)
    op.create_index('ix_forum_threads_category_created', 'forum_threads', ['category_id', 'pinned', 'created_at', 'id'], unique=False)
    op.create_index('ix_forum_threads_search', 'forum_threads', ['search'], unique=False, postgresql_using='gin')
    op.create_index('ix_forum_threads_tags', 'forum_threads', ['tags'], unique=False, postgresql_using='gin')
    op.create_table('forum_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('score', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('char_length(body) BETWEEN 1 AND 20000', name=op.f('ck_forum_posts_body_length')),
    sa.CheckConstraint('edited_at IS NULL OR edited_at >= created_at', name=op.f('ck_forum_posts_edited_after_created')),
    sa.ForeignKeyConstraint(['author_id'], ['engineers.id'], name=op.f('fk_forum_posts_author_id_engineers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['forum_threads.id'], name=op.f('fk_forum_posts_thread_id_forum_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_posts'))
    )
    op.create_index('ix_forum_posts_author', 'forum_posts', ['author_id', 'created_at', 'id'], unique=False)
    op.create_index('ix_forum_posts_thread_created', 'forum_posts', ['thread_id', 'created_at', 'id'], unique=False)
    op.create_foreign_key(
        op.f('fk_forum_threads_accepted_post_id_forum_posts'),
        'forum_threads',
        'forum_posts',
        ['accepted_post_id'],
        ['id'],
        ondelete='SET NULL',
    )
    op.create_table('forum_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='OPEN', nullable=False),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("(status = 'OPEN') = (resolved_at IS NULL)", name=op.f('ck_forum_reports_resolved_when_closed')),
    sa.CheckConstraint("status IN ('OPEN', 'RESOLVED', 'DISMISSED')", name=op.f('ck_forum_reports_status_known')),
    sa.CheckConstraint('char_length(reason) BETWEEN 1 AND 500', name=op.f('ck_forum_reports_reason_length')),
    sa.CheckConstraint('num_nonnulls(thread_id, post_id) = 1', name=op.f('ck_forum_reports_one_target')),
    sa.ForeignKeyConstraint(['post_id'], ['forum_posts.id'], name=op.f('fk_forum_reports_post_id_forum_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['engineers.id'], name=op.f('fk_forum_reports_reporter_id_engineers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['engineers.id'], name=op.f('fk_forum_reports_resolved_by_id_engineers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['forum_threads.id'], name=op.f('fk_forum_reports_thread_id_forum_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_reports'))
    )
    op.create_index('ix_forum_reports_post', 'forum_reports', ['post_id'], unique=False)
    op.create_index('ix_forum_reports_reporter', 'forum_reports', ['reporter_id'], unique=False)
    op.create_index('ix_forum_reports_resolved_by', 'forum_reports', ['resolved_by_id'], unique=False)
    op.create_index('ix_forum_reports_status_created', 'forum_reports', ['status', 'created_at', 'id'], unique=False)
    op.create_index('ix_forum_reports_thread', 'forum_reports', ['thread_id'], unique=False)
    op.create_table('forum_votes',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('engineer_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('value IN (-1, 1)', name=op.f('ck_forum_votes_value_known')),
    sa.ForeignKeyConstraint(['engineer_id'], ['engineers.id'], name=op.f('fk_forum_votes_engineer_id_engineers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['forum_posts.id'], name=op.f('fk_forum_votes_post_id_forum_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'engineer_id', name=op.f('pk_forum_votes'))
    )
    op.create_index(op.f('ix_forum_votes_engineer_id'), 'forum_votes', ['engineer_id'], unique=False)
    for statement in TRIGGERS.strip().split("\n\n"):
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_TRIGGERS.strip().split("\n\n"):
        op.execute(statement)
    op.drop_index(op.f('ix_forum_votes_engineer_id'), table_name='forum_votes')
    op.drop_table('forum_votes')
    op.drop_index('ix_forum_reports_thread', table_name='forum_reports')
    op.drop_index('ix_forum_reports_status_created', table_name='forum_reports')
    op.drop_index('ix_forum_reports_resolved_by', table_name='forum_reports')
    op.drop_index('ix_forum_reports_reporter', table_name='forum_reports')
    op.drop_index('ix_forum_reports_post', table_name='forum_reports')
    op.drop_table('forum_reports')
    op.drop_index('ix_forum_posts_thread_created', table_name='forum_posts')
    op.drop_index('ix_forum_posts_author', table_name='forum_posts')
    op.drop_constraint(
        op.f('fk_forum_threads_accepted_post_id_forum_posts'), 'forum_threads', type_='foreignkey'
    )
    op.drop_table('forum_posts')
    op.drop_index('ix_forum_threads_tags', table_name='forum_threads', postgresql_using='gin')
    op.drop_index('ix_forum_threads_search', table_name='forum_threads', postgresql_using='gin')
    op.drop_index('ix_forum_threads_category_created', table_name='forum_threads')
    op.drop_index('ix_forum_threads_category_activity', table_name='forum_threads')
    op.drop_index('ix_forum_threads_author', table_name='forum_threads')
    op.drop_index('ix_forum_threads_activity', table_name='forum_threads')
    op.drop_index('ix_forum_threads_accepted_post', table_name='forum_threads')
    op.drop_table('forum_threads')
    op.drop_index('ix_forum_categories_sector', table_name='forum_categories')
    op.drop_index('ix_forum_categories_position', table_name='forum_categories')
    op.drop_index('ix_forum_categories_chapter', table_name='forum_categories')
    op.drop_table('forum_categories')
