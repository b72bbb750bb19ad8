"""Final-year project supervision over GraphQL: a team forms, invites (an engineer, an email
that signs up), submits proposal revisions the supervisors decide, works to milestones with
versioned deliverables and is assessed against its institution's rubric; every invalid step's
userErrors code, audit rows for supervisors' actions, notification rows."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AuditLogEntry,
    Notification,
    OutboxEmail,
    ProjectAssessment,
    ProjectDeliverable,
    ProjectMilestone,
    ProjectTeam,
    ProjectTeamMember,
    ProposalRevision,
)
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from graph.services import account
from tests import factories, viewers
from tests import supervision_world as world
from tests.conftest import GraphQLClient

CREATE = """
mutation ($input: ProjectTeamCreateInput!) {
  projectTeamCreate(input: $input) {
    team { id name proposalStatus isProposalOverdue members { role status engineer { handle } } }
    userErrors { field code }
  }
}
"""
INVITE = """
mutation ($input: ProjectTeamInviteInput!) {
  projectTeamInvite(input: $input) {
    team { members { status engineer { handle } } }
    userErrors { field code }
  }
}
"""
JOIN = """
mutation ($input: ProjectTeamJoinInput!) {
  projectTeamJoin(input: $input) { team { members { status } } userErrors { code } }
}
"""
SUBMIT = """
mutation ($input: ProjectProposalSubmitInput!) {
  projectProposalSubmit(input: $input) {
    revision { id number status title team { proposalStatus } }
    userErrors { field code }
  }
}
"""
APPROVE = """
mutation ($input: ProposalReviewInput!) {
  projectProposalApprove(input: $input) {
    revision { number status decisionComment decidedBy { handle } team { proposalStatus } }
    userErrors { field code }
  }
}
"""
REQUEST_CHANGES = """
mutation ($input: ProposalReviewInput!) {
  projectProposalRequestChanges(input: $input) {
    revision { number status decisionComment team { proposalStatus } }
    userErrors { field code }
  }
}
"""
MILESTONE = """
mutation ($input: ProjectMilestoneAddInput!) {
  projectMilestoneAdd(input: $input) {
    milestone { id title isOverdue deliverables { version } }
    userErrors { field code }
  }
}
"""
DELIVER = """
mutation ($input: ProjectDeliverableSubmitInput!) {
  projectDeliverableSubmit(input: $input) {
    milestone {
      isOverdue latestDeliverable { version url }
      deliverables { version url note isLate submittedBy { handle } }
    }
    userErrors { field code }
  }
}
"""
RUBRIC = """
mutation ($input: AssessmentRubricCreateInput!) {
  assessmentRubricCreate(input: $input) {
    rubric { id name criteria { position title weight } institution { slug } }
    userErrors { field code }
  }
}
"""
ASSESS = """
mutation ($input: ProjectAssessInput!) {
  projectAssess(input: $input) {
    team {
      assessment {
        total comment assessor { handle } rubric { name }
        scores { score comment criterion { position weight } }
      }
    }
    userErrors { field code }
  }
}
"""
TEAM_READ = """
query ($id: ID!) {
  node(id: $id) {
    ... on ProjectTeam {
      name proposalStatus isProposalOverdue isOverdue
      revisions { number status title decisionComment submittedBy { handle } }
      latestRevision { number status }
      milestones { title isOverdue deliverables { version } }
    }
  }
}
"""


def _payload(data: dict[str, Any]) -> Any:
    return next(iter(data.values()))


def _codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _notified(session: AsyncSession, engineer_id: int) -> list[str]:
    rows = await session.scalars(
        select(Notification.kind)
        .where(Notification.recipient_id == engineer_id)
        .order_by(Notification.id)
    )
    return list(rows)


async def test_a_team_forms_and_invites_an_engineer_and_a_student_who_signs_up(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given an open topic and two students with no team
    given = await world.topic(session)
    founder = await factories.engineer(session, handle="founder", is_overseas=False)
    friend = await factories.engineer(session, handle="friend", is_overseas=False)
    as_founder = await viewers.engineer(session, registry, founder)
    as_friend = await viewers.engineer(session, registry, friend)
    as_poster = await viewers.engineer(session, registry, given.poster)
    topic_id = encode_id("Opportunity", given.topic.id)

    # When the inputs are bad: refused, nothing written
    for variables, code in (
        ({"topic": "bogus", "name": "Canal"}, "NOT_FOUND"),
        ({"topic": encode_id("Opportunity", 2_000_000_000), "name": "Canal"}, "NOT_FOUND"),
        ({"topic": topic_id, "name": " "}, "INVALID_NAME"),
        ({"topic": topic_id, "name": "x" * 121}, "INVALID_NAME"),
        (
            {"topic": topic_id, "name": "Canal", "proposalDueAt": "2020-01-01T00:00:00Z"},
            "INVALID_DUE_DATE",
        ),
        ({"topic": topic_id, "name": given.team.name}, "NAME_TAKEN"),
    ):
        refused = _payload(await graphql.data(CREATE, {"input": variables}, as_founder))
        assert _codes(refused) == [code], variables
        assert refused["team"] is None
    own = _payload(
        await graphql.data(CREATE, {"input": {"topic": topic_id, "name": "Mine"}}, as_poster)
    )
    assert _codes(own) == ["OWN_TOPIC"]
    assert await _count(session, ProjectTeam) == 1

    # When a student forms a team: they lead it
    created = _payload(
        await graphql.data(CREATE, {"input": {"topic": topic_id, "name": "Canal"}}, as_founder)
    )
    assert created["userErrors"] == []
    team = created["team"]
    assert team["proposalStatus"] == "DRAFTING"
    assert team["isProposalOverdue"] is False
    assert team["members"] == [
        {"role": "LEAD", "status": "ACTIVE", "engineer": {"handle": "founder"}}
    ]
    again = _payload(
        await graphql.data(CREATE, {"input": {"topic": topic_id, "name": "Two"}}, as_founder)
    )
    assert _codes(again) == ["ALREADY_IN_TEAM"]

    # Then they invite an engineer (notified), and an email with no account (mailed)
    invite = {"team": team["id"], "engineer": encode_id("Engineer", friend.id)}
    stranger = _payload(
        await graphql.data(
            INVITE, {"input": invite}, await viewers.engineer(session, registry, given.stranger)
        )
    )
    assert stranger["userErrors"] == [{"field": ["input", "team"], "code": "NOT_FOUND"}]
    invited = _payload(await graphql.data(INVITE, {"input": invite}, as_founder))
    assert invited["team"]["members"][1] == {"status": "INVITED", "engineer": {"handle": "friend"}}
    assert await _notified(session, friend.id) == ["PROJECT_TEAM_INVITED"]
    both = _payload(
        await graphql.data(INVITE, {"input": {**invite, "email": "x@example.org"}}, as_founder)
    )
    assert _codes(both) == ["INVALID_INVITEE"]
    bad_email = _payload(
        await graphql.data(INVITE, {"input": {"team": team["id"], "email": "nope"}}, as_founder)
    )
    assert bad_email["userErrors"] == [{"field": ["input", "email"], "code": "INVALID_EMAIL"}]
    mailed = _payload(
        await graphql.data(
            INVITE, {"input": {"team": team["id"], "email": "New.Student@Uni.edu.pk"}}, as_founder
        )
    )
    assert mailed["userErrors"] == []
    twice = _payload(
        await graphql.data(
            INVITE, {"input": {"team": team["id"], "email": "new.student@uni.edu.pk"}}, as_founder
        )
    )
    assert _codes(twice) == ["ALREADY_INVITED"]
    mails = list(
        await session.scalars(
            select(OutboxEmail.recipient).where(OutboxEmail.recipient == "new.student@uni.edu.pk")
        )
    )
    assert mails == ["new.student@uni.edu.pk"]

    # When the invited student signs up and verifies the address: an invited member
    signed = await account.sign_up(
        session,
        account.SignUp(
            email="new.student@uni.edu.pk",
            password="correct horse battery",
            handle="new-student",
            name="New Student",
            country_code="PK",
            city="Lahore",
            is_overseas=False,
        ),
        "https://portal.example.org",
    )
    await session.flush()
    joined_before = await session.scalar(
        select(func.count()).where(ProjectTeamMember.engineer_id == signed.engineer_id)
    )
    assert joined_before == 0
    body = await session.scalar(
        select(OutboxEmail.body).where(
            OutboxEmail.recipient == "new.student@uni.edu.pk",
            OutboxEmail.subject == "Confirm your email for Brain Gain",
        )
    )
    assert body is not None
    token = body.split("token:\n\n    ")[1].split("\n")[0]
    await account.verify_email(session, token)
    await session.flush()
    member = await session.scalar(
        select(ProjectTeamMember.status).where(ProjectTeamMember.engineer_id == signed.engineer_id)
    )
    assert member == "INVITED"
    assert await _notified(session, signed.engineer_id) == ["PROJECT_TEAM_INVITED"]

    # Then only invitees join, once
    not_invited = _payload(await graphql.data(JOIN, {"input": {"team": team["id"]}}, as_founder))
    assert _codes(not_invited) == ["NOT_INVITED"]
    ok = _payload(await graphql.data(JOIN, {"input": {"team": team["id"]}}, as_friend))
    assert ok["team"]["members"][1] == {"status": "ACTIVE"}
    assert _codes(
        _payload(await graphql.data(JOIN, {"input": {"team": team["id"]}}, as_friend))
    ) == ["NOT_INVITED"]


async def test_proposals_are_versioned_and_only_supervisors_decide(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given a team, its topic's poster, co-supervisor and other staff
    given = await world.topic(session)
    as_lead = await viewers.engineer(session, registry, given.lead)
    as_poster = await viewers.engineer(session, registry, given.poster)
    as_co = await viewers.engineer(session, registry, given.cosupervisor)
    as_staff = await viewers.engineer(session, registry, given.staff)
    as_stranger = await viewers.engineer(session, registry, given.stranger)
    team_id = encode_id("ProjectTeam", given.team.id)
    proposal = {"team": team_id, "title": "Canal scheduling", "summary": "Version one."}

    # When bad submissions come in: refused
    for variables, codes in (
        ({**proposal, "team": "bogus"}, ["NOT_FOUND"]),
        ({**proposal, "title": "x", "summary": ""}, ["INVALID_TITLE", "INVALID_SUMMARY"]),
        ({**proposal, "summary": "s" * 20_001}, ["INVALID_SUMMARY"]),
    ):
        refused = _payload(await graphql.data(SUBMIT, {"input": variables}, as_lead))
        assert _codes(refused) == codes
    by_staff = _payload(await graphql.data(SUBMIT, {"input": proposal}, as_staff))
    assert _codes(by_staff) == ["NOT_TEAM_MEMBER"]
    by_stranger = _payload(await graphql.data(SUBMIT, {"input": proposal}, as_stranger))
    assert _codes(by_stranger) == ["NOT_FOUND"]
    assert await _count(session, ProposalRevision) == 0

    # When the lead submits: revision 1, supervisors notified
    first = _payload(await graphql.data(SUBMIT, {"input": proposal}, as_lead))
    assert first["revision"]["number"] == 1
    assert first["revision"]["team"] == {"proposalStatus": "SUBMITTED"}
    assert await _notified(session, given.poster.id) == ["PROPOSAL_SUBMITTED"]
    assert await _notified(session, given.cosupervisor.id) == ["PROPOSAL_SUBMITTED"]
    one = {"revision": first["revision"]["id"]}

    # Then students and staff who do not supervise cannot decide; changes need a comment
    for viewer in (as_lead, as_staff):
        denied = _payload(await graphql.data(APPROVE, {"input": one}, viewer))
        assert _codes(denied) == ["NOT_SUPERVISOR"]
    hidden = _payload(await graphql.data(APPROVE, {"input": one}, as_stranger))
    assert hidden["userErrors"] == [{"field": ["input", "revision"], "code": "NOT_FOUND"}]
    malformed = _payload(await graphql.data(APPROVE, {"input": {"revision": team_id}}, as_poster))
    assert malformed["userErrors"] == [{"field": ["input", "revision"], "code": "NOT_FOUND"}]
    bare = _payload(await graphql.data(REQUEST_CHANGES, {"input": one}, as_co))
    assert bare["userErrors"] == [{"field": ["input", "comment"], "code": "INVALID_COMMENT"}]
    sent_back = _payload(
        await graphql.data(
            REQUEST_CHANGES, {"input": {**one, "comment": "Add a budget section."}}, as_co
        )
    )
    assert sent_back["revision"] == {
        "number": 1,
        "status": "CHANGES_REQUESTED",
        "decisionComment": "Add a budget section.",
        "team": {"proposalStatus": "CHANGES_REQUESTED"},
    }
    assert "PROPOSAL_REVIEWED" in await _notified(session, given.member.id)
    decided = _payload(await graphql.data(APPROVE, {"input": one}, as_poster))
    assert _codes(decided) == ["REVISION_NOT_SUBMITTED"]

    # When the team submits twice more: the pending revision is superseded, and kept
    second = _payload(
        await graphql.data(SUBMIT, {"input": {**proposal, "summary": "Version two."}}, as_lead)
    )
    third = _payload(
        await graphql.data(SUBMIT, {"input": {**proposal, "summary": "Version three."}}, as_lead)
    )
    assert third["revision"]["number"] == 3
    superseded = _payload(
        await graphql.data(APPROVE, {"input": {"revision": second["revision"]["id"]}}, as_poster)
    )
    assert _codes(superseded) == ["REVISION_NOT_SUBMITTED"]

    # Then a supervisor approves revision 3; audited; no more revisions
    approved = _payload(
        await graphql.data(
            APPROVE, {"input": {"revision": third["revision"]["id"], "comment": "Go."}}, as_poster
        )
    )
    assert approved["revision"]["status"] == "APPROVED"
    assert approved["revision"]["team"] == {"proposalStatus": "APPROVED"}
    after = _payload(await graphql.data(SUBMIT, {"input": proposal}, as_lead))
    assert _codes(after) == ["ALREADY_APPROVED"]
    actions = list(await session.scalars(select(AuditLogEntry.action).order_by(AuditLogEntry.id)))
    assert actions == ["proposal.requestChanges", "proposal.approve"]
    read = await graphql.data(TEAM_READ, {"id": team_id}, as_lead)
    assert [(r["number"], r["status"]) for r in read["node"]["revisions"]] == [
        (1, "CHANGES_REQUESTED"),
        (2, "SUPERSEDED"),
        (3, "APPROVED"),
    ]
    assert read["node"]["latestRevision"] == {"number": 3, "status": "APPROVED"}


async def test_milestones_deliverables_rubric_and_a_single_assessment(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given an approved team, its supervisors and a second university's rubric
    given = await world.topic(session)
    await world.revision(session, given.team, status="APPROVED", decided_at=datetime.now(UTC))
    given.team.proposal_status = "APPROVED"
    other = await factories.institution(session)
    foreign = await world.rubric(session, other)
    as_lead = await viewers.engineer(session, registry, given.lead)
    as_poster = await viewers.engineer(session, registry, given.poster)
    as_co = await viewers.engineer(session, registry, given.cosupervisor)
    as_staff = await viewers.engineer(session, registry, given.staff)
    team_id = encode_id("ProjectTeam", given.team.id)
    due = (datetime.now(UTC) + timedelta(days=30)).isoformat()

    # When milestones are set: supervisors only, in the future
    by_lead = _payload(
        await graphql.data(
            MILESTONE, {"input": {"team": team_id, "title": "Report", "dueAt": due}}, as_lead
        )
    )
    assert _codes(by_lead) == ["NOT_SUPERVISOR"]
    past = _payload(
        await graphql.data(
            MILESTONE,
            {"input": {"team": team_id, "title": "", "dueAt": "2020-01-01T00:00:00Z"}},
            as_co,
        )
    )
    assert _codes(past) == ["INVALID_TITLE", "INVALID_DUE_DATE"]
    added = _payload(
        await graphql.data(
            MILESTONE, {"input": {"team": team_id, "title": "Report", "dueAt": due}}, as_co
        )
    )
    assert added["milestone"]["isOverdue"] is False
    assert "PROJECT_MILESTONE_ADDED" in await _notified(session, given.lead.id)
    milestone = added["milestone"]["id"]

    # Then the students submit versioned links
    link = {"milestone": milestone, "url": "https://drive.example.org/report-v1.pdf"}
    assert _codes(_payload(await graphql.data(DELIVER, {"input": link}, as_poster))) == [
        "NOT_TEAM_MEMBER"
    ]
    for url in ("ftp://x.org/a", "https://x.org/a b", "https://x.org/" + "a" * 2000):
        refused = _payload(await graphql.data(DELIVER, {"input": {**link, "url": url}}, as_lead))
        assert refused["userErrors"] == [{"field": ["input", "url"], "code": "INVALID_URL"}]
    malformed = _payload(
        await graphql.data(DELIVER, {"input": {**link, "milestone": "bogus"}}, as_lead)
    )
    assert _codes(malformed) == ["NOT_FOUND"]
    await graphql.data(DELIVER, {"input": link}, as_lead)
    versions = _payload(
        await graphql.data(
            DELIVER,
            {"input": {**link, "url": "https://drive.example.org/report-v2.pdf", "note": "Fixed"}},
            as_lead,
        )
    )
    assert [d["version"] for d in versions["milestone"]["deliverables"]] == [2, 1]
    assert versions["milestone"]["latestDeliverable"]["version"] == 2
    assert versions["milestone"]["deliverables"][0]["isLate"] is False
    assert "PROJECT_DELIVERABLE_SUBMITTED" in await _notified(session, given.poster.id)

    # When a rubric is defined: staff only, weights summing to 100
    criteria = [
        {"title": "Design", "weight": 40},
        {"title": "Implementation", "weight": 35.5},
        {"title": "Report", "weight": 24.5},
    ]
    rubric = {"institution": encode_id("Institution", given.university.id), "name": "FYP 2026"}
    not_staff = _payload(
        await graphql.data(RUBRIC, {"input": {**rubric, "criteria": criteria}}, as_co)
    )
    assert _codes(not_staff) == ["NOT_STAFF"]
    for bad, code in (
        ([{**criteria[0], "weight": 50}, *criteria[1:]], "INVALID_WEIGHTS"),
        ([{**criteria[0], "weight": 0}, *criteria[1:]], "INVALID_WEIGHTS"),
        (
            [{**criteria[0], "weight": 39.995}, {**criteria[1], "weight": 35.505}, criteria[2]],
            "INVALID_WEIGHTS",
        ),
        ([], "INVALID_CRITERIA"),
        ([{"title": "Same", "weight": 50}, {"title": "Same", "weight": 50}], "INVALID_CRITERIA"),
        ([{"title": f"C{n}", "weight": 1} for n in range(21)], "INVALID_CRITERIA"),
    ):
        refused = _payload(
            await graphql.data(RUBRIC, {"input": {**rubric, "criteria": bad}}, as_staff)
        )
        assert _codes(refused) == [code], bad
    made = _payload(
        await graphql.data(RUBRIC, {"input": {**rubric, "criteria": criteria}}, as_staff)
    )
    assert made["userErrors"] == []
    assert [c["weight"] for c in made["rubric"]["criteria"]] == [40, 35.5, 24.5]
    taken = _payload(
        await graphql.data(RUBRIC, {"input": {**rubric, "criteria": criteria}}, as_staff)
    )
    assert _codes(taken) == ["NAME_TAKEN"]

    # Then a supervisor assesses once: a score per criterion, the weighted total
    scores: list[dict[str, Any]] = [
        {"position": 1, "score": 80},
        {"position": 2, "score": 70, "comment": "Solid"},
        {"position": 3, "score": 90.5},
    ]
    assess = {"team": team_id, "rubric": made["rubric"]["id"], "scores": scores}
    assert _codes(_payload(await graphql.data(ASSESS, {"input": assess}, as_lead))) == [
        "NOT_SUPERVISOR"
    ]
    for bad in (
        scores[:2],
        [*scores[:2], {"position": 2, "score": 1}],
        [*scores[:2], {"position": 3, "score": 101}],
    ):
        refused = _payload(
            await graphql.data(ASSESS, {"input": {**assess, "scores": bad}}, as_poster)
        )
        assert refused["userErrors"] == [{"field": ["input", "scores"], "code": "INVALID_SCORES"}]
    wrong = _payload(
        await graphql.data(
            ASSESS,
            {"input": {**assess, "rubric": encode_id("AssessmentRubric", foreign.id)}},
            as_poster,
        )
    )
    assert _codes(wrong) == ["RUBRIC_NOT_OF_INSTITUTION"]
    malformed = _payload(
        await graphql.data(ASSESS, {"input": {**assess, "rubric": "x"}}, as_poster)
    )
    assert malformed["userErrors"] == [{"field": ["input", "rubric"], "code": "NOT_FOUND"}]
    assert await _count(session, ProjectAssessment) == 0
    assessed = _payload(
        await graphql.data(ASSESS, {"input": {**assess, "comment": "Well done"}}, as_poster)
    )
    assert assessed["userErrors"] == []
    result = assessed["team"]["assessment"]
    # 80 * 0.40 + 70 * 0.355 + 90.5 * 0.245 = 32 + 24.85 + 22.1725 = 79.0225 → 79.02
    assert result["total"] == 79.02
    assert [s["criterion"]["position"] for s in result["scores"]] == [1, 2, 3]
    assert result["assessor"]["handle"] == given.poster.handle
    twice = _payload(await graphql.data(ASSESS, {"input": assess}, as_co))
    assert _codes(twice) == ["ALREADY_ASSESSED"]
    late = _payload(await graphql.data(DELIVER, {"input": link}, as_lead))
    assert _codes(late) == ["ALREADY_ASSESSED"]
    assert "PROJECT_ASSESSED" in await _notified(session, given.member.id)
    actions = list(await session.scalars(select(AuditLogEntry.action).order_by(AuditLogEntry.id)))
    assert actions == ["projectMilestone.add", "assessmentRubric.create", "project.assess"]


async def test_milestones_and_assessment_wait_for_an_approved_proposal(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    given = await world.topic(session)
    rubric = await world.rubric(session, given.university)
    as_poster = await viewers.engineer(session, registry, given.poster)
    team_id = encode_id("ProjectTeam", given.team.id)
    due = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    early = _payload(
        await graphql.data(
            MILESTONE, {"input": {"team": team_id, "title": "R", "dueAt": due}}, as_poster
        )
    )
    assert _codes(early) == ["PROPOSAL_NOT_APPROVED"]
    scores = [{"position": n, "score": 50} for n in (1, 2, 3)]
    assess = {"team": team_id, "rubric": encode_id("AssessmentRubric", rubric.id), "scores": scores}
    assert _codes(_payload(await graphql.data(ASSESS, {"input": assess}, as_poster))) == [
        "PROPOSAL_NOT_APPROVED"
    ]


async def test_deadlines_read_as_overdue(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    # Given a team whose proposal was due yesterday, and an approved one with a missed milestone
    given = await world.topic(session)
    given.team.proposal_due_at = datetime.now(UTC) - timedelta(days=1)
    late_lead = await factories.engineer(session)
    approved = await world.team_of(
        session, given.topic, late_lead, name="Approved", proposal_status="APPROVED"
    )
    missed = ProjectMilestone(
        team_id=approved.id, title="Missed", due_at=datetime.now(UTC) - timedelta(hours=1)
    )
    met = ProjectMilestone(
        team_id=approved.id, title="Met", due_at=datetime.now(UTC) - timedelta(hours=2)
    )
    session.add_all([missed, met])
    await session.flush()
    session.add(ProjectDeliverable(milestone_id=met.id, version=1, url="https://x.org/met"))
    as_poster = await viewers.engineer(session, registry, given.poster)

    # Then every read shows the overdue flags, computed from the database's clock
    first = await graphql.data(
        TEAM_READ, {"id": encode_id("ProjectTeam", given.team.id)}, as_poster
    )
    assert first["node"]["isProposalOverdue"] is True
    assert first["node"]["isOverdue"] is True
    second = await graphql.data(TEAM_READ, {"id": encode_id("ProjectTeam", approved.id)}, as_poster)
    assert second["node"]["isProposalOverdue"] is False
    assert second["node"]["isOverdue"] is True
    assert [(m["title"], m["isOverdue"]) for m in second["node"]["milestones"]] == [
        ("Met", False),
        ("Missed", True),
    ]
