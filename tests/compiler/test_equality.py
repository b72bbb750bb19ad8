"""The compiled statement answers exactly as the app does (and the golden answers pin the app):
same data, same key order, same nulls."""

import importlib
import pkgutil
from types import ModuleType
from typing import Any

import pytest
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse

import tests.auth
import tests.graph
import tests.http
from graph.auth.viewer import ANONYMOUS
from tests.auth import (
    test_contribution_access,
    test_event_access,
    test_forum_access,
    test_forum_mutations,
    test_hall_of_fame_access,
    test_hidden_fields,
    test_memberships,
    test_profiles,
)
from tests.compiler import supervision
from tests.compiler.conftest import BothPaths, World
from tests.graph import (
    test_chapters,
    test_contribution_mutations,
    test_contribution_query_count,
    test_contribution_reads,
    test_contributions,
    test_cost,
    test_data_export,
    test_engagement_work,
    test_engineers,
    test_erasure,
    test_event_mutations,
    test_event_query_count,
    test_forum,
    test_investment,
    test_node,
    test_notifications,
    test_page_limits,
    test_panels,
    test_programme_reads,
    test_query_count,
    test_recommendations,
    test_record_nodes,
    test_stats,
)
from tests.http import (
    test_auth_integration,
    test_concurrency,
    test_dashboard_page,
    test_error_codes,
    test_graphiql,
    test_oauth,
    test_operation_name,
    test_replicas,
    test_server,
    test_tracing,
    test_trusted_documents,
    test_websocket,
    test_websocket_policy,
)

EVERYTHING_ON_ENGINEER = """
query ($handle: String!) {
  engineer(handle: $handle) {
    __typename id handle name headline bio photoUrl countryCode city isOverseas timezone
    languages disciplines offers seeks pecRegistrationNumber pecStatus isPecVerified createdAt
    capacity { __typename hoursPerMonth maxMentees }
    sectors { id slug name description skills { slug name sector { slug } } }
    skills { __typename level years skill { id slug name sector { name } } }
    positions { title organization countryCode city startDate endDate isCurrent }
    education { school degree fieldOfStudy startYear endYear }
    affiliations {
      id role since institution { slug name kind website verified } engineer { handle }
    }
    memberships(first: 10) {
      __typename totalCount
      pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
      edges { __typename cursor node { id role status since chapter { slug } } }
      nodes { role engineer { handle } }
    }
    chapters(first: 10) { totalCount nodes { slug features { forum events } archivedAt } }
  }
}
"""

FRAGMENTS_AND_ALIASES = """
fragment Who on Engineer { handle displayName: name }
fragment Paged on EngineerConnection { count: totalCount info: pageInfo { more: hasNextPage } }
query Search($first: Int!, $withSkills: Boolean!, $noSectors: Boolean = false) {
  __typename
  list: engineers(first: $first, filter: {search: "cmpword"}, orderBy: {field: HANDLE}) {
    ...Paged
    items: edges {
      node {
        ...Who
        ... on Node { id }
        ... on Engineer { city }
        skills @include(if: $withSkills) { years }
        sectors @skip(if: $noSectors) { slug }
        handle
        again: handle
      }
    }
  }
  one: engineer(handle: "cmp-1") { ...Who }
  two: engineer(handle: "cmp-2") { ...Who skills @skip(if: true) { years } }
}
"""

ROOTS = """
query {
  sectors { slug skills { slug } }
  chapters(first: 20, includeArchived: true) { totalCount nodes { slug timezone } }
  institutions(first: 5, filter: {search: "cmp", kinds: [STARTUP, UNIVERSITY]}) {
    totalCount
    nodes {
      slug kind countryCode city description
      staff(first: 2) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id role since engineer { handle } } }
      }
    }
  }
}
"""

CONNECTION_PAGE = """
query ($first: Int, $after: String, $last: Int, $before: String, $order: EngineerOrder) {
  engineers(first: $first, after: $after, last: $last, before: $before,
            filter: {search: "cmpword"}, orderBy: $order) {
    totalCount
    edges { cursor node { handle name createdAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

MEMBERS = """
query ($first: Int, $after: String, $last: Int, $before: String, $roles: [String!]) {
  chapter(slug: "gulf-uae") {
    members(first: $first, after: $after, last: $last, before: $before, roles: $roles) {
      totalCount
      edges { cursor node { role status since engineer { handle } chapter { slug } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""

NODE_EVERYTHING = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Engineer { handle claimed: skills { years } }
    ... on Chapter { slug members(first: 3) { totalCount } }
    ... on Institution { slug staff(first: 3) { totalCount } }
    ... on Membership { role since chapter { slug } engineer { handle } }
    ... on Sector { slug skills { slug } }
    ... on Skill { slug sector { slug } }
  }
}
"""

MIXED = """
fragment Who on Engineer { handle name }
query Mixed($handle: String!, $first: Int!) {
  viewer { isAuthenticated engineer { handle } }
  engineer(handle: $handle) { ...Who chapters(first: $first) { totalCount } }
  sectors { slug }
  again: _service { __typename }
}
"""

VIEWER_EVERYTHING = """
{
  viewer {
    __typename isAuthenticated scopes clientId
    engineer { handle email city skills { years } chapters(first: 5) { totalCount } }
    institution { slug staff(first: 2) { totalCount } }
  }
}
"""

NODES_EVERYTHING = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) { __typename id ... on Engineer { handle } ... on Skill { name } }
}
"""


def cases(world: World) -> list[tuple[str, dict[str, Any] | None]]:
    """Every (document, variables) pair the equality test runs."""
    handles = world.handles
    listed: list[tuple[str, dict[str, Any] | None]] = [
        (test_engineers.ENGINEER_BY_HANDLE, {"handle": handle})
        for handle in [*handles, "CMP-3", "nobody", "x" * 70]
    ]
    listed += [(EVERYTHING_ON_ENGINEER, {"handle": handle}) for handle in handles]
    listed += [(test_error_codes.VALID, {"first": first}) for first in (1, 3)]
    listed += [
        (test_engineers.ENGINEERS, {"first": 100, "filter": {"search": "cmpword"}}),
        (test_engineers.ENGINEERS, {"first": 3, "filter": {"sectors": ["cmp-water"]}}),
        (
            test_engineers.ENGINEERS,
            {
                "first": 50,
                "filter": {
                    "sectors": ["cmp-water", "cmp-grid"],
                    "skills": ["cmp-hydro"],
                    "disciplines": ["ELECTRICAL"],
                    "countries": ["AE"],
                    "offers": ["MENTORSHIP"],
                    "isOverseas": True,
                    "pecVerified": False,
                },
                "orderBy": {"field": "CREATED_AT", "direction": "DESC"},
            },
        ),
        (
            test_engineers.ENGINEERS,
            {"last": 2, "filter": {"search": "cmpword", "pecVerified": True}},
        ),
        (
            test_engineers.ENGINEERS,
            {
                "first": 4,
                "filter": {"chapter": world.ids["gulf"]},
                "orderBy": {"field": "NAME"},
            },
        ),
        (test_chapters.CHAPTER, {"slug": "gulf-uae", "first": 2}),
        (test_chapters.CHAPTER, {"slug": "gulf-uae", "first": 10, "roles": ["moderator"]}),
        (test_chapters.CHAPTER, {"slug": "uk-ireland", "first": 100}),
        (test_chapters.CHAPTER, {"slug": "atlantis", "first": 1}),
        (test_chapters.INSTITUTION, {"slug": "cmp-uni"}),
        (test_chapters.INSTITUTION, {"slug": "cmp-start"}),
        ("{ chapters(first: 100) { totalCount nodes { slug } } }", None),
        (test_query_count.NESTED, {"first": 10}),
        (test_query_count.CHAPTER_MEMBERS, {"first": 9}),
        (test_server.QUERY, {"handle": "cmp-1"}),
        (test_concurrency.QUERY, {"slug": "gulf-uae"}),
        (FRAGMENTS_AND_ALIASES, {"first": 5, "withSkills": True}),
        (FRAGMENTS_AND_ALIASES, {"first": 2, "withSkills": False, "noSectors": True}),
        (ROOTS, None),
        (NODE_EVERYTHING, {"id": world.ids["cmp-1"]}),
        (NODE_EVERYTHING, {"id": world.ids["gulf"]}),
        (NODE_EVERYTHING, {"id": world.ids["uni"]}),
        (NODE_EVERYTHING, {"id": world.ids["membership-2"]}),
        (NODE_EVERYTHING, {"id": world.ids["water"]}),
        (NODE_EVERYTHING, {"id": world.ids["misc"]}),
        (test_node.NODE, {"id": world.ids["membership-1"]}),
        (test_node.NODE, {"id": "RW5naW5lZXI6MjAwMDAwMDAwMA"}),
        (
            NODES_EVERYTHING,
            {
                "ids": [
                    world.ids["hydro"],
                    world.ids["cmp-0"],
                    "RW5naW5lZXI6MjAwMDAwMDAwMA",
                    world.ids["gulf"],
                ]
            },
        ),
        (test_node.NODES, {"ids": []}),
        (test_cost.WITH_PAGE_INFO, {"a": 2, "b": 3}),
        (test_cost.PLAIN, {"a": 2, "b": 2}),
        (test_page_limits.ENGINEERS_VARIABLE, {"n": 5}),
        (test_page_limits.NESTED_MEMBERS, {"n": 3}),
        (test_page_limits.DEFAULTED, None),
        (test_page_limits.DEFAULTED, {"n": 1}),
        (test_auth_integration.REGISTERED, None),
        (test_graphiql.QUERY, None),
        (test_trusted_documents.CHAPTERS, None),
        (test_tracing.VIEWER, None),
        (test_replicas.ENGINEER, {"handle": "cmp-2"}),
        ("{ viewer { isAuthenticated engineer { handle } } }", None),
        (VIEWER_EVERYTHING, None),
        (test_oauth.VIEWER, None),
        (test_websocket.VIEWER, None),
        (MIXED, {"handle": "cmp-1", "first": 2}),
        (test_hidden_fields.STAFF, {"slug": "cmp-uni"}),
        (test_hidden_fields.STAFF, {"slug": "cmp-start"}),
        (test_record_nodes.STAFF, {"slug": "cmp-uni"}),
        (test_record_nodes.STAFF, {"slug": "cmp-start"}),
        (test_hidden_fields.BY_SECTOR, {"sector": "cmp-water"}),
        (test_hidden_fields.BY_SECTOR, {"sector": "cmp-grid"}),
        (test_hidden_fields.BY_SKILL, {"skill": "cmp-hydro"}),
        (test_hidden_fields.BY_SKILL, {"skill": "cmp-relay"}),
        (test_hidden_fields.SEARCH, {"search": "hydro"}),
        (test_hidden_fields.SEARCH, {"search": "relay"}),
        (test_hidden_fields.SEARCH, {"search": "cmpword"}),
    ]
    listed += forum_cases(world)
    listed += notification_cases(world)
    listed += contribution_cases(world)
    for statuses in (["PENDING", "SUSPENDED"], ["ACTIVE"]):
        listed.append((STATUSES, {"statuses": statuses}))
    for document in PER_HANDLE:
        listed += [(document, {"handle": handle}) for handle in handles]
    listed += event_cases(world)
    listed += entity_cases(world)
    listed += programme_cases(world)
    listed += panel_cases(world)
    listed += supervision.cases(world)
    listed += consultancy_cases(world)
    listed += data_rights_cases(world)
    listed += hall_of_fame_cases(world)
    return listed


def hall_of_fame_cases(world: World) -> list[tuple[str, dict[str, Any] | None]]:
    """The Hall of Fame's reads over the world's rounds and nominations in every state, their
    evidence of every kind and visibility, filtered by year, sector and chapter."""
    access = test_hall_of_fame_access
    nominations = [world.ids[f"nomination-{number}"] for number in range(5)]
    rounds = [world.ids[f"round-{year}"] for year in (2023, 2024, 2025)]
    listed: list[tuple[str, dict[str, Any] | None]] = [
        (access.NOMINATION_NODE, {"id": key}) for key in nominations + rounds
    ]
    listed += [
        (access.NOMINATION_NODES, {"ids": nominations}),
        (access.ROUNDS, None),
        (access.NOMINATIONS, {"first": 10}),
        (access.NOMINATIONS, {"first": 2, "filter": {"statuses": ["UNDER_REVIEW"]}}),
        (access.NOMINATIONS, {"first": 10, "filter": {"year": 2024, "chapter": "gulf-uae"}}),
    ]
    filters: list[dict[str, Any] | None] = [
        None,
        {"year": 2024},
        {"year": 2023},
        {"sector": "cmp-water"},
        {"sector": "cmp-grid", "chapter": "uk-ireland"},
        {"chapter": "gulf-uae"},
    ]
    for filter_ in filters:
        listed.append((access.HALL_OF_FAME, {"first": 1, "filter": filter_}))
        listed.append((access.HALL_OF_FAME, {"first": 10, "filter": filter_}))
    return listed


def data_rights_cases(world: World) -> list[tuple[str, dict[str, Any] | None]]:
    """Data exports by node and nodes (cmp-1's in each state, cmp-0's), and the reads the
    erasure tests make, over the world's own engineers, threads and engagements."""
    exports = [world.ids[f"export-{number}"] for number in range(4)]
    listed: list[tuple[str, dict[str, Any] | None]] = [
        (test_data_export.DATA_EXPORT_NODES, {"ids": exports})
    ]
    listed += [(test_data_export.DATA_EXPORT_NODE, {"id": key}) for key in exports]
    listed += [
        (test_erasure.ERASED_ENGINEER, {"id": world.ids["cmp-1"], "handle": "cmp-1"}),
        (test_erasure.ERASED_SEARCH, {"search": "cmpword"}),
        (test_erasure.ERASED_MEMBERS, None),
        (
            test_erasure.ERASED_THREAD,
            {"thread": world.ids["cmp-gulf-thread-2"], "own": world.ids["cmp-global-thread-0"]},
        ),
        (
            test_erasure.ERASED_ENGAGEMENT,
            {
                "completed": world.ids["engagement-done"],
                "active": world.ids["engagement-active"],
            },
        ),
        (test_erasure.COUNTERPART_LEDGER, {"id": world.ids["cmp-1"]}),
    ]
    return listed


def panel_cases(world: World) -> list[tuple[str, dict[str, Any] | None]]:
    """Investment asks and panels: each ask, commitment, panel, seat, candidacy and meeting."""
    asks = [world.ids["ask-open"], world.ids["ask-closed"]]
    commitments = [world.ids[f"commitment-{index}"] for index in range(5)]
    panels = [world.ids["panel-open"], world.ids["panel-closed"]]
    parts = [
        *(world.ids[f"seat-{index}"] for index in range(5)),
        *(world.ids[f"candidacy-{index}"] for index in range(4)),
        *(world.ids[f"meeting-{index}"] for index in range(2)),
    ]
    listed: list[tuple[str, dict[str, Any] | None]] = []
    listed += [(test_investment.ASK_NODE, {"id": key}) for key in asks]
    listed.append((test_investment.COMMITMENT_NODES, {"ids": commitments + asks}))
    listed += [(test_investment.ASKS, {"first": size}) for size in (1, 5)]
    listed += [(test_panels.PANEL_NODE, {"id": key}) for key in panels]
    listed.append((test_panels.PANEL_PARTS, {"ids": parts + panels}))
    listed += [(test_panels.PANELS, {"first": size}) for size in (1, 5)]
    return listed


def programme_cases(world: World) -> list[tuple[str, dict[str, Any] | None]]:
    """The mentorship programmes' read documents over the world's two programmes, their
    applications (each review state) and pairs."""
    reads = test_programme_reads
    keys = [
        world.ids[name]
        for name in (
            "programme-open",
            "programme-proposed",
            "application-cmp-1",
            "application-cmp-4",
            "application-cmp-5",
            "application-cmp-2",
            "pair-0",
            "pair-1",
        )
    ]
    listed: list[tuple[str, dict[str, Any] | None]] = [(reads.PROGRAMMES, {"first": 10})]
    listed.append((reads.PROGRAMMES, {"first": 1}))
    listed += [(reads.PROGRAMME_NODE, {"id": key}) for key in keys]
    listed.append((reads.PROGRAMME_NODES, {"ids": keys}))
    proposed = world.ids["programme-proposed"]
    listed += [
        (reads.PAIR_PAGES, {"id": proposed, "first": 1}),
        (reads.PAIR_PAGES, {"id": proposed, "last": 1}),
    ]
    return listed


ENTITIES_EVERYTHING = """
query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Engineer { handle name city chapters(first: 2) { totalCount nodes { slug } } }
    ... on Chapter { slug name members(first: 1) { totalCount } }
    ... on Node { id }
  }
}
"""


def entity_cases(world: World) -> list[tuple[str, dict[str, Any] | None]]:
    """A federation gateway's `_entities` lookups: found, of another type than their ID's
    (null), missing (null); error_cases holds malformed ones."""
    missing = "RW5naW5lZXI6MjAwMDAwMDAwMA"
    representations: list[Any] = [
        {"__typename": "Engineer", "id": world.ids["cmp-1"]},
        {"__typename": "Chapter", "id": world.ids["gulf"]},
        {"__typename": "Chapter", "id": world.ids["cmp-1"]},
        {"__typename": "Engineer", "id": missing},
        {"__typename": "Membership", "id": world.ids["membership-2"]},
    ]
    return [
        (ENTITIES_EVERYTHING, {"representations": representations}),
        (ENTITIES_EVERYTHING, {"representations": []}),
        (
            test_record_nodes.ENTITIES,
            {"representations": [{"__typename": "Engineer", "id": world.ids["cmp-2"]}]},
        ),
    ]


def consultancy_cases(world: World) -> list[tuple[str, dict[str, Any] | None]]:
    """The marketplace's read documents over the world (its consultancy opportunity takes no
    proposals; the sealed cases with data run in tests/compiler/test_consultancy_seal.py)."""
    from graph.ids import encode_id
    from tests.compiler import test_consultancy_seal as seal
    from tests.graph import test_consultancy_query_count

    return [
        (test_consultancy_query_count.NESTED_RFPS, {"first": 5}),
        (seal.PROPOSAL, {"id": encode_id("ConsultancyProposal", 1)}),
        (seal.PROPOSALS_BY_ID, {"ids": [encode_id("ServiceListing", 1)]}),
        (seal.RFP, {"id": world.ids["opp-closed"], "order": "PRICE_DESC", "search": "grid"}),
        (seal.MY_PROPOSALS, {"search": "grid", "status": ["SUBMITTED"]}),
        (seal.LISTINGS, {"sectors": ["cmp-water"], "search": None, "contributor": "cmp-1"}),
        (seal.OPPORTUNITY_RFP, {"id": world.ids["opp-public"]}),
    ]


EVENT_EVERYTHING = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Event {
      kind title description startsAt endsAt timezone onlineUrl venue capacity
      registrationOpensAt registrationClosesAt visibility status sequence createdAt updatedAt
      attendeeCount waitlistCount placesLeft checkedInCount noShowCount
      chapter { slug } cohost { slug }
      speakers { name affiliation engineer { handle } }
      viewerRegistration { status listed waitlistPosition checkedInAt queuedAt registeredAt }
      attendees(first: 1) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { status listed engineer { handle } checkedInAt } }
      }
      waitlist(last: 5) { totalCount nodes { waitlistPosition listed engineer { handle } } }
    }
    ... on ChapterAnnouncement {
      title body recipients createdAt author { handle } chapter { slug }
    }
  }
}
"""

EVENTS_FILTERED = """
query ($filter: EventFilter, $order: EventOrder, $first: Int) {
  events(first: $first, filter: $filter, orderBy: $order) {
    totalCount
    edges { cursor node { title kind startsAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
  chapter(slug: "gulf-uae") {
    events(first: 3, filter: $filter, orderBy: $order) { totalCount nodes { title } }
    announcements(first: 1) { totalCount edges { cursor node { title } } }
  }
  viewer { events(first: 5, filter: $filter, orderBy: $order) { totalCount nodes { title } } }
}
"""


def event_cases(world: World) -> list[tuple[str, dict[str, Any] | None]]:
    """The events domain's read documents over the world's events and announcements."""
    events = ["event-open", "event-members", "event-past", "event-cancelled"]
    listed: list[tuple[str, dict[str, Any] | None]] = []
    for name in events:
        listed.append((EVENT_EVERYTHING, {"id": world.ids[name]}))
        listed.append((test_event_access.EVENT_NODE, {"id": world.ids[name]}))
        listed.append((test_event_access.ATTENDEES, {"id": world.ids[name]}))
    listed += [(EVENT_EVERYTHING, {"id": world.ids[f"announcement-{index}"]}) for index in range(3)]
    listed += [
        (test_event_access.EVENT_NODE, {"id": "RXZlbnQ6MjAwMDAwMDAwMA"}),
        (test_event_access.EVENT_NODES, {"ids": [world.ids[name] for name in events]}),
        (test_event_access.CHAPTER_EVENTS, {"slug": "gulf-uae"}),
        (test_event_access.CHAPTER_EVENTS, {"slug": "uk-ireland"}),
        (test_event_access.ALL_EVENTS, None),
        (test_event_access.MY_EVENTS, None),
        (test_event_mutations.ANNOUNCEMENTS, {"slug": "gulf-uae"}),
        (test_event_mutations.ANNOUNCEMENTS, {"slug": "uk-ireland"}),
        (test_event_query_count.CHAPTER_EVENTS, {"chapters": 20, "events": 3}),
        (test_event_access.ANNOUNCEMENT_NODE, {"id": world.ids["announcement-0"]}),
        (test_event_access.ANNOUNCEMENT_NODE, {"id": world.ids["announcement-2"]}),
        *[
            (test_event_access.REGISTRATION_NODE, {"id": world.ids[f"registration-{index}"]})
            for index in range(9)
        ],
    ]
    filters: list[dict[str, Any] | None] = [
        None,
        {"from": "2026-01-01T00:00:00+00:00"},
        {"to": "2030-03-02T00:00:00+04:00", "kinds": ["MEETUP", "TALK"]},
        {"from": "2030-03-01T18:00:00Z", "to": "2030-12-31T00:00:00Z", "kinds": ["WORKSHOP"]},
        {"kinds": []},
    ]
    for filter_ in filters:
        for order in ("START_ASC", "START_DESC"):
            listed.append((EVENTS_FILTERED, {"filter": filter_, "order": order, "first": 2}))
    return listed


def notification_cases(world: World) -> list[tuple[str, dict[str, Any] | None]]:
    """The notification reads: lists (all, unread, read, paged), node and nodes of each row."""
    ids = [world.ids[f"notification-{number}"] for number in range(4)]
    listed: list[tuple[str, dict[str, Any] | None]] = [
        (test_notifications.NOTIFICATIONS, {"first": 10}),
        (test_notifications.NOTIFICATIONS, {"first": 2}),
        (test_notifications.NOTIFICATIONS, {"first": 5, "unread": True}),
        (test_notifications.NOTIFICATIONS, {"first": 5, "unread": False}),
        (test_notifications.NOTIFICATION_NODES, {"ids": ids}),
    ]
    listed += [(test_notifications.NOTIFICATION_NODE, {"id": key}) for key in ids]
    return listed


def forum_cases(world: World) -> list[tuple[str, dict[str, Any] | None]]:
    """The forum's read documents over the world's categories, threads and replies."""
    slugs = ("cmp-global", "cmp-sector", "cmp-gulf", "cmp-uk")
    threads = [world.ids[f"{slug}-thread-{number}"] for slug in slugs for number in range(3)]
    posts = [world.ids[f"{slug}-thread-2-post-{reply}"] for slug in slugs for reply in (0, 1, 2)]
    listed: list[tuple[str, dict[str, Any] | None]] = []
    for thread in threads:
        listed.append((test_forum.FORUM_THREAD_PAGE, {"id": thread, "first": 50}))
        listed.append((test_forum.THREAD_DETAILS, {"id": thread}))
        listed.append((test_forum_access.THREAD_PAGE, {"id": thread}))
    listed += [(test_forum.FORUM_THREAD_PAGE, {"id": threads[2], "first": 2})]
    for slug in (*slugs, "no-such-category"):
        listed += [
            (test_forum.CATEGORY_PAGE, {"slug": slug, "first": 2}),
            (test_forum.CATEGORY_PAGE, {"slug": slug, "last": 1, "order": "CREATED_AT"}),
            (test_forum_access.CATEGORY_THREADS, {"slug": slug}),
        ]
    listed += [(test_forum_access.POST_NODE, {"id": post}) for post in posts]
    listed += [
        (
            test_forum.NODES_OF_FORUM,
            {"ids": [world.ids[slug] for slug in slugs] + threads + posts},
        ),
        (test_forum_access.CHAPTER_CATEGORIES, {"slug": "gulf-uae"}),
        (test_forum_access.SEARCH_ALL, None),
        (test_forum_access.CATEGORY_LIST, {"chapter": "gulf-uae"}),
        (test_forum_access.CATEGORY_LIST, {"chapter": None}),
        (test_forum_access.CATEGORY_LIST, {"chapter": "no-such-chapter"}),
        (test_forum.CATEGORIES, {"kind": "CHAPTER"}),
        (test_forum.CATEGORIES, {"kind": None}),
        (test_forum.THREAD_SEARCH, None),
        *[
            (FORUM_FILTERED, {"slug": slug, "order": order, **filters})
            for slug in ("cmp-global", "cmp-gulf")
            for order in ("LAST_POSTED_AT", "CREATED_AT")
            for filters in (
                {"tags": ["cmp"]},
                {"tags": [slug, "cmp"], "search": "thread"},
                {"search": "cmp -hidden"},
                {"tags": ["nothing-tagged"]},
            )
        ],
        (test_forum.THREAD_SEARCH, {"filter": {"search": "cmp thread"}}),
        (test_forum.THREAD_SEARCH, {"filter": {"search": '"cmp thread" -global'}}),
        (test_forum.THREAD_SEARCH, {"filter": {"tags": ["cmp-uk", "cmp"]}}),
        (test_forum.THREAD_SEARCH, {"filter": {"category": "cmp-gulf", "tags": ["cmp"]}}),
        (test_forum.THREAD_SEARCH, {"filter": {"category": "cmp-uk" + "x" * 70}}),
        (test_forum_access.CHAPTER_CATEGORIES, {"slug": "uk-ireland"}),
    ]
    return listed


def contribution_cases(world: World) -> list[tuple[str, dict[str, Any] | None]]:
    """The contribution engine's read documents over the world's opportunities, applications,
    engagements and ledger (each visibility and status)."""
    reads = test_contribution_reads
    opportunities = [
        world.ids[name]
        for name in (
            "opp-public",
            "opp-expired",
            "opp-draft",
            "opp-chapter",
            "opp-invited",
            "opp-closed",
        )
    ]
    applications = [world.ids[f"application-{number}"] for number in range(4)]
    engagements = [world.ids["engagement-active"], world.ids["engagement-done"]]
    listed: list[tuple[str, dict[str, Any] | None]] = []
    listed += [(reads.OPPORTUNITY_NODE, {"id": key}) for key in opportunities]
    listed += [(reads.APPLICATION_NODE, {"id": key}) for key in applications]
    listed += [(reads.ENGAGEMENT_NODE, {"id": key}) for key in engagements]
    listed += [(test_contribution_mutations.NODE, {"id": key}) for key in opportunities[:2]]
    listed += [(test_contribution_mutations.NODE, {"id": engagements[0]})]
    listed += [(test_engagement_work.OPPORTUNITY, {"id": key}) for key in opportunities[3:]]
    listed.append((test_contributions.LEDGER_NODE, {"id": world.ids["ledger-0"]}))
    listed += [
        (test_contribution_access.SESSION_AND_FEEDBACK, {"session": key, "feedback": rated})
        for key, rated in (
            (world.ids["session-0"], world.ids["feedback-0"]),
            (world.ids["session-1"], world.ids["feedback-1"]),
        )
    ]
    counted = test_contribution_query_count
    listed += [
        (document, {"first": 5})
        for document in (counted.SEARCH_PAGE, counted.ENGAGEMENTS, counted.ENGAGEMENT_PARTS)
    ]
    access = test_contribution_access
    listed.append((access.NODES, {"ids": opportunities + applications + engagements}))
    listed += [
        (access.LISTS, {"handle": handle, "institution": "cmp-uni", "chapter": "gulf-uae"})
        for handle in ("cmp-1", "cmp-5")
    ]
    listed.append((reads.CONTRIBUTIONS_NODES, {"ids": opportunities + applications + engagements}))
    for variables in (
        {"first": 10},
        {"first": 2, "order": "OLDEST"},
        {"last": 2, "order": "TITLE"},
        {"first": 10, "filter": {"search": "cmp hydro"}},
        {"first": 10, "filter": {"status": ["EXPIRED", "CLOSED", "DRAFT"]}},
        {"first": 10, "filter": {"kinds": ["CONSULTANCY", "MENTORSHIP"], "remote": True}},
        {"first": 10, "filter": {"sectors": ["cmp-water"], "skills": ["cmp-relay"]}},
        {"first": 10, "filter": {"institution": "cmp-uni"}},
        {"first": 10, "filter": {"chapter": "gulf-uae"}},
        {"first": 10, "filter": {"chapter": "no-such-chapter", "search": '"cmp gulf" -panel'}},
    ):
        listed.append((reads.OPPORTUNITIES, variables))
    for handle in ("cmp-0", "cmp-1"):
        listed += [
            (test_contributions.CONTRIBUTIONS, {"handle": handle, "first": size}) for size in (1, 5)
        ]
    for handle in ("cmp-0", "cmp-1", "cmp-4"):
        for status in (None, ["OPEN"], ["EXPIRED", "DRAFT"]):
            listed.append(
                (
                    reads.OWNED,
                    {"handle": handle, "slug": "cmp-uni", "chapter": "gulf-uae", "status": status},
                )
            )
    return listed


FORUM_FILTERED = """
query ($slug: String!, $tags: [String!], $search: String, $order: ForumThreadOrder!) {
  forumCategory(slug: $slug) {
    threads(first: 5, tags: $tags, search: $search, orderBy: $order) {
      totalCount nodes { title tags }
    }
  }
}
"""

FORUM_PAGING = """
query ($slug: String!, $first: Int, $after: String, $last: Int, $before: String) {
  forumCategory(slug: $slug) {
    threads(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      edges { cursor node { title pinned hidden acceptedAnswer { body isAcceptedAnswer } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""


GUARDED = (
    test_query_count.AUDIT_LOGS,
    test_memberships.MEMBERS,
    test_record_nodes.AUDIT_LOG,
    test_forum_mutations.MODERATION_QUEUE,
    test_forum_mutations.REPORT_NODE,
    test_profiles.MINE,
    test_record_nodes.ACCESS_LOG,
    test_record_nodes.NODE,
)
"""Documents reading Chapter.auditLog, ForumCategory.reports, viewer.consentGrants or
viewer.accessLog (compiled: the permission check — UNAUTHENTICATED, INSUFFICIENT_SCOPE,
FORBIDDEN — is a guard on the parent's row or on the viewer), or records by id (ForumReport,
AccessLogEntry, AuditLogEntry, Affiliation); tests/compiler/test_viewers.py runs them over
their own data."""

STATS_REASON = (
    "stats: figures from the worker's in-memory snapshot (graph/services/stats.py), suppressed "
    "per reader in Python; a compiled statement would re-aggregate per request"
)
VIEWER_PYTHON_ONLY = (
    "`viewer` selecting only Python fields: nothing for SQL to read, so the root field is "
    "strawberry's (a statement would only hand the fields on)"
)
STRAWBERRY_ONLY = {
    test_websocket_policy.INTROSPECTION: "introspection",
    test_operation_name.TWO_OPERATIONS: "two operations, no name: a request error on both paths",
    test_notifications.PREFERENCES: VIEWER_PYTHON_ONLY,
    test_recommendations.RECOMMENDED: VIEWER_PYTHON_ONLY,
    test_stats.SUPPLY_DEMAND: STATS_REASON,
    test_stats.FIGURES: STATS_REASON,
    test_stats.SCORECARDS: STATS_REASON,
    test_stats.UNKNOWN: STATS_REASON,
    test_dashboard_page.FIGURES: STATS_REASON,
}
"""Read documents of the suite that strawberry answers, with the reason."""

PYTHON_FIELDS = (
    test_contribution_mutations.MATCHES,
    test_contributions.SUMMARY,
    test_contribution_access.ENGAGEMENT_SUMMARY,
)
"""Documents reading a declared Python field (graph.compiler.declaration.Python: Opportunity.
matches, Engineer.contributionSummary, Chapter.engagementSummary): compiled, the field resolved
by strawberry for the rows that reach it (graph.compiler.python_fields); the golden answers
hold them for every viewer, errors included (tests/compiler/test_python_fields.py: the
viewer's Python fields beside compiled ones)."""

OUTSIDE_CASES = (
    test_query_count.AUDIT_LOGS,
    test_memberships.MEMBERS,
    test_profiles.MINE,
    test_websocket_policy.INTROSPECTION,
    test_forum_mutations.REPORT_NODE,
    test_forum_mutations.MODERATION_QUEUE,
    test_operation_name.TWO_OPERATIONS,
    test_record_nodes.NODE,
    test_record_nodes.ACCESS_LOG,
    test_record_nodes.AUDIT_LOG,
    test_contribution_mutations.MATCHES,
    test_notifications.PREFERENCES,
    test_recommendations.RECOMMENDED,
    test_contributions.SUMMARY,
    test_contribution_access.ENGAGEMENT_SUMMARY,
    test_stats.SUPPLY_DEMAND,
    test_stats.FIGURES,
    test_stats.SCORECARDS,
    test_stats.UNKNOWN,
    test_dashboard_page.FIGURES,
)
"""The suite's documents run with fixed variables rather than as cases, in the order the
golden answers hold them: the guarded ones (GUARDED) and those strawberry answers."""
assert set(OUTSIDE_CASES) == set(GUARDED) | set(STRAWBERRY_ONLY) | set(PYTHON_FIELDS)

STATUSES = """
query ($statuses: [MembershipStatus!]) {
  chapter(slug: "gulf-uae") {
    members(first: 10, statuses: $statuses) { totalCount nodes { status engineer { handle } } }
  }
}
"""

MASKS = """
query ($handle: String!) {
  engineer(handle: $handle) {
    handle email phone city timezone languages pecRegistrationNumber
    capacity { hoursPerMonth maxMentees }
    sectors { slug } skills { years skill { slug } } positions { title } education { school }
    affiliations { role institution { slug } }
  }
}
"""

SETTINGS = """
query ($handle: String!) {
  engineer(handle: $handle) { handle fieldVisibilities { __typename field visibility } }
}
"""

PER_HANDLE = (
    test_profiles.PROFILE,
    MASKS,
    test_record_nodes.AFFILIATIONS,
    test_replicas.ENGINEER,
    SETTINGS,
)
"""Documents run once per engineer of the world (each has its own visibility settings)."""


async def test_every_case_compiles_and_matches_the_app(both: BothPaths, world: World) -> None:
    for document, variables in cases(world):
        await both.compare(document, variables)
        assert both.last_statement_count == 1


@pytest.mark.parametrize(
    ("order", "size"),
    [
        (None, 2),
        ({"field": "HANDLE", "direction": "DESC"}, 3),
        ({"field": "CREATED_AT", "direction": "ASC"}, 1),
        ({"field": "NAME", "direction": "DESC"}, 2),
    ],
)
async def test_paging_both_ways_matches_the_app(
    both: BothPaths, world: World, order: dict[str, str] | None, size: int
) -> None:
    # Given a list longer than the page, walked forward and then backward with cursors
    after = None
    while True:
        page = await both.compare(CONNECTION_PAGE, {"first": size, "after": after, "order": order})
        info = page["engineers"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    before = None
    while True:
        page = await both.compare(CONNECTION_PAGE, {"last": size, "before": before, "order": order})
        info = page["engineers"]["pageInfo"]
        if not info["hasPreviousPage"]:
            break
        before = info["startCursor"]


async def test_nested_members_paging_matches_the_app(both: BothPaths, world: World) -> None:
    after = None
    for _ in range(5):
        page = await both.compare(MEMBERS, {"first": 1, "after": after})
        after = page["chapter"]["members"]["pageInfo"]["endCursor"]
        if after is None:
            break
    last = await both.compare(MEMBERS, {"last": 1})
    before = last["chapter"]["members"]["pageInfo"]["startCursor"]
    await both.compare(MEMBERS, {"last": 5, "before": before})


def _documents_in_the_suite() -> set[str]:
    """Every read document kept as a module constant in the graph, HTTP and auth tests."""
    found = set()
    for package in (tests.graph, tests.http, tests.auth):
        for module in _test_modules(package):
            for name, value in vars(module).items():
                if name.isupper() and isinstance(value, str) and _is_query(value):
                    found.add(value)
    return found


def _test_modules(package: ModuleType) -> list[ModuleType]:
    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if info.name.startswith("test_")
    ]


def _is_query(text: str) -> bool:
    try:
        document = parse(text)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return bool(operations) and all(op.operation is OperationType.QUERY for op in operations)


async def test_the_cases_cover_every_document_of_the_suite(world: World) -> None:
    covered = {document for document, _ in cases(world)}
    missing = _documents_in_the_suite() - covered - set(OUTSIDE_CASES)
    assert not missing, missing


async def test_what_the_suite_leaves_to_strawberry_falls_back(both: BothPaths) -> None:
    for document in STRAWBERRY_ONLY:
        assert await both.compiled_data(document, {"first": 2, "slug": "gulf-uae"}) is None


async def test_python_fields_compile_around_them(both: BothPaths) -> None:
    variables = {"first": 2, "slug": "gulf-uae", "handle": "cmp-1", "id": "T3Bwb3J0dW5pdHk6MQ"}
    for document in PYTHON_FIELDS:
        statement = both.compiled.statement(document, None, variables, ANONYMOUS)
        assert statement is not None
        assert statement.python is not None


REFUSED_OR_OUTSIDE = [
    "{ engineers(first: 101) { totalCount } }",
    "{ engineers { totalCount } }",
    "{ engineers(first: 5, last: 5) { totalCount } }",
    "{ chapters(first: 1) { nodes { members(first: 500) { totalCount } } } }",
    '{ engineer(handle: "x") { chapters { totalCount } } }',
    '{ engineers(first: 1, after: "W10") { totalCount } }',
    '{ node(id: "garbage!!") { id } }',
    "{ viewer { isAuthenticated } engineers(first: 1000) { totalCount } }",
    "{ __schema { queryType { name } } }",
    "{ engineers(first: 1) { nope } }",
    'subscription { forumPostAdded(threadId: "Rm9ydW1UaHJlYWQ6MQ") { id body } }',
]
"""Documents answered with errors, or outside the plan (the golden answers hold all of them)."""

MUST_ANSWER = [
    "{ __schema { queryType { name } } }",
    "{ engineers(first: 1) { nope } }",
    'subscription { forumPostAdded(threadId: "Rm9ydW1UaHJlYWQ6MQ") { id body } }',
]
"""Documents strawberry answers: introspection, invalid documents, subscriptions."""

REFUSED = [document for document in REFUSED_OR_OUTSIDE if document not in MUST_ANSWER]
"""Documents whose errors the compiled path reports itself (page sizes before execution,
a malformed cursor or ID during it)."""


@pytest.mark.parametrize("document", MUST_ANSWER)
async def test_what_strawberry_must_answer_is_not_compiled(both: BothPaths, document: str) -> None:
    assert await both.compiled_response(document) is None


@pytest.mark.parametrize("document", REFUSED)
async def test_refused_arguments_answer_compiled_with_strawberrys_errors(
    both: BothPaths, document: str
) -> None:
    # When a document with a bad page size, cursor or ID runs on both paths
    response = await both.compare_response(document)
    # Then the compiled path answered it, with the same errors, paths, locations and nulls
    assert response["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def error_cases(world: World) -> list[tuple[str, dict[str, Any] | None]]:
    """The suite's documents with arguments their resolvers refuse: each error and its nulls
    (up to `data`, or to the nearest nullable field) as strawberry reports them."""
    engineers = test_engineers.ENGINEERS
    thread = world.ids["cmp-global-thread-2"]
    post_cursor = "WyJjcmVhdGVkX2F0X2lkIixbIjIwMjYtMDEtMDFUMDA6MDA6MDArMDA6MDAiLDFdXQ"
    return [
        (engineers, {"first": 5, "filter": {"chapter": world.ids["cmp-1"]}}),
        (engineers, {"first": 5, "filter": {"chapter": "garbage"}}),
        (engineers, {"first": 5, "filter": {"search": "x" * 201}}),
        (engineers, {"first": 5, "filter": {"sectors": [f"s{i}" for i in range(51)]}}),
        (engineers, {"first": 5, "filter": {"countries": ["uae"]}}),
        (engineers, {"first": 1, "after": "not-a-cursor", "orderBy": {"field": "HANDLE"}}),
        (engineers, {"first": 1, "after": post_cursor}),
        (engineers, {"first": 0}),
        (engineers, {"last": 101}),
        (test_forum.THREAD_SEARCH, {"filter": {"tags": ["a", "b", "c", "d", "e", "f"]}}),
        (test_forum.THREAD_SEARCH, {"filter": {"tags": ["Not A Tag"]}}),
        (test_forum.THREAD_SEARCH, {"filter": {"search": "x" * 201}}),
        (test_forum.CATEGORY_PAGE, {"slug": "cmp-global", "first": 1, "after": post_cursor}),
        (test_forum.CATEGORY_PAGE, {"slug": "no-such-category", "first": 1, "after": "junk"}),
        (test_forum.FORUM_THREAD_PAGE, {"id": thread, "first": 2, "after": "junk"}),
        (test_forum.FORUM_THREAD_PAGE, {"id": "garbage", "first": 2}),
        (test_node.NODE, {"id": "RGVwYXJ0bWVudDox"}),
        (test_node.NODE, {"id": "x" * 65}),
        (NODES_EVERYTHING, {"ids": [world.ids["cmp-0"], "garbage", world.ids["hydro"], "?"]}),
        (NODES_EVERYTHING, {"ids": [world.ids["cmp-0"]] * 101}),
        (test_page_limits.NESTED_MEMBERS, {"n": 101}),
        (test_page_limits.NESTED_MEMBERS, {"n": None}),
        (test_page_limits.DEFAULTED, {"n": 500}),
        (MEMBERS, {"first": 2, "after": "junk"}),
        (MEMBERS, {"last": 2, "before": post_cursor}),
        (EVERYTHING_ON_ENGINEER, {"handle": "cmp-1"}),
        (
            ENTITIES_EVERYTHING,
            {
                "representations": [
                    {"__typename": "Engineer", "id": world.ids["cmp-0"]},
                    "not an object",
                    {"id": world.ids["cmp-0"]},
                    {"__typename": "Engineer", "id": "garbage!!"},
                    {"__typename": "Engineer", "id": world.ids["cmp-4"]},
                    {"__typename": "Department", "id": "RGVwYXJ0bWVudDox"},
                ]
            },
        ),
        # last: strawberry propagates a null through sibling resolvers (see compare_response)
        (NESTED_CURSOR, {"after": "junk"}),
    ]


NESTED_CURSOR = """
query ($after: String) {
  chapters(first: 2) { nodes { slug members(first: 1, after: $after) { totalCount } } }
  sectors { slug }
}
"""


async def test_the_suites_refused_arguments_answer_compiled_as_strawberry_does(
    both: BothPaths, world: World
) -> None:
    for document, variables in error_cases(world):
        await both.compare_response(document, variables)


@pytest.mark.parametrize("slug", ["cmp-global", "cmp-gulf"])
async def test_forum_thread_paging_matches_the_app(
    both: BothPaths, world: World, slug: str
) -> None:
    after = None
    while True:
        page = await both.compare(FORUM_PAGING, {"slug": slug, "first": 1, "after": after})
        info = page["forumCategory"]["threads"]["pageInfo"] if page["forumCategory"] else None
        if info is None or not info["hasNextPage"]:
            break
        after = info["endCursor"]
    last = await both.compare(FORUM_PAGING, {"slug": slug, "last": 1})
    if last["forumCategory"] is not None:
        before = last["forumCategory"]["threads"]["pageInfo"]["startCursor"]
        await both.compare(FORUM_PAGING, {"slug": slug, "last": 5, "before": before})
