"""Guard against drift: a mapped field whose strawberry resolver changed is no longer compiled.

Strawberry stays the source of truth. Where the mapping mirrors a Python resolver (a
relation, a connection, a root field, a derived value), it records a digest of that
resolver's source as it was when the mapping was written. If the resolver changes — a new
visibility mask, a different filter — the digest no longer matches, the planner treats the
field as Python-only and strawberry answers it, and tests/compiler/test_mirrors.py names the
mapping to revisit. Plain fields must stay plain: a field that gains a resolver falls back too.
The same holds for the node fetchers and for the helpers the mapping mirrors by hand.
"""

import hashlib
import importlib
import inspect

from graphql import GraphQLField

MIRRORED: dict[str, str] = {
    "Query.viewer": "7df2e8a3197401c1",
    "Viewer.engineer": "7acf281f2690e48d",
    "Viewer.institution": "5c684def39932fea",
    "Viewer.notifications": "bee8623f138b5f56",
    "Viewer.unreadNotificationCount": "42bfc17b4dc7a05f",
    "Notification.actor": "08362aadf7829de0",
    "Viewer.consentGrants": "f11a1fbbd076fdd0",
    "Viewer.accessLog": "cc594e9a2caeb8c3",
    "ConsentGrant.isLive": "c8a85b9ac69d3029",
    "ConsentGrant.institution": "177ff4472c8f0e10",
    "AccessLogEntry.institution": "7afd0d87ea61dab4",
    "AccessLogEntry.consentGrant": "caa51f419b3a908f",
    "Affiliation.engineer": "d9cfb4bfd9affa4a",
    "Affiliation.institution": "7aa2f324192f14ee",
    "Chapter.members": "ca990acbd7ac41e4",
    "Chapter.auditLog": "85c9dfe851475d11",
    "AuditLogEntry.actor": "ba0021546d1b2805",
    "Engineer.affiliations": "a4de54412ee1e551",
    "Engineer.capacity": "3cf20c9cd07aff62",
    "Engineer.chapters": "7ae946db0d445a57",
    "Engineer.city": "cfd119712bbff8c9",
    "Engineer.email": "39a2780f8112371c",
    "Engineer.fieldVisibilities": "0259f409776a2932",
    "Engineer.education": "cc9aa00a49284760",
    "Engineer.isPecVerified": "4c2391184ffd31d9",
    "Engineer.languages": "1d7173f741677b3f",
    "Engineer.memberships": "421b7cde61c8bdfd",
    "Engineer.pecRegistrationNumber": "e9604ef5291702ae",
    "Engineer.phone": "502881467bd5faab",
    "Engineer.positions": "80b3c7641114639e",
    "Engineer.sectors": "531128f007b60088",
    "Engineer.skills": "e9843e8fbf762362",
    "Engineer.timezone": "df269592d5c0a49a",
    "Chapter.forumCategories": "192b004330c40ec3",
    "ForumCategory.chapter": "aac99482285ef2be",
    "ForumCategory.sector": "b62eb01eb45ba488",
    "ForumCategory.threads": "330316a20fa61a53",
    "ForumCategory.reports": "22215a1636c63cdc",
    "ForumReport.reporter": "1b46385414827383",
    "ForumPost.author": "91172b36cabaa967",
    "ForumPost.body": "eafbbcec51df732a",
    "ForumPost.isAcceptedAnswer": "4f3a360d5b4c87d5",
    "ForumPost.thread": "a756ace377de791d",
    "ForumPost.viewerVote": "cf9d70a0af6ece79",
    "ForumThread.acceptedAnswer": "1297a7705298da31",
    "ForumThread.author": "18451b76085bb603",
    "ForumThread.category": "2ec01bd97e5084cd",
    "ForumThread.posts": "52eb22f4a09a95cc",
    "Institution.staff": "eed094ec140b26f0",
    "Membership.chapter": "a4dd1f444b5d7161",
    "Membership.engineer": "b96a0cff81f0450b",
    "Query.chapter": "a15af635aed4913f",
    "Query.chapters": "e7397b5c98bd5461",
    "Query.engineer": "025157cd35a07a23",
    "Query.engineers": "2ec90b8cefd726dc",
    "Query.forumCategories": "102fbc6fe66832aa",
    "Query.forumCategory": "0ce19b203d6f8af0",
    "Query.forumThreads": "28c431bd1a43c3a0",
    "Query.institution": "e518aa68fce24bda",
    "Query.institutions": "23f8b5dbb488a0ec",
    "Query.node": "9139e13de7c531cb",
    "Query.nodes": "21f012da887cbc9b",
    "Query.sectors": "aaca1555ba514901",
    "Sector.skills": "aeeada84e622cbeb",
    "Skill.sector": "dbec674081f32aff",
    "Chapter.events": "a41d23567aad5041",
    "Chapter.announcements": "f78146f1fbdbc36c",
    "Event.onlineUrl": "c4b0bb7cf6923023",
    "Event.chapter": "ea7ed91b1b3dbf8b",
    "Event.cohost": "610a909dfd496b8f",
    "Event.speakers": "c68e712aa8a5558e",
    "Event.attendeeCount": "eac56c5d00f0cf10",
    "Event.waitlistCount": "6c7018685f3f7d59",
    "Event.placesLeft": "48b1282c5bf8961b",
    "Event.checkedInCount": "1922c7a75582ee1a",
    "Event.noShowCount": "c43584801311278c",
    "Event.attendees": "eb6145320a47c5b6",
    "Event.waitlist": "612bb8c5e95c4cd4",
    "Event.viewerRegistration": "204166c69e05ca86",
    "EventSpeaker.name": "5eb70d4ac4176949",
    "EventSpeaker.engineer": "dc1499c74de26c79",
    "EventRegistration.checkedInAt": "b9110e0b8c2ca983",
    "EventRegistration.waitlistPosition": "5c70bbbd40b60260",
    "EventRegistration.engineer": "3d3740a8d244fd27",
    "ChapterAnnouncement.author": "cc09777cdb6c7052",
    "ChapterAnnouncement.chapter": "fefaeb2fbebae892",
    "Viewer.events": "60c05a9b23586b0c",
    "Query.events": "29e06c386907ce5a",
    "Engineer.opportunities": "0ff38d35dc26204c",
    "Engineer.contributions": "15dab167c1f50889",
    "Institution.opportunities": "8279fdce58892512",
    "Chapter.opportunities": "ff8a5e089e655a02",
    "Opportunity.sectors": "c722c34c41d13389",
    "Opportunity.skills": "3c1db1fa749855f4",
    "Opportunity.chapters": "722fe231a4762186",
    "Opportunity.poster": "50b6d1d2b2b802c5",
    "Opportunity.institution": "2c8ec1cf5cdfabfc",
    "Opportunity.applications": "9732a4e77d9106dc",
    "OpportunitySkill.skill": "d75c33fa7a90daaf",
    "Application.opportunity": "2bd255799fa125e1",
    "Application.applicant": "002a74340ad6bc85",
    "Engagement.opportunity": "c0b8f881e074b603",
    "Engagement.contributor": "3a216da8e67af62c",
    "Engagement.seeker": "10e872113688ad41",
    "Engagement.institution": "3e7200c1e4ab0ea1",
    "Engagement.milestones": "f0eab45007130f79",
    "Engagement.sessions": "c9fca2f86066f2af",
    "Engagement.feedback": "b9d44cfde8c7b34e",
    "EngagementSession.loggedBy": "a71b423c3e1c9675",
    "EngagementSession.attendees": "074a0a741ed876e2",
    "EngagementFeedback.author": "c450f68cd5d4e264",
    "EngagementFeedback.subject": "f821ce5df807a079",
    "LedgerEntry.sector": "637b9813186a4096",
    "LedgerEntry.counterpart": "48334213bdec63e0",
    "LedgerEntry.counterpartInstitution": "df6dda27204490a0",
    "Query.opportunities": "26faacfe8981255a",
}
"""Resolver source digests the mapping mirrors, by `Type.field`."""


MIRRORED_HELPERS: dict[str, str] = {
    "graph.types.engineer.reveals": "157928ce55671106",
    "graph.types.engineer.note_consent_reads": "bfabe32e234b1cde",
    "db.queries.engineer.filtered": "bb72805f625c4a07",
    "db.queries.institution.affiliations": "fe3997db55ff54ea",
    "db.queries.chapter.memberships": "64a68cae9982a24f",
    "graph.services.visibility.can_see_membership": "75afd66309cc2f7f",
    "graph.resolvers.forum.readable_thread": "555803e1a20c0ff7",
    "db.queries.forum.threads": "cd8e7227660924cf",
    "db.queries.forum.categories": "4aceb8cf565c32c0",
    "graph.services.forum.thread_criteria": "4cb0d41d83867ef1",
    "graph.services.visibility.can_read_forum_category": "313d0caef3a16893",
    "graph.services.visibility.can_read_forum_thread": "ebb33c36c816dd55",
    "graph.services.visibility.moderates_forum_category": "41fe9693b87b78d6",
    "db.queries.event.events": "008fd6692c4e060a",
    "db.queries.event.attendees": "0e193670f2b02c76",
    "db.queries.event.registered_events": "9f0a767d444a5533",
    "db.queries.event.waitlist_position": "5965df24bf8a6b2d",
    "graph.types.event.EventFilter": "ce1785ab03d6e613",
    "graph.services.notification.own_notifications": "0d6aea249bb08674",
    "db.queries.notification.notifications_where": "f64ab41a2c92499f",
    "graph.services.visibility.level_of": "7b5de46922a00c34",
    "db.queries.opportunity.filtered": "a7fbb5442996cbe9",
    "graph.types.opportunity.owned_opportunities": "b0ba4b6926b7b9be",
}
"""Digests of the Python the mapping mirrors by hand rather than calls: the mask shortcut of
`reveals`, the filter, staff and membership SQL, the node membership check, which reads
`reveals` and `note_consent_reads` log (graph.compiler.consent), and the forum's filters and
read checks on loaded rows (which graph.compiler.visibility's forum rules mirror). If one
changes, no field with a resolver compiles until the mapping is revisited."""


def helper_digest(qualified_name: str) -> str:
    """Digest of the source of a module-level function, by its dotted name."""
    module_name, _, attribute = qualified_name.rpartition(".")
    function = getattr(importlib.import_module(module_name), attribute)
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def helpers_are_current() -> bool:
    """Whether every mirrored helper is as the mapping recorded it."""
    verdict = _HELPER_VERDICT.get("all")
    if verdict is None:
        verdict = _HELPER_VERDICT["all"] = all(
            helper_digest(name) == digest for name, digest in MIRRORED_HELPERS.items()
        )
    return verdict


_HELPER_VERDICT: dict[str, bool] = {}


def resolver_digest(field: GraphQLField) -> str | None:
    """Digest of the field's strawberry resolver source; None for a plain attribute field."""
    definition = (field.extensions or {}).get("strawberry-definition")
    resolver = getattr(definition, "base_resolver", None)
    if resolver is None:
        return None
    source = inspect.getsource(resolver.wrapped_func)
    return hashlib.sha256(source.encode()).hexdigest()[:16]


MIRRORED_NODE_FETCHERS: dict[str, str] = {
    "Engineer": "6971306aae1704d2",
    "Institution": "6971306aae1704d2",
    "Chapter": "6971306aae1704d2",
    "Membership": "192bdb38774d51a1",
    "Sector": "6971306aae1704d2",
    "Skill": "6971306aae1704d2",
    "ForumCategory": "16db197f03294fbe",
    "ForumThread": "ef2f11574d99d90d",
    "ForumPost": "5dfc063a996c7b2d",
    "Event": "a647850810ac7708",
    "ChapterAnnouncement": "3b512a1651c73cf8",
    "EventRegistration": "9fdaa9f80e78992a",
    "Notification": "6971306aae1704d2",
    "ForumReport": "13e17d8a4fcde227",
    "ConsentGrant": "848e94ac5d23581c",
    "AccessLogEntry": "7ffa845dbedd59c8",
    "AuditLogEntry": "336aedaf89b01d32",
    "Affiliation": "2e442bd11ae3af68",
    "Opportunity": "9eb4d1bbbe6b34c1",
    "Application": "df7929c3294d8275",
    "Engagement": "8007c429cff347ae",
    "LedgerEntry": "afece5b06a86c291",
}
"""Digests of graph.resolvers.node's fetchers (`node`/`nodes` per type): a fetcher that gains a
check (Membership: can_see_membership) must be mirrored by the plan before it compiles."""


def fetcher_digest(type_name: str) -> str | None:
    """Digest of the source of the function `node(id:)` fetches `type_name` with."""
    from graph.resolvers.node import NODE_TYPES  # the resolvers import the schema's types

    fetch = NODE_TYPES.get(type_name)
    if fetch is None:
        return None
    return hashlib.sha256(inspect.getsource(fetch).encode()).hexdigest()[:16]


def node_fetcher_is_current(type_name: str) -> bool:
    """Whether the plan's node lookup of `type_name` still mirrors strawberry's fetcher."""
    verdict = _NODE_VERDICTS.get(type_name)
    if verdict is None:
        digest = fetcher_digest(type_name)
        verdict = _NODE_VERDICTS[type_name] = (
            digest is not None
            and MIRRORED_NODE_FETCHERS.get(type_name) == digest
            and helpers_are_current()
        )
    return verdict


_NODE_VERDICTS: dict[str, bool] = {}
_VERDICTS: dict[tuple[str, str, int], bool] = {}


def is_current(type_name: str, field_name: str, field: GraphQLField) -> bool:
    """Whether the mapping of `type_name.field_name` still mirrors strawberry's resolver."""
    key = (type_name, field_name, id(field))
    verdict = _VERDICTS.get(key)
    if verdict is None:
        digest = resolver_digest(field)
        verdict = digest is None or (
            MIRRORED.get(f"{type_name}.{field_name}") == digest and helpers_are_current()
        )
        _VERDICTS[key] = verdict
    return verdict
