"""SELECTs for the Hall of Fame: orderings, filters and the rows of lists and nominations."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, select

from db.enums import MembershipStatus
from db.models import (
    Chapter,
    EngineerSector,
    HallOfFameEvidence,
    HallOfFameNomination,
    Membership,
    Sector,
)
from db.queries.pagination import Ordering

INDUCTEE_ORDERING = Ordering("YEAR", ("year", "id"), descending=True)
"""The Hall of Fame: the latest year first, then the latest nomination."""
NOMINATION_ORDERING = Ordering("CREATED_AT", ("created_at", "id"), descending=True)
"""Nominations: the newest first."""
EVIDENCE_ORDERING = Ordering("POSITION", ("position", "id"))
"""A citation's evidence, in the order the nominator gave it."""


@dataclass(frozen=True)
class NominationCriteria:
    """What a list of nominations is narrowed to (every part optional)."""

    year: int | None = None
    sector: str | None = None
    chapter: str | None = None
    statuses: tuple[str, ...] = ()


def filtered(criteria: NominationCriteria) -> list[ColumnElement[bool]]:
    """The conditions of `criteria` over hall_of_fame_nominations."""
    conditions: list[ColumnElement[bool]] = []
    if criteria.year is not None:
        conditions.append(HallOfFameNomination.year == criteria.year)
    if criteria.sector is not None:
        conditions.append(
            HallOfFameNomination.nominee_id.in_(
                select(EngineerSector.engineer_id)
                .join(Sector, Sector.id == EngineerSector.sector_id)
                .where(Sector.slug == criteria.sector)
            )
        )
    if criteria.chapter is not None:
        conditions.append(
            HallOfFameNomination.nominee_id.in_(
                select(Membership.engineer_id)
                .join(Chapter, Chapter.id == Membership.chapter_id)
                .where(
                    Chapter.slug == criteria.chapter,
                    Membership.status == MembershipStatus.ACTIVE.value,
                )
            )
        )
    if criteria.statuses:
        conditions.append(HallOfFameNomination.status.in_(criteria.statuses))
    return conditions


def nominations(
    rule: ColumnElement[bool], criteria: NominationCriteria
) -> Select[HallOfFameNomination]:
    """SELECT the nominations under a row rule that match `criteria`."""
    return select(HallOfFameNomination).where(rule, *filtered(criteria))


def evidence(rule: ColumnElement[bool]) -> Select[HallOfFameEvidence]:
    """SELECT the evidence rows a viewer may see (the rule of graph.reads.hall_of_fame)."""
    return select(HallOfFameEvidence).where(rule)
