"""Mentorship programme reads: programmes (public), their applications, cohort pairs and
report; who may read what, as SQL predicates from graph.services.programme_access.

Rules: `mentorship_application` (the applicant and the programme's coordinators),
`mentorship_pair` (coordinators; once published, the pair's mentor and mentee) and
`mentorship_coordinator` (the report).
"""

from sqlalchemy import ColumnElement

from db import models
from db.queries.programme import (
    APPLICATION_ORDERING,
    PAIR_ORDERING,
    PROGRAMME_ORDERING,
    REPORT_SQL,
)
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import sqltext
from graph.compiler.declaration import (
    Column,
    Declaration,
    Embedded,
    Link,
    Paged,
    RootConnection,
    Rule,
    ToOne,
    TypeMapping,
    columns,
    global_id,
)
from graph.services import programme_access as access


def applications(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The applications the viewer may read (graph.services.programme_access)."""
    return access.applications_visible(viewer)


def pairs(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The pairs the viewer may read (graph.services.programme_access)."""
    return access.pairs_visible(viewer)


def coordinated(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The programmes the viewer coordinates (graph.services.programme_access)."""
    return access.coordinates(viewer)


def _float(sql: str) -> str:
    """A Float column as graphql-core writes it: a whole number keeps its `.0` (PostgreSQL's
    JSON writes 1 where strawberry writes 1.0)."""
    return (
        f"(SELECT CASE WHEN f.v = trunc(f.v) THEN (trunc(f.v)::bigint::text || '.0')::json"
        f" ELSE to_json(f.v) END FROM (SELECT ({sql})::float8 AS v) f)"
    )


FLOATS = frozenset({"completionRate", "hours", "averageRating"})
"""The report's Float figures."""


def _applicant(column: str) -> str:
    return (
        f"{{c}}.id = (SELECT {{c}}_a.applicant_id FROM mentorship_applications {{c}}_a"
        f" WHERE {{c}}_a.id = {{p}}.{column})"
    )


DECLARATION = Declaration(
    types=(
        TypeMapping(
            "MentorshipProgramme",
            "mentorship_programmes",
            {
                "id": global_id("MentorshipProgramme"),
                **columns(
                    name="name",
                    description="description",
                    format="format",
                    status="status",
                    startsOn="starts_on",
                    endsOn="ends_on",
                    capacity="capacity",
                    hoursPerMonth="hours_per_month",
                ),
                "mentorApplicationsOpenAt": Column(sqltext.timestamp("{t}.mentor_opens_at")),
                "mentorApplicationsCloseAt": Column(sqltext.timestamp("{t}.mentor_closes_at")),
                "menteeApplicationsOpenAt": Column(sqltext.timestamp("{t}.mentee_opens_at")),
                "menteeApplicationsCloseAt": Column(sqltext.timestamp("{t}.mentee_closes_at")),
                "questions": Column("{t}.questions"),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "proposedAt": Column(sqltext.timestamp("{t}.proposed_at")),
                "publishedAt": Column(sqltext.timestamp("{t}.published_at")),
                "chapter": ToOne(Link("Chapter", "{c}.id = {p}.chapter_id")),
                "institution": ToOne(Link("Institution", "{c}.id = {p}.institution_id")),
                "applications": Paged(
                    Link("MentorshipApplication", "{c}.programme_id = {p}.id"),
                    APPLICATION_ORDERING,
                    models.MentorshipApplication,
                    visibility="mentorship_application",
                ),
                "pairs": Paged(
                    Link("MentorshipPair", "{c}.programme_id = {p}.id"),
                    PAIR_ORDERING,
                    models.MentorshipPair,
                    visibility="mentorship_pair",
                ),
                "report": Embedded(
                    "MentorshipProgrammeReport", visible_if="mentorship_coordinator"
                ),
            },
            models.MentorshipProgramme,
        ),
        TypeMapping(
            "MentorshipProgrammeReport",
            None,
            {
                name: Column(_float(sql) if name in FLOATS else sql)
                for name, sql in REPORT_SQL.items()
            },
        ),
        TypeMapping(
            "MentorshipApplication",
            "mentorship_applications",
            {
                "id": global_id("MentorshipApplication"),
                **columns(role="role", status="status", slots="slots", answers="answers"),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "decidedAt": Column(sqltext.timestamp("{t}.decided_at")),
                "programme": ToOne(Link("MentorshipProgramme", "{c}.id = {p}.programme_id")),
                "applicant": ToOne(Link("Engineer", "{c}.id = {p}.applicant_id")),
            },
            models.MentorshipApplication,
        ),
        TypeMapping(
            "MentorshipPair",
            "mentorship_pairs",
            {
                "id": global_id("MentorshipPair"),
                "score": Column(_float("{t}.score")),
                **columns(explanation="explanation", manual="manual"),
                "engagementStatus": Column(
                    "(SELECT {t}_g.status FROM engagements {t}_g"
                    " WHERE {t}_g.id = {t}.engagement_id)"
                ),
                "programme": ToOne(Link("MentorshipProgramme", "{c}.id = {p}.programme_id")),
                "mentor": ToOne(Link("Engineer", _applicant("mentor_application_id"))),
                "mentee": ToOne(Link("Engineer", _applicant("mentee_application_id"))),
            },
            models.MentorshipPair,
        ),
    ),
    connections={
        "mentorshipProgrammes": RootConnection("MentorshipProgramme", PROGRAMME_ORDERING),
    },
    nodes={
        "MentorshipProgramme": None,
        "MentorshipApplication": "mentorship_application",
        "MentorshipPair": "mentorship_pair",
    },
    rules={
        "mentorship_application": Rule(models.MentorshipApplication, applications),
        "mentorship_pair": Rule(models.MentorshipPair, pairs),
        "mentorship_coordinator": Rule(models.MentorshipProgramme, coordinated),
    },
)
