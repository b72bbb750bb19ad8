"""All models, imported so that Base.metadata knows every table."""

from db.models.account import Account, AccountToken, LoginAttempt, OutboxEmail
from db.models.audit import AuditLogEntry
from db.models.chapter import Chapter, Membership
from db.models.consent import AccessLogEntry, ConsentGrant
from db.models.engineer import Education, Engineer, EngineerSector, EngineerSkill, Position
from db.models.forum import ForumCategory, ForumPost, ForumReport, ForumThread, ForumVote
from db.models.institution import Affiliation, Institution
from db.models.oauth import (
    AuthorizationCode,
    OAuthClient,
    RefreshToken,
    RevokedAccessToken,
    SigningKey,
)
from db.models.persisted_query import PersistedQuery
from db.models.rate_budget import RateBudget
from db.models.taxonomy import Sector, Skill

__all__ = [
    "AccessLogEntry",
    "Account",
    "AccountToken",
    "Affiliation",
    "AuditLogEntry",
    "AuthorizationCode",
    "Chapter",
    "ConsentGrant",
    "Education",
    "Engineer",
    "EngineerSector",
    "EngineerSkill",
    "ForumCategory",
    "ForumPost",
    "ForumReport",
    "ForumThread",
    "ForumVote",
    "Institution",
    "LoginAttempt",
    "Membership",
    "OAuthClient",
    "OutboxEmail",
    "PersistedQuery",
    "Position",
    "RateBudget",
    "RefreshToken",
    "RevokedAccessToken",
    "Sector",
    "SigningKey",
    "Skill",
]
