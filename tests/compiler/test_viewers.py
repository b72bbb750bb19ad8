"""Every case answers as strawberry does for each kind of viewer, and logs what it logs.

The authorization suite's denied/allowed pairs come down to these relationships: nobody, an
engineer whose token lacks profiles:read, the engineer themselves, a fellow active member of
a chapter that shares fields, a coordinator (members:read in one chapter), a council admin,
and institutions: a client holding live consent grants, one whose grants expired or were
revoked, one without profiles:read, and an engineer on an institution's staff.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import GlobalRole
from db.models import AccessLogEntry, Affiliation, AuditLogEntry, ConsentGrant, ForumReport
from graph.auth.roles import MEMBER_SCOPES
from graph.auth.scopes import Scope
from graph.auth.viewer import ANONYMOUS, ChapterRole, Viewer
from graph.ids import decode_id, encode_id
from tests.auth import test_profiles
from tests.compiler.conftest import BothPaths, World
from tests.compiler.test_equality import cases, forum_cases
from tests.graph import test_record_nodes
from tests.graph.test_query_count import AUDIT_LOGS

VIEWERS = (
    "anonymous",
    "no-scope",
    "self",
    "fellow",
    "coordinator",
    "council-admin",
    "institution",
    "institution-lapsed",
    "institution-no-scope",
    "institution-staff",
)
READS = frozenset({Scope.PROFILES_READ})


def viewer(name: str, world: World) -> Viewer:
    """The viewer called `name` in the world."""
    gulf = world.pks["gulf-uae"]
    if name == "anonymous":
        return ANONYMOUS
    if name == "no-scope":
        return Viewer(engineer_id=world.pks["cmp-0"], scopes=frozenset({Scope.CHAPTERS_READ}))
    if name == "self":
        return Viewer(engineer_id=world.pks["cmp-1"], scopes=MEMBER_SCOPES)
    if name == "fellow":
        role = ChapterRole(gulf, "gulf-uae", "member", frozenset())
        return Viewer(
            engineer_id=world.pks["cmp-0"], scopes=MEMBER_SCOPES, chapter_roles={gulf: role}
        )
    if name == "coordinator":
        role = ChapterRole(gulf, "gulf-uae", "coordinator", frozenset({Scope.MEMBERS_READ}))
        return Viewer(
            engineer_id=world.pks["cmp-6"],
            scopes=MEMBER_SCOPES | {Scope.MEMBERS_READ},
            chapter_roles={gulf: role},
        )
    if name == "institution":
        return Viewer(client_id="bgc_uni", institution_id=world.pks["cmp-uni"], scopes=READS)
    if name == "institution-lapsed":
        return Viewer(client_id="bgc_start", institution_id=world.pks["cmp-start"], scopes=READS)
    if name == "institution-no-scope":
        return Viewer(
            client_id="bgc_uni",
            institution_id=world.pks["cmp-uni"],
            scopes=frozenset({Scope.CHAPTERS_READ}),
        )
    if name == "institution-staff":
        return Viewer(
            engineer_id=world.pks["cmp-3"],
            institution_id=world.pks["cmp-uni"],
            scopes=MEMBER_SCOPES,
        )
    assert name == "council-admin"
    return Viewer(
        engineer_id=world.pks["cmp-2"],
        scopes=frozenset(Scope),
        global_role=GlobalRole.COUNCIL_ADMIN,
    )


CLIENTS = ("institution-members", "partner", "client-everything")
"""Clients holding scopes beyond an institution client's: members:read (which strawberry's
node check honours in every chapter, its lists in none), no institution at all, every scope."""


def client(name: str, world: World) -> Viewer:
    """The client called `name` (CLIENTS)."""
    members = READS | {Scope.MEMBERS_READ}
    if name == "partner":
        return Viewer(client_id="bgc_partner", scopes=members)
    university = world.pks["cmp-uni"]
    if name == "institution-members":
        return Viewer(client_id="bgc_uni", institution_id=university, scopes=members)
    assert name == "client-everything"
    return Viewer(client_id="bgc_uni", institution_id=university, scopes=frozenset(Scope))


@pytest.mark.parametrize("name", [*VIEWERS, *CLIENTS])
async def test_every_case_matches_the_app_for_the_viewer(
    both: BothPaths, world: World, name: str
) -> None:
    # Given a viewer: every kind is compiled now, clients beyond institution scopes included
    who = client(name, world) if name in CLIENTS else viewer(name, world)
    # When every case runs through both paths, then each answers alike and writes the same
    # access-log rows, in one statement (and one INSERT when something was read under consent)
    logged = 0
    for document, variables in cases(world):
        _, rows = await both.compare_logged(document, variables, who)
        assert both.last_statement_count == (2 if rows else 1)
        logged += len(rows)
    # (only a viewer reading under live grants logs anything)
    readers = ("institution", "institution-staff", "institution-members", "client-everything")
    assert (logged > 0) == (name in readers)


SELF_AND_OTHER = """
query ($a: String!, $b: String!) {
  a: engineer(handle: $a) { handle city email }
  b: engineer(handle: $b) { handle city email }
}
"""


async def test_engineers_with_the_same_roles_share_one_statement_and_see_only_their_own(
    both: BothPaths, world: World
) -> None:
    # Given two signed-in engineers with the same scopes and no chapter roles, each of whom
    # keeps their email private
    first, second = (
        Viewer(engineer_id=world.pks[handle], scopes=MEMBER_SCOPES) for handle in ("cmp-3", "cmp-4")
    )
    variables = {"a": "cmp-3", "b": "cmp-4"}

    # When each reads both profiles
    statements = [
        both.compiled.statement(SELF_AND_OTHER, None, variables, who) for who in (first, second)
    ]
    answers = [await both.compare(SELF_AND_OTHER, variables, who) for who in (first, second)]

    # Then one SQL text serves both, the engineer's id being a parameter of it
    assert statements[0] is not None
    assert statements[1] is not None
    assert statements[0].sql == statements[1].sql
    assert world.pks["cmp-3"] in statements[0].params
    assert world.pks["cmp-4"] in statements[1].params
    # And each sees their own email and not the other's (as strawberry answers)
    assert answers[0]["a"]["email"] is not None
    assert answers[0]["b"]["email"] is None
    assert answers[1]["a"]["email"] is None
    assert answers[1]["b"]["email"] is not None


def forum_viewer(name: str, world: World) -> Viewer:
    """Viewers whose chapter roles grant forum rights: a member and a moderator of gulf-uae
    (whose lounge is members-only), and a moderator of uk-ireland."""
    chapter = world.pks["uk-ireland" if name == "uk-moderator" else "gulf-uae"]
    slug = "uk-ireland" if name == "uk-moderator" else "gulf-uae"
    scopes = {Scope.CHAPTERS_READ, Scope.FORUM_WRITE}
    if name != "gulf-member":
        scopes.add(Scope.FORUM_MODERATE)
    role = ChapterRole(chapter, slug, "moderator", frozenset(scopes))
    return Viewer(
        engineer_id=world.pks["cmp-3"],
        scopes=MEMBER_SCOPES | scopes,
        chapter_roles={chapter: role},
    )


@pytest.mark.parametrize("name", ["gulf-member", "gulf-moderator", "uk-moderator"])
async def test_forum_cases_match_the_app_for_chapter_roles(
    both: BothPaths, world: World, name: str
) -> None:
    who = forum_viewer(name, world)
    for document, variables in forum_cases(world):
        await both.compare(document, variables, who)
        assert both.last_statement_count == 1


AUDIT_PAGE = """
query ($slug: String!, $first: Int!, $after: String) {
  chapter(slug: $slug) {
    slug
    auditLog(first: $first, after: $after) {
      totalCount
      edges { cursor node { id action targetType targetId before after actorClientId requestId
        createdAt actor { handle } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


def auditor(name: str, world: World) -> Viewer:
    """An engineer holding audit:read through a role in gulf-uae (`gulf-auditor`), or a token
    with audit:read and no role anywhere (`scope-only`)."""
    gulf = world.pks["gulf-uae"]
    scopes = MEMBER_SCOPES | {Scope.AUDIT_READ}
    if name == "scope-only":
        return Viewer(engineer_id=world.pks["cmp-4"], scopes=scopes)
    role = ChapterRole(gulf, "gulf-uae", "coordinator", frozenset({Scope.AUDIT_READ}))
    return Viewer(engineer_id=world.pks["cmp-4"], scopes=scopes, chapter_roles={gulf: role})


@pytest.mark.parametrize("name", [*VIEWERS, "gulf-auditor", "scope-only"])
async def test_the_audit_log_compiles_with_strawberrys_permission_errors(
    both: BothPaths, world: World, session: AsyncSession, name: str
) -> None:
    # Given audited actions in both chapters
    for slug in ("gulf-uae", "uk-ireland"):
        session.add_all(
            AuditLogEntry(
                actor_engineer_id=world.pks["cmp-2"] if n % 2 else None,
                actor_client_id=None if n % 2 else "bgc_uni",
                action=f"membership.approve.{n}",
                target_type="Membership",
                target_id=n + 1,
                chapter_id=world.pks[slug],
                before={"status": "PENDING", "role": "member"} if n else None,
                after={"status": "ACTIVE"},
                request_id=f"req-{n}",
            )
            for n in range(4)
        )
    who = auditor(name, world) if name in ("gulf-auditor", "scope-only") else viewer(name, world)
    # When each viewer reads the audit logs, paging, and the chapters' logs in one list
    for slug in ("gulf-uae", "uk-ireland", "atlantis"):
        page = await both.compare_response(AUDIT_PAGE, {"slug": slug, "first": 3}, who)
        log = (page["data"]["chapter"] or {}).get("auditLog")
        if log is not None and log["pageInfo"]["hasNextPage"]:
            after = log["pageInfo"]["endCursor"]
            await both.compare_response(AUDIT_PAGE, {"slug": slug, "first": 3, "after": after}, who)
        await both.compare_response(AUDIT_PAGE, {"slug": slug, "first": 3, "after": "junk"}, who)
    listed = await both.compare_response(AUDIT_LOGS, {"first": 5}, who)
    assert both.last_statement_count == 1  # every chapter's log, checks included, at once
    # Then the compiled path answered each, denials included, exactly as strawberry
    allowed = name in ("council-admin", "gulf-auditor")
    assert ("errors" in listed) != allowed or name == "gulf-auditor"
    if not allowed:
        codes = {error["extensions"]["code"] for error in listed["errors"]}
        assert codes <= {"UNAUTHENTICATED", "INSUFFICIENT_SCOPE", "FORBIDDEN"}


QUEUE = """
query ($slug: String!, $first: Int!, $after: String, $statuses: [ForumReportStatus!]) {
  forumCategory(slug: $slug) {
    slug
    reports(first: $first, after: $after, statuses: $statuses) {
      totalCount
      edges { cursor node { id reason status createdAt resolvedAt threadId postId
        reporter { handle city } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
QUEUES = """
query { forumCategories(first: 10) { nodes { slug reports(first: 2) { totalCount } } } }
"""
REPORT = "query ($id: ID!) { node(id: $id) { __typename id ... on ForumReport { reason } } }"


async def _reports(session: AsyncSession, world: World) -> list[str]:
    """Reports against threads and replies in each category (hidden ones included), filed by
    cmp-3 and cmp-5, one resolved per category; their IDs."""
    ids = []
    for slug in ("cmp-global", "cmp-sector", "cmp-gulf", "cmp-uk"):
        for number, (kind, key) in enumerate(
            [
                ("thread", f"{slug}-thread-1"),
                ("post", f"{slug}-thread-2-post-1"),
                ("thread", f"{slug}-thread-2"),
            ]
        ):
            decoded = decode_id(world.ids[key])
            report = ForumReport(
                thread_id=decoded.key if kind == "thread" else None,
                post_id=decoded.key if kind == "post" else None,
                reporter_id=world.pks["cmp-3" if number % 2 else "cmp-5"],
                reason=f"Rude {number}.",
                status="RESOLVED" if number == 2 else "OPEN",
                resolved_at=datetime(2026, 1, 2, tzinfo=UTC) if number == 2 else None,
            )
            session.add(report)
            await session.flush()
            ids.append(encode_id("ForumReport", report.id))
    return ids


@pytest.mark.parametrize("name", [*VIEWERS, "gulf-member", "gulf-moderator", "uk-moderator"])
async def test_the_moderation_queue_compiles_with_strawberrys_permission_errors(
    both: BothPaths, world: World, session: AsyncSession, name: str
) -> None:
    # Given reports in every category
    ids = await _reports(session, world)
    who = forum_viewer(name, world) if name in FORUM_VIEWERS else viewer(name, world)
    # When each viewer reads each queue (paging, filtering, a bad cursor), every queue in one
    # list, and each report by its ID
    for slug in ("cmp-global", "cmp-sector", "cmp-gulf", "cmp-uk"):
        page = await both.compare_response(QUEUE, {"slug": slug, "first": 2}, who)
        queue = (page["data"]["forumCategory"] or {}).get("reports")
        if queue is not None and queue["pageInfo"]["hasNextPage"]:
            after = queue["pageInfo"]["endCursor"]
            await both.compare_response(QUEUE, {"slug": slug, "first": 2, "after": after}, who)
        await both.compare_response(QUEUE, {"slug": slug, "first": 5, "statuses": ["OPEN"]}, who)
        await both.compare_response(QUEUE, {"slug": slug, "first": 5, "after": "junk"}, who)
    await both.compare_response(QUEUES, None, who)
    assert both.last_statement_count == 1  # every category's queue, checks included, at once
    shown = [await both.compare_response(REPORT, {"id": id}, who) for id in ids]
    # Then the compiled path answered each exactly as strawberry (tested by compare_response);
    # the reporter sees their own reports, a moderator those of the categories they moderate
    seen = sum(answer["data"]["node"] is not None for answer in shown)
    filers = ("gulf-member", "gulf-moderator", "uk-moderator", "institution-staff")  # cmp-3
    assert (seen > 0) == (name in ("council-admin", *filers))


FORUM_VIEWERS = ("gulf-member", "gulf-moderator", "uk-moderator")


OWN = """
query ($first: Int!, $after: String) {
  viewer {
    isAuthenticated
    consentGrants(first: $first, after: $after) {
      totalCount
      edges { cursor node { id fields purpose expiresAt revokedAt createdAt isLive
        institution { slug } } }
      pageInfo { hasNextPage endCursor }
    }
    accessLog(first: $first) {
      totalCount
      nodes { id fields clientId requestId accessedAt institution { slug }
        consentGrant { id fields } }
    }
  }
}
"""
RECORD = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on ConsentGrant { purpose isLive institution { slug } }
    ... on AccessLogEntry { fields requestId institution { slug } }
    ... on AuditLogEntry { action targetType targetId }
  }
}
"""


@pytest.mark.parametrize("name", [*VIEWERS, "gulf-auditor", "scope-only"])
async def test_the_viewers_own_consent_records_compile_with_strawberrys_errors(
    both: BothPaths, world: World, session: AsyncSession, name: str
) -> None:
    # Given access-log rows of cmp-1's and cmp-2's reads under their grants, and audit rows
    grants = (await session.scalars(select(ConsentGrant).order_by(ConsentGrant.id))).all()
    for grant in grants[:4]:
        session.add(
            AccessLogEntry(
                engineer_id=grant.engineer_id,
                institution_id=grant.institution_id,
                consent_grant_id=grant.id,
                client_id="bgc_uni",
                fields=list(reversed(grant.fields)),
                request_id=f"req-{grant.id}",
            )
        )
    audit = [
        AuditLogEntry(
            action="membership.approve",
            target_type="Membership",
            target_id=1,
            chapter_id=chapter,
            request_id="req",
        )
        for chapter in (world.pks["gulf-uae"], world.pks["uk-ireland"], None)
    ]
    session.add_all(audit)
    await session.flush()
    entries = (await session.scalars(select(AccessLogEntry.id))).all()
    who = auditor(name, world) if name in ("gulf-auditor", "scope-only") else viewer(name, world)
    # When each viewer reads their own grants and access log (paging, a bad cursor), the
    # suite's documents, and every grant, log entry and audit row by its ID
    page = await both.compare_response(OWN, {"first": 2}, who)
    grants_page = page["data"]["viewer"]["consentGrants"] if page["data"] else None
    if grants_page is not None and grants_page["pageInfo"]["hasNextPage"]:
        after = grants_page["pageInfo"]["endCursor"]
        await both.compare_response(OWN, {"first": 2, "after": after}, who)
    await both.compare_response(test_profiles.MINE, None, who)
    await both.compare_response(test_record_nodes.ACCESS_LOG, None, who)
    ids = [encode_id("ConsentGrant", grant.id) for grant in grants]
    ids += [encode_id("AccessLogEntry", key) for key in entries]
    ids += [encode_id("AuditLogEntry", row.id) for row in audit]
    answers = [await both.compare_response(RECORD, {"id": id}, who) for id in ids]
    await both.compare_response(test_record_nodes.NODE, {"id": ids[-1]}, who)
    # Then the compiled path answered each exactly as strawberry: the engineer sees their own
    # records, everyone else a FORBIDDEN error (and a null viewer, its connections being
    # non-null) or null nodes
    shown = sum(answer["data"]["node"] is not None for answer in answers)
    has_records = who.engineer_id is not None and name != "no-scope"  # every cmp engineer
    assert (shown > 0) == has_records
    if name == "anonymous":
        assert page["data"] is None
        assert page["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await both.compare_response(OWN, {"first": 2, "after": "junk"}, who)


@pytest.mark.parametrize("name", [*VIEWERS, *CLIENTS])
async def test_affiliations_by_id_compile_and_log_reads_under_consent_as_strawberry(
    both: BothPaths, world: World, session: AsyncSession, name: str
) -> None:
    # Given every affiliation of the world (cmp-1's and cmp-4's, whose visibility differs)
    keys = (await session.scalars(select(Affiliation.id).order_by(Affiliation.id))).all()
    who = client(name, world) if name in CLIENTS else viewer(name, world)
    # When each is read by its ID, alone and together with the lists that show it
    logged = 0
    for key in keys:
        variables = {"id": encode_id("Affiliation", key)}
        _, rows = await both.compare_logged(test_record_nodes.NODE, variables, who)
        logged += len(rows)
    ids = [encode_id("Affiliation", key) for key in keys]
    _, rows = await both.compare_logged(AFFILIATIONS, {"ids": ids, "slug": "cmp-uni"}, who)
    # Then both paths answer and log alike: reads under consent only by the university's
    # clients (its staff, signed in with profiles:read, see members-visible affiliations)
    logged += len(rows)
    assert (logged > 0) == (name in ("institution", "institution-members", "client-everything"))


AFFILIATIONS = """
query ($ids: [ID!]!, $slug: String!) {
  nodes(ids: $ids) { ... on Affiliation { role engineer { handle } } }
  institution(slug: $slug) { staff(first: 5) { nodes { id role } } }
}
"""
