"""Query fields for chapters."""

from typing import Annotated

import strawberry

from graph.context import Info
from graph.types.chapter import Chapter
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.sql_only import unserved


def chapter(
    info: Info,
    slug: Annotated[str, strawberry.argument(description="The chapter's slug (e.g. `gulf-uae`).")],
) -> Chapter | None:
    """One chapter by slug, archived ones included; null when there is none."""
    raise unserved()


def chapters(
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
    raise unserved()
