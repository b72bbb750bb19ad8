"""Closed vocabularies shared by models, services and the GraphQL enums."""

import enum


class EngagementKind(enum.StrEnum):
    """What a contributor gives or a seeker asks for."""

    MENTORSHIP = "MENTORSHIP"
    PROJECT_SUPERVISION = "PROJECT_SUPERVISION"
    RESEARCH_GUIDANCE = "RESEARCH_GUIDANCE"
    STARTUP_ADVISORY = "STARTUP_ADVISORY"
    UNIVERSITY_COLLABORATION = "UNIVERSITY_COLLABORATION"
    ADVISORY_PANEL = "ADVISORY_PANEL"
    CURRICULUM_REVIEW = "CURRICULUM_REVIEW"
    CONSULTANCY = "CONSULTANCY"
    INVESTMENT = "INVESTMENT"


class Discipline(enum.StrEnum):
    """Engineering discipline, as registered with the engineering council."""

    CIVIL = "CIVIL"
    ELECTRICAL = "ELECTRICAL"
    MECHANICAL = "MECHANICAL"
    CHEMICAL = "CHEMICAL"
    SOFTWARE = "SOFTWARE"
    COMPUTER = "COMPUTER"
    ELECTRONICS = "ELECTRONICS"
    TELECOMMUNICATION = "TELECOMMUNICATION"
    PETROLEUM = "PETROLEUM"
    AEROSPACE = "AEROSPACE"
    BIOMEDICAL = "BIOMEDICAL"
    ENVIRONMENTAL = "ENVIRONMENTAL"
    INDUSTRIAL = "INDUSTRIAL"
    MECHATRONICS = "MECHATRONICS"
    METALLURGY = "METALLURGY"
    MINING = "MINING"
    AGRICULTURAL = "AGRICULTURAL"
    TEXTILE = "TEXTILE"


class PecStatus(enum.StrEnum):
    """Registration status with the engineering council."""

    UNREGISTERED = "UNREGISTERED"
    PENDING = "PENDING"
    VERIFIED = "VERIFIED"
    LAPSED = "LAPSED"


class SkillLevel(enum.StrEnum):
    """Self-assessed proficiency in a skill."""

    BEGINNER = "BEGINNER"
    INTERMEDIATE = "INTERMEDIATE"
    ADVANCED = "ADVANCED"
    EXPERT = "EXPERT"


class InstitutionKind(enum.StrEnum):
    """What sort of organisation an institution is."""

    UNIVERSITY = "UNIVERSITY"
    STARTUP = "STARTUP"
    COMPANY = "COMPANY"
    GOVERNMENT = "GOVERNMENT"
    NGO = "NGO"


class JoinPolicy(enum.StrEnum):
    """How engineers become members of a chapter."""

    OPEN = "OPEN"
    APPROVAL = "APPROVAL"
    INVITE = "INVITE"


class MembershipStatus(enum.StrEnum):
    """Lifecycle of a chapter membership."""

    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"


class GlobalRole(enum.StrEnum):
    """A portal-wide role an account holds, independent of chapters."""

    MEMBER = "MEMBER"
    COUNCIL_ADMIN = "COUNCIL_ADMIN"


class FieldVisibility(enum.StrEnum):
    """Who may see one profile field, from widest to narrowest audience."""

    PUBLIC = "PUBLIC"
    MEMBERS = "MEMBERS"
    CHAPTER = "CHAPTER"
    PRIVATE = "PRIVATE"


class ProfileField(enum.StrEnum):
    """Profile fields whose visibility the engineer sets (keys of engineers.field_visibility)."""

    EMAIL = "email"
    PHONE = "phone"
    CITY = "city"
    TIMEZONE = "timezone"
    LANGUAGES = "languages"
    POSITIONS = "positions"
    EDUCATION = "education"
    SKILLS = "skills"
    SECTORS = "sectors"
    AFFILIATIONS = "affiliations"
    CAPACITY = "capacity"
    PEC_REGISTRATION_NUMBER = "pec_registration_number"


class AccountTokenPurpose(enum.StrEnum):
    """What a single-use emailed token proves."""

    VERIFY_EMAIL = "VERIFY_EMAIL"
    RESET_PASSWORD = "RESET_PASSWORD"


class ForumCategoryKind(enum.StrEnum):
    """Where a forum category belongs: the whole portal, one sector, or one chapter."""

    GLOBAL = "GLOBAL"
    SECTOR = "SECTOR"
    CHAPTER = "CHAPTER"


class ForumReportStatus(enum.StrEnum):
    """Lifecycle of a report against a forum thread or post."""

    OPEN = "OPEN"
    RESOLVED = "RESOLVED"
    DISMISSED = "DISMISSED"


class EventKind(enum.StrEnum):
    """What sort of gathering a chapter event is."""

    TALK = "TALK"
    WEBINAR = "WEBINAR"
    MEETUP = "MEETUP"
    SITE_VISIT = "SITE_VISIT"
    WORKSHOP = "WORKSHOP"


class EventVisibility(enum.StrEnum):
    """Who may see a chapter event."""

    PUBLIC = "PUBLIC"
    MEMBERS_ONLY = "MEMBERS_ONLY"


class EventStatus(enum.StrEnum):
    """Whether a chapter event still takes place."""

    SCHEDULED = "SCHEDULED"
    CANCELLED = "CANCELLED"


class RegistrationStatus(enum.StrEnum):
    """Where one person's RSVP to an event stands."""

    REGISTERED = "REGISTERED"
    WAITLISTED = "WAITLISTED"
    CANCELLED = "CANCELLED"


def check_in(column: str, values: type[enum.StrEnum]) -> str:
    """SQL CHECK expression limiting a text column to an enum's values."""
    quoted = ", ".join(f"'{member.value}'" for member in values)
    return f"{column} IN ({quoted})"


def check_array_in(column: str, values: type[enum.StrEnum]) -> str:
    """SQL CHECK expression limiting a text[] column to an enum's values."""
    quoted = ", ".join(f"'{member.value}'" for member in values)
    return f"{column} <@ ARRAY[{quoted}]::text[]"


class OpportunityVisibility(enum.StrEnum):
    """Who may see an opportunity."""

    PUBLIC = "PUBLIC"
    CHAPTER = "CHAPTER"
    INVITED = "INVITED"


class OpportunityStatus(enum.StrEnum):
    """Lifecycle of an opportunity; EXPIRED is never stored, it is read from the deadline."""

    DRAFT = "DRAFT"
    OPEN = "OPEN"
    FILLED = "FILLED"
    CLOSED = "CLOSED"
    EXPIRED = "EXPIRED"


STORED_OPPORTUNITY_STATUSES = (
    OpportunityStatus.DRAFT,
    OpportunityStatus.OPEN,
    OpportunityStatus.FILLED,
    OpportunityStatus.CLOSED,
)


class ApplicationStatus(enum.StrEnum):
    """Lifecycle of an application (or, for consultancy, a proposal)."""

    SUBMITTED = "SUBMITTED"
    SHORTLISTED = "SHORTLISTED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    WITHDRAWN = "WITHDRAWN"


class InvitationStatus(enum.StrEnum):
    """Lifecycle of a seeker's invitation to a contributor."""

    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    WITHDRAWN = "WITHDRAWN"


class EngagementStatus(enum.StrEnum):
    """Lifecycle of an engagement between a contributor and a seeker."""

    PROPOSED = "PROPOSED"
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    DECLINED = "DECLINED"


class MilestoneStatus(enum.StrEnum):
    """Lifecycle of an engagement milestone."""

    PLANNED = "PLANNED"
    DONE = "DONE"
    COUNTERSIGNED = "COUNTERSIGNED"


class ProblemReportStatus(enum.StrEnum):
    """Lifecycle of a problem report against an engagement."""

    OPEN = "OPEN"
    RESOLVED = "RESOLVED"


class NotificationKind(enum.StrEnum):
    """What a notification row tells its recipient."""

    APPLICATION_RECEIVED = "APPLICATION_RECEIVED"
    APPLICATION_SHORTLISTED = "APPLICATION_SHORTLISTED"
    APPLICATION_ACCEPTED = "APPLICATION_ACCEPTED"
    APPLICATION_DECLINED = "APPLICATION_DECLINED"
    APPLICATION_WITHDRAWN = "APPLICATION_WITHDRAWN"
    INVITATION_RECEIVED = "INVITATION_RECEIVED"
    INVITATION_ANSWERED = "INVITATION_ANSWERED"
    ENGAGEMENT_CHANGED = "ENGAGEMENT_CHANGED"
    COUNTERSIGN_REQUESTED = "COUNTERSIGN_REQUESTED"
    FEEDBACK_DUE = "FEEDBACK_DUE"
    PROBLEM_REPORTED = "PROBLEM_REPORTED"
    EVENT_CANCELLED = "EVENT_CANCELLED"
    EVENT_MOVED = "EVENT_MOVED"
    EVENT_WAITLIST_PROMOTED = "EVENT_WAITLIST_PROMOTED"
    CHAPTER_ANNOUNCEMENT = "CHAPTER_ANNOUNCEMENT"
    FORUM_REPLY = "FORUM_REPLY"
    FORUM_MENTION = "FORUM_MENTION"
    MEMBERSHIP_APPROVED = "MEMBERSHIP_APPROVED"
    MEMBERSHIP_REJECTED = "MEMBERSHIP_REJECTED"
    MEMBERSHIP_SUSPENDED = "MEMBERSHIP_SUSPENDED"
    MEMBERSHIP_ROLE_CHANGED = "MEMBERSHIP_ROLE_CHANGED"
    HALL_OF_FAME_INDUCTED = "HALL_OF_FAME_INDUCTED"
    HALL_OF_FAME_DECIDED = "HALL_OF_FAME_DECIDED"


class NotificationChannel(enum.StrEnum):
    """How a person wants to hear about one kind of notification."""

    IN_APP = "IN_APP"
    EMAIL = "EMAIL"
    EMAIL_DIGEST = "EMAIL_DIGEST"
    NONE = "NONE"


class HallOfFameRoundStatus(enum.StrEnum):
    """Whether a Hall of Fame round takes nominations and votes."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"


class NominationStatus(enum.StrEnum):
    """Where a Hall of Fame nomination stands."""

    UNDER_REVIEW = "UNDER_REVIEW"
    INDUCTED = "INDUCTED"
    NOT_INDUCTED = "NOT_INDUCTED"


class EvidenceKind(enum.StrEnum):
    """What a nomination's evidence item points at."""

    LEDGER_ENTRY = "LEDGER_ENTRY"
    ENGAGEMENT = "ENGAGEMENT"
    EVENT_SPOKEN_AT = "EVENT_SPOKEN_AT"
    ACCEPTED_ANSWER = "ACCEPTED_ANSWER"
