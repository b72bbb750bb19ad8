"""Aggregate SELECTs behind the public statistics: exact counts with the number of people each
covers (suppression is the caller's business), portal-wide (chapter NULL) and per chapter.

A chapter's figures count its ACTIVE members (an engineer in two chapters counts in both);
portal-wide figures count everyone once. Archived chapters are left out.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import RowMapping, text
from sqlalchemy.ext.asyncio import AsyncSession

MEMBERS = """
    SELECT m.engineer_id, c.id AS chapter_id, c.region
    FROM memberships m JOIN chapters c ON c.id = m.chapter_id AND c.archived_at IS NULL
    WHERE m.status = 'ACTIVE'
"""
"""Active members of live chapters, with the chapter's region."""

SUPPLY = f"""
WITH members AS ({MEMBERS}),
offering AS (
    SELECT e.id AS engineer_id, offer.kind, es.sector_id
    FROM engineers e
    CROSS JOIN LATERAL unnest(e.offers) AS offer(kind)
    JOIN engineer_sectors es ON es.engineer_id = e.id
),
placed AS (
    SELECT o.engineer_id, o.kind, o.sector_id, m.chapter_id, m.region
    FROM offering o JOIN members m ON m.engineer_id = o.engineer_id
)
SELECT sector_id, NULL::int AS chapter_id, NULL::text AS region, kind,
       count(DISTINCT engineer_id) AS people
FROM offering GROUP BY GROUPING SETS ((sector_id, kind), (sector_id))
UNION ALL
SELECT sector_id, chapter_id, region, kind, count(DISTINCT engineer_id)
FROM placed
GROUP BY GROUPING SETS ((sector_id, chapter_id, region, kind), (sector_id, chapter_id, region),
                        (sector_id, region, kind), (sector_id, region))
"""
"""Contributors offering each kind (NULL: any kind) with each sector: portal-wide, per chapter
(with its region) and per region (chapter NULL, region set)."""

DEMAND = """
WITH open AS (
    SELECT o.id, o.kind, o.visibility, os.sector_id
    FROM opportunities o JOIN opportunity_sectors os ON os.opportunity_id = o.id
    WHERE o.status = 'OPEN' AND (o.deadline IS NULL OR o.deadline > now())
      AND o.visibility IN ('PUBLIC', 'CHAPTER')
),
reach AS (
    SELECT open.id, open.kind, open.sector_id, c.id AS chapter_id, c.region
    FROM open JOIN chapters c ON c.archived_at IS NULL
    WHERE open.visibility = 'PUBLIC' OR EXISTS (
        SELECT 1 FROM opportunity_chapters oc
        WHERE oc.opportunity_id = open.id AND oc.chapter_id = c.id
    )
)
SELECT sector_id, NULL::int AS chapter_id, NULL::text AS region, kind, count(DISTINCT id) AS n
FROM open GROUP BY GROUPING SETS ((sector_id, kind), (sector_id))
UNION ALL
SELECT sector_id, chapter_id, region, kind, count(DISTINCT id)
FROM reach
GROUP BY GROUPING SETS ((sector_id, chapter_id, region, kind), (sector_id, chapter_id, region),
                        (sector_id, region, kind), (sector_id, region))
"""
"""Open opportunities (not past their deadline, not invitation-only) of each kind in each
sector that a chapter's members may see: public ones everywhere, chapter ones where named."""

FUNNEL = f"""
WITH members AS ({MEMBERS}),
stages AS (
    SELECT 'APPLIED' AS stage, a.id, a.applicant_id AS engineer_id FROM applications a
    UNION ALL
    SELECT 'ACCEPTED', g.id, g.contributor_id FROM engagements g
    UNION ALL
    SELECT 'ACTIVE', g.id, g.contributor_id FROM engagements g WHERE g.started_at IS NOT NULL
    UNION ALL
    SELECT 'COMPLETED', g.id, g.contributor_id FROM engagements g WHERE g.status = 'COMPLETED'
)
SELECT stage, NULL::int AS chapter_id, count(*) AS n, count(DISTINCT engineer_id) AS people
FROM stages GROUP BY stage
UNION ALL
SELECT s.stage, m.chapter_id, count(*), count(DISTINCT s.engineer_id)
FROM stages s JOIN members m ON m.engineer_id = s.engineer_id
GROUP BY s.stage, m.chapter_id
"""
"""Applications made, engagements accepted, started and completed, with their contributors."""

HOURS = f"""
WITH members AS ({MEMBERS}),
recent AS (
    SELECT date_trunc('month', l.occurred_on)::date AS month, l.engineer_id, l.minutes
    FROM ledger_entries l WHERE l.occurred_on >= :since
)
SELECT month, NULL::int AS chapter_id, sum(minutes) AS minutes,
       count(DISTINCT engineer_id) AS people
FROM recent GROUP BY month
UNION ALL
SELECT r.month, m.chapter_id, sum(r.minutes), count(DISTINCT r.engineer_id)
FROM recent r JOIN members m ON m.engineer_id = r.engineer_id
GROUP BY r.month, m.chapter_id
"""
"""Countersigned minutes per month since `since`, with the contributors credited."""

RESPONSE = f"""
WITH members AS ({MEMBERS}),
posted AS (SELECT o.id, o.created_at FROM opportunities o WHERE o.status <> 'DRAFT'),
firsts AS (
    SELECT p.id, NULL::int AS chapter_id, p.created_at, min(a.created_at) AS first_at,
           (array_agg(a.applicant_id ORDER BY a.created_at, a.id))[1] AS responder
    FROM posted p JOIN applications a ON a.opportunity_id = p.id
    GROUP BY p.id, p.created_at
    UNION ALL
    SELECT p.id, m.chapter_id, p.created_at, min(a.created_at),
           (array_agg(a.applicant_id ORDER BY a.created_at, a.id))[1]
    FROM posted p JOIN applications a ON a.opportunity_id = p.id
    JOIN members m ON m.engineer_id = a.applicant_id
    GROUP BY p.id, m.chapter_id, p.created_at
),
windows AS (
    SELECT * FROM unnest(CAST(:chapters AS int[]), CAST(:days AS int[])) AS w(chapter_id, days)
),
measured AS (
    SELECT f.chapter_id, f.responder,
           extract(epoch FROM f.first_at - f.created_at) / 3600 AS hours,
           f.first_at > now() - make_interval(days => coalesce(w.days, 0)) AS recent
    FROM firsts f LEFT JOIN windows w ON w.chapter_id = f.chapter_id
)
SELECT chapter_id,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS median_hours,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) AS p90_hours,
       count(*) AS responded,
       count(DISTINCT responder) AS people,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FILTER (WHERE recent) AS window_median,
       count(DISTINCT responder) FILTER (WHERE recent) AS window_people
FROM measured GROUP BY chapter_id
"""
"""Hours from posting to the first application (the first from the chapter's members, per
chapter): median and 90th percentile, opportunities answered, distinct first responders; and
the median over each chapter's scorecard window."""

AWAITING = """
SELECT count(*) FROM opportunities o
WHERE o.status = 'OPEN' AND (o.deadline IS NULL OR o.deadline > now())
  AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.opportunity_id = o.id)
"""
"""Open opportunities nobody has applied to yet."""

COUNTRIES = f"""
WITH members AS ({MEMBERS}),
hours AS (SELECT engineer_id, sum(minutes) AS minutes FROM ledger_entries GROUP BY engineer_id),
people AS (
    SELECT e.id, e.country_code, cardinality(e.offers) > 0 AS offers, h.minutes
    FROM engineers e LEFT JOIN hours h ON h.engineer_id = e.id
)
SELECT country_code, NULL::int AS chapter_id, count(*) AS engineers,
       count(*) FILTER (WHERE offers) AS contributors,
       coalesce(sum(minutes), 0) AS minutes, count(minutes) AS credited
FROM people GROUP BY country_code
UNION ALL
SELECT p.country_code, m.chapter_id, count(*), count(*) FILTER (WHERE p.offers),
       coalesce(sum(p.minutes), 0), count(p.minutes)
FROM people p JOIN members m ON m.engineer_id = p.id
GROUP BY p.country_code, m.chapter_id
"""
"""Engineers by country of residence: how many, how many offer help, their countersigned
minutes and how many of them have any."""

FORUM = """
WITH posts AS (
    SELECT date_trunc('month', p.created_at)::date AS month, p.author_id, p.thread_id,
           fc.chapter_id, false AS opens
    FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id
    JOIN forum_categories fc ON fc.id = t.category_id
    WHERE p.created_at >= :since AND NOT p.hidden AND NOT t.hidden
    UNION ALL
    SELECT date_trunc('month', t.created_at)::date, t.author_id, t.id, fc.chapter_id, true
    FROM forum_threads t JOIN forum_categories fc ON fc.id = t.category_id
    WHERE t.created_at >= :since AND NOT t.hidden
)
SELECT month, NULL::int AS chapter_id, count(*) FILTER (WHERE opens) AS threads,
       count(*) FILTER (WHERE NOT opens) AS posts, count(DISTINCT author_id) AS people
FROM posts GROUP BY month
UNION ALL
SELECT month, chapter_id, count(*) FILTER (WHERE opens), count(*) FILTER (WHERE NOT opens),
       count(DISTINCT author_id)
FROM posts WHERE chapter_id IS NOT NULL GROUP BY month, chapter_id
"""
"""Threads opened and replies posted per month (hidden ones left out), with their authors:
portal-wide and in each chapter's own categories."""

SCORECARDS = """
WITH windows AS (
    SELECT * FROM unnest(CAST(:chapters AS int[]), CAST(:days AS int[])) AS w(chapter_id, days)
)
SELECT w.chapter_id,
       (SELECT count(*) FROM events ev
        WHERE (ev.chapter_id = w.chapter_id
               OR (ev.cohost_chapter_id = w.chapter_id AND ev.cohost_accepted_at IS NOT NULL))
          AND ev.status = 'SCHEDULED' AND ev.ends_at <= now()
          AND ev.ends_at > now() - make_interval(days => w.days)) AS events_held,
       (SELECT count(*) FROM memberships m
        WHERE m.chapter_id = w.chapter_id AND m.status = 'ACTIVE') AS active_members,
       (SELECT count(*) FROM engagements g
        JOIN memberships m ON m.engineer_id = g.contributor_id
             AND m.chapter_id = w.chapter_id AND m.status = 'ACTIVE'
        WHERE g.started_at > now() - make_interval(days => w.days)) AS engagements,
       (SELECT count(DISTINCT g.contributor_id) FROM engagements g
        JOIN memberships m ON m.engineer_id = g.contributor_id
             AND m.chapter_id = w.chapter_id AND m.status = 'ACTIVE'
        WHERE g.started_at > now() - make_interval(days => w.days)) AS engaged_people
FROM windows w
"""
"""Per chapter over its scorecard window: events held (ended, not cancelled, hosted or
co-hosted), active members now, engagements its members started and how many members."""

LABELS = """
SELECT 'sector' AS what, id, slug, name, NULL::text AS region FROM sectors
UNION ALL
SELECT 'chapter', id, slug, name, region FROM chapters WHERE archived_at IS NULL
"""


@dataclass(frozen=True)
class RawFigures:
    """Every aggregate's rows, as PostgreSQL returned them (mappings by column name)."""

    labels: Sequence[RowMapping]
    supply: Sequence[RowMapping]
    demand: Sequence[RowMapping]
    funnel: Sequence[RowMapping]
    hours: Sequence[RowMapping]
    response: Sequence[RowMapping]
    awaiting: int
    countries: Sequence[RowMapping]
    forum: Sequence[RowMapping]
    scorecards: Sequence[RowMapping]


async def _rows(session: AsyncSession, sql: str, **parameters: Any) -> Sequence[RowMapping]:
    return (await session.execute(text(sql), parameters)).mappings().all()


async def load_figures(
    session: AsyncSession, since: date, windows: Mapping[int, int]
) -> RawFigures:
    """Every figure, one statement each: monthly series from `since`; `windows` maps chapter
    id → scorecard window in days."""
    chapters, days = list(windows), list(windows.values())
    return RawFigures(
        labels=await _rows(session, LABELS),
        supply=await _rows(session, SUPPLY),
        demand=await _rows(session, DEMAND),
        funnel=await _rows(session, FUNNEL),
        hours=await _rows(session, HOURS, since=since),
        response=await _rows(session, RESPONSE, chapters=chapters, days=days),
        awaiting=int((await session.execute(text(AWAITING))).scalar_one()),
        countries=await _rows(session, COUNTRIES),
        forum=await _rows(session, FORUM, since=since),
        scorecards=await _rows(session, SCORECARDS, chapters=chapters, days=days),
    )


async def chapter_ids(session: AsyncSession) -> dict[str, int]:
    """Live chapters: slug → id."""
    rows = await session.execute(text("SELECT slug, id FROM chapters WHERE archived_at IS NULL"))
    return {str(slug): int(chapter_id) for slug, chapter_id in rows.all()}
