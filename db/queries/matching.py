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
, scored AS (
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
        SELECT count(*) AS shared, string_agg(lower(s.name), ' and ' ORDER BY s.name) AS names
        FROM engineer_sectors es JOIN sectors s ON s.id = es.sector_id
        WHERE p.v_sectors AND es.engineer_id = p.engineer_id AND es.sector_id = ANY (p.sector_ids)
    ) sector
    CROSS JOIN LATERAL (
        SELECT
            sum(
                array_position(ARRAY['BEGINNER','INTERMEDIATE','ADVANCED','EXPERT'], ek.level)
                / 4.0 * (0.5 + least(ek.years, 10) / 20.0)
            ) AS total,
            string_agg(
                lower(k.name) || ' (' || lower(ek.level) || ', ' || ek.years || ' years)', ', '
                ORDER BY ek.years DESC, k.name
            ) AS described
        FROM opportunity_skills os
        JOIN engineer_skills ek ON ek.skill_id = os.skill_id AND ek.engineer_id = p.engineer_id
        JOIN skills k ON k.id = os.skill_id
        WHERE p.v_skills AND os.opportunity_id = p.opportunity_id
          AND array_position(ARRAY['BEGINNER','INTERMEDIATE','ADVANCED','EXPERT'], ek.level)
              >= array_position(ARRAY['BEGINNER','INTERMEDIATE','ADVANCED','EXPERT'],
                                os.minimum_level)
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
        SELECT EXISTS (
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
        e.capacity_hours_per_month - load.hours AS hours_left,
        o.hours_per_month AS o_hours,
        o.disciplines AS o_disciplines,
        e.disciplines AS e_disciplines,
        o.languages AS o_languages,
        e.languages AS e_languages,
        o.timezone_window_start AS window_start,
        o.timezone_window_end AS window_end,
        extract(epoch FROM (now() AT TIME ZONE e.timezone) - (now() AT TIME ZONE 'UTC'))
            / 3600.0 AS utc_offset,
        coalesce((SELECT array_agg(sector_id) FROM opportunity_sectors
                  WHERE opportunity_id = o.id), '{}') AS sector_ids,
        (SELECT count(*) FROM opportunity_skills WHERE opportunity_id = o.id) AS skill_count,
        coalesce((SELECT array_agg(chapter_id) FROM opportunity_chapters
                  WHERE opportunity_id = o.id), '{}') AS chapter_ids
"""

_LOAD = f"""
    CROSS JOIN LATERAL (
        SELECT count(*) AS engagements, coalesce(sum(g.hours_per_month), 0) AS hours
        FROM engagements g WHERE g.contributor_id = e.id AND g.status IN {OCCUPYING}
    ) load
"""

_FITS = """
      AND load.engagements < e.max_mentees
      AND load.hours + o.hours_per_month <= e.capacity_hours_per_month
      AND e.offers @> ARRAY[o.kind]::text[]
"""


async def list_contributors(
    session: AsyncSession,
    opportunity_id: int,
    audience: Audience,
    *,
    limit: int,
    after: tuple[Decimal, int] | None = None,
) -> list[Match]:
    """Contributors who offer the opportunity's kind and have capacity left, best first."""
    shown = {
        "v_sectors": audience.sectors,
        "v_skills": audience.skills,
        "v_languages": audience.languages,
        "v_timezone": audience.timezone,
        "v_capacity": audience.capacity,
    }
    flags = ", ".join(f"({_inline(rule, ENGINEERS)}) AS {name}" for name, rule in shown.items())
    statement = f"""
WITH pairs AS (
    SELECT e.id AS pair_id, {_PAIR_COLUMNS}, {flags}
    FROM opportunities o
    CROSS JOIN engineers
    CROSS JOIN LATERAL (SELECT engineers.*) e
    {_LOAD}
    WHERE o.id = :opportunity_id
      AND engineers.id IS DISTINCT FROM o.poster_id
      AND NOT EXISTS (SELECT 1 FROM engagements x WHERE x.opportunity_id = o.id
                      AND x.contributor_id = engineers.id)
      {_FITS}
){_SCORING}"""
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
WITH pairs AS (
    SELECT o.id AS pair_id, {_PAIR_COLUMNS},
        true AS v_sectors, true AS v_skills, true AS v_languages, true AS v_timezone,
        true AS v_capacity
    FROM engineers e
    CROSS JOIN opportunities
    CROSS JOIN LATERAL (SELECT opportunities.*) o
    {_LOAD}
    WHERE e.id = :engineer_id
      AND opportunities.status = 'OPEN'
      AND (opportunities.deadline IS NULL OR opportunities.deadline > now())
      AND opportunities.poster_id IS DISTINCT FROM e.id
      AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.opportunity_id = opportunities.id
                      AND a.applicant_id = e.id)
      AND ({_inline(visible, OPPORTUNITIES)})
      {_FITS}
){_SCORING}"""
    return await _run(session, statement, limit, after, engineer_id=engineer_id)


async def _run(
    session: AsyncSession,
    statement: str,
    limit: int,
    after: tuple[Decimal, int] | None,
    **parameters: int,
) -> list[Match]:
    """Execute one matching statement and map its rows."""
    result = await session.execute(
        text(statement),
        {
            **parameters,
            "limit": limit,
            "after_score": after[0] if after else None,
            "after_id": after[1] if after else 0,
        },
    )
    return [
        Match(row.pair_id, Decimal(row.score), list(row.factors), row.sentence) for row in result
    ]
