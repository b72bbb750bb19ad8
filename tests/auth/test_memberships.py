"""Membership mutations: each one denied and allowed across the kinds of viewer."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditLogEntry, Engineer, Membership
from graph.auth.scopes import Scope
from graph.auth.viewer import ANONYMOUS
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import factories, viewers
from tests.conftest import GraphQLClient

APPROVE = """
mutation ($id: ID!) {
  membershipApprove(input: {membership: $id}) {
    membership { status role }
    userErrors { field code message }
  }
}
"""
SUSPEND = """
mutation ($id: ID!) {
  membershipSuspend(input: {membership: $id}) { membership { status } userErrors { code } }
}
"""
REJECT = """
mutation ($id: ID!) {
  membershipReject(input: {membership: $id}) { removedMembershipId userErrors { code } }
}
"""
ASSIGN = """
mutation ($id: ID!, $role: String!) {
  chapterRoleAssign(input: {membership: $id, role: $role}) {
    membership { role } userErrors { field code }
  }
}
"""
JOIN = """
mutation ($id: ID!) {
  chapterJoin(input: {chapter: $id}) { membership { status role } userErrors { code } }
}
"""
LEAVE = """
mutation ($id: ID!) {
  chapterLeave(input: {chapter: $id}) { removedMembershipId userErrors { code } }
}
"""
MEMBERS = """
query ($slug: String!) {
  chapter(slug: $slug) {
    members(first: 50) { nodes { status engineer { handle } } }
    auditLog(first: 10) { nodes { action before after actor { handle } } }
  }
}
"""


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> dict[str, Any]:
    """A chapter (gulf-uae) with a coordinator and a pending applicant; another chapter's
    coordinator; a plain member; a council admin; an institution client."""
    gulf = await factories.chapter(session, "gulf-uae")
    uk = await factories.chapter(session, "uk-ireland")
    coordinator = await factories.engineer(session, handle="gulf-lead")
    await factories.membership(session, coordinator, gulf, role="coordinator")
    other = await factories.engineer(session, handle="uk-lead")
    await factories.membership(session, other, uk, role="coordinator")
    member = await factories.engineer(session, handle="gulf-member")
    await factories.membership(session, member, gulf)
    applicant = await factories.engineer(session, handle="applicant")
    pending = await factories.membership(session, applicant, gulf, status="PENDING")
    admin = await factories.engineer(session, handle="council")
    await factories.account(session, admin, global_role="COUNCIL_ADMIN")
    university = await factories.institution(session)
    return {
        "gulf": gulf,
        "pending": pending,
        "applicant": applicant,
        "member": member,
        "anonymous": ANONYMOUS,
        "member_viewer": await viewers.engineer(session, registry, member),
        "coordinator": await viewers.engineer(session, registry, coordinator),
        "other_coordinator": await viewers.engineer(session, registry, other),
        "admin": await viewers.engineer(session, registry, admin),
        "client": viewers.client(university.id, frozenset(Scope)),
    }


def _code(result: Any) -> str | None:
    return result.errors[0].extensions["code"] if result.errors else None


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "UNAUTHENTICATED"),
        ("client", "FORBIDDEN"),
        ("member_viewer", "NOT_FOUND"),  # pending requests are chapter business
        ("other_coordinator", "NOT_FOUND"),  # cannot even see another chapter's pending request
        ("coordinator", None),
        ("admin", None),
    ],
)
async def test_membership_approve_allowed_and_denied(
    graphql: GraphQLClient,
    session: AsyncSession,
    world: dict[str, Any],
    who: str,
    expected: str | None,
) -> None:
    # Given a pending request in gulf-uae
    membership_id = encode_id("Membership", world["pending"].id)

    # When the viewer approves it
    result = await graphql.execute(APPROVE, {"id": membership_id}, world[who])

    # Then only this chapter's coordinator and council admins succeed
    status = await session.scalar(
        select(Membership.status).where(Membership.id == world["pending"].id)
    )
    if expected is None:
        assert result.errors is None
        assert result.data["membershipApprove"]["membership"] == {
            "status": "ACTIVE",
            "role": "member",
        }
        assert status == "ACTIVE"
        audit = (await session.scalars(select(AuditLogEntry))).all()
        assert [(row.action, row.before, row.after) for row in audit] == [
            (
                "membership.approve",
                {"role": "member", "status": "PENDING"},
                {"role": "member", "status": "ACTIVE"},
            )
        ]
    elif expected == "NOT_FOUND":
        assert result.errors is None
        assert result.data["membershipApprove"]["userErrors"][0]["code"] == "NOT_FOUND"
        assert status == "PENDING"
    else:
        assert _code(result) == expected
        assert status == "PENDING"


async def test_coordinator_token_without_scope_is_insufficient(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry, world: dict[str, Any]
) -> None:
    # Given the coordinator's token carries only profiles:read
    who = await session.get_one(Engineer, world["coordinator"].engineer_id)
    narrow = await viewers.engineer(session, registry, who, frozenset({Scope.PROFILES_READ}))
    member_row = await session.scalar(
        select(Membership).where(Membership.engineer_id == world["member"].id)
    )
    assert member_row is not None

    # When they suspend an active member
    result = await graphql.execute(SUSPEND, {"id": encode_id("Membership", member_row.id)}, narrow)

    # Then the role would allow it but the token does not
    assert _code(result) == "INSUFFICIENT_SCOPE"
    assert result.errors[0].extensions["requiredScope"] == "members:manage"


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("member_viewer", False),
        ("other_coordinator", False),
        ("coordinator", True),
        ("admin", True),
    ],
)
async def test_suspend_reject_and_assign_pairs(
    graphql: GraphQLClient, session: AsyncSession, world: dict[str, Any], who: str, allowed: bool
) -> None:
    member_row = await session.scalar(
        select(Membership).where(Membership.engineer_id == world["member"].id)
    )
    assert member_row is not None
    active_id = encode_id("Membership", member_row.id)
    pending_id = encode_id("Membership", world["pending"].id)

    assigned = await graphql.execute(ASSIGN, {"id": active_id, "role": "moderator"}, world[who])
    suspended = await graphql.execute(SUSPEND, {"id": active_id}, world[who])
    rejected = await graphql.execute(REJECT, {"id": pending_id}, world[who])

    if allowed:
        assert assigned.data["chapterRoleAssign"]["membership"] == {"role": "moderator"}
        assert suspended.data["membershipSuspend"]["membership"] == {"status": "SUSPENDED"}
        assert rejected.data["membershipReject"]["removedMembershipId"] == pending_id
    else:
        for result in (assigned, suspended):
            assert _code(result) == "FORBIDDEN"
        assert _code(rejected) == "FORBIDDEN" or (
            rejected.data["membershipReject"]["userErrors"][0]["code"] == "NOT_FOUND"
        )


async def test_bad_input_gives_user_errors_and_changes_nothing(
    graphql: GraphQLClient, session: AsyncSession, world: dict[str, Any]
) -> None:
    member_row = await session.scalar(
        select(Membership).where(Membership.engineer_id == world["member"].id)
    )
    assert member_row is not None
    active_id = encode_id("Membership", member_row.id)

    unknown_role = await graphql.data(
        ASSIGN, {"id": active_id, "role": "emperor"}, world["coordinator"]
    )
    not_pending = await graphql.data(APPROVE, {"id": active_id}, world["coordinator"])
    malformed = await graphql.data(APPROVE, {"id": "nope"}, world["coordinator"])

    assert unknown_role["chapterRoleAssign"]["userErrors"][0] == {
        "field": ["input", "role"],
        "code": "UNKNOWN_ROLE",
    }
    assert not_pending["membershipApprove"]["userErrors"][0]["code"] == "NOT_PENDING"
    assert malformed["membershipApprove"]["userErrors"][0]["code"] == "NOT_FOUND"
    await session.refresh(member_row)
    assert (member_row.role, member_row.status) == ("member", "ACTIVE")
    assert (await session.scalars(select(AuditLogEntry))).all() == []


async def test_pending_members_and_audit_log_visible_to_coordinators_only(
    graphql: GraphQLClient, world: dict[str, Any]
) -> None:
    await graphql.data(
        APPROVE, {"id": encode_id("Membership", world["pending"].id)}, world["admin"]
    )
    await graphql.data(
        SUSPEND, {"id": encode_id("Membership", world["pending"].id)}, world["coordinator"]
    )

    coordinator = await graphql.execute(MEMBERS, {"slug": "gulf-uae"}, world["coordinator"])
    outsider = await graphql.execute(MEMBERS, {"slug": "gulf-uae"}, world["other_coordinator"])

    statuses = {node["status"] for node in coordinator.data["chapter"]["members"]["nodes"]}
    assert statuses == {"ACTIVE", "SUSPENDED"}
    actions = [node["action"] for node in coordinator.data["chapter"]["auditLog"]["nodes"]]
    assert actions == ["membership.suspend", "membership.approve"]
    assert {node["status"] for node in outsider.data["chapter"]["members"]["nodes"]} == {"ACTIVE"}
    assert outsider.data["chapter"]["auditLog"] is None
    assert _code(outsider) == "FORBIDDEN"


async def test_node_hides_pending_membership_from_outsiders(
    graphql: GraphQLClient, world: dict[str, Any]
) -> None:
    query = "query ($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }"
    variables = {"id": encode_id("Membership", world["pending"].id)}
    outsider = await graphql.data(query, variables, world["other_coordinator"])
    coordinator = await graphql.data(query, variables, world["coordinator"])
    assert outsider == {"node": None, "nodes": [None]}
    assert coordinator["node"] == {"id": variables["id"]}


async def test_join_and_leave(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry, world: dict[str, Any]
) -> None:
    newcomer = await viewers.engineer(session, registry, await factories.engineer(session))
    gulf_id = encode_id("Chapter", world["gulf"].id)

    anonymous = await graphql.execute(JOIN, {"id": gulf_id})
    joined = await graphql.data(JOIN, {"id": gulf_id}, newcomer)
    again = await graphql.data(JOIN, {"id": gulf_id}, newcomer)
    left = await graphql.data(LEAVE, {"id": gulf_id}, newcomer)
    not_member = await graphql.data(LEAVE, {"id": gulf_id}, newcomer)

    assert _code(anonymous) == "UNAUTHENTICATED"
    assert joined["chapterJoin"]["membership"]["status"] in {"ACTIVE", "PENDING"}
    assert again["chapterJoin"]["userErrors"] == [{"code": "ALREADY_MEMBER"}]
    assert left["chapterLeave"]["removedMembershipId"]
    assert not_member["chapterLeave"]["userErrors"] == [{"code": "NOT_MEMBER"}]


@pytest.mark.parametrize(
    ("policy", "archived", "held", "code", "status"),
    [
        ("OPEN", False, None, None, "ACTIVE"),
        ("APPROVAL", False, None, None, "PENDING"),
        ("OPEN", True, None, "ARCHIVED", None),
        ("INVITE", True, None, "ARCHIVED", None),
        ("INVITE", False, None, "INVITE_ONLY", None),
        ("INVITE", False, "ACTIVE", "INVITE_ONLY", None),
        ("OPEN", False, "SUSPENDED", "SUSPENDED", None),
        ("APPROVAL", False, "PENDING", "ALREADY_MEMBER", None),
        ("OPEN", False, "ACTIVE", "ALREADY_MEMBER", None),
    ],
)
async def test_join_answers_each_refusal_and_inserts_only_when_none_holds(
    graphql: GraphQLClient,
    session: AsyncSession,
    registry: ChapterRegistry,
    policy: str,
    archived: bool,
    held: str | None,
    code: str | None,
    status: str | None,
) -> None:
    # Given a chapter with this join policy (archived or live), and an engineer holding a
    # membership there in status `held` (or none)
    chapter = await factories.chapter(session, "uk-ireland")
    chapter.join_policy = policy
    chapter.archived_at = datetime(2025, 1, 1, tzinfo=UTC) if archived else None
    engineer = await factories.engineer(session)
    if held is not None:
        await factories.membership(session, engineer, chapter, status=held)
    await session.flush()
    newcomer = await viewers.engineer(session, registry, engineer)

    # When they join
    joined = await graphql.data(JOIN, {"id": encode_id("Chapter", chapter.id)}, newcomer)

    # Then they get the first refusal that holds and nothing changes, or their membership
    rows = await session.scalars(
        select(Membership.status).where(
            Membership.chapter_id == chapter.id, Membership.engineer_id == engineer.id
        )
    )
    payload = joined["chapterJoin"]
    if code is None:
        assert payload == {"membership": {"status": status, "role": "member"}, "userErrors": []}
        assert list(rows) == [status]
    else:
        assert payload == {"membership": None, "userErrors": [{"code": code}]}
        assert list(rows) == ([held] if held is not None else [])


async def test_join_unknown_chapter_is_not_found(
    graphql: GraphQLClient, session: AsyncSession, registry: ChapterRegistry
) -> None:
    newcomer = await viewers.engineer(session, registry, await factories.engineer(session))
    missing = encode_id("Chapter", 2_000_000_000)
    foreign = encode_id("Engineer", 1)

    unknown = await graphql.data(JOIN, {"id": missing}, newcomer)
    wrong_type = await graphql.data(JOIN, {"id": foreign}, newcomer)

    for answer in (unknown, wrong_type):
        assert answer["chapterJoin"] == {"membership": None, "userErrors": [{"code": "NOT_FOUND"}]}
