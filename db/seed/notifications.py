"""Demo notifications: replies to people's forum threads, @mentions, membership decisions, a
few channel preferences; most older ones read, the rest unread (none awaiting a digest, so that
a first start does not mail everyone).

Written with set-based INSERT … SELECT over the seeded forum and memberships (deterministic:
choices follow row ids), after the contribution seed wrote its own notification rows.
"""

from collections import Counter

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

NOTIFICATION_TABLES = ("notifications", "notification_preferences")

REPLIES = """
INSERT INTO notifications (recipient_id, kind, thread_id, post_id, chapter_id, actor_id,
    payload, created_at, read_at, digest_pending)
SELECT t.author_id, 'FORUM_REPLY', t.id, p.id, c.chapter_id, p.author_id,
    jsonb_build_object(
        'summary', '@' || e.handle || ' replied to your thread “' || t.title || '”',
        'excerpt', left(p.body, 279)
    ),
    p.created_at,
    CASE WHEN p.created_at < now() - interval '14 days' AND p.id % 3 <> 0
        THEN p.created_at + interval '1 day' END,
    false
FROM forum_posts p
JOIN forum_threads t ON t.id = p.thread_id
JOIN forum_categories c ON c.id = t.category_id
JOIN engineers e ON e.id = p.author_id
WHERE NOT p.hidden AND NOT t.hidden AND t.author_id IS NOT NULL AND t.author_id <> p.author_id
ORDER BY p.id
"""

MENTIONS = """
INSERT INTO notifications (recipient_id, kind, thread_id, post_id, chapter_id, actor_id,
    payload, created_at, read_at)
SELECT m.id, 'FORUM_MENTION', t.id, p.id, c.chapter_id, p.author_id,
    jsonb_build_object(
        'summary', '@' || e.handle || ' mentioned you in “' || t.title || '”',
        'excerpt', '@' || m.handle || ' — ' || left(p.body, 250)
    ),
    p.created_at,
    CASE WHEN p.id % 2 = 0 THEN p.created_at + interval '2 hours' END
FROM forum_posts p
JOIN forum_threads t ON t.id = p.thread_id
JOIN forum_categories c ON c.id = t.category_id AND NOT c.members_only
JOIN engineers e ON e.id = p.author_id
JOIN engineers m ON m.id = (SELECT max(id) FROM engineers) - p.id % 97
WHERE NOT p.hidden AND p.id % 13 = 0 AND m.id <> p.author_id
ORDER BY p.id
"""

DECISIONS = """
INSERT INTO notifications (recipient_id, kind, chapter_id, payload, created_at, read_at)
SELECT m.engineer_id,
    CASE m.status WHEN 'ACTIVE' THEN 'MEMBERSHIP_APPROVED' ELSE 'MEMBERSHIP_SUSPENDED' END,
    m.chapter_id,
    jsonb_build_object('summary', CASE m.status
        WHEN 'ACTIVE' THEN 'Welcome to ' || ch.name || ': your membership was approved'
        ELSE 'Your membership of ' || ch.name || ' was suspended' END),
    m.since,
    CASE WHEN m.since < now() - interval '30 days' THEN m.since + interval '3 days' END
FROM memberships m
JOIN chapters ch ON ch.id = m.chapter_id
WHERE (m.status = 'ACTIVE' AND m.id % 4 = 0) OR m.status = 'SUSPENDED'
ORDER BY m.id
"""

PREFERENCES = """
INSERT INTO notification_preferences (engineer_id, kind, channel)
SELECT e.id, choice.kind, choice.channel
FROM engineers e
JOIN (VALUES (0, 'FORUM_REPLY', 'EMAIL'), (1, 'FORUM_REPLY', 'NONE'),
             (2, 'FORUM_MENTION', 'EMAIL_DIGEST'), (3, 'APPLICATION_RECEIVED', 'IN_APP'))
    AS choice(slot, kind, channel) ON e.id % 17 = choice.slot
ORDER BY e.id
"""


async def seed_notifications(connection: AsyncConnection) -> Counter[str]:
    """Write the demo notifications and preferences; counts per kind of row."""
    counts: Counter[str] = Counter()
    for name, statement in (
        ("forum_replies", REPLIES),
        ("forum_mentions", MENTIONS),
        ("membership_decisions", DECISIONS),
        ("notification_preferences", PREFERENCES),
    ):
        result = await connection.execute(text(statement))
        counts[name] = result.rowcount
    counts["notifications"] = sum(
        counts[name] for name in ("forum_replies", "forum_mentions", "membership_decisions")
    )
    return counts
