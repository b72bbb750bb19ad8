"""Mentorship programme mutations: the flow from creation to published engagements, who may
run each step, bad input, audit rows and notifications."""

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AuditLogEntry,
    Engagement,
    EngagementSession,
    MentorshipApplication,
    MentorshipPair,
    MentorshipProgramme,
    Notification,
)
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import factories, programme_world, viewers
from tests.conftest import GraphQLClient
from tests.programme_world import ProgrammeWorld, window

CREATE = """
mutation ($input: MentorshipProgrammeCreateInput!) {
  mentorshipProgrammeCreate(input: $input) {
    programme { id name status format capacity questions chapter { slug } institution { slug } }
    userErrors { field code message }
  }
}
"""
APPLY = """
mutation ($input: MentorshipProgrammeApplyInput!) {
  mentorshipProgrammeApply(input: $input) {
    application { id role status slots answers applicant { handle } }
    userErrors { field code }
  }
}
"""
ACCEPT = """
mutation ($input: MentorshipApplicationDecideInput!) {
  mentorshipApplicationAccept(input: $input) { application { status } userErrors { field code } }
}
"""
DECLINE = """
mutation ($input: MentorshipApplicationDecideInput!) {
  mentorshipApplicationDecline(input: $input) { application { status } userErrors { field code } }
}
"""
PROPOSE = """
mutation ($input: MentorshipCohortInput!) {
  mentorshipCohortPropose(input: $input) {
    programme {
      status
      pairs(first: 10) {
        totalCount
        nodes { id score explanation manual mentor { handle } mentee { handle } }
      }
    }
    userErrors { field code }
  }
}
"""
ADJUST = """
mutation ($input: MentorshipCohortAdjustInput!) {
  mentorshipCohortAdjust(input: $input) {
    programme { pairs(first: 10) { nodes { manual mentor { handle } mentee { handle } } } }
    userErrors { field code }
  }
}
"""
PUBLISH = """
mutation ($input: MentorshipCohortInput!) {
  mentorshipCohortPublish(input: $input) {
    programme {
      status publishedAt
      pairs(first: 10) { nodes { engagementStatus mentor { handle } mentee { handle } } }
      report { pairs engagements completionRate }
    }
    userErrors { field code }
  }
}
"""
GROUP_SESSION = """
mutation ($input: MentorshipGroupSessionLogInput!) {
  mentorshipGroupSessionLog(input: $input) {
    session { minutes attendees { handle } }
    userErrors { field code }
  }
}
"""


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> ProgrammeWorld:
    """The people of tests/programme_world.py."""
    return await programme_world.build(session, registry)


def _new(world: ProgrammeWorld, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "chapter": encode_id("Chapter", world.chapter.id),
        "name": "Gulf Mentoring 2027",
        "startsOn": (date.today() + timedelta(days=30)).isoformat(),
        "endsOn": (date.today() + timedelta(days=200)).isoformat(),
        "capacity": 2,
        "hoursPerMonth": 3,
        "mentorApplicationsOpenAt": window(-1).isoformat(),
        "mentorApplicationsCloseAt": window(10).isoformat(),
        "menteeApplicationsOpenAt": window(-1).isoformat(),
        "menteeApplicationsCloseAt": window(10).isoformat(),
        "questions": ["Why this programme?"],
    }
    values.update(overrides)
    return values


def _id(row: Any) -> str:
    return encode_id(type(row).__name__, row.id)


async def _count(session: AsyncSession, model: Any, *where: Any) -> int:
    await session.flush()
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_the_whole_flow_from_creation_to_published_engagements(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession
) -> None:
    # Given a coordinator creates a programme of the gulf chapter
    viewer = world.viewers
    data = await graphql.data(CREATE, {"input": _new(world)}, viewer["coordinator"])
    created = data["mentorshipProgrammeCreate"]
    assert created["userErrors"] == []
    programme = created["programme"]
    assert (programme["status"], programme["chapter"], programme["institution"]) == (
        "OPEN",
        {"slug": "gulf-uae"},
        None,
    )
    # When a mentor and two mentees apply, and the coordinator accepts them
    applied = {}
    for name, role, slots in (
        ("mentor-a", "MENTOR", 2),
        ("mentee-w", "MENTEE", None),
        ("mentee-y", "MENTEE", None),
    ):
        answer = {"programme": programme["id"], "role": role, "answers": ["To learn"]}
        if slots:
            answer["slots"] = slots
        data = await graphql.data(APPLY, {"input": answer}, viewer[name])
        payload = data["mentorshipProgrammeApply"]
        assert payload["userErrors"] == []
        assert payload["application"]["status"] == "SUBMITTED"
        applied[name] = payload["application"]["id"]
        accepted = await graphql.data(
            ACCEPT, {"input": {"application": applied[name]}}, viewer["coordinator"]
        )
        assert accepted["mentorshipApplicationAccept"]["application"] == {"status": "ACCEPTED"}
    # And proposes the cohort
    data = await graphql.data(
        PROPOSE, {"input": {"programme": programme["id"]}}, viewer["coordinator"]
    )
    proposed = data["mentorshipCohortPropose"]["programme"]
    assert proposed["status"] == "PROPOSED"
    assert proposed["pairs"]["totalCount"] == 2
    assert {pair["mentee"]["handle"] for pair in proposed["pairs"]["nodes"]} == {
        "pg-mentee-w",
        "pg-mentee-y",
    }
    assert all(pair["explanation"] for pair in proposed["pairs"]["nodes"])
    # And publishes it
    data = await graphql.data(
        PUBLISH, {"input": {"programme": programme["id"]}}, viewer["coordinator"]
    )
    published = data["mentorshipCohortPublish"]["programme"]
    # Then each pair became an ACTIVE mentorship engagement, reported on
    assert published["status"] == "PUBLISHED"
    assert [pair["engagementStatus"] for pair in published["pairs"]["nodes"]] == ["ACTIVE"] * 2
    assert published["report"] == {"pairs": 2, "engagements": 2, "completionRate": 0.0}
    mentor = world.engineers["mentor-a"].id
    assert (
        await _count(
            session,
            Engagement,
            Engagement.contributor_id == mentor,
            Engagement.kind == "MENTORSHIP",
            Engagement.hours_per_month == 3,
        )
        == 2
    )
    # And the people concerned were notified, and every coordinator step audited
    kinds = dict(
        (
            await session.execute(
                select(Notification.kind, func.count()).group_by(Notification.kind)
            )
        ).all()
    )
    assert kinds["PROGRAMME_APPLICATION_RECEIVED"] == 3
    assert kinds["PROGRAMME_APPLICATION_DECIDED"] == 3
    assert kinds["PROGRAMME_MATCHED"] == 3
    actions = list(
        await session.scalars(
            select(AuditLogEntry.action)
            .where(AuditLogEntry.action.like("mentorship%"))
            .order_by(AuditLogEntry.id)
        )
    )
    assert actions == [
        "mentorship_programme.create",
        *["mentorship_application.accept"] * 3,
        "mentorship_programme.propose",
        "mentorship_programme.publish",
    ]
    # And publishing twice, or adjusting a published cohort, is refused
    again = await graphql.data(
        PUBLISH, {"input": {"programme": programme["id"]}}, viewer["coordinator"]
    )
    assert again["mentorshipCohortPublish"]["userErrors"][0]["code"] == "ALREADY_PUBLISHED"
    adjust = await graphql.data(
        ADJUST, {"input": {"programme": programme["id"], "remove": []}}, viewer["coordinator"]
    )
    assert adjust["mentorshipCohortAdjust"]["userErrors"][0]["code"] == "ALREADY_PUBLISHED"
    assert await _count(session, Engagement, Engagement.contributor_id == mentor) == 2


async def test_matching_is_optimal_and_respects_slots(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession
) -> None:
    # Given mentor a (water, 2 slots), b (grid, 1), c (both, little skill, 1) and four mentees
    row, _ = await programme_world.accepted_cohort(session, world)
    data = await graphql.data(
        PROPOSE, {"input": {"programme": _id(row)}}, world.viewers["coordinator"]
    )
    pairs = data["mentorshipCohortPropose"]["programme"]["pairs"]["nodes"]
    by_mentor: dict[str, list[str]] = {}
    for pair in pairs:
        by_mentor.setdefault(pair["mentor"]["handle"], []).append(pair["mentee"]["handle"])
    # Then every mentee is matched and no mentor exceeds their slots; a takes the water mentees
    assert sorted(by_mentor["pg-mentor-a"]) == ["pg-mentee-w", "pg-mentee-x"]
    assert len(by_mentor["pg-mentor-b"]) == 1
    assert len(by_mentor["pg-mentor-c"]) == 1
    assert by_mentor["pg-mentor-b"][0] in ("pg-mentee-y", "pg-mentee-z")
    assert all(0 <= pair["score"] <= 1 for pair in pairs)


async def test_a_coordinator_swaps_removes_and_adds_pairs(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession
) -> None:
    row, applications = await programme_world.accepted_cohort(session, world)
    coordinator = world.viewers["coordinator"]
    await graphql.data(PROPOSE, {"input": {"programme": _id(row)}}, coordinator)
    pairs = list(
        await session.scalars(select(MentorshipPair).where(MentorshipPair.programme_id == row.id))
    )
    mentee = {a.id: name for name, a in applications.items()}
    b_pair = next(p for p in pairs if p.mentor_application_id == applications["mentor-b"].id)
    c_pair = next(p for p in pairs if p.mentor_application_id == applications["mentor-c"].id)
    # When b's and c's mentees are swapped
    swap = {
        "programme": _id(row),
        "remove": [_id(b_pair), _id(c_pair)],
        "add": [
            {
                "mentor": _id(applications["mentor-b"]),
                "mentee": _id(applications[mentee[c_pair.mentee_application_id]]),
            },
            {
                "mentor": _id(applications["mentor-c"]),
                "mentee": _id(applications[mentee[b_pair.mentee_application_id]]),
            },
        ],
    }
    data = await graphql.data(ADJUST, {"input": swap}, coordinator)
    payload = data["mentorshipCohortAdjust"]
    # Then the cohort holds the swapped pairs, marked manual, and the change is audited
    assert payload["userErrors"] == []
    nodes = payload["programme"]["pairs"]["nodes"]
    assert sum(1 for pair in nodes if pair["manual"]) == 2
    assert {
        (pair["mentor"]["handle"], pair["mentee"]["handle"]) for pair in nodes if pair["manual"]
    } == {
        ("pg-mentor-b", f"pg-{mentee[c_pair.mentee_application_id]}"),
        ("pg-mentor-c", f"pg-{mentee[b_pair.mentee_application_id]}"),
    }
    assert (
        await _count(session, AuditLogEntry, AuditLogEntry.action == "mentorship_programme.adjust")
        == 1
    )


async def _proposed(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession
) -> tuple[MentorshipProgramme, dict[str, MentorshipApplication], list[MentorshipPair]]:
    row, applications = await programme_world.accepted_cohort(session, world)
    await graphql.data(PROPOSE, {"input": {"programme": _id(row)}}, world.viewers["coordinator"])
    pairs = list(
        await session.scalars(
            select(MentorshipPair)
            .where(MentorshipPair.programme_id == row.id)
            .order_by(MentorshipPair.id)
        )
    )
    return row, applications, pairs


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("over_slots", "OVER_SLOTS"),
        ("mentee_taken", "MENTEE_TAKEN"),
        ("unknown_pair", "INVALID_PAIR"),
        ("malformed_pair", "INVALID_PAIR"),
        ("declined_mentee", "INVALID_PAIR"),
        ("mentor_as_mentee", "INVALID_PAIR"),
        ("too_many", "INVALID_PAIR"),
    ],
)
async def test_bad_adjustments_change_nothing(
    graphql: GraphQLClient,
    world: ProgrammeWorld,
    session: AsyncSession,
    change: str,
    code: str,
) -> None:
    row, applications, pairs = await _proposed(graphql, world, session)
    a, w = applications["mentor-a"], applications["mentee-w"]
    a_pair = next(p for p in pairs if p.mentor_application_id == a.id)
    other = next(p for p in pairs if p.mentor_application_id != a.id)
    declined = await programme_world.application(
        session, row, world.engineers["member"], "MENTEE", status="DECLINED"
    )
    adjustments: dict[str, dict[str, Any]] = {
        # mentor a already has two mentees
        "over_slots": {
            "remove": [_id(other)],
            "add": [
                {
                    "mentor": _id(a),
                    "mentee": _id(applications["mentee-y"])
                    if other.mentee_application_id == applications["mentee-y"].id
                    else _id(applications["mentee-z"]),
                }
            ],
        },
        "mentee_taken": {
            "add": [{"mentor": _id(applications["mentor-b"]), "mentee": _id(w)}],
            "remove": [_id(other)],
        },
        "unknown_pair": {"remove": [encode_id("MentorshipPair", 999_999)]},
        "malformed_pair": {"remove": ["not-an-id"]},
        "declined_mentee": {
            "remove": [_id(a_pair)],
            "add": [{"mentor": _id(a), "mentee": _id(declined)}],
        },
        "mentor_as_mentee": {
            "remove": [_id(a_pair)],
            "add": [{"mentor": _id(a), "mentee": _id(applications["mentor-b"])}],
        },
        "too_many": {"remove": [_id(a_pair)] * 101},
    }
    before = sorted((p.id, p.mentor_application_id, p.mentee_application_id) for p in pairs)
    data = await graphql.data(
        ADJUST,
        {"input": {"programme": _id(row), **adjustments[change]}},
        world.viewers["coordinator"],
    )
    assert data["mentorshipCohortAdjust"]["userErrors"][0]["code"] == code
    after = list(
        await session.scalars(select(MentorshipPair).where(MentorshipPair.programme_id == row.id))
    )
    for found in after:
        await session.refresh(found)
    assert sorted((p.id, p.mentor_application_id, p.mentee_application_id) for p in after) == before
    assert (
        await _count(session, AuditLogEntry, AuditLogEntry.action == "mentorship_programme.adjust")
        == 0
    )


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("coordinator", True),
        ("member", False),
        ("outsider", False),
        ("staff", False),
        ("mentor-a", False),
    ],
)
async def test_only_coordinators_propose(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession, who: str, allowed: bool
) -> None:
    row, _ = await programme_world.accepted_cohort(session, world)
    data = await graphql.data(PROPOSE, {"input": {"programme": _id(row)}}, world.viewers[who])
    payload = data["mentorshipCohortPropose"]
    if allowed:
        assert payload["userErrors"] == []
        assert await _count(session, MentorshipPair, MentorshipPair.programme_id == row.id) == 4
    else:
        assert payload["userErrors"] == [
            {"field": ["input", "programme"], "code": "NOT_COORDINATOR"}
        ]
        assert await _count(session, MentorshipPair, MentorshipPair.programme_id == row.id) == 0


@pytest.mark.parametrize(("who", "allowed"), [("staff", True), ("coordinator", False)])
async def test_institution_staff_run_their_institutions_programmes(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession, who: str, allowed: bool
) -> None:
    institution = encode_id("Institution", world.institution.id)
    data = await graphql.data(
        CREATE, {"input": _new(world, chapter=None, institution=institution)}, world.viewers[who]
    )
    payload = data["mentorshipProgrammeCreate"]
    if allowed:
        assert payload["userErrors"] == []
        assert payload["programme"]["institution"] == {"slug": "pg-uni"}
    else:
        assert payload["userErrors"][0]["code"] == "NOT_COORDINATOR"
        assert payload["programme"] is None
    row, _ = await programme_world.accepted_cohort(
        session, world, chapter_id=None, institution_id=world.institution.id
    )
    data = await graphql.data(PUBLISH, {"input": {"programme": _id(row)}}, world.viewers[who])
    code = data["mentorshipCohortPublish"]["userErrors"][0]["code"]
    assert code == ("NOT_PROPOSED" if allowed else "NOT_COORDINATOR")


@pytest.mark.parametrize("who", ["member", "outsider", "mentee-w"])
async def test_only_coordinators_create_chapter_programmes(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession, who: str
) -> None:
    before = await _count(session, MentorshipProgramme)
    data = await graphql.data(CREATE, {"input": _new(world)}, world.viewers[who])
    assert data["mentorshipProgrammeCreate"]["userErrors"] == [
        {
            "field": ["input", "chapter"],
            "code": "NOT_COORDINATOR",
            "message": data["mentorshipProgrammeCreate"]["userErrors"][0]["message"],
        }
    ]
    assert await _count(session, MentorshipProgramme) == before
    assert await _count(session, AuditLogEntry, AuditLogEntry.action.like("mentorship%")) == 0


async def test_anonymous_viewers_are_refused_at_the_top(
    graphql: GraphQLClient, world: ProgrammeWorld
) -> None:
    for document, variables in (
        (CREATE, {"input": _new(world)}),
        (APPLY, {"input": {"programme": "x", "role": "MENTEE", "answers": []}}),
        (PROPOSE, {"input": {"programme": "x"}}),
    ):
        result = await graphql.execute(document, variables, world.viewers["anonymous"])
        assert result.errors is not None
        assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"


async def test_a_chapter_without_the_switch_runs_no_programmes(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession, registry: ChapterRegistry
) -> None:
    qko = await factories.chapter(session, "qatar-kuwait-oman")
    lead = await factories.engineer(session, handle="pg-qko-lead")
    await factories.membership(session, lead, qko, role="coordinator")
    viewer = await viewers.engineer(session, registry, lead)
    data = await graphql.data(CREATE, {"input": _new(world, chapter=_id(qko))}, viewer)
    assert data["mentorshipProgrammeCreate"]["userErrors"][0]["code"] == "PROGRAMMES_DISABLED"


BAD_CREATE = [
    ({"chapter": "not-an-id"}, "NOT_FOUND", ["input", "chapter"]),
    ({"chapter": encode_id("Chapter", 999_999)}, "NOT_FOUND", ["input", "chapter"]),
    ({"chapter": None}, "ONE_RUNNER", ["input", "chapter"]),
    ({"name": "ab"}, "INVALID_NAME", ["input", "name"]),
    ({"name": "x" * 201}, "INVALID_NAME", ["input", "name"]),
    ({"description": "x" * 20_001}, "INVALID_DESCRIPTION", ["input", "description"]),
    ({"endsOn": date.today().isoformat()}, "INVALID_DATES", ["input", "endsOn"]),
    ({"capacity": 0}, "INVALID_CAPACITY", ["input", "capacity"]),
    ({"capacity": 1001}, "INVALID_CAPACITY", ["input", "capacity"]),
    ({"hoursPerMonth": 41}, "INVALID_HOURS", ["input", "hoursPerMonth"]),
    (
        {"mentorApplicationsCloseAt": window(-2).isoformat()},
        "INVALID_WINDOW",
        ["input", "mentorClosesAt"],
    ),
    (
        {"menteeApplicationsOpenAt": "2030-01-01T10:00:00"},
        "INVALID_WINDOW",
        ["input", "menteeClosesAt"],
    ),
    ({"questions": ["?"] * 11}, "INVALID_QUESTIONS", ["input", "questions"]),
    ({"questions": [" "]}, "INVALID_QUESTIONS", ["input", "questions"]),
]


@pytest.mark.parametrize(("change", "code", "field"), BAD_CREATE)
async def test_bad_programmes_are_refused(
    graphql: GraphQLClient,
    world: ProgrammeWorld,
    session: AsyncSession,
    change: dict[str, Any],
    code: str,
    field: list[str],
) -> None:
    before = await _count(session, MentorshipProgramme)
    data = await graphql.data(
        CREATE, {"input": _new(world, **change)}, world.viewers["coordinator"]
    )
    errors = data["mentorshipProgrammeCreate"]["userErrors"]
    assert [(error["code"], error["field"]) for error in errors] == [(code, field)]
    assert await _count(session, MentorshipProgramme) == before


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("mentor_window_closed", "WINDOW_CLOSED"),
        ("mentee_window_not_open", "WINDOW_CLOSED"),
        ("over_capacity", "OVER_CAPACITY"),
        ("twice", "ALREADY_APPLIED"),
        ("no_slots", "INVALID_SLOTS"),
        ("four_slots", "INVALID_SLOTS"),
        ("mentee_slots", "INVALID_SLOTS"),
        ("missing_answer", "INVALID_ANSWERS"),
        ("long_answer", "INVALID_ANSWERS"),
        ("malformed_programme", "NOT_FOUND"),
        ("unknown_programme", "NOT_FOUND"),
        ("published", "ALREADY_PUBLISHED"),
    ],
)
async def test_bad_applications_are_refused(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession, case: str, code: str
) -> None:
    row = await programme_world.programme(
        session,
        world,
        capacity=1,
        mentor_opens_at=window(-10),
        mentor_closes_at=window(-1),
        mentee_opens_at=window(-1),
        mentee_closes_at=window(3),
    )
    later = await programme_world.programme(
        session, world, mentee_opens_at=window(2), mentee_closes_at=window(4)
    )
    published = await programme_world.programme(
        session, world, status="PUBLISHED", published_at=window(-1)
    )
    await programme_world.application(session, row, world.engineers["mentee-x"], "MENTEE")
    mentee: dict[str, Any] = {"programme": _id(row), "role": "MENTEE", "answers": ["Yes"]}
    mentor: dict[str, Any] = {**mentee, "programme": _id(later), "role": "MENTOR", "slots": 1}
    inputs: dict[str, tuple[dict[str, Any], str]] = {
        "mentor_window_closed": ({**mentee, "role": "MENTOR", "slots": 2}, "mentee-w"),
        "mentee_window_not_open": ({**mentee, "programme": _id(later)}, "mentee-w"),
        "over_capacity": (mentee, "mentee-w"),
        "twice": (mentee, "mentee-x"),
        "no_slots": ({**mentor, "slots": None}, "mentor-a"),
        "four_slots": ({**mentor, "slots": 4}, "mentor-a"),
        "mentee_slots": ({**mentee, "slots": 1}, "mentee-w"),
        "missing_answer": ({**mentor, "answers": []}, "mentor-a"),
        "long_answer": ({**mentor, "answers": ["x" * 5001]}, "mentor-a"),
        "malformed_programme": ({**mentor, "programme": "garbage"}, "mentor-a"),
        "unknown_programme": (
            {**mentor, "programme": encode_id("MentorshipProgramme", 999_999)},
            "mentor-a",
        ),
        "published": ({**mentee, "programme": _id(published)}, "mentee-w"),
    }
    given, who = inputs[case]
    before = await _count(session, MentorshipApplication)
    data = await graphql.data(APPLY, {"input": given}, world.viewers[who])
    assert data["mentorshipProgrammeApply"]["userErrors"][0]["code"] == code
    assert data["mentorshipProgrammeApply"]["application"] is None
    assert await _count(session, MentorshipApplication) == before


async def test_decisions_are_for_coordinators_and_happen_once(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession
) -> None:
    row = await programme_world.programme(session, world)
    application = await programme_world.application(
        session, row, world.engineers["mentee-w"], "MENTEE", status="SUBMITTED"
    )
    variables = {"input": {"application": _id(application)}}
    # The applicant sees their application but may not decide it
    data = await graphql.data(ACCEPT, variables, world.viewers["mentee-w"])
    assert data["mentorshipApplicationAccept"]["userErrors"][0]["code"] == "NOT_COORDINATOR"
    # Someone who cannot see it gets NOT_FOUND, as for a malformed ID
    data = await graphql.data(ACCEPT, variables, world.viewers["outsider"])
    assert data["mentorshipApplicationAccept"]["userErrors"][0]["code"] == "NOT_FOUND"
    data = await graphql.data(
        ACCEPT, {"input": {"application": "nope"}}, world.viewers["coordinator"]
    )
    assert data["mentorshipApplicationAccept"]["userErrors"][0]["code"] == "NOT_FOUND"
    # The coordinator declines it once
    data = await graphql.data(DECLINE, variables, world.viewers["coordinator"])
    assert data["mentorshipApplicationDecline"] == {
        "application": {"status": "DECLINED"},
        "userErrors": [],
    }
    data = await graphql.data(ACCEPT, variables, world.viewers["coordinator"])
    assert data["mentorshipApplicationAccept"]["userErrors"][0]["code"] == "ALREADY_DECIDED"
    decided = await _count(
        session,
        Notification,
        Notification.kind == "PROGRAMME_APPLICATION_DECIDED",
        Notification.recipient_id == world.engineers["mentee-w"].id,
    )
    assert decided == 1


async def test_proposing_needs_accepted_people_and_publishing_needs_a_proposal(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession
) -> None:
    row = await programme_world.programme(session, world)
    await programme_world.application(session, row, world.engineers["mentor-a"], "MENTOR", slots=1)
    coordinator = world.viewers["coordinator"]
    data = await graphql.data(PROPOSE, {"input": {"programme": _id(row)}}, coordinator)
    assert data["mentorshipCohortPropose"]["userErrors"][0]["code"] == "NOTHING_TO_MATCH"
    data = await graphql.data(PUBLISH, {"input": {"programme": _id(row)}}, coordinator)
    assert data["mentorshipCohortPublish"]["userErrors"][0]["code"] == "NOT_PROPOSED"
    data = await graphql.data(ADJUST, {"input": {"programme": _id(row)}}, coordinator)
    assert data["mentorshipCohortAdjust"]["userErrors"][0]["code"] == "NOT_PROPOSED"
    data = await graphql.data(PROPOSE, {"input": {"programme": "%%"}}, coordinator)
    assert data["mentorshipCohortPropose"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert await _count(session, Engagement) == 0


async def test_a_group_mentor_logs_one_shared_session(
    graphql: GraphQLClient, world: ProgrammeWorld, session: AsyncSession
) -> None:
    row, _ = await programme_world.accepted_cohort(session, world, format="GROUP")
    coordinator = world.viewers["coordinator"]
    await graphql.data(PROPOSE, {"input": {"programme": _id(row)}}, coordinator)
    await graphql.data(PUBLISH, {"input": {"programme": _id(row)}}, coordinator)
    given = {
        "programme": _id(row),
        "heldOn": date.today().isoformat(),
        "minutes": 90,
        "notes": "Pump sizing",
    }
    data = await graphql.data(GROUP_SESSION, {"input": given}, world.viewers["mentor-a"])
    payload = data["mentorshipGroupSessionLog"]
    assert payload["userErrors"] == []
    assert payload["session"]["minutes"] == 90
    assert {a["handle"] for a in payload["session"]["attendees"]} == {
        "pg-mentor-a",
        "pg-mentee-w",
        "pg-mentee-x",
    }
    assert await _count(session, EngagementSession) == 1
    # Not a mentor of the cohort, a mentee of another mentor, a session in the future
    refused = [
        ("mentor-a", {**given, "attendees": [world.engineer_id("mentee-y")]}, "INVALID_SESSION"),
        (
            "mentor-a",
            {**given, "heldOn": (date.today() + timedelta(days=2)).isoformat()},
            "INVALID_SESSION",
        ),
        ("mentor-a", {**given, "attendees": ["bad"]}, "INVALID_SESSION"),
        ("mentee-w", given, "NOT_MENTOR"),
    ]
    for who, variables, code in refused:
        data = await graphql.data(GROUP_SESSION, {"input": variables}, world.viewers[who])
        assert data["mentorshipGroupSessionLog"]["userErrors"][0]["code"] == code
    one_to_one = await programme_world.programme(session, world)
    data = await graphql.data(
        GROUP_SESSION, {"input": {**given, "programme": _id(one_to_one)}}, world.viewers["mentor-a"]
    )
    assert data["mentorshipGroupSessionLog"]["userErrors"][0]["code"] == "NOT_GROUP"
    assert await _count(session, EngagementSession) == 1
