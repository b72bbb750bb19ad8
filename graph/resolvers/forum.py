"""Query fields for the forum: categories, one category by slug, thread search."""

from typing import Annotated

import strawberry

from db import models
from db.enums import ForumCategoryKind
from db.queries import chapter as chapter_queries
from db.queries import forum as queries
from graph.context import Context, Info
from graph.pagination import PageArgs
from graph.services import forum as service
from graph.services.listing import page_of
from graph.services.visibility import forum_scope
from graph.types.connection import After, Before, Connection, First, Last, build_connection
from graph.types.forum import ForumCategory, ForumThread


@strawberry.input(description="Conditions on forum threads; all given conditions must hold.")
class ForumThreadFilter:
    """Client-side filter for thread search."""

    search: str | None = strawberry.field(
        default=None,
        description="Full-text search over title, tags and body (web-search syntax: "
        '`"solar net metering" -wind`). At most 200 characters.',
    )
    tags: list[str] | None = strawberry.field(
        default=None, description="Only threads carrying every one of these tags (at most 5)."
    )
    category: str | None = strawberry.field(
        default=None, description="Only threads of the category with this slug."
    )


async def forum_categories(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    kind: Annotated[
        ForumCategoryKind | None,
        strawberry.argument(description="Only categories of this kind."),
    ] = None,
    chapter: Annotated[
        str | None,
        strawberry.argument(description="Only the categories of the chapter with this slug."),
    ] = None,
) -> Connection[ForumCategory]:
    """Categories the viewer may read, in display order."""
    chapter_ids: list[int] | None = None
    if chapter is not None:
        async with info.context.database.session() as session:
            row = await chapter_queries.get_by_slug(session, chapter[:64])
        chapter_ids = [row.id] if row is not None else []
    ordering = queries.CATEGORY_ORDERING
    page, count = await page_of(
        info.context.database,
        queries.categories(
            forum_scope(info.context.viewer),
            kinds=[kind.value] if kind is not None else (),
            chapter_ids=chapter_ids,
        ),
        models.ForumCategory,
        ordering,
        PageArgs(first, after, last, before),
    )
    return build_connection(page, ordering, ForumCategory.from_model, count)


async def forum_category(
    info: Info,
    slug: Annotated[
        str, strawberry.argument(description="The category's slug (e.g. `careers-licensing`).")
    ],
) -> ForumCategory | None:
    """One category by slug; null when there is none or the viewer may not read it."""
    if len(slug) > 64:
        return None
    rule = forum_scope(info.context.viewer).category_predicate()
    async with info.context.database.session() as session:
        row = await queries.get_category_by_slug(session, slug, rule)
    return ForumCategory.from_model(row) if row is not None else None


async def forum_threads(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[
        ForumThreadFilter | None, strawberry.argument(description="Conditions to match.")
    ] = None,
) -> Connection[ForumThread]:
    """Threads the viewer may read across categories, most recent activity first."""
    given = filter or ForumThreadFilter()
    criteria = service.thread_criteria(given.tags, given.search)
    category_ids: list[int] | None = None
    if given.category is not None:
        async with info.context.database.session() as session:
            row = await queries.get_category_by_slug(session, given.category[:64])
        category_ids = [row.id] if row is not None else []
    ordering = queries.THREAD_ORDERING
    page, count = await page_of(
        info.context.database,
        queries.threads(
            forum_scope(info.context.viewer),
            category_ids=category_ids,
            tags=criteria.tags,
            search=criteria.search,
        ),
        models.ForumThread,
        ordering,
        PageArgs(first, after, last, before),
    )
    return build_connection(page, ordering, ForumThread.from_model, count)


async def readable_thread(context: Context, thread_id: int) -> models.ForumThread | None:
    """The thread, if it exists and the viewer may read it (the loader's SQL rule)."""
    return await context.loaders.readable_forum_thread_by_id.load(thread_id)

