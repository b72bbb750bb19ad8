"""The data-export document: every part of what the portal holds about one engineer, built
inside PostgreSQL by one statement (secret columns — hashes of passwords and tokens — left out)."""

from sqlalchemy import text


def _rows(table: str, where: str, *, drop: tuple[str, ...] = (), order: str = "id") -> str:
    """A section: the engineer's rows of `table` as a JSON array (secret columns dropped)."""
    removed = "".join(f" - '{column}'" for column in drop)
    return (
        f"(SELECT COALESCE(jsonb_agg(to_jsonb(x){removed} ORDER BY x.{order}), '[]'::jsonb)"
        f" FROM {table} x WHERE {where})"
    )


OWN_ENGAGEMENTS = "(SELECT id FROM engagements WHERE contributor_id = :id OR seeker_id = :id)"
SECTIONS: dict[str, str] = {
    "profile": "(SELECT to_jsonb(x) - 'search_vector' - 'search_vector_without_skills'"
    " - 'erased_at' FROM engineers x WHERE x.id = :id)",
    "account": "(SELECT to_jsonb(x) - 'password_hash' FROM accounts x WHERE x.engineer_id = :id)",
    "sectors": "(SELECT COALESCE(jsonb_agg(s.slug ORDER BY s.slug), '[]'::jsonb)"
    " FROM engineer_sectors x JOIN sectors s ON s.id = x.sector_id WHERE x.engineer_id = :id)",
    "skills": "(SELECT COALESCE(jsonb_agg(jsonb_build_object('skill', s.slug, 'level', x.level,"
    " 'years', x.years) ORDER BY s.slug), '[]'::jsonb)"
    " FROM engineer_skills x JOIN skills s ON s.id = x.skill_id WHERE x.engineer_id = :id)",
    "positions": _rows("positions", "x.engineer_id = :id"),
    "education": _rows("education", "x.engineer_id = :id"),
    "affiliations": _rows("affiliations", "x.engineer_id = :id"),
    "memberships": _rows("memberships", "x.engineer_id = :id"),
    "applications": _rows("applications", "x.applicant_id = :id"),
    "invitations": _rows("invitations", "x.engineer_id = :id"),
    "opportunitiesPosted": _rows("opportunities", "x.poster_id = :id", drop=("search",)),
    "engagements": _rows("engagements", "x.contributor_id = :id OR x.seeker_id = :id"),
    "engagementSessions": _rows("engagement_sessions", f"x.engagement_id IN {OWN_ENGAGEMENTS}"),
    "milestones": _rows("engagement_milestones", f"x.engagement_id IN {OWN_ENGAGEMENTS}"),
    "feedback": _rows("engagement_feedback", "x.author_id = :id OR x.subject_id = :id"),
    "problemReports": _rows("engagement_problem_reports", "x.reporter_id = :id"),
    "ledger": _rows("ledger_entries", "x.engineer_id = :id"),
    "forumThreads": _rows("forum_threads", "x.author_id = :id", drop=("search",)),
    "forumPosts": _rows("forum_posts", "x.author_id = :id"),
    "forumVotes": _rows("forum_votes", "x.engineer_id = :id", order="post_id"),
    "forumReports": _rows("forum_reports", "x.reporter_id = :id"),
    "eventRegistrations": _rows("event_registrations", "x.engineer_id = :id"),
    "eventsSpokenAt": _rows("event_speakers", "x.engineer_id = :id"),
    "announcementsWritten": _rows("chapter_announcements", "x.author_id = :id"),
    "consentGrants": _rows("consent_grants", "x.engineer_id = :id"),
    "accessLog": _rows("access_log", "x.engineer_id = :id"),
    "notifications": _rows("notifications", "x.recipient_id = :id"),
    "notificationPreferences": _rows(
        "notification_preferences", "x.engineer_id = :id", order="kind"
    ),
    "signInSessions": _rows("refresh_tokens", "x.engineer_id = :id", drop=("token_hash",)),
    "calendarFeed": "(SELECT jsonb_build_object('createdAt', x.created_at)"
    " FROM calendar_feeds x WHERE x.engineer_id = :id)",
    "actionsAudited": "(SELECT COALESCE(jsonb_agg(jsonb_build_object('action', x.action,"
    " 'targetType', x.target_type, 'targetId', x.target_id, 'createdAt', x.created_at)"
    " ORDER BY x.id), '[]'::jsonb) FROM audit_log x WHERE x.actor_engineer_id = :id"
    " OR (x.target_type = 'Engineer' AND x.target_id = :id))",
    "dataExports": _rows(
        "data_exports",
        "x.engineer_id = :id",
        drop=("token_hash", "document", "claimed_by", "last_error"),
    ),
}
"""Each part of the document: what the portal holds about engineer `:id`."""

DOCUMENT = (
    "jsonb_build_object('format', 'braingain-data-export/1', 'generatedAt', clock_timestamp(), "
    + ", ".join(f"'{name}', {sql}" for name, sql in SECTIONS.items())
    + ")"
)

BUILD = text(
    f"""
UPDATE data_exports d
SET document = built.document, byte_size = octet_length(built.document::text),
    status = 'READY', ready_at = built.at,
    expires_at = built.at + CAST(:lifetime AS interval), last_error = NULL
FROM (SELECT {DOCUMENT} AS document, clock_timestamp() AS at) built
WHERE d.id = :export_id
"""
)

SIZE = text(
    """
SELECT (SELECT count(*) FROM notifications WHERE recipient_id = :id)
     + (SELECT count(*) FROM forum_posts WHERE author_id = :id)
     + (SELECT count(*) FROM forum_votes WHERE engineer_id = :id)
     + (SELECT count(*) FROM ledger_entries WHERE engineer_id = :id)
     + (SELECT count(*) FROM access_log WHERE engineer_id = :id)
     + (SELECT count(*) FROM engagement_sessions s JOIN engagements e ON e.id = s.engagement_id
        WHERE e.contributor_id = :id OR e.seeker_id = :id)
     + (SELECT count(*) FROM event_registrations WHERE engineer_id = :id)
"""
)
"""How many rows the largest sections of an engineer's export would hold."""
