"""No N+1: nested lists cost the same number of statements for 10 or 100 parents."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import StatementCounter
from db.models import AuditLogEntry, Chapter, Engineer, EngineerSkill, Membership, Position
from graph.chapters import ChapterRegistry
from tests import factories, viewers
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

AUDIT_LOGS = """
query ($first: Int!) {
  chapters(first: $first) {
    nodes { slug auditLog(first: 3) { totalCount nodes { action actor { handle } } } }
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


async def test_audit_logs_statement_count_does_not_grow_with_chapters(
    session: AsyncSession,
    graphql: GraphQLClient,
    statements: StatementCounter,
    registry: ChapterRegistry,
) -> None:
    # Given a council admin and five audited actions in every chapter
    admin = await factories.engineer(session, handle="auditor")
    await factories.account(session, admin, global_role="COUNCIL_ADMIN")
    chapters = (await session.scalars(select(Chapter).order_by(Chapter.name))).all()
    session.add_all(
        AuditLogEntry(
            actor_engineer_id=admin.id,
            action=f"membership.approve.{n}",
            target_type="Membership",
            target_id=n,
            chapter_id=chapter.id,
            request_id="test",
        )
        for chapter in chapters
        for n in range(5)
    )
    viewer = await viewers.engineer(session, registry, admin)

    # When the admin reads the audit logs of a few, then of many chapters
    statements.reset()
    few = await graphql.data(AUDIT_LOGS, {"first": 2}, viewer)
    one = statements.count
    statements.reset()
    many = await graphql.data(AUDIT_LOGS, {"first": 9}, viewer)

    # Then each chapter gets its own page, for the same number of statements
    assert len(chapters) >= 8
    assert len(many["chapters"]["nodes"]) >= 8
    for node in few["chapters"]["nodes"] + many["chapters"]["nodes"]:
        assert node["auditLog"]["totalCount"] == 5
        assert len(node["auditLog"]["nodes"]) == 3
        assert {entry["actor"]["handle"] for entry in node["auditLog"]["nodes"]} == {"auditor"}
    assert statements.count == one
    # chapters page + audit page + audit counts + actors (+ the chapters total, not asked)
    assert one <= 4, statements.statements
