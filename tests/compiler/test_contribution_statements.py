"""The compiled path answers the contribution pages in one statement whatever the page size."""

from sqlalchemy.ext.asyncio import AsyncSession

from graph.chapters import ChapterRegistry
from tests import factories, viewers
from tests.compiler.conftest import BothPaths
from tests.graph.test_contribution_query_count import (
    ENGAGEMENT_PARTS,
    ENGAGEMENTS,
    SEARCH_PAGE,
    _census,
)


async def test_the_compiled_path_answers_each_page_in_one_statement(
    session: AsyncSession, both: BothPaths, registry: ChapterRegistry
) -> None:
    await _census(session, 30)
    reader = await viewers.engineer(session, registry, await factories.engineer(session))
    for document in (SEARCH_PAGE, ENGAGEMENTS, ENGAGEMENT_PARTS):
        for size in (3, 30):
            await both.compare(document, {"first": size}, reader)
            assert both.last_statement_count == 1
