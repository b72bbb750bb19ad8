"""Engineer reads: the profile, its masked fields, nested records, filters and consent rules."""

from typing import Any

from sqlalchemy import ColumnElement, case, false, true

from db import models
from db.enums import FieldVisibility, ProfileField
from db.queries.chapter import CHAPTER_ORDERINGS, MEMBERSHIP_ORDERING
from db.queries.engineer import ORDERINGS
from db.queries.pagination import Ordering
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import sqltext
from graph.compiler.declaration import (
    Column,
    Declaration,
    Embedded,
    FieldMapping,
    Filtered,
    Filters,
    Link,
    Paged,
    Predicate,
    RootConnection,
    RootLookup,
    Rule,
    ToMany,
    ToOne,
    TypeMapping,
    columns,
    enum_value,
    global_id,
    present,
)
from graph.services import engineer as engineer_service
from graph.services import visibility as rules


def masked(field: ProfileField) -> str:
    """The rule naming a maskable profile field (`field:<name>`, declared below)."""
    return f"field:{field.value}"


def _masked_columns(**names: ProfileField) -> dict[str, FieldMapping]:
    return {
        graphql: Column(f"{{t}}.{field.value}", visible_if=masked(field))
        for graphql, field in names.items()
    }


def _shows(field: ProfileField) -> Predicate:
    def shows(viewer: Viewer, registry: ChapterRegistry) -> ColumnElement[bool]:
        return rules.shows_field(viewer, registry, field)

    return shows


def _read_under_consent(field: ProfileField) -> Predicate:
    def read(viewer: Viewer, registry: ChapterRegistry) -> ColumnElement[Any]:
        """The grant the viewer reads `field` under, or NULL when the field is visible anyway
        or no live grant names it (what graph.compiler.consent marks the read with)."""
        return case(
            (
                rules.field_visible(viewer, registry, field).is_not(true()),
                rules.consent_grant_for(viewer, field),
            )
        )

    return read


def _own_profile(viewer: Viewer, _: ChapterRegistry) -> ColumnElement[bool]:
    """The engineer's own row, read with profiles:read (Engineer.fieldVisibilities)."""
    if viewer.engineer_id is None or not viewer.has_scope(Scope.PROFILES_READ):
        return false()
    return models.Engineer.id == viewer.engineer_id


SETTINGS = (
    "(SELECT * FROM (VALUES "
    + ", ".join(
        f"({sqltext.quote_literal(field.value)}, {position},"
        f" {sqltext.quote_literal(rules.FIELD_DEFAULTS[field].value)})"
        for position, field in enumerate(ProfileField)
    )
    + ") AS settings(field, position, fallback))"
)
"""One row per maskable profile field, in the enum's order, with its default visibility."""

LEVELS = ", ".join(sqltext.quote_literal(level.value) for level in FieldVisibility)
SETTING_LEVEL = (
    f"(SELECT CASE WHEN l.level IN ({LEVELS}) THEN l.level ELSE 'PRIVATE' END FROM"
    " (SELECT coalesce({t}_e.field_visibility ->> {t}.field, {t}.fallback) AS level) l)"
)
"""graph.services.visibility.level_of in SQL: the setting, or the default when it is absent or
JSON null; an unreadable setting fails closed (PRIVATE)."""


CONDITIONS: dict[str, tuple[str, str]] = {
    "sector_slugs": (
        "(EXISTS (SELECT 1 FROM engineer_sectors f_es JOIN sectors f_s ON f_s.id = f_es.sector_id"
        " WHERE f_es.engineer_id = {c}.id AND f_s.slug = ANY({v})) AND {shown[sectors]})",
        "text[]",
    ),
    "skill_slugs": (
        "(EXISTS (SELECT 1 FROM engineer_skills f_ek JOIN skills f_k ON f_k.id = f_ek.skill_id"
        " WHERE f_ek.engineer_id = {c}.id AND f_k.slug = ANY({v})) AND {shown[skills]})",
        "text[]",
    ),
    "disciplines": ("{c}.disciplines && {v}", "text[]"),
    "offers": ("{c}.offers && {v}", "text[]"),
    "country_codes": ("{c}.country_code = ANY({v})", "text[]"),
    "chapter_id": (
        "EXISTS (SELECT 1 FROM memberships f_m WHERE f_m.engineer_id = {c}.id"
        " AND f_m.chapter_id = {v} AND f_m.status = 'ACTIVE')",
        "int",
    ),
    "is_overseas": ("{c}.is_overseas = {v}", "bool"),
    "pec_verified": ("(({c}.pec_status = 'VERIFIED') = {v})", "bool"),
    "search": (
        "(({shown[skills]} AND {c}.search_vector @@ websearch_to_tsquery('english', {v}))"
        " OR (NOT {shown[skills]}"
        " AND {c}.search_vector_without_skills @@ websearch_to_tsquery('english', {v})))",
        "text",
    ),
}
"""Engineer filters as db.queries.engineer.filtered writes them: a condition on a maskable
field matches only where the viewer may see that field (`{shown[field]}`), and search uses
the vector without skills where the skills are hidden."""


def _ordering(order: dict[str, Any] | None) -> Ordering:
    if order is None:
        return ORDERINGS["NAME_ASC"]
    field = enum_value(order["field"])
    direction = enum_value(order.get("direction") or "ASC")
    return ORDERINGS[f"{field}_{direction}"]


def bind_engineers(arguments: dict[str, Any]) -> Filtered:
    """`engineers(filter:, orderBy:)`, checked by graph.services.engineer.build_filter."""
    ordering = _ordering(arguments.get("orderBy"))
    given = arguments.get("filter")
    if given is None:
        return Filtered(ordering)
    criteria = engineer_service.build_filter(
        sectors=given.get("sectors"),
        skills=given.get("skills"),
        disciplines=[enum_value(value) for value in given.get("disciplines") or ()],
        countries=given.get("countries"),
        chapter_id=given.get("chapter"),
        offers=[enum_value(value) for value in given.get("offers") or ()],
        is_overseas=given.get("isOverseas"),
        pec_verified=given.get("pecVerified"),
        search=given.get("search"),
    )
    found = present(criteria)
    return Filtered(ordering, found.conditions, found.values)


ENGINEER = TypeMapping(
    "Engineer",
    "engineers",
    {
        "id": global_id("Engineer"),
        **columns(
            handle="handle",
            name="name",
            headline="headline",
            bio="bio",
            photoUrl="photo_url",
            countryCode="country_code",
            isOverseas="is_overseas",
            disciplines="disciplines",
            offers="offers",
            seeks="seeks",
            pecStatus="pec_status",
        ),
        **_masked_columns(
            email=ProfileField.EMAIL,
            phone=ProfileField.PHONE,
            city=ProfileField.CITY,
            timezone=ProfileField.TIMEZONE,
            languages=ProfileField.LANGUAGES,
            pecRegistrationNumber=ProfileField.PEC_REGISTRATION_NUMBER,
        ),
        "createdAt": Column(sqltext.timestamp("{t}.created_at")),
        "isPecVerified": Column("({t}.pec_status = 'VERIFIED')"),
        "capacity": Embedded("Capacity", masked(ProfileField.CAPACITY)),
        "sectors": ToMany(
            Link(
                "Sector",
                "{c}_link.engineer_id = {p}.id",
                source="JOIN engineer_sectors {c}_link ON {c}_link.sector_id = {c}.id",
                order=("{c}.name", "{c}.id"),
            ),
            masked(ProfileField.SECTORS),
        ),
        "skills": ToMany(
            Link(
                "EngineerSkill",
                "{c}.engineer_id = {p}.id",
                source="JOIN skills {c}_skill ON {c}_skill.id = {c}.skill_id",
                order=("{c}.years DESC", "{c}_skill.name", "{c}.skill_id"),
                provides=(("skill", "{c}_skill"),),
            ),
            masked(ProfileField.SKILLS),
        ),
        "positions": ToMany(
            Link(
                "Position",
                "{c}.engineer_id = {p}.id",
                order=("{c}.end_date DESC NULLS FIRST", "{c}.start_date DESC", "{c}.id"),
            ),
            masked(ProfileField.POSITIONS),
        ),
        "education": ToMany(
            Link("Education", "{c}.engineer_id = {p}.id", order=("{c}.start_year DESC", "{c}.id")),
            masked(ProfileField.EDUCATION),
        ),
        "affiliations": ToMany(
            Link("Affiliation", "{c}.engineer_id = {p}.id", order=("{c}.since", "{c}.id")),
            masked(ProfileField.AFFILIATIONS),
        ),
        "memberships": Paged(
            Link("Membership", "{c}.engineer_id = {p}.id"),
            MEMBERSHIP_ORDERING,
            models.Membership,
            visibility="membership",
        ),
        "fieldVisibilities": ToMany(
            Link(
                "ProfileFieldSetting",
                "{c}_e.id = {p}.id",
                source="CROSS JOIN engineers {c}_e",
                order=("{c}.position",),
            ),
            "own_profile",
        ),
        "chapters": Paged(
            Link(
                "Chapter",
                "{c}_m.engineer_id = {p}.id AND {c}.archived_at IS NULL",
                source="JOIN memberships {c}_m ON {c}_m.chapter_id = {c}.id",
            ),
            CHAPTER_ORDERINGS["NAME_ASC"],
            models.Chapter,
            visibility="active_membership",
            visible_alias="{c}_m",
        ),
    },
    models.Engineer,
)

DECLARATION = Declaration(
    types=(
        ENGINEER,
        TypeMapping(
            "ProfileFieldSetting",
            SETTINGS,
            {"field": Column("upper({t}.field)"), "visibility": Column(SETTING_LEVEL)},
        ),
        TypeMapping(
            "Capacity",
            None,
            columns(hoursPerMonth="capacity_hours_per_month", maxMentees="max_mentees"),
        ),
        TypeMapping(
            "EngineerSkill",
            "engineer_skills",
            {
                **columns(level="level", years="years"),
                "skill": ToOne(Link("Skill", "{c}.id = {p}.skill_id")),
            },
        ),
        TypeMapping(
            "Position",
            "positions",
            {
                **columns(
                    title="title",
                    organization="organization",
                    countryCode="country_code",
                    city="city",
                    startDate="start_date",
                    endDate="end_date",
                ),
                "isCurrent": Column("({t}.end_date IS NULL)"),
            },
        ),
        TypeMapping(
            "Education",
            "education",
            columns(
                school="school",
                degree="degree",
                fieldOfStudy="field_of_study",
                startYear="start_year",
                endYear="end_year",
            ),
        ),
    ),
    lookups={"engineer": RootLookup("Engineer", "handle", lowercase=True)},
    connections={
        "engineers": RootConnection(
            "Engineer", ORDERINGS["NAME_ASC"], filters=Filters(bind_engineers, CONDITIONS)
        )
    },
    nodes={"Engineer": None},
    rules={
        "own_profile": Rule(models.Engineer, _own_profile),
        **{f"field:{field.value}": Rule(models.Engineer, _shows(field)) for field in ProfileField},
        **{
            f"consent:{field.value}": Rule(models.Engineer, _read_under_consent(field), value=True)
            for field in ProfileField
        },
    },
)
"""`field:<profile field>` is graph.services.visibility.shows_field: the mask of a maskable
Engineer field and the condition a filter on it must meet. (For institution viewers it admits
consent grants too.) `consent:<profile field>` is the grant such a read is made under, or NULL
(graph.compiler.consent marks and logs those reads)."""
