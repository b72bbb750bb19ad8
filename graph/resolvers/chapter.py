"""Query fields for chapters."""

from typing import Annotated

import strawberry

from db import models
from db.queries import chapter as queries
from graph.context import Info
from graph.pagination import PageArgs
from graph.services.listing import page_of
from graph.types.chapter import Chapter
from graph.types.connection import After, Before, Connection, First, Last, build_connection


async def chapter(
    info: Info,
    slug: Annotated[str, strawberry.argument(description="The chapter's slug (e.g. `gulf-uae`).")],
) -> Chapter | None:
    """One chapter by slug, archived ones included; null when there is none."""
    async with info.context.database.session() as session:
        row = await queries.get_by_slug(session, slug)
    return Chapter.from_model(row) if row is not None else None


async def chapters(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    include_archived: Annotated[
        bool, strawberry.argument(description="Also list chapters whose file was removed.")
    ] = False,
) -> Connection[Chapter]:
    """Chapters by name."""
    ordering = queries.CHAPTER_ORDERINGS["NAME_ASC"]
    page, count = await page_of(
        info.context.database,
        queries.chapters(include_archived=include_archived),
        models.Chapter,
        ordering,
        PageArgs(first, after, last, before),
    )
    return build_connection(page, ordering, Chapter.from_model, count)
