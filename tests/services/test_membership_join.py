"""Joining a chapter is one statement, whether it admits the engineer or says why not."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import StatementCounter
from graph.services import membership as service
from graph.services.problems import Rejected
from tests import factories


@pytest.mark.parametrize(("policy", "code"), [("OPEN", None), ("INVITE", "INVITE_ONLY")])
async def test_join_is_one_statement_admitted_or_refused(
    session: AsyncSession, statements: StatementCounter, policy: str, code: str | None
) -> None:
    # Given a chapter with this join policy and an engineer holding no membership there
    chapter = await factories.chapter(session, "uk-ireland")
    chapter.join_policy = policy
    engineer = await factories.engineer(session)
    await session.flush()
    statements.reset()

    # When they join
    try:
        joined = await service.join(session, engineer.id, chapter.id)
        refused = None
    except Rejected as rejected:
        joined, refused = None, rejected

    # Then one statement answered: their ACTIVE membership, or the refusal's code
    assert statements.count == 1, statements.statements
    if code is None:
        assert joined is not None
        assert joined.status == "ACTIVE"
    else:
        assert refused is not None
        assert [problem.code.value for problem in refused.problems] == [code]
