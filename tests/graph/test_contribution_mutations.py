"""Contribution mutations over GraphQL: denied/allowed pairs, userErrors codes, node() checks."""

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import GlobalRole
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import contribution_world as world
from tests import factories, viewers
from tests.conftest import GraphQLClient

CREATE = """
mutation ($input: OpportunityCreateInput!) {
  opportunityCreate(input: $input) {
    opportunity { id status title kind }
    userErrors { field code message }
  }
}
"""
SUBMIT = """
mutation ($input: ApplicationSubmitInput!) {
  applicationSubmit(input: $input) {
    application { id status }
    userErrors { code }
  }
}
"""
ACCEPT = """
mutation ($input: ApplicationInput!) {
  applicationAccept(input: $input) {
    application { status }
    engagement { id status }
    userErrors { code }
  }
}
"""
RESOLVE = """
mutation ($input: EngagementReasonInput!) {
  engagementResolveProblem(input: $input) {
    engagement { status }
    userErrors { code }
  }
}
"""
NODE = """
query ($id: ID!) {
  node(id: $id) {
    id
    ... on Opportunity { title opportunityStatus: status }
    ... on Engagement { engagementStatus: status }
  }
}
"""


async def test_anonymous_cannot_post_and_an_engineer_posts_a_draft(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    poster = await factories.engineer(session)
    variables = {
        "input": {
            "kind": "MENTORSHIP",
            "title": "Mentor a water engineer",
            "hoursPerMonth": 4,
            "durationMonths": 6,
        }
    }
    denied = await graphql.execute(CREATE, variables)
    assert denied.errors[0].extensions["code"] == "UNAUTHENTICATED"
    data = await graphql.data(CREATE, variables, await viewers.engineer(session, registry, poster))
    created = data["opportunityCreate"]
    assert created["userErrors"] == []
    assert created["opportunity"]["status"] == "DRAFT"
    bad = await graphql.data(
        CREATE,
        {"input": {**variables["input"], "hoursPerMonth": 0}},
        await viewers.engineer(session, registry, poster),
    )
    assert bad["opportunityCreate"]["userErrors"][0]["code"] == "INVALID_EFFORT"


async def test_only_the_seeker_side_accepts_an_application(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    contributor = await factories.engineer(session)
    target = await world.opportunity(session, seeker)
    as_contributor = await viewers.engineer(session, registry, contributor)
    submitted = await graphql.data(
        SUBMIT,
        {"input": {"opportunity": encode_id("Opportunity", target.id), "message": "Glad to."}},
        as_contributor,
    )
    application_id = submitted["applicationSubmit"]["application"]["id"]
    denied = await graphql.data(ACCEPT, {"input": {"application": application_id}}, as_contributor)
    assert denied["applicationAccept"]["userErrors"] == [{"code": "NOT_SEEKER"}]
    allowed = await graphql.data(
        ACCEPT,
        {"input": {"application": application_id}},
        await viewers.engineer(session, registry, seeker),
    )
    assert allowed["applicationAccept"]["application"] == {"status": "ACCEPTED"}
    assert allowed["applicationAccept"]["engagement"]["status"] == "PROPOSED"


async def test_node_shows_invited_opportunities_and_engagements_only_to_their_people(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    contributor = await factories.engineer(session)
    stranger = await factories.engineer(session)
    invited = await world.opportunity(session, seeker, visibility="INVITED")
    engagement = await world.engagement(session, contributor, seeker)
    as_stranger = await viewers.engineer(session, registry, stranger)
    as_contributor = await viewers.engineer(session, registry, contributor)
    opportunity_id = encode_id("Opportunity", invited.id)
    engagement_id = encode_id("Engagement", engagement.id)
    assert (await graphql.data(NODE, {"id": opportunity_id}, as_stranger))["node"] is None
    seen = await graphql.data(
        NODE, {"id": opportunity_id}, await viewers.engineer(session, registry, seeker)
    )
    assert seen["node"]["opportunityStatus"] == "OPEN"
    assert (await graphql.data(NODE, {"id": engagement_id}, as_stranger))["node"] is None
    assert (await graphql.data(NODE, {"id": engagement_id}, as_contributor))["node"] == {
        "id": engagement_id,
        "engagementStatus": "ACTIVE",
    }


async def test_only_council_admins_resolve_problems(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    contributor = await factories.engineer(session)
    admin = await factories.engineer(session)
    await factories.account(session, admin, global_role=GlobalRole.COUNCIL_ADMIN)
    engagement = await world.engagement(session, contributor, seeker, status="PAUSED")
    variables = {"input": {"engagement": encode_id("Engagement", engagement.id), "reason": "Done"}}
    denied = await graphql.data(
        RESOLVE, variables, await viewers.engineer(session, registry, seeker)
    )
    assert denied["engagementResolveProblem"]["userErrors"] == [{"code": "NOT_ADMIN"}]
    allowed = await graphql.data(
        RESOLVE, variables, await viewers.engineer(session, registry, admin)
    )
    assert allowed["engagementResolveProblem"] == {
        "engagement": {"status": "ACTIVE"},
        "userErrors": [],
    }


MATCHES = """
query ($id: ID!, $after: String) {
  node(id: $id) {
    ... on Opportunity {
      matches(first: 2, after: $after) {
        edges {
          cursor score explanation
          factors { name weight value contribution }
          node { handle }
        }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""


async def test_the_seeker_pages_through_matches_and_others_are_forbidden(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session, offers=[])
    stranger = await factories.engineer(session, offers=[])
    for _ in range(3):
        await factories.engineer(session)
    target = await world.opportunity(session, seeker)
    variables = {"id": encode_id("Opportunity", target.id)}
    as_seeker = await viewers.engineer(session, registry, seeker)
    first = (await graphql.data(MATCHES, variables, as_seeker))["node"]["matches"]
    assert len(first["edges"]) == 2
    assert first["pageInfo"]["hasNextPage"] is True
    edge = first["edges"][0]
    assert len(edge["factors"]) == 8
    assert "h/month free" in edge["explanation"]
    rest = await graphql.data(
        MATCHES, {**variables, "after": first["pageInfo"]["endCursor"]}, as_seeker
    )
    handles = [e["node"]["handle"] for e in first["edges"] + rest["node"]["matches"]["edges"]]
    assert len(handles) == len(set(handles)) >= 3
    denied = await graphql.execute(
        MATCHES, variables, await viewers.engineer(session, registry, stranger)
    )
    assert denied.errors[0].extensions["code"] == "FORBIDDEN"
