"""Matching in one statement: contributors ranked for an opportunity, or opportunities for a
contributor, each with a score, its factors and one human sentence."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, FromClause, literal_column, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Engineer, Opportunity

# factor → weight; the weights sum to 1, so a score is between 0 and 1
WEIGHTS: dict[str, Decimal] = {
    "sectorOverlap": Decimal("0.25"),
    "skillOverlap": Decimal("0.30"),
    "disciplines": Decimal("0.10"),
    "capacityLeft": Decimal("0.10"),
    "timezoneOverlap": Decimal("0.10"),
    "sharedLanguage": Decimal("0.05"),
    "chapter": Decimal("0.05"),
    "pastFeedback": Decimal("0.05"),
}

WORKDAY_START = 8
"""A contributor's local hour from which they are assumed reachable."""
WORKDAY_END = 22
"""A contributor's local hour until which they are assumed reachable."""

ENGINEERS = Engineer.__table__
OPPORTUNITIES = Opportunity.__table__

OCCUPYING = "('PROPOSED', 'ACTIVE', 'PAUSED')"


@dataclass(frozen=True)
class Audience:
    """SQL predicates over the `engineers` row: which of its fields the asker may see."""

    sectors: ColumnElement[bool]
    skills: ColumnElement[bool]
    languages: ColumnElement[bool]
    timezone: ColumnElement[bool]
    capacity: ColumnElement[bool]


@dataclass(frozen=True)
class Match:
    """One ranked pair: the other side's id, the score, each factor, and a sentence."""

    id: int
    score: Decimal
    factors: list[dict[str, Any]]
    sentence: str


def _inline(predicate: ColumnElement[bool], table: FromClause) -> str:
    """A predicate over `table` as PostgreSQL text, values inlined.

    It is compiled inside `SELECT … FROM table WHERE predicate` so that its EXISTS subqueries
    correlate to the table instead of listing it again in their own FROM; the WHERE is cut out.
    """
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy
    compiled = str(
        select(literal_column("1"))
        .select_from(table)
        .where(predicate)
        .compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    )
    return compiled.split("\nWHERE ", 1)[1]


FACTOR_COLUMNS: dict[str, str] = {
    "sectorOverlap": "sector_value",
    "skillOverlap": "skill_value",
    "disciplines": "discipline_value",
    "capacityLeft": "capacity_value",
    "timezoneOverlap": "timezone_value",
    "sharedLanguage": "language_value",
    "chapter": "chapter_value",
    "pastFeedback": "feedback_value",
}

_FACTORS_JSON = ",\n        ".join(
    f"jsonb_build_object('factor', '{name}', 'weight', {WEIGHTS[name]},"
    f" 'value', round({column}, 4), 'contribution', round({WEIGHTS[name]} * {column}, 4))"
    for name, column in FACTOR_COLUMNS.items()
)

# Pairs (o, e) enter as the CTE `pairs`; everything below scores them the same way for both
# directions. `e` must carry the visibility flags v_sectors … v_capacity.
_SCORING = f"""
, scored AS MATERIALIZED (
    SELECT
        p.pair_id,
        p.hours_left,
        p.v_capacity,
        coalesce(sector.shared::numeric / nullif(cardinality(p.sector_ids), 0), 0) AS sector_value,
        sector.names AS sector_names,
        coalesce(skill.total / nullif(p.skill_count, 0), 0) AS skill_value,
        skill.described AS skill_names,
        CASE WHEN cardinality(p.o_disciplines) = 0 THEN 1
             ELSE cardinality(ARRAY(
                 SELECT unnest(p.o_disciplines) INTERSECT SELECT unnest(p.e_disciplines)
             ))::numeric / cardinality(p.o_disciplines) END AS discipline_value,
        least(p.hours_left::numeric / p.o_hours, 2) / 2 AS capacity_value,
        tz.hours AS overlap_hours,
        CASE WHEN NOT p.v_timezone THEN 0 ELSE least(tz.hours, 4) / 4 END AS timezone_value,
        CASE WHEN cardinality(p.o_languages) = 0 THEN 1
             WHEN p.v_languages AND p.e_languages && p.o_languages THEN 1 ELSE 0 END
            AS language_value,
        CASE WHEN chapter.shared THEN 1 ELSE 0 END AS chapter_value,
        coalesce(feedback.average / 5, 0) AS feedback_value,
        feedback.average AS feedback_average
    FROM pairs p
    CROSS JOIN LATERAL (
        SELECT count(*) AS shared, string_agg(w.name, ' and ' ORDER BY w.name) AS names
        FROM unnest(p.sector_ids, p.sector_names) w (sector_id, name)
        JOIN engineer_sectors es ON es.engineer_id = p.engineer_id AND es.sector_id = w.sector_id
        WHERE p.v_sectors
    ) sector
    CROSS JOIN LATERAL (
        SELECT
            sum(
                array_position(ARRAY['BEGINNER','INTERMEDIATE','ADVANCED','EXPERT'], ek.level)
                / 4.0 * (0.5 + least(ek.years, 10) / 20.0)
            ) AS total,
            string_agg(
                w.name || ' (' || lower(ek.level) || ', ' || ek.years || ' years)', ', '
                ORDER BY ek.years DESC, w.name
            ) AS described
        FROM unnest(p.skill_ids, p.skill_ranks, p.skill_names) w (skill_id, minimum_rank, name)
        JOIN engineer_skills ek ON ek.engineer_id = p.engineer_id AND ek.skill_id = w.skill_id
        WHERE p.v_skills
          AND array_position(ARRAY['BEGINNER','INTERMEDIATE','ADVANCED','EXPERT'], ek.level)
              >= w.minimum_rank
    ) skill
    CROSS JOIN LATERAL (
        SELECT round((
            greatest(0, least(p.window_end, {WORKDAY_END} - p.utc_offset - 24)
                        - greatest(p.window_start, {WORKDAY_START} - p.utc_offset - 24))
            + greatest(0, least(p.window_end, {WORKDAY_END} - p.utc_offset)
                          - greatest(p.window_start, {WORKDAY_START} - p.utc_offset))
            + greatest(0, least(p.window_end, {WORKDAY_END} - p.utc_offset + 24)
                          - greatest(p.window_start, {WORKDAY_START} - p.utc_offset + 24))
        )::numeric, 1) AS hours
    ) tz
    CROSS JOIN LATERAL (
        SELECT cardinality(p.chapter_ids) > 0 AND EXISTS (
            SELECT 1 FROM memberships m
            WHERE m.engineer_id = p.engineer_id AND m.status = 'ACTIVE'
              AND m.chapter_id = ANY (p.chapter_ids)
        ) AS shared
    ) chapter
    CROSS JOIN LATERAL (
        SELECT avg(f.rating)::numeric AS average
        FROM engagement_feedback f WHERE f.subject_id = p.engineer_id
    ) feedback
), ranked AS (
    SELECT
        s.*,
        round(
            {WEIGHTS["sectorOverlap"]} * sector_value + {WEIGHTS["skillOverlap"]} * skill_value
            + {WEIGHTS["disciplines"]} * discipline_value
            + {WEIGHTS["capacityLeft"]} * capacity_value
            + {WEIGHTS["timezoneOverlap"]} * timezone_value
            + {WEIGHTS["sharedLanguage"]} * language_value
            + {WEIGHTS["chapter"]} * chapter_value + {WEIGHTS["pastFeedback"]} * feedback_value,
            4
        ) AS score
    FROM scored s
)
SELECT
    pair_id,
    score,
    jsonb_build_array(
        {_FACTORS_JSON}
    ) AS factors,
    concat_ws('; ',
        'Shares ' || nullif(concat_ws(' and ', sector_names, skill_names), ''),
        CASE WHEN v_capacity THEN hours_left || ' h/month free' END,
        CASE WHEN timezone_value > 0 THEN trim_scale(overlap_hours) || ' h timezone overlap' END,
        CASE WHEN feedback_average IS NOT NULL
             THEN 'rated ' || round(feedback_average, 1) || '/5' END
    ) AS sentence
FROM ranked
WHERE CAST(:after_score AS numeric) IS NULL
   OR score < :after_score OR (score = :after_score AND pair_id > :after_id)
ORDER BY score DESC, pair_id
LIMIT :limit
"""

_PAIR_COLUMNS = """
        o.id AS opportunity_id,
        e.id AS engineer_id,
        e.capacity_hours_per_month - coalesce(load.hours, 0) AS hours_left,
        o.hours_per_month AS o_hours,
        o.disciplines AS o_disciplines,
        e.disciplines AS e_disciplines,
        o.languages AS o_languages,
        e.languages AS e_languages,
        o.timezone_window_start AS window_start,
        o.timezone_window_end AS window_end,
        extract(epoch FROM (now() AT TIME ZONE e.timezone) - (now() AT TIME ZONE 'UTC'))
            / 3600.0 AS utc_offset,
        o.sector_ids,
        o.sector_names,
        o.skill_ids,
        o.skill_ranks,
        o.skill_names,
        o.skill_count,
        o.chapter_ids
"""

_RANK = "array_position(ARRAY['BEGINNER','INTERMEDIATE','ADVANCED','EXPERT'], {level})"

_OPPORTUNITY_ARRAYS = f"""
        coalesce((SELECT array_agg(sector_id ORDER BY sector_id) FROM opportunity_sectors
                  WHERE opportunity_id = opportunities.id), '{{}}') AS sector_ids,
        coalesce((SELECT array_agg(lower(s.name) ORDER BY os.sector_id)
                  FROM opportunity_sectors os JOIN sectors s ON s.id = os.sector_id
                  WHERE os.opportunity_id = opportunities.id), '{{}}') AS sector_names,
        coalesce((SELECT array_agg(os.skill_id ORDER BY os.skill_id) FROM opportunity_skills os
                  WHERE os.opportunity_id = opportunities.id), '{{}}') AS skill_ids,
        coalesce((SELECT array_agg({_RANK.format(level="os.minimum_level")} ORDER BY os.skill_id)
                  FROM opportunity_skills os
                  WHERE os.opportunity_id = opportunities.id), '{{}}') AS skill_ranks,
        coalesce((SELECT array_agg(lower(k.name) ORDER BY os.skill_id)
                  FROM opportunity_skills os JOIN skills k ON k.id = os.skill_id
                  WHERE os.opportunity_id = opportunities.id), '{{}}') AS skill_names,
        (SELECT count(*) FROM opportunity_skills
         WHERE opportunity_id = opportunities.id) AS skill_count,
        coalesce((SELECT array_agg(chapter_id) FROM opportunity_chapters
                  WHERE opportunity_id = opportunities.id), '{{}}') AS chapter_ids
"""

_LOAD = f"""
    LEFT JOIN (
        SELECT g.contributor_id, count(*) AS engagements, sum(g.hours_per_month) AS hours
        FROM engagements g WHERE g.status IN {OCCUPYING} GROUP BY g.contributor_id
    ) load ON load.contributor_id = e.id
"""

_FITS = """
      AND coalesce(load.engagements, 0) < e.max_mentees
      AND coalesce(load.hours, 0) + o.hours_per_month <= e.capacity_hours_per_month
      AND e.offers @> ARRAY[o.kind]::text[]
"""


def contributors_statement(audience: Audience) -> str:
    """The SQL of `list_contributors` for this audience (parameters: see `parameters`)."""
    shown = {
        "v_sectors": audience.sectors,
        "v_skills": audience.skills,
        "v_languages": audience.languages,
        "v_timezone": audience.timezone,
        "v_capacity": audience.capacity,
    }
    flags = ", ".join(f"({_inline(rule, ENGINEERS)}) AS {name}" for name, rule in shown.items())
    return f"""
WITH o AS MATERIALIZED (
    SELECT opportunities.*, {_OPPORTUNITY_ARRAYS}
    FROM opportunities WHERE opportunities.id = :opportunity_id
), pairs AS MATERIALIZED (
    SELECT e.id AS pair_id, {_PAIR_COLUMNS}, {flags}
    FROM o
    CROSS JOIN engineers
    CROSS JOIN LATERAL (SELECT engineers.*) e
    {_LOAD}
    WHERE engineers.id IS DISTINCT FROM o.poster_id
      AND NOT EXISTS (SELECT 1 FROM engagements x WHERE x.opportunity_id = o.id
                      AND x.contributor_id = engineers.id)
      {_FITS}
){_SCORING}"""


async def list_contributors(
    session: AsyncSession,
    opportunity_id: int,
    audience: Audience,
    *,
    limit: int,
    after: tuple[Decimal, int] | None = None,
) -> list[Match]:
    """Contributors who offer the opportunity's kind and have capacity left, best first."""
    statement = contributors_statement(audience)
    return await _run(session, statement, limit, after, opportunity_id=opportunity_id)


async def list_opportunities(
    session: AsyncSession,
    engineer_id: int,
    visible: ColumnElement[bool],
    *,
    limit: int,
    after: tuple[Decimal, int] | None = None,
) -> list[Match]:
    """Open opportunities the engineer may see, offers the kind of and has room for, best first.

    `visible` is a predicate over the `opportunities` row (the engineer's view of it).
    """
    statement = f"""
WITH o AS MATERIALIZED (
    SELECT opportunities.*, {_OPPORTUNITY_ARRAYS}
    FROM opportunities
    WHERE opportunities.status = 'OPEN'
      AND (opportunities.deadline IS NULL OR opportunities.deadline > now())
      AND ({_inline(visible, OPPORTUNITIES)})
), pairs AS MATERIALIZED (
    SELECT o.id AS pair_id, {_PAIR_COLUMNS},
        true AS v_sectors, true AS v_skills, true AS v_languages, true AS v_timezone,
        true AS v_capacity
    FROM engineers e
    CROSS JOIN o
    {_LOAD}
    WHERE e.id = :engineer_id
      AND o.poster_id IS DISTINCT FROM e.id
      AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.opportunity_id = o.id
                      AND a.applicant_id = e.id)
      {_FITS}
){_SCORING}"""
    return await _run(session, statement, limit, after, engineer_id=engineer_id)


def parameters_for(limit: int, after: tuple[Decimal, int] | None, **keys: int) -> dict[str, object]:
    """Bind values of a matching statement: the pair's key, page size and keyset position."""
    return {
        **keys,
        "limit": limit,
        "after_score": after[0] if after else None,
        "after_id": after[1] if after else 0,
    }


async def _run(
    session: AsyncSession,
    statement: str,
    limit: int,
    after: tuple[Decimal, int] | None,
    **parameters: int,
) -> list[Match]:
    """Execute one matching statement and map its rows."""
    result = await session.execute(text(statement), parameters_for(limit, after, **parameters))
    return [
        Match(row.pair_id, Decimal(row.score), list(row.factors), row.sentence) for row in result
    ]

SCORING = _SCORING
"""The scoring part of a matching statement, for other pairings to reuse: it reads pairs from a
CTE `pairs` (the columns of `_PAIR_COLUMNS` plus `pair_id`, `engineer_id` and the v_* flags) and
returns `pair_id, score, factors, sentence` ordered best first (parameters: `parameters_for`)."""
