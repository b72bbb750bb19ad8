"""Sector reads: the sector list and its skills."""

from db import models
from graph.compiler.declaration import (
    Declaration,
    Link,
    RootList,
    ToMany,
    ToOne,
    TypeMapping,
    columns,
    global_id,
)

DECLARATION = Declaration(
    types=(
        TypeMapping(
            "Sector",
            "sectors",
            {
                "id": global_id("Sector"),
                **columns(slug="slug", name="name", description="description"),
                "skills": ToMany(
                    Link("Skill", "{c}.sector_id = {p}.id", order=("{c}.name", "{c}.id"))
                ),
            },
            models.Sector,
        ),
        TypeMapping(
            "Skill",
            "skills",
            {
                "id": global_id("Skill"),
                **columns(slug="slug", name="name"),
                "sector": ToOne(Link("Sector", "{c}.id = {p}.sector_id")),
            },
            models.Skill,
        ),
    ),
    lists={"sectors": RootList("Sector", ("name", "id"))},
    nodes={"Sector": None, "Skill": None},
)
