"""All models, imported so that Base.metadata knows every table."""

from db.models.chapter import Chapter, Membership
from db.models.engineer import Education, Engineer, EngineerSector, EngineerSkill, Position
from db.models.institution import Affiliation, Institution
from db.models.taxonomy import Sector, Skill

__all__ = [
    "Affiliation",
    "Chapter",
    "Education",
    "Engineer",
    "EngineerSector",
    "EngineerSkill",
    "Institution",
    "Membership",
    "Position",
    "Sector",
    "Skill",
]
