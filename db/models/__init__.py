"""All models, imported so that Base.metadata knows every table."""

from db.models.account import Account, AccountToken, LoginAttempt, OutboxEmail
from db.models.audit import AuditLogEntry
from db.models.chapter import Chapter, Membership
from db.models.consent import AccessLogEntry, ConsentGrant
from db.models.engagement import (
    Application,
    Engagement,
    EngagementSession,
    Feedback,
    Milestone,
    ProblemReport,
)
from db.models.engineer import Education, Engineer, EngineerSector, EngineerSkill, Position
from db.models.event import (
    CalendarFeed,
    ChapterAnnouncement,
    Event,
    EventRegistration,
    EventSpeaker,
)
from db.models.forum import ForumCategory, ForumPost, ForumReport, ForumThread, ForumVote
from db.models.hall_of_fame import (
    HallOfFameEvidence,
    HallOfFameNomination,
    HallOfFameRound,
    HallOfFameVote,
)
from db.models.institution import Affiliation, Institution
from db.models.ledger import LedgerEntry, Notification
from db.models.notification import LiveEvent, NotificationPreference
from db.models.oauth import (
    AuthorizationCode,
    OAuthClient,
    RefreshToken,
    RevokedAccessToken,
    SigningKey,
)
from db.models.opportunity import (
    Invitation,
    Opportunity,
    OpportunityChapter,
    OpportunitySector,
    OpportunitySkill,
)
from db.models.persisted_query import PersistedQuery
from db.models.rate_budget import RateBudget
from db.models.taxonomy import Sector, Skill

__all__ = [
    "AccessLogEntry",
    "Account",
    "AccountToken",
    "Affiliation",
    "Application",
    "AuditLogEntry",
    "AuthorizationCode",
    "CalendarFeed",
    "Chapter",
    "ChapterAnnouncement",
    "ConsentGrant",
    "Education",
    "Engagement",
    "EngagementSession",
    "Engineer",
    "EngineerSector",
    "EngineerSkill",
    "Event",
    "EventRegistration",
    "EventSpeaker",
    "Feedback",
    "ForumCategory",
    "ForumPost",
    "ForumReport",
    "ForumThread",
    "ForumVote",
    "HallOfFameEvidence",
    "HallOfFameNomination",
    "HallOfFameRound",
    "HallOfFameVote",
    "Institution",
    "Invitation",
    "LedgerEntry",
    "LiveEvent",
    "LoginAttempt",
    "Membership",
    "Milestone",
    "Notification",
    "NotificationPreference",
    "OAuthClient",
    "Opportunity",
    "OpportunityChapter",
    "OpportunitySector",
    "OpportunitySkill",
    "OutboxEmail",
    "PersistedQuery",
    "Position",
    "ProblemReport",
    "RateBudget",
    "RefreshToken",
    "RevokedAccessToken",
    "Sector",
    "SigningKey",
    "Skill",
]
