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
    PROGRAMME_APPLICATION_RECEIVED = "PROGRAMME_APPLICATION_RECEIVED"
    PROGRAMME_APPLICATION_DECIDED = "PROGRAMME_APPLICATION_DECIDED"
    PROGRAMME_MATCHED = "PROGRAMME_MATCHED"
    INVESTMENT_COMMITMENT_CHANGED = "INVESTMENT_COMMITMENT_CHANGED"
    INVESTMENT_ASK_CLOSED = "INVESTMENT_ASK_CLOSED"
    PANEL_NOMINATED = "PANEL_NOMINATED"
    PANEL_CANDIDACY_RECEIVED = "PANEL_CANDIDACY_RECEIVED"
    PANEL_APPOINTED = "PANEL_APPOINTED"
    PANEL_MEMBERSHIP_ENDED = "PANEL_MEMBERSHIP_ENDED"
    PROJECT_TEAM_INVITED = "PROJECT_TEAM_INVITED"
    PROPOSAL_SUBMITTED = "PROPOSAL_SUBMITTED"
    PROPOSAL_REVIEWED = "PROPOSAL_REVIEWED"
    PROJECT_MILESTONE_ADDED = "PROJECT_MILESTONE_ADDED"
    PROJECT_DELIVERABLE_SUBMITTED = "PROJECT_DELIVERABLE_SUBMITTED"
    PROJECT_ASSESSED = "PROJECT_ASSESSED"
    RFP_INVITATION = "RFP_INVITATION"
    RFP_CLOSED = "RFP_CLOSED"
    PROPOSAL_AWARDED = "PROPOSAL_AWARDED"
    PROPOSAL_NOT_AWARDED = "PROPOSAL_NOT_AWARDED"
    CONTRACT_MILESTONE_SUBMITTED = "CONTRACT_MILESTONE_SUBMITTED"
    CONTRACT_MILESTONE_ACCEPTED = "CONTRACT_MILESTONE_ACCEPTED"
    CONTRACT_MILESTONE_REWORK = "CONTRACT_MILESTONE_REWORK"
    CONTRACT_REVIEWED = "CONTRACT_REVIEWED"
    HALL_OF_FAME_INDUCTED = "HALL_OF_FAME_INDUCTED"
    HALL_OF_FAME_DECIDED = "HALL_OF_FAME_DECIDED"


class NotificationChannel(enum.StrEnum):
    """How a person wants to hear about one kind of notification."""

    IN_APP = "IN_APP"
    EMAIL = "EMAIL"
    EMAIL_DIGEST = "EMAIL_DIGEST"
    NONE = "NONE"


class ProgrammeStatus(enum.StrEnum):
    """Where a mentorship programme's cohort stands."""

    OPEN = "OPEN"
    PROPOSED = "PROPOSED"
    PUBLISHED = "PUBLISHED"


class ProgrammeFormat(enum.StrEnum):
    """How mentors meet their mentees in a programme."""

    ONE_TO_ONE = "ONE_TO_ONE"
    GROUP = "GROUP"


class ProgrammeRole(enum.StrEnum):
    """The side a person applies for in a mentorship programme."""

    MENTOR = "MENTOR"
    MENTEE = "MENTEE"


class ProgrammeApplicationStatus(enum.StrEnum):
    """A programme application's review state."""

    SUBMITTED = "SUBMITTED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
class InvestmentStage(enum.StrEnum):
    """How far a startup has come, as investors name funding rounds."""

    PRE_SEED = "PRE_SEED"
    SEED = "SEED"
    SERIES_A = "SERIES_A"
    SERIES_B = "SERIES_B"
    GROWTH = "GROWTH"


class InvestmentAskStatus(enum.StrEnum):
    """Whether an investment ask still takes commitments."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"


class HallOfFameRoundStatus(enum.StrEnum):
    """Whether a Hall of Fame round takes nominations and votes."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"


class CommitmentStatus(enum.StrEnum):
    """Whether a soft commitment still stands."""

    ACTIVE = "ACTIVE"
    WITHDRAWN = "WITHDRAWN"


class PanelKind(enum.StrEnum):
    """What an institution's panel is for."""

    ADVISORY = "ADVISORY"
    CURRICULUM_REVIEW = "CURRICULUM_REVIEW"


class PanelStatus(enum.StrEnum):
    """Whether a panel takes nominations and applications."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"


class CandidacySource(enum.StrEnum):
    """How someone became a candidate for a panel seat."""

    NOMINATED = "NOMINATED"
    APPLIED = "APPLIED"


class CandidacyStatus(enum.StrEnum):
    """Lifecycle of a candidacy for a panel seat."""

    NOMINATED = "NOMINATED"
    PENDING = "PENDING"
    APPOINTED = "APPOINTED"
    WITHDRAWN = "WITHDRAWN"


class PanelMembershipStatus(enum.StrEnum):
    """Where a panel member's term stands (never stored: read from the dates)."""

    UPCOMING = "UPCOMING"
    ACTIVE = "ACTIVE"
    ENDED = "ENDED"
class ProjectProposalStatus(enum.StrEnum):
    """Where a project team's proposal stands (its latest revision's verdict)."""

    DRAFTING = "DRAFTING"
    SUBMITTED = "SUBMITTED"
    CHANGES_REQUESTED = "CHANGES_REQUESTED"
    APPROVED = "APPROVED"


class RevisionStatus(enum.StrEnum):
    """One proposal revision's state: every revision is kept."""

    SUBMITTED = "SUBMITTED"
    CHANGES_REQUESTED = "CHANGES_REQUESTED"
    APPROVED = "APPROVED"
    SUPERSEDED = "SUPERSEDED"


class TeamRole(enum.StrEnum):
    """A student's role in a project team."""

    LEAD = "LEAD"
    MEMBER = "MEMBER"


class TeamMemberStatus(enum.StrEnum):
    """Whether a student has joined the team they were invited to."""

    INVITED = "INVITED"
    ACTIVE = "ACTIVE"
class ProposalStatus(enum.StrEnum):
    """Where a consultancy proposal stands."""

    SUBMITTED = "SUBMITTED"
    WITHDRAWN = "WITHDRAWN"
    AWARDED = "AWARDED"
    NOT_AWARDED = "NOT_AWARDED"


class RfpStage(enum.StrEnum):
    """Where a consultancy RFP stands (read from its dates, award and contract)."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"
    AWARDED = "AWARDED"
    COMPLETED = "COMPLETED"
class DataExportStatus(enum.StrEnum):
    """Where a request for a copy of one's data stands."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    READY = "READY"
    EXPIRED = "EXPIRED"
    FAILED = "FAILED"
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
