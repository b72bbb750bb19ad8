"""Engagement sessions and feedback by `node(id:)`: node types read by SQL under their
engagement's rule (its parties and council admins; a session's notes for the parties only)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Feedback
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import factories, viewers
from tests.conftest import GraphQLClient
from tests.graph.test_engagement_work import FEEDBACK, LOG_SESSION, _parties, _payload

SESSION_NODE = """
query ($id: ID!) {
  node(id: $id) {
    id
    ... on EngagementSession { minutes notes loggedBy { handle } attendees { handle } }
    ... on EngagementFeedback { rating comment author { handle } subject { handle } }
  }
}
"""


async def test_sessions_and_feedback_by_node_id_for_parties_and_admins_only(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given a session logged and feedback given on a completed engagement
    engagement, as_contributor, as_seeker, as_stranger, contributor, seeker = await _parties(
        session, registry
    )
    key = encode_id("Engagement", engagement.id)
    good = {"engagement": key, "heldOn": "2025-03-01", "minutes": 45, "notes": "Relay settings"}
    logged = _payload(await graphql.data(LOG_SESSION, {"input": good}, as_contributor))
    engagement.status = "COMPLETED"
    engagement.completed_at = engagement.started_at
    await session.flush()
    values = {"engagement": key, "rating": 4, "comment": "Clear"}
    given = _payload(await graphql.data(FEEDBACK, {"input": values}, as_seeker))
    assert given["userErrors"] == []
    row = await session.scalar(select(Feedback.id).where(Feedback.author_id == seeker.id))
    assert row is not None
    session_id, feedback_id = logged["session"]["id"], encode_id("EngagementFeedback", row)
    admin = await factories.engineer(session)
    await factories.account(session, admin, global_role="COUNCIL_ADMIN")
    as_admin = await viewers.engineer(session, registry, admin)
    handles = sorted([contributor.handle, seeker.handle])

    async def read(global_id: str, who: Viewer | None) -> Any:
        if who is None:
            return (await graphql.data(SESSION_NODE, {"id": global_id}))["node"]
        return (await graphql.data(SESSION_NODE, {"id": global_id}, who))["node"]

    # Then the parties read both, notes included
    for party in (as_contributor, as_seeker):
        found = await read(session_id, party)
        assert found["notes"] == "Relay settings"
        assert found["loggedBy"] == {"handle": contributor.handle}
        assert sorted(item["handle"] for item in found["attendees"]) == handles
        assert (await read(feedback_id, party))["author"] == {"handle": seeker.handle}
    # a council admin reads them without the notes (they are the parties' only)
    as_admins = await read(session_id, as_admin)
    assert as_admins["minutes"] == 45
    assert as_admins["notes"] is None
    assert (await read(feedback_id, as_admin))["rating"] == 4
    # and a stranger or an anonymous client reads nothing at all
    for outsider in (as_stranger, None):
        assert await read(session_id, outsider) is None
        assert await read(feedback_id, outsider) is None
