"""The declarative read mapping: GraphQL type → table, field → column, relation or SQL expression.

Templates use `{t}` for the row's alias, and in links `{c}` for the child row and `{p}` for the
parent row. Nothing here is per-query: the planner combines these pieces for any selection.
"""

from dataclasses import dataclass, field

from db import models
from db.base import Base
from db.enums import ProfileField
from db.queries.chapter import CHAPTER_ORDERINGS, MEMBERSHIP_ORDERING
from db.queries.engineer import ORDERINGS as ENGINEER_ORDERINGS
from db.queries.forum import (
    CATEGORY_ORDERING,
    CATEGORY_THREAD_ORDERINGS,
    POST_ORDERING,
    THREAD_ORDERING,
)
from db.queries.institution import AFFILIATION_ORDERING, INSTITUTION_ORDERINGS
from db.queries.pagination import Ordering
from graph.compiler import sqltext


@dataclass(frozen=True)
class Column:
    """A scalar field: a SQL expression over the row whose JSON value is the GraphQL value.

    `visible_if` names a rule of graph.compiler.visibility over this type's table: where it
    does not hold, the field reads null (a column mask).
    """

    sql: str
    visible_if: str | None = None


@dataclass(frozen=True)
class Embedded:
    """An object field built from the same row (Engineer.capacity, Chapter.features)."""

    type_name: str
    visible_if: str | None = None


@dataclass(frozen=True)
class Link:
    """Rows of `type_name` hanging off a parent row: a join predicate and a total order."""

    type_name: str
    where: str
    source: str = ""
    order: tuple[str, ...] = ()
    provides: tuple[tuple[str, str], ...] = ()
    """To-one fields of the child already joined by `source`: (field name, alias template)."""


@dataclass(frozen=True)
class ToOne:
    """A nullable-or-not single related row."""

    link: Link


@dataclass(frozen=True)
class ToMany:
    """A plain list of related rows, in the link's order; null unless `visible_if` holds."""

    link: Link
    visible_if: str | None = None


@dataclass(frozen=True)
class Paged:
    """A Relay connection over related rows, keyset-paged in `ordering`.

    `visibility` names a rule of graph.compiler.visibility applied to the alias `visible_alias`
    (a template over `{c}`); `arguments` names the extra arguments the connection understands.
    """

    link: Link
    ordering: Ordering
    model: type[Base]
    visibility: str | None = None
    visible_alias: str = "{c}"
    arguments: tuple[str, ...] = ()


FieldMapping = Column | Embedded | ToOne | ToMany | Paged


@dataclass(frozen=True)
class TypeMapping:
    """One GraphQL object type: its table (None for embedded types) and its fields."""

    name: str
    table: str | None
    fields: dict[str, FieldMapping] = field(default_factory=dict)
    model: type[Base] | None = None


def _columns(**names: str) -> dict[str, FieldMapping]:
    return {graphql: Column(f"{{t}}.{column}") for graphql, column in names.items()}


def _masked(field: ProfileField) -> str:
    """The rule naming a maskable profile field (graph.compiler.visibility: `field:<name>`)."""
    return f"field:{field.value}"


def _masked_columns(**names: ProfileField) -> dict[str, FieldMapping]:
    return {
        graphql: Column(f"{{t}}.{field.value}", visible_if=_masked(field))
        for graphql, field in names.items()
    }


def _global_id(type_name: str) -> Column:
    return Column(sqltext.global_id(type_name, "{t}.id"))


_MEMBERSHIP_TO_CHAPTER = Link("Chapter", "{c}.id = {p}.chapter_id")
_AUTHOR = ToOne(Link("Engineer", "{c}.id = {p}.author_id"))
_MEMBERSHIP_TO_ENGINEER = Link("Engineer", "{c}.id = {p}.engineer_id")

TYPES: dict[str, TypeMapping] = {
    mapping.name: mapping
    for mapping in (
        TypeMapping(
            "Engineer",
            "engineers",
            {
                "id": _global_id("Engineer"),
                **_columns(
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
                "capacity": Embedded("Capacity", _masked(ProfileField.CAPACITY)),
                "sectors": ToMany(
                    Link(
                        "Sector",
                        "{c}_link.engineer_id = {p}.id",
                        source="JOIN engineer_sectors {c}_link ON {c}_link.sector_id = {c}.id",
                        order=("{c}.name", "{c}.id"),
                    ),
                    _masked(ProfileField.SECTORS),
                ),
                "skills": ToMany(
                    Link(
                        "EngineerSkill",
                        "{c}.engineer_id = {p}.id",
                        source="JOIN skills {c}_skill ON {c}_skill.id = {c}.skill_id",
                        order=("{c}.years DESC", "{c}_skill.name", "{c}.skill_id"),
                        provides=(("skill", "{c}_skill"),),
                    ),
                    _masked(ProfileField.SKILLS),
                ),
                "positions": ToMany(
                    Link(
                        "Position",
                        "{c}.engineer_id = {p}.id",
                        order=("{c}.end_date DESC NULLS FIRST", "{c}.start_date DESC", "{c}.id"),
                    ),
                    _masked(ProfileField.POSITIONS),
                ),
                "education": ToMany(
                    Link(
                        "Education",
                        "{c}.engineer_id = {p}.id",
                        order=("{c}.start_year DESC", "{c}.id"),
                    ),
                    _masked(ProfileField.EDUCATION),
                ),
                "affiliations": ToMany(
                    Link(
                        "Affiliation",
                        "{c}.engineer_id = {p}.id",
                        order=("{c}.since", "{c}.id"),
                    ),
                    _masked(ProfileField.AFFILIATIONS),
                ),
                "memberships": Paged(
                    Link("Membership", "{c}.engineer_id = {p}.id"),
                    MEMBERSHIP_ORDERING,
                    models.Membership,
                    visibility="membership",
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
        ),
        TypeMapping(
            "Capacity",
            None,
            _columns(hoursPerMonth="capacity_hours_per_month", maxMentees="max_mentees"),
        ),
        TypeMapping(
            "EngineerSkill",
            "engineer_skills",
            {
                **_columns(level="level", years="years"),
                "skill": ToOne(Link("Skill", "{c}.id = {p}.skill_id")),
            },
        ),
        TypeMapping(
            "Position",
            "positions",
            {
                **_columns(
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
            _columns(
                school="school",
                degree="degree",
                fieldOfStudy="field_of_study",
                startYear="start_year",
                endYear="end_year",
            ),
        ),
        TypeMapping(
            "Chapter",
            "chapters",
            {
                "id": _global_id("Chapter"),
                **_columns(
                    slug="slug",
                    name="name",
                    region="region",
                    description="description",
                    countries="countries",
                    timezone="timezone",
                    joinPolicy="join_policy",
                ),
                "features": Embedded("ChapterFeatures"),
                "archivedAt": Column(sqltext.timestamp("{t}.archived_at")),
                "forumCategories": Paged(
                    Link("ForumCategory", "{c}.chapter_id = {p}.id"),
                    CATEGORY_ORDERING,
                    models.ForumCategory,
                    visibility="forum_category",
                ),
                "members": Paged(
                    Link("Membership", "{c}.chapter_id = {p}.id"),
                    MEMBERSHIP_ORDERING,
                    models.Membership,
                    visibility="membership",
                    arguments=("roles", "statuses"),
                ),
            },
            models.Chapter,
        ),
        TypeMapping(
            "ChapterFeatures",
            None,
            {
                name: Column(sqltext.json_flag("{t}.features", key))
                for name, key in (
                    ("forum", "forum"),
                    ("events", "events"),
                    ("mentorshipProgrammes", "mentorship_programmes"),
                    ("marketplace", "marketplace"),
                )
            },
        ),
        TypeMapping(
            "Membership",
            "memberships",
            {
                "id": _global_id("Membership"),
                **_columns(role="role", status="status"),
                "since": Column(sqltext.timestamp("{t}.since")),
                "chapter": ToOne(_MEMBERSHIP_TO_CHAPTER),
                "engineer": ToOne(_MEMBERSHIP_TO_ENGINEER),
            },
            models.Membership,
        ),
        TypeMapping(
            "Institution",
            "institutions",
            {
                "id": _global_id("Institution"),
                **_columns(
                    slug="slug",
                    name="name",
                    kind="kind",
                    countryCode="country_code",
                    city="city",
                    website="website",
                    description="description",
                    verified="verified",
                ),
                "staff": Paged(
                    Link(
                        "Affiliation",
                        "{c}.institution_id = {p}.id",
                        source="JOIN engineers {c}_e ON {c}_e.id = {c}.engineer_id",
                    ),
                    AFFILIATION_ORDERING,
                    models.Affiliation,
                    visibility=_masked(ProfileField.AFFILIATIONS),
                    visible_alias="{c}_e",
                ),
            },
            models.Institution,
        ),
        TypeMapping(
            "Affiliation",
            "affiliations",
            {
                "id": _global_id("Affiliation"),
                **_columns(role="role", since="since"),
                "institution": ToOne(Link("Institution", "{c}.id = {p}.institution_id")),
                "engineer": ToOne(Link("Engineer", "{c}.id = {p}.engineer_id")),
            },
        ),
        TypeMapping(
            "Sector",
            "sectors",
            {
                "id": _global_id("Sector"),
                **_columns(slug="slug", name="name", description="description"),
                "skills": ToMany(
                    Link("Skill", "{c}.sector_id = {p}.id", order=("{c}.name", "{c}.id"))
                ),
            },
            models.Sector,
        ),
        TypeMapping(
            "ForumCategory",
            "forum_categories",
            {
                "id": _global_id("ForumCategory"),
                **_columns(
                    slug="slug",
                    name="name",
                    description="description",
                    kind="kind",
                    membersOnly="members_only",
                ),
                "sector": ToOne(Link("Sector", "{c}.id = {p}.sector_id")),
                "chapter": ToOne(Link("Chapter", "{c}.id = {p}.chapter_id")),
                "threads": Paged(
                    Link("ForumThread", "{c}.category_id = {p}.id"),
                    CATEGORY_THREAD_ORDERINGS["LAST_POSTED_AT"],
                    models.ForumThread,
                    visibility="forum_thread",
                    arguments=("orderBy", "tags", "search"),
                ),
            },
            models.ForumCategory,
        ),
        TypeMapping(
            "ForumThread",
            "forum_threads",
            {
                "id": _global_id("ForumThread"),
                **_columns(
                    title="title",
                    body="body",
                    tags="tags",
                    pinned="pinned",
                    locked="locked",
                    hidden="hidden",
                ),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "lastPostedAt": Column(sqltext.timestamp("{t}.last_posted_at")),
                "author": _AUTHOR,
                "category": ToOne(Link("ForumCategory", "{c}.id = {p}.category_id")),
                "acceptedAnswer": ToOne(Link("ForumPost", "{c}.id = {p}.accepted_post_id")),
                "posts": Paged(
                    Link("ForumPost", "{c}.thread_id = {p}.id"),
                    POST_ORDERING,
                    models.ForumPost,
                ),
            },
            models.ForumThread,
        ),
        TypeMapping(
            "ForumPost",
            "forum_posts",
            {
                "id": _global_id("ForumPost"),
                "body": Column("{t}.body", visible_if="forum_post_body"),
                **_columns(hidden="hidden", score="score"),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "editedAt": Column(sqltext.timestamp("{t}.edited_at")),
                "author": _AUTHOR,
                "thread": ToOne(Link("ForumThread", "{c}.id = {p}.thread_id")),
                "isAcceptedAnswer": Column(
                    "EXISTS (SELECT 1 FROM forum_threads {t}_a WHERE {t}_a.id = {t}.thread_id"
                    " AND {t}_a.accepted_post_id = {t}.id)"
                ),
            },
            models.ForumPost,
        ),
        TypeMapping(
            "Skill",
            "skills",
            {
                "id": _global_id("Skill"),
                **_columns(slug="slug", name="name"),
                "sector": ToOne(Link("Sector", "{c}.id = {p}.sector_id")),
            },
            models.Skill,
        ),
    )
}

NODE_TYPES: tuple[str, ...] = (
    "Engineer",
    "Institution",
    "Chapter",
    "Membership",
    "Sector",
    "Skill",
    "ForumCategory",
    "ForumThread",
    "ForumPost",
)
"""Types `node(id:)` and `nodes(ids:)` can return (as graph.resolvers.node.NODE_TYPES)."""

NODE_VISIBILITY: dict[str, str] = {
    "Membership": "membership",
    "ForumCategory": "forum_category",
    "ForumThread": "forum_thread",
    "ForumPost": "forum_post",
}
"""Row rules `node`/`nodes` and root lookups apply per type (graph.resolvers.node and
graph.resolvers.forum check them on the row)."""

ROOT_ORDERINGS: dict[str, dict[str, Ordering]] = {
    "engineers": ENGINEER_ORDERINGS,
    "chapters": CHAPTER_ORDERINGS,
    "institutions": INSTITUTION_ORDERINGS,
    "forumThreads": {"NAME_ASC": THREAD_ORDERING},
    "forumCategories": {"NAME_ASC": CATEGORY_ORDERING},
}
"""Orderings of root connections; "NAME_ASC" is each one's default (the forum's only one)."""

ROOT_VISIBILITY: dict[str, str] = {
    "forumThreads": "forum_thread",
    "forumCategories": "forum_category",
}
"""Row rules root connections apply (as their strawberry statements do)."""
