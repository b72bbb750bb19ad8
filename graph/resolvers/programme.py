"""Query fields for mentorship programmes and their `node(id:)` fetchers (each under the same
SQL rule the compiled path inlines: graph.services.programme_access)."""

from sqlalchemy import select

from db import models
from db.queries import programme as queries
from graph.context import Info
from graph.pagination import PageArgs
from graph.services.listing import page_of
from graph.types.connection import After, Before, Connection, First, Last, build_connection
from graph.types.programme import MentorshipProgramme


async def mentorship_programmes(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
) -> Connection[MentorshipProgramme]:
    """Every mentorship programme, newest first (programmes are public)."""
    ordering = queries.PROGRAMME_ORDERING
    page, count = await page_of(
        info.context.database,
        select(models.MentorshipProgramme),
        models.MentorshipProgramme,
        ordering,
        PageArgs(first, after, last, before),
    )
    return build_connection(page, ordering, MentorshipProgramme.from_model, count)

