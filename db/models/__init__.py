"""All models, imported so that Base.metadata knows every table."""

from db.models.account import Account, AccountToken, LoginAttempt, OutboxEmail
from db.models.audit import AuditLogEntry
from db.models.chapter import Chapter, Membership
from db.models.consent import AccessLogEntry, ConsentGrant
from db.models.consultancy import (
    ConsultancyProposal,
    ConsultancyRfp,
    ContractMilestone,
    ServiceListing,
    ServiceListingSector,
)
from db.models.data_rights import DataExport
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
from db.models.investment import InvestmentAsk, InvestmentCommitment
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
from db.models.panel import (
    AdvisoryPanel,
    PanelAttendance,
    PanelCandidacy,
    PanelMeeting,
    PanelMembership,
)
from db.models.persisted_query import PersistedQuery
from db.models.programme import MentorshipApplication, MentorshipPair, MentorshipProgramme
from db.models.rate_budget import RateBudget
from db.models.supervision import (
    AssessmentRubric,
    AssessmentScore,
    ProjectAssessment,
    ProjectDeliverable,
    ProjectMilestone,
    ProjectTeam,
    ProjectTeamInvitation,
    ProjectTeamMember,
    ProposalRevision,
    RubricCriterion,
)
from db.models.taxonomy import Sector, Skill

__all__ = [
    "AccessLogEntry",
    "Account",
    "AccountToken",
    "AdvisoryPanel",
    "Affiliation",
    "Application",
    "AssessmentRubric",
    "AssessmentScore",
    "AuditLogEntry",
    "AuthorizationCode",
    "CalendarFeed",
    "Chapter",
    "ChapterAnnouncement",
    "ConsentGrant",
    "ConsultancyProposal",
    "ConsultancyRfp",
    "ContractMilestone",
    "DataExport",
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
    "InvestmentAsk",
    "InvestmentCommitment",
    "Invitation",
    "LedgerEntry",
    "LiveEvent",
    "LoginAttempt",
    "Membership",
    "MentorshipApplication",
    "MentorshipPair",
    "MentorshipProgramme",
    "Milestone",
    "Notification",
    "NotificationPreference",
    "OAuthClient",
    "Opportunity",
    "OpportunityChapter",
    "OpportunitySector",
    "OpportunitySkill",
    "OutboxEmail",
    "PanelAttendance",
    "PanelCandidacy",
    "PanelMeeting",
    "PanelMembership",
    "PersistedQuery",
    "Position",
    "ProblemReport",
    "ProjectAssessment",
    "ProjectDeliverable",
    "ProjectMilestone",
    "ProjectTeam",
    "ProjectTeamInvitation",
    "ProjectTeamMember",
    "ProposalRevision",
    "RateBudget",
    "RefreshToken",
    "RevokedAccessToken",
    "RubricCriterion",
    "Sector",
    "ServiceListing",
    "ServiceListingSector",
    "SigningKey",
    "Skill",
]
