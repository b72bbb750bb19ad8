"""One statement per compiled request, whatever the page size or nesting."""

from sqlalchemy.ext.asyncio import AsyncSession

from tests.compiler.conftest import BothPaths
from tests.graph import test_query_count


async def test_nested_page_is_one_statement_for_ten_or_a_hundred_parents(
    session: AsyncSession, both: BothPaths
) -> None:
    await test_query_count._many_engineers(session, 100)

    small = await both.compare(test_query_count.NESTED, {"first": 10})
    small_count = both.last_statement_count
    large = await both.compare(test_query_count.NESTED, {"first": 100})

    assert len(small["engineers"]["edges"]) == 10
    assert len(large["engineers"]["edges"]) == 100
    assert small_count == both.last_statement_count == 1


async def test_chapter_members_are_one_statement(session: AsyncSession, both: BothPaths) -> None:
    await test_query_count._many_engineers(session, 30)

    await both.compare(test_query_count.CHAPTER_MEMBERS, {"first": 9})

    assert both.last_statement_count == 1
