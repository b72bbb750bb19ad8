"""Access-log entries, audit-log entries and affiliations are Nodes, each behind its list's rule."""

from typing import Any

import pytest
from graphql import GraphQLObjectType, get_named_type
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AccessLogEntry, AuditLogEntry
from graph.auth.scopes import Scope
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from graph.schema import schema
from tests import factories, viewers
from tests.conftest import GraphQLClient

NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on AccessLogEntry { fields requestId institution { slug } }
    ... on AuditLogEntry { action targetType }
    ... on Affiliation { role institution { slug } engineer { handle } }
  }
}
"""
ACCESS_LOG = "{ viewer { accessLog(first: 5) { nodes { id fields } } } }"
AUDIT_LOG = """
query ($slug: String!) { chapter(slug: $slug) { auditLog(first: 5) { nodes { id action } } } }
"""
AFFILIATIONS = """
query ($handle: String!) { engineer(handle: $handle) { affiliations { id role } } }
"""
STAFF = """
query ($slug: String!) {
  institution(slug: $slug) { staff(first: 5) { nodes { id role engineer { handle } } } }
}
"""


@pytest.fixture
async def world(session: AsyncSession, registry: ChapterRegistry) -> dict[str, Any]:
    """gulf-uae with its coordinator and a member, uk-ireland's coordinator, a council admin,
    a university with a client; an access-log entry about the member; audit entries in gulf
    and outside any chapter; the member's public and the coordinator's private affiliation."""
    gulf = await factories.chapter(session, "gulf-uae")
    uk = await factories.chapter(session, "uk-ireland")
    coordinator = await factories.engineer(
        session, handle="gulf-lead", field_visibility={"affiliations": "PRIVATE"}
    )
    await factories.membership(session, coordinator, gulf, role="coordinator")
    other = await factories.engineer(session, handle="uk-lead")
    await factories.membership(session, other, uk, role="coordinator")
    member = await factories.engineer(session, handle="gulf-member")
    await factories.membership(session, member, gulf)
    admin = await factories.engineer(session, handle="council")
    await factories.account(session, admin, global_role="COUNCIL_ADMIN")
    university = await factories.institution(session, slug="nust")
    grant = await factories.consent_grant(session, coordinator, university, ["affiliations"])
    access = AccessLogEntry(
        engineer_id=member.id,
        institution_id=university.id,
        consent_grant_id=grant.id,
        client_id="bgc_test",
        fields=["email"],
        request_id="req-1",
    )
    in_gulf = AuditLogEntry(
        action="membership.approve",
        target_type="Membership",
        target_id=1,
        chapter_id=gulf.id,
        request_id="req-2",
    )
    global_entry = AuditLogEntry(
        action="admins.grant", target_type="Engineer", target_id=admin.id, request_id="req-3"
    )
    session.add_all([access, in_gulf, global_entry])
    public_role = await factories.affiliation(session, member, university, role="Lecturer")
    private_role = await factories.affiliation(session, coordinator, university, role="Dean")
    await session.flush()
    return {
        "ids": {
            "access": encode_id("AccessLogEntry", access.id),
            "in_gulf": encode_id("AuditLogEntry", in_gulf.id),
            "global": encode_id("AuditLogEntry", global_entry.id),
            "public_role": encode_id("Affiliation", public_role.id),
            "private_role": encode_id("Affiliation", private_role.id),
        },
        "grant": grant,
        "anonymous": ANONYMOUS,
        "member": await viewers.engineer(session, registry, member),
        "member_without_consent_scope": await viewers.engineer(
            session, registry, member, frozenset({Scope.PROFILES_READ})
        ),
        "coordinator": await viewers.engineer(session, registry, coordinator),
        "other_coordinator": await viewers.engineer(session, registry, other),
        "admin": await viewers.engineer(session, registry, admin),
        "client": viewers.client(university.id),
    }


async def node_as(graphql: GraphQLClient, global_id: str, viewer: Viewer) -> Any:
    """`node(id:)` as `viewer`; null or the object (never an error)."""
    return (await graphql.data(NODE, {"id": global_id}, viewer))["node"]


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("anonymous", False),
        ("client", False),
        ("coordinator", False),  # another engineer, even one who coordinates their chapter
        ("admin", False),  # the access log is the engineer's own
        ("member_without_consent_scope", False),
        ("member", True),
    ],
)
async def test_an_access_log_entry_is_its_engineers_only(
    graphql: GraphQLClient, world: dict[str, Any], who: str, sees: bool
) -> None:
    node = await node_as(graphql, world["ids"]["access"], world[who])

    if not sees:
        assert node is None
        return
    assert node == {
        "__typename": "AccessLogEntry",
        "id": world["ids"]["access"],
        "fields": ["EMAIL"],
        "requestId": "req-1",
        "institution": {"slug": "nust"},
    }
    listed = await graphql.data(ACCESS_LOG, viewer=world[who])
    assert [entry["id"] for entry in listed["viewer"]["accessLog"]["nodes"]] == [node["id"]]


@pytest.mark.parametrize(
    ("who", "sees_gulf", "sees_global"),
    [
        ("anonymous", False, False),
        ("client", False, False),
        ("member", False, False),
        ("other_coordinator", False, False),  # audit:read, but in another chapter
        ("coordinator", True, False),  # audit:read in gulf-uae only
        ("admin", True, True),
    ],
)
async def test_an_audit_log_entry_needs_audit_read_in_its_chapter(
    graphql: GraphQLClient, world: dict[str, Any], who: str, sees_gulf: bool, sees_global: bool
) -> None:
    in_gulf = await node_as(graphql, world["ids"]["in_gulf"], world[who])
    outside = await node_as(graphql, world["ids"]["global"], world[who])

    assert (in_gulf is not None) is sees_gulf
    assert (outside is not None) is sees_global
    if sees_gulf:
        assert in_gulf == {
            "__typename": "AuditLogEntry",
            "id": world["ids"]["in_gulf"],
            "action": "membership.approve",
            "targetType": "Membership",
        }
        listed = await graphql.data(AUDIT_LOG, {"slug": "gulf-uae"}, world[who])
        assert [entry["id"] for entry in listed["chapter"]["auditLog"]["nodes"]] == [in_gulf["id"]]


@pytest.mark.parametrize(
    ("who", "sees_private"),
    [
        ("anonymous", False),
        ("member", False),
        ("other_coordinator", False),
        ("client", True),  # the coordinator granted nust consent for affiliations
        ("coordinator", True),  # their own
    ],
)
async def test_an_affiliation_is_visible_where_the_engineers_affiliations_are(
    graphql: GraphQLClient, world: dict[str, Any], who: str, sees_private: bool
) -> None:
    public = await node_as(graphql, world["ids"]["public_role"], world[who])
    private = await node_as(graphql, world["ids"]["private_role"], world[who])

    assert public == {
        "__typename": "Affiliation",
        "id": world["ids"]["public_role"],
        "role": "Lecturer",
        "institution": {"slug": "nust"},
        "engineer": {"handle": "gulf-member"},
    }
    assert (private is not None) is sees_private
    listed = await graphql.data(AFFILIATIONS, {"handle": "gulf-lead"}, world[who])
    affiliations = listed["engineer"]["affiliations"]
    assert (affiliations is not None) is sees_private
    if sees_private:
        assert [role["id"] for role in affiliations] == [private["id"]]
    staff = await graphql.data(STAFF, {"slug": "nust"}, world[who])
    staff_ids = {role["id"] for role in staff["institution"]["staff"]["nodes"]}
    assert (world["ids"]["private_role"] in staff_ids) is sees_private


async def test_an_institutions_read_of_an_affiliation_by_id_is_logged(
    graphql: GraphQLClient, session: AsyncSession, world: dict[str, Any]
) -> None:
    before = set((await session.scalars(select(AccessLogEntry.id))).all())

    node = await node_as(graphql, world["ids"]["private_role"], world["client"])

    assert node is not None
    logged = (
        await session.scalars(select(AccessLogEntry).where(AccessLogEntry.id.not_in(before)))
    ).all()
    assert [(entry.consent_grant_id, entry.fields) for entry in logged] == [
        (world["grant"].id, ["affiliations"])
    ]


async def test_a_missing_record_is_null(graphql: GraphQLClient, world: dict[str, Any]) -> None:
    for type_name in ("AccessLogEntry", "AuditLogEntry", "Affiliation"):
        assert await node_as(graphql, encode_id(type_name, 2_000_000_000), world["admin"]) is None


def test_every_entity_in_a_connection_implements_node() -> None:
    graphql_schema = schema._schema
    listed = {
        get_named_type(edge_type.fields["node"].type)
        for name, edge_type in graphql_schema.type_map.items()
        if name.endswith("Edge") and isinstance(edge_type, GraphQLObjectType)
    }

    assert {"AccessLogEntry", "AuditLogEntry", "Affiliation"} <= {type_.name for type_ in listed}
    not_nodes = sorted(
        str(type_)
        for type_ in listed
        if not (
            isinstance(type_, GraphQLObjectType)
            and any(interface.name == "Node" for interface in type_.interfaces)
        )
    )
    assert not_nodes == sorted(LINKS_IN_CONNECTIONS)


LINKS_IN_CONNECTIONS = {
    "HallOfFameEvidence": "a citation's link to another node (a ledger entry, engagement, event "
    "or forum post), which is what carries the id",
}
"""Connection items that are not nodes themselves, and why."""


ENTITIES = """
query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Node { id } }
}
"""


@pytest.mark.parametrize(("who", "sees"), [("coordinator", False), ("member", True)])
async def test_a_federation_gateway_gets_records_under_the_same_rule(
    graphql: GraphQLClient, world: dict[str, Any], who: str, sees: bool
) -> None:
    access = world["ids"]["access"]
    representations = [{"__typename": "AccessLogEntry", "id": access}]

    data = await graphql.data(ENTITIES, {"representations": representations}, world[who])

    assert data["_entities"] == [{"id": access} if sees else None]
