"""Hall of Fame reads: inductees, nominations, their evidence and the yearly rounds.

Visibility, stated once here and evaluated in SQL (the services' checks call these same
functions):

- a nomination: INDUCTED ones are public; one under review or not inducted shows to the
  council (council admins) and to its nominator only (not to the nominee);
- the vote tally: council admins only;
- each evidence item: only as far as the cited item's OWN read rule allows, reusing the rule
  its domain declares — ledger entries (public records: graph.reads.contribution serves them
  with no row rule), engagements (graph.reads.contribution.engagements: its parties and
  council admins), events (graph.reads.event.visible_events: members-only events for members
  of a host) and forum posts (graph.reads.forum.forum_posts: a readable thread).
"""

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, true

from db import models
from db.enums import EvidenceKind, NominationStatus
from db.models import (
    Engagement,
    Event,
    ForumPost,
    HallOfFameEvidence,
    HallOfFameNomination,
    LedgerEntry,
)
from db.queries.hall_of_fame import EVIDENCE_ORDERING, INDUCTEE_ORDERING, NOMINATION_ORDERING
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import sqltext
from graph.compiler.declaration import (
    Column,
    Declaration,
    Filtered,
    Filters,
    Link,
    Paged,
    RootConnection,
    RootList,
    Rule,
    ToOne,
    TypeMapping,
    columns,
    enum_value,
    global_id,
)
from graph.reads import contribution, event, forum

INDUCTED = NominationStatus.INDUCTED.value


def ledger_entry_rule(_viewer: Viewer, _registry: ChapterRegistry) -> ColumnElement[bool]:
    """Ledger entries are public records of countersigned work (LedgerEntry's node rule and
    Engineer.contributions have none)."""
    return true()


def engagement_rule(viewer: Viewer, registry: ChapterRegistry) -> ColumnElement[bool]:
    """The engagements' own read rule."""
    return contribution.engagements(viewer, registry)


def event_rule(viewer: Viewer, registry: ChapterRegistry) -> ColumnElement[bool]:
    """The events' own read rule."""
    return event.visible_events(viewer, registry)


def forum_post_rule(viewer: Viewer, registry: ChapterRegistry) -> ColumnElement[bool]:
    """The forum posts' own read rule."""
    return forum.forum_posts(viewer, registry)


def evidence_visible(viewer: Viewer, registry: ChapterRegistry) -> ColumnElement[bool]:
    """Evidence rows the viewer may see: each as far as its cited item's own rule allows."""
    return or_(
        and_(
            HallOfFameEvidence.kind == EvidenceKind.LEDGER_ENTRY.value,
            exists().where(
                LedgerEntry.id == HallOfFameEvidence.ledger_entry_id,
                ledger_entry_rule(viewer, registry),
            ),
        ),
        exists().where(
            Engagement.id == HallOfFameEvidence.engagement_id, engagement_rule(viewer, registry)
        ),
        exists().where(Event.id == HallOfFameEvidence.event_id, event_rule(viewer, registry)),
        exists().where(
            ForumPost.id == HallOfFameEvidence.forum_post_id, forum_post_rule(viewer, registry)
        ),
    )


def nominations_visible(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """Inducted nominations for everyone; the rest for the council and their nominator."""
    if viewer.is_council_admin:
        return true()
    if viewer.engineer_id is None:
        return HallOfFameNomination.status == INDUCTED
    return or_(
        HallOfFameNomination.status == INDUCTED,
        HallOfFameNomination.nominator_id == viewer.engineer_id,
    )


def inducted(_viewer: Viewer, _registry: ChapterRegistry) -> ColumnElement[bool]:
    """The Hall of Fame itself: inducted nominations, public."""
    return HallOfFameNomination.status == INDUCTED


def tally_visible(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The votes cast show to the council only."""
    return true() if viewer.is_council_admin else false()


CONDITIONS: dict[str, tuple[str, str]] = {
    "year": ("{c}.year = {v}", "int"),
    "sector": (
        "{c}.nominee_id IN (SELECT f_es.engineer_id FROM engineer_sectors f_es"
        " JOIN sectors f_s ON f_s.id = f_es.sector_id WHERE f_s.slug = {v})",
        "text",
    ),
    "chapter": (
        "{c}.nominee_id IN (SELECT f_m.engineer_id FROM memberships f_m"
        " JOIN chapters f_h ON f_h.id = f_m.chapter_id"
        " WHERE f_h.slug = {v} AND f_m.status = 'ACTIVE')",
        "text",
    ),
    "statuses": ("{c}.status = ANY({v})", "text[]"),
}
"""The nomination filters, over the row `{c}`."""


def bind(arguments: dict[str, Any]) -> Filtered:
    """`hallOfFame(filter:)` and `hallOfFameNominations(filter:)`, bound to the filters."""
    given = arguments.get("filter") or {}
    values: dict[str, Any] = {}
    for name in ("year", "sector", "chapter"):
        if given.get(name) is not None:
            values[name] = given[name]
    statuses = sorted({enum_value(status) for status in given.get("statuses") or ()})
    if statuses:
        values["statuses"] = statuses
    return Filtered(None, tuple(values), values)


FILTERS = Filters(bind, CONDITIONS)

_VOTES = (
    "(SELECT count(*) FROM hall_of_fame_votes {t}_v"
    " WHERE {t}_v.nomination_id = {t}.id AND {t}_v.in_favour = %s)"
)

DECLARATION = Declaration(
    types=(
        TypeMapping(
            "HallOfFameNomination",
            "hall_of_fame_nominations",
            {
                "id": global_id("HallOfFameNomination"),
                **columns(year="year", citation="citation", status="status"),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "decidedAt": Column(sqltext.timestamp("{t}.decided_at")),
                "nominee": ToOne(Link("Engineer", "{c}.id = {p}.nominee_id")),
                "nominator": ToOne(Link("Engineer", "{c}.id = {p}.nominator_id")),
                "round": ToOne(Link("HallOfFameRound", "{c}.id = {p}.round_id")),
                "evidence": Paged(
                    Link("HallOfFameEvidence", "{c}.nomination_id = {p}.id"),
                    EVIDENCE_ORDERING,
                    models.HallOfFameEvidence,
                    visibility="hall_of_fame_evidence",
                ),
                "votesInFavour": Column(_VOTES % "true", visible_if="hall_of_fame_tally"),
                "votesAgainst": Column(_VOTES % "false", visible_if="hall_of_fame_tally"),
                "viewerVote": Column(
                    "(SELECT {t}_w.in_favour FROM hall_of_fame_votes {t}_w"
                    " WHERE {t}_w.nomination_id = {t}.id"
                    " AND {t}_w.voter_id = {viewer[engineer_id]})"
                ),
            },
            models.HallOfFameNomination,
        ),
        TypeMapping(
            "HallOfFameEvidence",
            "hall_of_fame_evidence",
            {
                "kind": Column("{t}.kind"),
                "ledgerEntry": ToOne(Link("LedgerEntry", "{c}.id = {p}.ledger_entry_id")),
                "engagement": ToOne(Link("Engagement", "{c}.id = {p}.engagement_id")),
                "event": ToOne(Link("Event", "{c}.id = {p}.event_id")),
                "forumPost": ToOne(Link("ForumPost", "{c}.id = {p}.forum_post_id")),
            },
            models.HallOfFameEvidence,
        ),
        TypeMapping(
            "HallOfFameRound",
            "hall_of_fame_rounds",
            {
                "id": global_id("HallOfFameRound"),
                **columns(year="year", status="status"),
                "openedAt": Column(sqltext.timestamp("{t}.opened_at")),
                "closedAt": Column(sqltext.timestamp("{t}.closed_at")),
            },
            models.HallOfFameRound,
        ),
    ),
    lists={"hallOfFameRounds": RootList("HallOfFameRound", ("year DESC", "id DESC"))},
    connections={
        "hallOfFame": RootConnection(
            "HallOfFameNomination",
            INDUCTEE_ORDERING,
            visibility="hall_of_fame_inducted",
            filters=FILTERS,
        ),
        "hallOfFameNominations": RootConnection(
            "HallOfFameNomination",
            NOMINATION_ORDERING,
            visibility="hall_of_fame_nomination",
            filters=FILTERS,
        ),
    },
    nodes={"HallOfFameNomination": "hall_of_fame_nomination", "HallOfFameRound": None},
    rules={
        "hall_of_fame_nomination": Rule(models.HallOfFameNomination, nominations_visible),
        "hall_of_fame_inducted": Rule(models.HallOfFameNomination, inducted),
        "hall_of_fame_tally": Rule(models.HallOfFameNomination, tally_visible),
        "hall_of_fame_evidence": Rule(models.HallOfFameEvidence, evidence_visible),
    },
)
