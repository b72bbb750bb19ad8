"""GraphQL enums: the closed vocabularies of db.enums, each value described."""

import enum
from typing import TypeVar

import strawberry

from db.enums import (
    Discipline,
    EngagementKind,
    InstitutionKind,
    JoinPolicy,
    MembershipStatus,
    PecStatus,
    SkillLevel,
)

EnumT = TypeVar("EnumT", bound=enum.Enum)


def describe_enum(source: type[EnumT], description: str, values: dict[str, str]) -> type[EnumT]:
    """Register `source` as a GraphQL enum with a description on the type and every value."""
    missing = {member.name for member in source} - values.keys()
    if missing:
        raise ValueError(f"{source.__name__}: values without description: {sorted(missing)}")
    registered = strawberry.enum(source, description=description)
    for value in registered.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[value.name]
    return registered


describe_enum(
    EngagementKind,
    "A way a contributor gives knowledge, or a seeker asks for it.",
    {
        "MENTORSHIP": "One-to-one career or technical mentoring.",
        "PROJECT_SUPERVISION": "Co-supervising a final-year or graduate project.",
        "RESEARCH_GUIDANCE": "Guiding a research group or thesis.",
        "STARTUP_ADVISORY": "Advising a startup's founders.",
        "UNIVERSITY_COLLABORATION": "Joint teaching, labs or exchange with a university.",
        "ADVISORY_PANEL": "Sitting on an advisory or expert panel.",
        "CURRICULUM_REVIEW": "Reviewing a degree programme's curriculum.",
        "CONSULTANCY": "Paid or pro-bono consulting on a defined scope.",
        "INVESTMENT": "Investing in or raising funds for a venture.",
    },
)
describe_enum(
    Discipline,
    "Engineering discipline, as registered with the engineering council.",
    {member.name: f"{member.name.replace('_', ' ').title()} engineering." for member in Discipline},
)
describe_enum(
    PecStatus,
    "Registration status with the engineering council (PEC).",
    {
        "UNREGISTERED": "No registration number on file.",
        "PENDING": "A registration number was submitted and awaits verification.",
        "VERIFIED": "The council confirmed the registration.",
        "LAPSED": "The registration was verified once but has not been renewed.",
    },
)
describe_enum(
    SkillLevel,
    "Self-assessed proficiency in a skill.",
    {
        "BEGINNER": "Learning; has used it under guidance.",
        "INTERMEDIATE": "Uses it independently on routine work.",
        "ADVANCED": "Leads work that depends on it.",
        "EXPERT": "Recognised authority; teaches and sets practice.",
    },
)
describe_enum(
    InstitutionKind,
    "What sort of organisation an institution is.",
    {
        "UNIVERSITY": "A degree-awarding university or institute.",
        "STARTUP": "An early-stage company.",
        "COMPANY": "An established firm.",
        "GOVERNMENT": "A ministry, regulator or public-sector body.",
        "NGO": "A non-governmental, non-profit organisation.",
    },
)
describe_enum(
    JoinPolicy,
    "How engineers become members of a chapter.",
    {
        "OPEN": "Anyone may join; membership is active at once.",
        "APPROVAL": "Anyone may ask to join; a coordinator approves.",
        "INVITE": "Only invited engineers may join.",
    },
)
describe_enum(
    MembershipStatus,
    "Lifecycle of a chapter membership.",
    {
        "PENDING": "Asked to join; awaiting a coordinator's approval.",
        "ACTIVE": "A member in good standing.",
        "SUSPENDED": "Membership suspended by a coordinator.",
    },
)


@strawberry.enum(description="Direction of an ordering.")
class OrderDirection(enum.Enum):
    """Ascending or descending."""

    ASC = strawberry.enum_value("ASC", description="Smallest (or earliest, or A) first.")
    DESC = strawberry.enum_value("DESC", description="Largest (or latest, or Z) first.")
