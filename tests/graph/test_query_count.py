"""No N+1: nested lists cost the same number of statements for 10 or 100 parents."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import StatementCounter
from db.models import Engineer, EngineerSkill, Membership, Position
from tests import factories
from tests.conftest import GraphQLClient

NESTED = """
query ($first: Int!) {
  engineers(first: $first, filter: {search: "countword"}) {
    totalCount
    edges { node {
      handle
      chapters(first: 5) { totalCount nodes { slug } }
      memberships(first: 5) { nodes { role chapter { slug } } }
      skills { level skill { slug sector { slug } } }
      sectors { slug }
      positions { title }
      education { degree }
      affiliations { role institution { slug } }
    } }
  }
}
"""

CHAPTER_MEMBERS = """
query ($first: Int!) {
  chapters(first: $first) {
    nodes { slug members(first: 20) { totalCount nodes { engineer { handle } } } }
  }
}
"""


async def _many_engineers(session: AsyncSession, count: int) -> None:
    chapters = [await factories.chapter(session, slug) for slug in ("gulf-uae", "uk-ireland")]
    skill = await factories.skill(session, sector_id=(await factories.sector(session)).id)
    engineers = [
        Engineer(
            handle=f"count-{n}",
            name=f"Count {n:03d}",
            bio="countword",
            country_code="AE",
            city="Dubai",
            is_overseas=True,
        )
        for n in range(count)
    ]
    session.add_all(engineers)
    await session.flush()
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n, engineer in enumerate(engineers):
        session.add_all(
            [
                EngineerSkill(engineer_id=engineer.id, skill_id=skill.id, level="EXPERT", years=3),
                Position(
                    engineer_id=engineer.id,
                    title="Engineer",
                    organization="Arup",
                    country_code="AE",
                    start_date=date(2020, 1, 1),
                ),
                *[
                    Membership(
                        engineer_id=engineer.id,
                        chapter_id=chapter.id,
                        status="ACTIVE",
                        since=start + timedelta(minutes=n),
                    )
                    for chapter in chapters
                ],
            ]
        )
    await session.flush()


async def test_nested_engineer_query_statement_count_does_not_grow_with_page_size(
    session: AsyncSession, graphql: GraphQLClient, statements: StatementCounter
) -> None:
    await _many_engineers(session, 100)
    await session.flush()

    statements.reset()
    small = await graphql.data(NESTED, {"first": 10})
    small_count = statements.count
    statements.reset()
    large = await graphql.data(NESTED, {"first": 100})
    large_count = statements.count

    assert len(small["engineers"]["edges"]) == 10
    assert len(large["engineers"]["edges"]) == 100
    assert large["engineers"]["edges"][99]["node"]["chapters"]["totalCount"] == 2
    assert small_count == large_count
    # page + total + (chapters page, chapters count, memberships page, chapter by id, skills,
    # skill sectors, sectors, positions, education, affiliations) — one statement per loader.
    assert large_count <= 13, statements.statements


async def test_chapter_members_statement_count_does_not_grow_with_chapters(
    session: AsyncSession, graphql: GraphQLClient, statements: StatementCounter
) -> None:
    await _many_engineers(session, 30)

    statements.reset()
    await graphql.data(CHAPTER_MEMBERS, {"first": 5})  # reaches gulf-uae, which has members
    one = statements.count
    statements.reset()
    many = await graphql.data(CHAPTER_MEMBERS, {"first": 9})
    assert len(many["chapters"]["nodes"]) >= 8
    assert statements.count == one
