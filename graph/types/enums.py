"""GraphQL enums: the closed vocabularies of db.enums, each value described."""

import enum
from typing import TypeVar

import strawberry

from db.enums import (
    Discipline,
    EngagementKind,
    FieldVisibility,
    ForumCategoryKind,
    ForumReportStatus,
    GlobalRole,
    InstitutionKind,
    JoinPolicy,
    MembershipStatus,
    PecStatus,
    ProfileField,
    SkillLevel,
)
from graph.services.account import AccountErrorCode
from graph.services.consent import ConsentErrorCode
from graph.services.forum_moderation import ModerationAction
from graph.services.forum_writing import ForumErrorCode
from graph.services.membership import ChapterErrorCode
from graph.services.profile import ProfileErrorCode

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


describe_enum(
    FieldVisibility,
    "Who may see a profile field.",
    {
        "PUBLIC": "Everyone, signed in or not.",
        "MEMBERS": "Signed-in portal members (tokens with `profiles:read`).",
        "CHAPTER": "Fellow active members of the engineer's chapters (where the chapter shares "
        "the field) and those chapters' coordinators.",
        "PRIVATE": "Only the engineer.",
    },
)
describe_enum(
    ProfileField,
    "A profile field whose visibility the engineer chooses and that consent grants can name.",
    {
        "EMAIL": "Contact email (private by default).",
        "PHONE": "Contact phone number (private by default).",
        "CITY": "City of residence.",
        "TIMEZONE": "Time zone of residence.",
        "LANGUAGES": "Spoken languages.",
        "POSITIONS": "Employment history.",
        "EDUCATION": "Degrees.",
        "SKILLS": "Claimed skills.",
        "SECTORS": "Sectors of expertise.",
        "AFFILIATIONS": "Staff roles at institutions.",
        "CAPACITY": "Hours and mentees offered.",
        "PEC_REGISTRATION_NUMBER": "Engineering council registration number (members by default).",
    },
)
describe_enum(
    GlobalRole,
    "A portal-wide role.",
    {
        "MEMBER": "A registered engineer.",
        "COUNCIL_ADMIN": "A council administrator: every scope, in every chapter.",
    },
)
describe_enum(
    ChapterErrorCode,
    "Why a chapter or membership mutation was refused.",
    {
        "NOT_FOUND": "No such chapter or membership (or you cannot see it).",
        "ARCHIVED": "The chapter's file was removed; it takes no new members.",
        "INVITE_ONLY": "The chapter admits by invitation only.",
        "ALREADY_MEMBER": "Already a member, or already asked to join.",
        "SUSPENDED": "The membership is suspended.",
        "NOT_MEMBER": "Not a member of the chapter.",
        "NOT_PENDING": "The membership is not a pending request.",
        "NOT_ACTIVE": "The membership is not active.",
        "UNKNOWN_ROLE": "The chapter's config file defines no such role.",
        "SELF_TARGET": "Coordinators cannot act on their own membership.",
    },
)
describe_enum(
    ProfileErrorCode,
    "Why a profile mutation was refused.",
    {
        "INVALID": "The value has the wrong format.",
        "TOO_LONG": "The value is empty or too long.",
        "UNKNOWN_TIMEZONE": "Not an IANA time zone.",
        "DUPLICATE_FIELD": "A field was given more than once.",
    },
)
describe_enum(
    ConsentErrorCode,
    "Why a consent mutation was refused.",
    {
        "NOT_FOUND": "No such institution or consent grant (or it is not yours).",
        "NO_FIELDS": "A grant must name at least one field.",
        "INVALID_PURPOSE": "The purpose is empty or too long.",
        "INVALID_EXPIRY": "The expiry is in the past, has no time zone, or is too far ahead.",
        "ALREADY_REVOKED": "The grant was revoked already.",
    },
)
describe_enum(
    AccountErrorCode,
    "Why an account mutation was refused.",
    {
        "INVALID_EMAIL": "Not an email address.",
        "EMAIL_TAKEN": "An account already uses this email.",
        "WEAK_PASSWORD": "The password is too short or too long.",
        "INVALID_HANDLE": "The handle has the wrong format.",
        "HANDLE_TAKEN": "Another engineer has this handle.",
        "INVALID": "A value has the wrong format.",
        "INVALID_TOKEN": "The token is unknown or was used already.",
        "EXPIRED_TOKEN": "The token has expired; ask for a new one.",
    },
)
describe_enum(
    ForumCategoryKind,
    "Where a forum category belongs.",
    {
        "GLOBAL": "The whole portal; moderated by council admins.",
        "SECTOR": "One sector of the shared vocabulary; moderated by council admins.",
        "CHAPTER": "One chapter; moderated by its holders of `forum:moderate`.",
    },
)
describe_enum(
    ForumReportStatus,
    "Where a report against a forum thread or post stands.",
    {
        "OPEN": "Awaiting a moderator.",
        "RESOLVED": "A moderator acted on it.",
        "DISMISSED": "A moderator found nothing to act on.",
    },
)
describe_enum(
    ModerationAction,
    "What a moderator does to a forum thread or reply.",
    {
        "HIDE": "Hide it: threads disappear for non-moderators, replies read as minimised.",
        "UNHIDE": "Show it again.",
        "LOCK": "Lock a thread: no new replies, edits or votes.",
        "UNLOCK": "Unlock a thread.",
        "PIN": "Pin a thread to the top of its category.",
        "UNPIN": "Unpin a thread.",
    },
)
describe_enum(
    ForumErrorCode,
    "Why a forum mutation was refused.",
    {
        "NOT_FOUND": "No such category, thread, reply or report (or you cannot see it).",
        "FORUM_DISABLED": "The chapter's forum is switched off (or the chapter is archived).",
        "LOCKED": "The thread is locked.",
        "INVALID_TITLE": "The title is shorter than 3 or longer than 200 characters.",
        "INVALID_BODY": "The body is empty or longer than 20,000 characters.",
        "INVALID_TAGS": "More than five tags, or a tag that is not lower-case words and hyphens.",
        "INVALID_VOTE": "A vote is 1, -1 or 0.",
        "OWN_POST": "You cannot vote on your own reply.",
        "NOT_AUTHOR": "Only the author can do this.",
        "NOT_IN_THREAD": "The reply is not a visible reply of this thread.",
        "ALREADY_REPORTED": "You have an open report on this already.",
        "INVALID_REASON": "The reason is empty or longer than 500 characters.",
        "NOT_OPEN": "The report was settled already.",
        "UNCHANGED": "The thread or reply is already in that state.",
        "INVALID_ACTION": "The action does not apply to this target or outcome.",
    },
)
