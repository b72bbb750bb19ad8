"""Contribution reads: opportunities (search, lists), applications, engagements and their parts,
the ledger; who may read what, as SQL predicates from graph.services.

Rules: `opportunity` (graph.services.opportunity.visible_to: PUBLIC, CHAPTER for active members
of a named chapter, INVITED for invitees, drafts and everything of theirs for the seeker side),
`application` (the applicant and the seeker side), `engagement` (its parties and council
admins), `session_notes` (the parties only). EXPIRED is read from the deadline in SQL.
"""

from typing import Any

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.util import ClauseAdapter

from db import models
from db.base import Base
from db.queries.opportunity import (
    APPLICATION_ORDERING,
    LEDGER_ORDERING,
    OPPORTUNITY_ORDERINGS,
    status_expression,
)
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
    Python,
    RootConnection,
    Rule,
    ToMany,
    ToOne,
    TypeMapping,
    columns,
    enum_value,
    global_id,
    present,
)
from graph.services import contribution_access as access
from graph.services import opportunity as opportunity_service

_ROW = "__row__"


def _over_row(expression: ColumnElement[Any], model: type[Base]) -> str:
    """A SQLAlchemy expression over `model`'s table as SQL text over the row `{t}` (the same
    expression strawberry's loaders select: no second copy)."""
    table = model.__table__
    assert isinstance(table, Table)
    aliased = table.alias(_ROW)
    adapted = ClauseAdapter(aliased).traverse(expression)
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it untyped
    compiled = str(
        select(adapted.label("value"))
        .select_from(aliased)
        .compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    )
    head, separator, _ = compiled.rpartition(" AS value \nFROM ")
    assert separator, compiled
    return "(" + head.removeprefix("SELECT ").replace(_ROW, "{t}") + ")"


STATUS_SQL = _over_row(status_expression(), models.Opportunity)
"""Opportunity.status as read: EXPIRED when OPEN past the deadline, at the statement's now()."""


def opportunities(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The opportunities the viewer may see (graph.services.opportunity.visible_to)."""
    return opportunity_service.visible_to(viewer)


def applications(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The applications the viewer may read: their own, or as the seeker side."""
    return access.applications_visible(viewer)


def engagements(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The engagements the viewer may read: its parties and council admins."""
    return access.engagements_visible(viewer)


def sessions(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The sessions the viewer may read: those of engagements they may read."""
    return access.sessions_visible(viewer)


def feedback(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The feedback the viewer may read: that of engagements they may read."""
    return access.feedback_visible(viewer)


def session_notes(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """A session's notes show to the engagement's parties only."""
    return access.session_notes_visible(viewer)


CONDITIONS: dict[str, tuple[str, str]] = {
    "kinds": ("{c}.kind = ANY({v})", "text[]"),
    "sectors": (
        "{c}.id IN (SELECT f_os.opportunity_id FROM opportunity_sectors f_os"
        " JOIN sectors f_s ON f_s.id = f_os.sector_id WHERE f_s.slug = ANY({v}))",
        "text[]",
    ),
    "skills": (
        "{c}.id IN (SELECT f_ok.opportunity_id FROM opportunity_skills f_ok"
        " JOIN skills f_k ON f_k.id = f_ok.skill_id WHERE f_k.slug = ANY({v}))",
        "text[]",
    ),
    "statuses": (
        "(({c}.status = ANY({v}) AND NOT coalesce({c}.status = 'OPEN'"
        " AND {c}.deadline <= now(), false))"
        " OR ('EXPIRED' = ANY({v}) AND {c}.status = 'OPEN' AND {c}.deadline <= now()))",
        "text[]",
    ),
    "institution": (
        "{c}.institution_id IN (SELECT f_i.id FROM institutions f_i WHERE f_i.slug = {v})",
        "text",
    ),
    "chapter": (
        "{c}.id IN (SELECT f_oc.opportunity_id FROM opportunity_chapters f_oc"
        " JOIN chapters f_h ON f_h.id = f_oc.chapter_id WHERE f_h.slug = {v})",
        "text",
    ),
    "remote": ("{c}.remote = {v}", "bool"),
    "search": ("{c}.search @@ websearch_to_tsquery('english', {v})", "text"),
}
"""The filters of db.queries.opportunity.filtered, over the row `{c}`."""


def bind_opportunities(arguments: dict[str, Any]) -> Filtered:
    """`opportunities(filter:, orderBy:)`, checked by graph.services.opportunity.criteria."""
    ordering = OPPORTUNITY_ORDERINGS[enum_value(arguments.get("orderBy") or "NEWEST")]
    given = arguments.get("filter") or {}
    found = present(
        opportunity_service.criteria(
            kinds=[enum_value(kind) for kind in given.get("kinds") or ()],
            sectors=given.get("sectors"),
            skills=given.get("skills"),
            statuses=[enum_value(status) for status in given.get("status") or ()],
            institution=given.get("institution"),
            chapter=given.get("chapter"),
            remote=given.get("remote"),
            search=given.get("search"),
        )
    )
    return Filtered(ordering, found.conditions, found.values)


def bind_owned(arguments: dict[str, Any]) -> Filtered:
    """An engineer's, institution's or chapter's `opportunities(status:)`."""
    statuses = opportunity_service.criteria(
        statuses=[enum_value(status) for status in arguments.get("status") or ()]
    ).statuses
    if not statuses:
        return Filtered()
    return Filtered(None, ("statuses",), {"statuses": list(statuses)})


_OWNED = Filters(bind_owned, CONDITIONS)
_NEWEST = OPPORTUNITY_ORDERINGS["NEWEST"]
_ENGINEER = "Engineer"


def _owned(where: str) -> Paged:
    return Paged(
        Link("Opportunity", where), _NEWEST, models.Opportunity, "opportunity", filters=_OWNED
    )


DECLARATION = Declaration(
    types=(
        TypeMapping(
            "Opportunity",
            "opportunities",
            {
                "id": global_id("Opportunity"),
                **columns(
                    kind="kind",
                    title="title",
                    description="description",
                ),
                "status": Column(STATUS_SQL),
                **columns(
                    visibility="visibility",
                    hoursPerMonth="hours_per_month",
                    durationMonths="duration_months",
                    remote="remote",
                    city="city",
                ),
                "deadline": Column(sqltext.timestamp("{t}.deadline")),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                **columns(
                    countryCode="country_code",
                    languages="languages",
                    disciplines="disciplines",
                    timezoneWindowStart="timezone_window_start",
                    timezoneWindowEnd="timezone_window_end",
                ),
                "sectors": ToMany(
                    Link(
                        "Sector",
                        "{c}_link.opportunity_id = {p}.id",
                        source="JOIN opportunity_sectors {c}_link ON {c}_link.sector_id = {c}.id",
                        order=("{c}.name", "{c}.id"),
                    )
                ),
                "skills": ToMany(
                    Link(
                        "OpportunitySkill",
                        "{c}.opportunity_id = {p}.id",
                        source="JOIN skills {c}_skill ON {c}_skill.id = {c}.skill_id",
                        order=("{c}_skill.name", "{c}.skill_id"),
                        provides=(("skill", "{c}_skill"),),
                    )
                ),
                "chapters": ToMany(
                    Link(
                        "Chapter",
                        "{c}_link.opportunity_id = {p}.id",
                        source="JOIN opportunity_chapters {c}_link ON {c}_link.chapter_id = {c}.id",
                        order=("{c}.slug", "{c}.id"),
                    )
                ),
                "poster": ToOne(Link(_ENGINEER, "{c}.id = {p}.poster_id")),
                "institution": ToOne(Link("Institution", "{c}.id = {p}.institution_id")),
                "applications": Paged(
                    Link("Application", "{c}.opportunity_id = {p}.id"),
                    APPLICATION_ORDERING,
                    models.Application,
                    visibility="application",
                ),
                "matches": Python(
                    "ranked by the matching statement (db.queries.matching), paged by score"
                ),
            },
            models.Opportunity,
        ),
        TypeMapping(
            "OpportunitySkill",
            "opportunity_skills",
            {
                "minimumLevel": Column("{t}.minimum_level"),
                "skill": ToOne(Link("Skill", "{c}.id = {p}.skill_id")),
            },
        ),
        TypeMapping(
            "Application",
            "applications",
            {
                "id": global_id("Application"),
                **columns(
                    status="status",
                    message="message",
                    declineReason="decline_reason",
                ),
                "proposalPrice": Column("{t}.proposal_price::text"),
                **columns(
                    proposalCurrency="proposal_currency",
                    proposalTimeline="proposal_timeline",
                    proposalApproach="proposal_approach",
                ),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "decidedAt": Column(sqltext.timestamp("{t}.decided_at")),
                "opportunity": ToOne(Link("Opportunity", "{c}.id = {p}.opportunity_id")),
                "applicant": ToOne(Link(_ENGINEER, "{c}.id = {p}.applicant_id")),
            },
            models.Application,
        ),
        TypeMapping(
            "Engagement",
            "engagements",
            {
                "id": global_id("Engagement"),
                **columns(
                    kind="kind",
                    status="status",
                    hoursPerMonth="hours_per_month",
                    cancelReason="cancel_reason",
                ),
                "startedAt": Column(sqltext.timestamp("{t}.started_at")),
                "completedAt": Column(sqltext.timestamp("{t}.completed_at")),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "opportunity": ToOne(Link("Opportunity", "{c}.id = {p}.opportunity_id")),
                "contributor": ToOne(Link(_ENGINEER, "{c}.id = {p}.contributor_id")),
                "seeker": ToOne(Link(_ENGINEER, "{c}.id = {p}.seeker_id")),
                "institution": ToOne(Link("Institution", "{c}.id = {p}.institution_id")),
                "milestones": ToMany(
                    Link(
                        "EngagementMilestone",
                        "{c}.engagement_id = {p}.id",
                        order=("{c}.due_on", "{c}.id"),
                    )
                ),
                "sessions": ToMany(
                    Link(
                        "EngagementSession",
                        "{c}.engagement_id = {p}.id",
                        order=("{c}.held_on DESC", "{c}.id DESC"),
                    )
                ),
                "feedback": ToMany(
                    Link(
                        "EngagementFeedback",
                        "{c}.engagement_id = {p}.id",
                        order=("{c}.created_at", "{c}.id"),
                    )
                ),
            },
            models.Engagement,
        ),
        TypeMapping(
            "EngagementMilestone",
            "engagement_milestones",
            {
                "id": global_id("EngagementMilestone"),
                **columns(title="title", dueOn="due_on", minutes="minutes", status="status"),
                "countersignedAt": Column(sqltext.timestamp("{t}.countersigned_at")),
            },
            models.Milestone,
        ),
        TypeMapping(
            "EngagementSession",
            "engagement_sessions",
            {
                "id": global_id("EngagementSession"),
                **columns(heldOn="held_on", minutes="minutes"),
                "notes": Column("{t}.notes", visible_if="session_notes"),
                "countersignedAt": Column(sqltext.timestamp("{t}.countersigned_at")),
                "loggedBy": ToOne(Link(_ENGINEER, "{c}.id = {p}.logged_by_id")),
                "attendees": ToMany(
                    Link(_ENGINEER, "{c}.id = ANY({p}.attendee_ids)", order=("{c}.id",))
                ),
            },
            models.EngagementSession,
        ),
        TypeMapping(
            "EngagementFeedback",
            "engagement_feedback",
            {
                "id": global_id("EngagementFeedback"),
                **columns(rating="rating", comment="comment"),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "author": ToOne(Link(_ENGINEER, "{c}.id = {p}.author_id")),
                "subject": ToOne(Link(_ENGINEER, "{c}.id = {p}.subject_id")),
            },
            models.Feedback,
        ),
        TypeMapping(
            "LedgerEntry",
            "ledger_entries",
            {
                "id": global_id("LedgerEntry"),
                **columns(kind="kind", minutes="minutes", occurredOn="occurred_on"),
                "hours": Column("round({t}.minutes / 60.0, 2)::float8"),
                "cpdPoints": Column("{t}.cpd_points::float8"),
                "sector": ToOne(Link("Sector", "{c}.id = {p}.sector_id")),
                "counterpart": ToOne(Link(_ENGINEER, "{c}.id = {p}.counterpart_id")),
                "counterpartInstitution": ToOne(
                    Link("Institution", "{c}.id = {p}.counterpart_institution_id")
                ),
            },
            models.LedgerEntry,
        ),
    ),
    connections={
        "opportunities": RootConnection(
            "Opportunity",
            _NEWEST,
            visibility="opportunity",
            filters=Filters(bind_opportunities, CONDITIONS),
        )
    },
    nodes={
        "Opportunity": "opportunity",
        "Application": "application",
        "Engagement": "engagement",
        "EngagementSession": "engagement_session",
        "EngagementFeedback": "engagement_feedback",
        "LedgerEntry": None,
    },
    rules={
        "opportunity": Rule(models.Opportunity, opportunities),
        "application": Rule(models.Application, applications),
        "engagement": Rule(models.Engagement, engagements),
        "engagement_session": Rule(models.EngagementSession, sessions),
        "engagement_feedback": Rule(models.Feedback, feedback),
        "session_notes": Rule(models.EngagementSession, session_notes),
    },
    extends={
        "Engineer": {
            "opportunities": _owned("{c}.poster_id = {p}.id"),
            "contributions": Paged(
                Link("LedgerEntry", "{c}.engineer_id = {p}.id"),
                LEDGER_ORDERING,
                models.LedgerEntry,
            ),
            "contributionSummary": Python("badges from the CPD configuration file (cpd.toml)"),
        },
        "Institution": {"opportunities": _owned("{c}.institution_id = {p}.id")},
        "Chapter": {
            "opportunities": _owned(
                "{c}.id IN (SELECT {c}_oc.opportunity_id FROM opportunity_chapters {c}_oc"
                " WHERE {c}_oc.chapter_id = {p}.id)"
            ),
            "engagementSummary": Python(
                "a coordinator's aggregate, every status counted (FORBIDDEN raised in Python)"
            ),
        },
        "Viewer": {
            "recommendedOpportunities": Python(
                "ranked by the matching statement (db.queries.matching), paged by score"
            ),
        },
    },
)
