"""Query fields for the forum: categories, one category by slug, thread search."""

from typing import Annotated

import strawberry

from db import models
from db.enums import ForumCategoryKind
from graph.context import Context, Info
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.forum import ForumCategory, ForumThread
from graph.types.sql_only import unserved


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


def forum_categories(
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
    raise unserved()


def forum_category(
    info: Info,
    slug: Annotated[
        str, strawberry.argument(description="The category's slug (e.g. `careers-licensing`).")
    ],
) -> ForumCategory | None:
    """One category by slug; null when there is none or the viewer may not read it."""
    raise unserved()


def forum_threads(
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
    raise unserved()


async def readable_thread(context: Context, thread_id: int) -> models.ForumThread | None:
    """The thread, if it exists and the viewer may read it (the loader's SQL rule)."""
    return await context.loaders.readable_forum_thread_by_id.load(thread_id)

