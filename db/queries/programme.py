"""Mentorship programme queries: scoring mentor-mentee pairs with the contribution engine's
matching, the orderings of programmes and applications, and the programme report's figures."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.queries.matching import OCCUPYING, SCORING, WORKDAY_END, WORKDAY_START, parameters_for
from db.queries.pagination import Ordering

PROGRAMME_ORDERING = Ordering("NEWEST", ("created_at", "id"), descending=True)
APPLICATION_ORDERING = Ordering("OLDEST", ("created_at", "id"))
PAIR_ORDERING = Ordering("MADE", ("id",))
SORT_MEMORY = "64MB"
PAIRS_PER_STATEMENT = 3_000
"""Pairs one scoring statement handles at most (a slice of the mentors against all mentees)."""
"""work_mem for the scoring statement's transaction (its sort holds every pair's factors)."""

_RANK = "array_position(ARRAY['BEGINNER','INTERMEDIATE','ADVANCED','EXPERT'], {level})"
_OFFSET = (
    "extract(epoch FROM (now() AT TIME ZONE {e}.timezone) - (now() AT TIME ZONE 'UTC')) / 3600.0"
)

# A mentee stands where an opportunity stands in the contribution engine's matching: their
# sectors are the sectors wanted, their skills (at their own level) the skills wanted, their
# disciplines and languages the ones asked for, their local working day (08-22) the meeting
# window, the programme's hours per month the effort and its chapter the chapter. Applying to
# a programme shares with its coordinators the profile fields that matching reads, so every
# field counts (the v_* flags are true).
_PAIRS = f"""
WITH programme AS MATERIALIZED (
    SELECT p.id, p.hours_per_month, p.chapter_id FROM mentorship_programmes p
    WHERE p.id = :programme_id
), mentees AS MATERIALIZED (
    SELECT
        a.id AS application_id,
        m.id AS mentee_id,
        m.disciplines,
        m.languages,
        {_OFFSET.format(e="m")} AS utc_offset,
        coalesce((SELECT array_agg(es.sector_id ORDER BY es.sector_id) FROM engineer_sectors es
                  WHERE es.engineer_id = m.id), '{{}}') AS sector_ids,
        coalesce((SELECT array_agg(lower(s.name) ORDER BY es.sector_id)
                  FROM engineer_sectors es JOIN sectors s ON s.id = es.sector_id
                  WHERE es.engineer_id = m.id), '{{}}') AS sector_names,
        coalesce((SELECT array_agg(ek.skill_id ORDER BY ek.skill_id) FROM engineer_skills ek
                  WHERE ek.engineer_id = m.id), '{{}}') AS skill_ids,
        coalesce((SELECT array_agg({_RANK.format(level="ek.level")} ORDER BY ek.skill_id)
                  FROM engineer_skills ek WHERE ek.engineer_id = m.id), '{{}}') AS skill_ranks,
        coalesce((SELECT array_agg(lower(k.name) ORDER BY ek.skill_id)
                  FROM engineer_skills ek JOIN skills k ON k.id = ek.skill_id
                  WHERE ek.engineer_id = m.id), '{{}}') AS skill_names,
        (SELECT count(*) FROM engineer_skills WHERE engineer_id = m.id) AS skill_count
    FROM mentorship_applications a JOIN engineers m ON m.id = a.applicant_id
    WHERE a.id = ANY(CAST(:mentee_ids AS int[]))
), mentors AS MATERIALIZED (
    SELECT
        a.id AS application_id,
        e.id AS engineer_id,
        e.capacity_hours_per_month - coalesce(load.hours, 0) AS hours_left,
        e.disciplines,
        e.languages,
        {_OFFSET.format(e="e")} AS utc_offset
    FROM mentorship_applications a
    JOIN engineers e ON e.id = a.applicant_id
    LEFT JOIN (
        SELECT g.contributor_id, sum(g.hours_per_month) AS hours
        FROM engagements g WHERE g.status IN {OCCUPYING} GROUP BY g.contributor_id
    ) load ON load.contributor_id = e.id
    WHERE a.id = ANY(CAST(:mentor_ids AS int[]))
), pairs AS MATERIALIZED (
    SELECT
        (r.application_id::bigint << 32) | m.application_id AS pair_id,
        r.engineer_id,
        r.hours_left,
        p.hours_per_month AS o_hours,
        m.disciplines AS o_disciplines,
        r.disciplines AS e_disciplines,
        m.languages AS o_languages,
        r.languages AS e_languages,
        {WORKDAY_START} - m.utc_offset AS window_start,
        {WORKDAY_END} - m.utc_offset AS window_end,
        r.utc_offset,
        m.sector_ids,
        m.sector_names,
        m.skill_ids,
        m.skill_ranks,
        m.skill_names,
        m.skill_count,
        CASE WHEN p.chapter_id IS NULL THEN '{{}}'::int[] ELSE ARRAY[p.chapter_id] END
            AS chapter_ids,
        true AS v_sectors, true AS v_skills, true AS v_languages, true AS v_timezone,
        true AS v_capacity
    FROM mentors r CROSS JOIN mentees m CROSS JOIN programme p
    WHERE r.engineer_id <> m.mentee_id
)"""


@dataclass(frozen=True)
class PairScore:
    """A scored (mentor application, mentee application) pair with its factors and sentence."""

    mentor_application_id: int
    mentee_application_id: int
    score: Decimal
    factors: list[dict[str, Any]]
    sentence: str


async def score_pairs(
    session: AsyncSession | AsyncConnection,
    programme_id: int,
    mentor_application_ids: Sequence[int],
    mentee_application_ids: Sequence[int],
) -> list[PairScore]:
    """Every mentor-by-mentee pair scored by the contribution engine's matching
    (db.queries.matching.SCORING), best first: one statement per slice of mentors holding at
    most PAIRS_PER_STATEMENT pairs, so that a large cohort stays within the statement
    timeout."""
    if not mentor_application_ids or not mentee_application_ids:
        return []
    # Every pair's row carries its factors (jsonb) into the statement's sort, which spills to
    # disk at the default work_mem.
    await session.execute(text(f"SET LOCAL work_mem = '{SORT_MEMORY}'"))
    mentors = list(mentor_application_ids)
    step = max(1, PAIRS_PER_STATEMENT // len(mentee_application_ids))
    found: list[PairScore] = []
    for start in range(0, len(mentors), step):
        chunk = mentors[start : start + step]
        parameters = parameters_for(
            len(chunk) * len(mentee_application_ids), None, programme_id=programme_id
        )
        parameters["mentor_ids"] = chunk
        parameters["mentee_ids"] = list(mentee_application_ids)
        result = await session.execute(text(_PAIRS + SCORING), parameters)
        found += [
            PairScore(
                row.pair_id >> 32,
                row.pair_id & 0xFFFFFFFF,
                Decimal(row.score),
                list(row.factors),
                row.sentence,
            )
            for row in result
        ]
    found.sort(
        key=lambda pair: (-pair.score, pair.mentor_application_id, pair.mentee_application_id)
    )
    return found


_ENGAGEMENTS = (
    "(SELECT {t}_p.engagement_id FROM mentorship_pairs {t}_p WHERE {t}_p.programme_id = {t}.id)"
)

REPORT_SQL: dict[str, str] = {
    "pairs": "(SELECT count(*) FROM mentorship_pairs {t}_r WHERE {t}_r.programme_id = {t}.id)",
    "mentors": (
        "(SELECT count(DISTINCT {t}_r.mentor_application_id) FROM mentorship_pairs {t}_r"
        " WHERE {t}_r.programme_id = {t}.id)"
    ),
    "engagements": (
        "(SELECT count(*) FROM engagements {t}_g WHERE {t}_g.id IN " + _ENGAGEMENTS + ")"
    ),
    "completedEngagements": (
        "(SELECT count(*) FROM engagements {t}_g WHERE {t}_g.id IN "
        + _ENGAGEMENTS
        + " AND {t}_g.status = 'COMPLETED')"
    ),
    "completionRate": (
        "(SELECT CASE WHEN count(*) = 0 THEN 0 ELSE round(count(*) FILTER"
        " (WHERE {t}_g.status = 'COMPLETED')::numeric / count(*), 4) END::float8"
        " FROM engagements {t}_g WHERE {t}_g.id IN " + _ENGAGEMENTS + ")"
    ),
    "sessionsHeld": (
        "(SELECT count(*) FROM engagement_sessions {t}_s WHERE {t}_s.engagement_id IN "
        + _ENGAGEMENTS
        + ")"
    ),
    "hours": (
        "(SELECT round(coalesce(sum({t}_s.minutes), 0) / 60.0, 2)::float8"
        " FROM engagement_sessions {t}_s WHERE {t}_s.engagement_id IN " + _ENGAGEMENTS + ")"
    ),
    "feedbackCount": (
        "(SELECT count(*) FROM engagement_feedback {t}_f WHERE {t}_f.engagement_id IN "
        + _ENGAGEMENTS
        + ")"
    ),
    "averageRating": (
        "(SELECT round(avg({t}_f.rating), 2)::float8 FROM engagement_feedback {t}_f"
        " WHERE {t}_f.engagement_id IN " + _ENGAGEMENTS + ")"
    ),
}
"""A programme's report, each figure a SQL expression over the programme row `{t}`: the
compiled read path inlines these, strawberry's loader selects the very same text."""


