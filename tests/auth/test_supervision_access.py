"""Project teams and everything under them, denied and allowed: node, nodes and the
Opportunity.projectTeams / Viewer.projectTeams edges, for every kind of viewer, on both paths."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ProjectMilestone, ProjectTeamMember
from graph.auth.scopes import Scope
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import factories, viewers
from tests import supervision_world as world
from tests.conftest import GraphQLClient

TEAM_NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename
    ... on ProjectTeam {
      name proposalStatus members { status engineer { handle } }
      supervisors { handle } topic { title }
    }
  }
}
"""
TEAM_NODES = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on ProjectTeam { name }
    ... on ProposalRevision { number title }
    ... on ProjectMilestone { title }
    ... on AssessmentRubric { name criteria { title weight } }
  }
}
"""
TOPIC_TEAMS = """
query ($id: ID!) {
  node(id: $id) {
    ... on Opportunity {
      title
      projectTeams(first: 10) { totalCount nodes { name revisions { number } } }
    }
  }
}
"""
MY_TEAMS = """
query { viewer { projectTeams(first: 10) { totalCount nodes { name isOverdue } } } }
"""
RUBRICS = """
query ($id: ID!) {
  node(id: $id) {
    ... on Institution { assessmentRubrics { name criteria { position title weight } } }
  }
}
"""


async def _setting(session: AsyncSession, registry: ChapterRegistry) -> dict[str, Any]:
    """A topic with a team (a revision, a milestone, an invited student), a second team, and
    every kind of viewer."""
    given = await world.topic(session)
    invited = await factories.engineer(session, handle="invited-student")
    session.add(ProjectTeamMember(team_id=given.team.id, engineer_id=invited.id, status="INVITED"))
    other_lead = await factories.engineer(session, handle="other-lead")
    other = await world.team_of(session, given.topic, other_lead, name="Other")
    revision = await world.revision(session, given.team)
    milestone = ProjectMilestone(
        team_id=given.team.id, title="Interim", due_at=datetime(2099, 1, 1, tzinfo=UTC)
    )
    session.add(milestone)
    rubric = await world.rubric(session, given.university)
    admin = await factories.engineer(session)
    await factories.account(session, admin, global_role="COUNCIL_ADMIN")
    elsewhere = await factories.institution(session)
    await session.flush()
    as_engineer = {
        name: await viewers.engineer(session, registry, person)
        for name, person in (
            ("lead", given.lead),
            ("member", given.member),
            ("invited", invited),
            ("poster", given.poster),
            ("cosupervisor", given.cosupervisor),
            ("staff", given.staff),
            ("stranger", given.stranger),
            ("other-lead", other_lead),
            ("admin", admin),
        )
    }
    everyone: dict[str, Viewer] = {
        **as_engineer,
        "anonymous": ANONYMOUS,
        "client": viewers.client(given.university.id, frozenset({Scope.OPPORTUNITIES_WRITE})),
        "other-client": viewers.client(elsewhere.id),
    }
    return {
        "given": given,
        "viewers": everyone,
        "team": encode_id("ProjectTeam", given.team.id),
        "other": encode_id("ProjectTeam", other.id),
        "revision": encode_id("ProposalRevision", revision.id),
        "milestone": encode_id("ProjectMilestone", milestone.id),
        "rubric": encode_id("AssessmentRubric", rubric.id),
        "topic": encode_id("Opportunity", given.topic.id),
        "university": encode_id("Institution", given.university.id),
    }


SEES_TEAM = {"lead", "member", "invited", "poster", "cosupervisor", "staff", "client"}
"""Who may read the first team and what is under it: its students (invited included), its
supervisors and the institution's staff and client; not strangers, other teams, admins."""


async def _both(
    graphql: GraphQLClient, document: str, variables: dict[str, Any] | None, viewer: Viewer
) -> Any:
    """The answer of the compiled path (reads have no other)."""
    return await graphql.data(document, variables, viewer)


async def test_team_node_and_nodes_show_to_members_supervisors_and_staff_only(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    found = await _setting(session, registry)
    ids = [found["team"], found["revision"], found["milestone"], found["rubric"]]
    for name, viewer in found["viewers"].items():
        node = (await _both(graphql, TEAM_NODE, {"id": found["team"]}, viewer))["node"]
        listed = (await _both(graphql, TEAM_NODES, {"ids": ids}, viewer))["nodes"]
        rubric = listed[3]
        assert rubric["name"] == f"Rubric {found['given'].university.slug}", name
        if name in SEES_TEAM:
            assert (node or {}).get("__typename") == "ProjectTeam", name
            assert [item["__typename"] for item in listed[:3]] == [
                "ProjectTeam",
                "ProposalRevision",
                "ProjectMilestone",
            ], name
        else:
            assert node is None, name
            assert listed[:3] == [None, None, None], name
    seen = (await _both(graphql, TEAM_NODE, {"id": found["team"]}, found["viewers"]["staff"]))[
        "node"
    ]
    assert [member["status"] for member in seen["members"]] == ["ACTIVE", "ACTIVE", "INVITED"]
    given = found["given"]
    assert {s["handle"] for s in seen["supervisors"]} == {
        given.poster.handle,
        given.cosupervisor.handle,
    }


async def test_topic_and_viewer_edges_list_only_visible_teams(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    found = await _setting(session, registry)
    expected_topic = {
        "lead": ["Team " + found["given"].lead.handle],
        "invited": ["Team " + found["given"].lead.handle],
        "other-lead": ["Other"],
        "poster": ["Team " + found["given"].lead.handle, "Other"],
        "staff": ["Team " + found["given"].lead.handle, "Other"],
        "client": ["Team " + found["given"].lead.handle, "Other"],
        "stranger": [],
        "admin": [],
    }
    for name, names in expected_topic.items():
        viewer = found["viewers"][name]
        topic = (await _both(graphql, TOPIC_TEAMS, {"id": found["topic"]}, viewer))["node"]
        teams = topic["projectTeams"]
        assert [team["name"] for team in teams["nodes"]] == names, name
        assert teams["totalCount"] == len(names), name
    expected_mine = {
        "lead": 1,
        "invited": 1,
        "poster": 2,
        "cosupervisor": 2,
        "staff": 0,
        "stranger": 0,
        "anonymous": 0,
        "client": 0,
    }
    for name, count in expected_mine.items():
        mine = (await _both(graphql, MY_TEAMS, None, found["viewers"][name]))["viewer"]
        assert mine["projectTeams"]["totalCount"] == count, name


async def test_rubrics_are_public(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    found = await _setting(session, registry)
    for viewer in (ANONYMOUS, found["viewers"]["stranger"]):
        answer = await _both(graphql, RUBRICS, {"id": found["university"]}, viewer)
        criteria = answer["node"]["assessmentRubrics"][0]["criteria"]
        assert [(c["position"], c["weight"]) for c in criteria] == [(1, 40), (2, 35), (3, 25)]
