"""Contribution reads: opportunities (node, lists, search), applications, engagements, the
ledger; each read rule as a denied/allowed pair."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import EngagementSession, Engineer, Invitation, OpportunityChapter, OpportunitySector
from graph.auth.viewer import ANONYMOUS
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import contribution_world as world
from tests import factories, viewers
from tests.conftest import GraphQLClient

OPPORTUNITY_NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Opportunity {
      kind title description status visibility hoursPerMonth durationMonths remote city
      deadline createdAt countryCode languages disciplines timezoneWindowStart timezoneWindowEnd
      sectors { slug name }
      skills { minimumLevel skill { slug name } }
      chapters { slug }
      poster { handle name }
      institution { slug name }
      applications(first: 5) {
        totalCount
        edges { cursor node { id status message declineReason proposalPrice proposalCurrency
                              proposalTimeline proposalApproach createdAt decidedAt
                              applicant { handle } opportunity { title } } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}
"""

OPPORTUNITIES = """
query ($first: Int, $after: String, $last: Int, $before: String,
       $filter: OpportunityFilter, $order: OpportunityOrder) {
  opportunities(first: $first, after: $after, last: $last, before: $before,
                filter: $filter, orderBy: $order) {
    totalCount
    edges {
      cursor
      node {
        id title kind status visibility remote
        sectors { slug } skills { minimumLevel skill { slug } }
        poster { handle } institution { slug }
      }
    }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

ENGAGEMENT_NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Engagement {
      kind status hoursPerMonth cancelReason startedAt completedAt createdAt
      opportunity { title status }
      contributor { handle } seeker { handle } institution { slug }
      milestones { id title dueOn minutes status countersignedAt }
      sessions { id heldOn minutes notes countersignedAt loggedBy { handle } attendees { handle } }
      feedback { id rating comment createdAt author { handle } subject { handle } }
    }
  }
}
"""

APPLICATION_NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Application { status message proposalPrice applicant { handle } opportunity { title } }
  }
}
"""

OWNED = """
query ($handle: String!, $slug: String!, $chapter: String!, $status: [OpportunityStatus!]) {
  engineer(handle: $handle) {
    handle
    opportunities(first: 5, status: $status) { totalCount nodes { title status visibility } }
    contributions(first: 5) {
      totalCount
      edges {
        cursor
        node { id kind minutes hours cpdPoints occurredOn sector { slug } counterpart { handle }
               counterpartInstitution { slug } }
      }
    }
  }
  institution(slug: $slug) {
    opportunities(first: 5, status: $status) { totalCount nodes { title status } }
  }
  chapter(slug: $chapter) {
    opportunities(first: 5) {
      totalCount pageInfo { hasNextPage } nodes { title chapters { slug } }
    }
  }
}
"""

CONTRIBUTIONS_NODES = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename id
    ... on Opportunity { title opportunityStatus: status }
    ... on Application { applicationStatus: status }
    ... on Engagement { engagementStatus: status sessions { notes } }
  }
}
"""


async def test_drafts_chapter_and_invited_opportunities_show_only_to_their_people(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given a seeker's draft, a CHAPTER opportunity for gulf-uae and an INVITED one
    seeker = await factories.engineer(session)
    member = await factories.engineer(session)
    invitee = await factories.engineer(session)
    stranger = await factories.engineer(session)
    gulf = await factories.chapter(session, "gulf-uae")
    await factories.membership(session, member, gulf, status="ACTIVE")
    draft = await world.opportunity(session, seeker, status="DRAFT", title="Seek draft")
    chapter_only = await world.opportunity(
        session, seeker, visibility="CHAPTER", title="Seek chapter"
    )
    await world.add(session, OpportunityChapter(opportunity_id=chapter_only.id, chapter_id=gulf.id))
    invited = await world.opportunity(session, seeker, visibility="INVITED", title="Seek invited")
    await world.add(session, Invitation(opportunity_id=invited.id, engineer_id=invitee.id))
    cases = {
        draft: ({seeker}, {member, invitee, stranger}),
        chapter_only: ({seeker, member}, {invitee, stranger}),
        invited: ({seeker, invitee}, {member, stranger}),
    }
    for row, (allowed, denied) in cases.items():
        variables = {"id": encode_id("Opportunity", row.id)}
        for who in allowed:
            seen = await graphql.data(
                OPPORTUNITY_NODE, variables, await viewers.engineer(session, registry, who)
            )
            assert seen["node"]["title"] == row.title
        for who in denied:
            hidden = await graphql.data(
                OPPORTUNITY_NODE, variables, await viewers.engineer(session, registry, who)
            )
            assert hidden["node"] is None
        # and the list agrees with node
        listed = await graphql.data(
            OPPORTUNITIES,
            {"first": 10, "filter": {"search": row.title}},
            await viewers.engineer(session, registry, next(iter(denied))),
        )
        assert row.title not in [e["node"]["title"] for e in listed["opportunities"]["edges"]]


async def test_an_open_opportunity_past_its_deadline_reads_expired_and_filters_so(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    poster = await factories.engineer(session)
    past = await world.opportunity(
        session, poster, title="Lapsed call", deadline=datetime.now(UTC) - timedelta(hours=1)
    )
    await world.opportunity(session, poster, title="Live call")
    expired = await graphql.data(
        OPPORTUNITIES, {"first": 10, "filter": {"status": ["EXPIRED"], "search": "call"}}
    )
    assert [e["node"]["title"] for e in expired["opportunities"]["edges"]] == [past.title]
    assert expired["opportunities"]["edges"][0]["node"]["status"] == "EXPIRED"
    open_ = await graphql.data(
        OPPORTUNITIES, {"first": 10, "filter": {"status": ["OPEN"], "search": "call"}}
    )
    assert [e["node"]["title"] for e in open_["opportunities"]["edges"]] == ["Live call"]


async def test_search_and_filters_narrow_the_list(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    poster = await factories.engineer(session)
    water = await factories.sector(session, slug="flt-water")
    wanted = await world.opportunity(
        session,
        poster,
        title="Desalination plant review",
        kind="CONSULTANCY",
        remote=False,
        city="Karachi",
    )
    await world.add(session, OpportunitySector(opportunity_id=wanted.id, sector_id=water.id))
    await world.opportunity(session, poster, title="Desalination mentoring")
    found = await graphql.data(
        OPPORTUNITIES,
        {
            "first": 5,
            "filter": {
                "search": "desalination",
                "kinds": ["CONSULTANCY"],
                "sectors": ["flt-water"],
                "remote": False,
            },
        },
    )
    assert [e["node"]["title"] for e in found["opportunities"]["edges"]] == [wanted.title]
    both = await graphql.data(
        OPPORTUNITIES, {"first": 5, "filter": {"search": "desalination"}, "order": "TITLE"}
    )
    assert [e["node"]["title"] for e in both["opportunities"]["edges"]] == [
        "Desalination mentoring",
        "Desalination plant review",
    ]
    bad = await graphql.execute(OPPORTUNITIES, {"first": 5, "filter": {"sectors": ["Not A Slug!"]}})
    assert bad.errors is not None
    assert bad.errors[0].extensions["code"] == "BAD_USER_INPUT"


async def test_applications_show_to_the_applicant_and_the_seeker_side_only(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    seeker = await factories.engineer(session)
    applicant = await factories.engineer(session)
    other = await factories.engineer(session)
    stranger = await factories.engineer(session)
    target = await world.opportunity(session, seeker)
    mine = await world.application(session, target, applicant)
    await world.application(session, target, other)
    variables = {"id": encode_id("Opportunity", target.id)}

    async def listed(who: Engineer | None) -> list[str]:
        viewer = await viewers.engineer(session, registry, who) if who else ANONYMOUS
        data = await graphql.data(OPPORTUNITY_NODE, variables, viewer)
        return [e["node"]["applicant"]["handle"] for e in data["node"]["applications"]["edges"]]

    assert sorted(await listed(seeker)) == sorted([applicant.handle, other.handle])
    assert await listed(applicant) == [applicant.handle]
    assert await listed(stranger) == []
    assert await listed(None) == []
    node = {"id": encode_id("Application", mine.id)}
    for who, seen in ((applicant, True), (seeker, True), (other, False), (stranger, False)):
        data = await graphql.data(
            APPLICATION_NODE, node, await viewers.engineer(session, registry, who)
        )
        assert (data["node"] is not None) is seen


async def test_session_notes_show_to_the_parties_and_not_to_council_admins(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    contributor = await factories.engineer(session)
    seeker = await factories.engineer(session)
    admin = await factories.engineer(session)
    stranger = await factories.engineer(session)
    await factories.account(session, admin, global_role="COUNCIL_ADMIN")
    engagement = await world.engagement(session, contributor, seeker)
    await world.add(
        session,
        EngagementSession(
            engagement_id=engagement.id,
            held_on=date(2025, 1, 1),
            minutes=30,
            notes="Private notes",
            attendee_ids=[contributor.id, seeker.id],
            logged_by_id=contributor.id,
        ),
    )
    variables = {"id": encode_id("Engagement", engagement.id)}
    for who in (contributor, seeker):
        data = await graphql.data(
            ENGAGEMENT_NODE, variables, await viewers.engineer(session, registry, who)
        )
        assert data["node"]["sessions"][0]["notes"] == "Private notes"
    as_admin = await graphql.data(
        ENGAGEMENT_NODE, variables, await viewers.engineer(session, registry, admin)
    )
    assert as_admin["node"]["sessions"][0] == {**as_admin["node"]["sessions"][0], "notes": None}
    assert as_admin["node"]["sessions"][0]["minutes"] == 30
    hidden = await graphql.data(
        ENGAGEMENT_NODE, variables, await viewers.engineer(session, registry, stranger)
    )
    assert hidden["node"] is None
