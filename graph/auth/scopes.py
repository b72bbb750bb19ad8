"""The OAuth2 / chapter-role scopes: the only place a scope string is spelled."""

import enum


class Scope(enum.StrEnum):
    """A permission, named `<domain>:<action>`, granted by a token or by a chapter role."""

    PROFILES_READ = "profiles:read"
    """Read engineer profiles (fields beyond public still need visibility or consent)."""

    PROFILES_WRITE = "profiles:write"
    """Edit the signed-in engineer's own profile."""

    CHAPTERS_READ = "chapters:read"
    """Read chapters, their events and announcements."""

    MEMBERSHIPS_WRITE = "memberships:write"
    """Join and leave chapters as the signed-in engineer."""

    MEMBERS_READ = "members:read"
    """List a chapter's members, including pending requests."""

    MEMBERS_MANAGE = "members:manage"
    """Approve, suspend and remove a chapter's members."""

    ROLES_ASSIGN = "roles:assign"
    """Give chapter members a role (moderator, events lead, coordinator)."""

    EVENTS_MANAGE = "events:manage"
    """Create, edit and cancel a chapter's events; check attendees in."""

    ANNOUNCEMENTS_WRITE = "announcements:write"
    """Publish announcements to a chapter."""

    FORUM_WRITE = "forum:write"
    """Start threads, post, vote and report in the forum."""

    FORUM_MODERATE = "forum:moderate"
    """Hide, lock and pin forum threads and posts; resolve reports."""

    OPPORTUNITIES_READ = "opportunities:read"
    """Read opportunities, including chapter-only and invited ones visible to the viewer."""

    OPPORTUNITIES_WRITE = "opportunities:write"
    """Post opportunities and manage applications on behalf of a seeker."""

    ENGAGEMENTS_READ = "engagements:read"
    """Read engagements the viewer takes part in, with milestones and session logs."""

    ENGAGEMENTS_WRITE = "engagements:write"
    """Apply, accept, log sessions, complete and review engagements."""

    CONSENT_MANAGE = "consent:manage"
    """Grant and revoke institutions' consent to read profile fields; read the access log."""

    AUDIT_READ = "audit:read"
    """Read the audit log of privileged mutations."""

    COUNCIL_ADMIN = "council:admin"
    """Administer the portal: Hall of Fame votes, institution verification, every chapter."""
