"""Institution reads: institutions, their staff (masked as affiliations) and affiliations."""

from typing import Any

from sqlalchemy import ColumnElement, exists

from db import models
from db.enums import ProfileField
from db.queries import institution as institution_queries
from db.queries.institution import AFFILIATION_ORDERING, INSTITUTION_ORDERINGS
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler.declaration import (
    Declaration,
    Filtered,
    Filters,
    Link,
    Paged,
    RootConnection,
    RootLookup,
    Rule,
    ToOne,
    TypeMapping,
    columns,
    enum_value,
    global_id,
    present,
)
from graph.reads.engineer import masked
from graph.services import visibility as rules
from graph.services.engineer import COUNTRY_CODE, check_list, check_search

CONDITIONS: dict[str, tuple[str, str]] = {
    "kinds": ("{c}.kind = ANY({v})", "text[]"),
    "verified": ("{c}.verified = {v}", "bool"),
    "country_codes": ("{c}.country_code = ANY({v})", "text[]"),
    "search": ("({c}.name ILIKE {v} OR lower({c}.slug) LIKE lower({v}))", "text"),
}


def bind_institutions(arguments: dict[str, Any]) -> Filtered:
    """`institutions(filter:)`, checked as graph.services.engineer checks lists and search."""
    given = arguments.get("filter")
    if given is None:
        return Filtered()
    criteria = institution_queries.InstitutionFilter(
        kinds=check_list("kinds", [enum_value(kind) for kind in given.get("kinds") or ()]),
        verified=given.get("verified"),
        country_codes=check_list("countries", given.get("countries"), COUNTRY_CODE),
        search=check_search(given.get("search")),
    )
    found = present(criteria)
    if criteria.search:
        found.values["search"] = (
            "%"
            + criteria.search.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
            + "%"
        )
    return found


def visible_affiliations(viewer: Viewer, registry: ChapterRegistry) -> ColumnElement[bool]:
    """Affiliations whose engineer shows `affiliations` to the viewer, by relationship or
    consent (the node rule of Affiliation)."""
    return exists().where(
        models.Engineer.id == models.Affiliation.engineer_id,
        rules.shows_field(viewer, registry, ProfileField.AFFILIATIONS),
    )


DECLARATION = Declaration(
    types=(
        TypeMapping(
            "Institution",
            "institutions",
            {
                "id": global_id("Institution"),
                **columns(
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
                    visibility=masked(ProfileField.AFFILIATIONS),
                    visible_alias="{c}_e",
                ),
            },
            models.Institution,
        ),
        TypeMapping(
            "Affiliation",
            "affiliations",
            {
                "id": global_id("Affiliation"),
                **columns(role="role", since="since"),
                "institution": ToOne(Link("Institution", "{c}.id = {p}.institution_id")),
                "engineer": ToOne(Link("Engineer", "{c}.id = {p}.engineer_id")),
            },
            models.Affiliation,
        ),
    ),
    lookups={"institution": RootLookup("Institution", "slug")},
    connections={
        "institutions": RootConnection(
            "Institution",
            INSTITUTION_ORDERINGS["NAME_ASC"],
            filters=Filters(bind_institutions, CONDITIONS),
        )
    },
    nodes={"Institution": None, "Affiliation": "affiliation"},
    rules={"affiliation": Rule(models.Affiliation, visible_affiliations)},
)
