"""Employment and education histories whose dates line up with each other and with today."""

import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from db.enums import Discipline, InstitutionKind
from db.seed.catalogue import Catalogue, InstitutionRef, SectorRef
from db.seed.choice import Weighted
from db.seed.vocabulary.careers import (
    ACADEMIC_LADDER,
    BACHELOR_DEGREES,
    BACHELOR_FIELDS,
    DEFAULT_BACHELOR_DEGREE,
    DEFAULT_MASTER_DEGREE,
    DOCTORATE,
    EXPERT_TITLES,
    FOUNDER_TITLES,
    LEADERSHIP_TITLES,
    MASTER_DEGREES,
    NON_ENGINEERING_SCHOOLS,
    SENIORITY,
)
from db.seed.vocabulary.employers import (
    EMPLOYERS,
    GLOBAL_EMPLOYERS,
    STUDY_DESTINATIONS,
    UNIVERSITIES_ABROAD,
)
from db.seed.vocabulary.places import COUNTRIES_BY_CODE, HOME_COUNTRY

REFERENCE_DATE = date(2025, 6, 30)
HOME_EMPLOYER_KINDS = Weighted(
    [
        (InstitutionKind.COMPANY, 40),
        (InstitutionKind.GOVERNMENT, 20),
        (InstitutionKind.UNIVERSITY, 20),
        (InstitutionKind.STARTUP, 12),
        (InstitutionKind.NGO, 8),
    ]
)
POSITION_COUNT_WEIGHTS = (40, 30, 20, 10)


@dataclass(frozen=True)
class Job:
    """One position in an engineer's history."""

    title: str
    organization: str
    institution: InstitutionRef | None
    country_code: str
    city: str
    start: date
    end: date | None


@dataclass(frozen=True)
class Degree:
    """One degree an engineer holds or is studying for."""

    school: str
    institution_id: int | None
    degree: str
    field_of_study: str
    start_year: int
    end_year: int | None


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """Whole calendar months from `start`'s month to `end`'s month."""
    return (end.year - start.year) * 12 + end.month - start.month


def title_for(rng: random.Random, noun: str, kind: InstitutionKind | None, years: int) -> str:
    """A job title fitting the employer kind and the years since graduation."""
    if kind is InstitutionKind.UNIVERSITY:
        return next(title for limit, title in ACADEMIC_LADDER if years < limit)
    if kind is InstitutionKind.STARTUP and years >= 6 and rng.random() < 0.4:
        return rng.choice(FOUNDER_TITLES)
    for limit, template in SENIORITY:
        if years < limit:
            return template.format(noun=noun)
    titles = LEADERSHIP_TITLES if rng.random() < 0.5 else EXPERT_TITLES
    return rng.choice(titles).format(noun=noun)


class Employers:
    """Picks employers at home and abroad, preferring those that hire into a sector."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue
        self._home: dict[tuple[InstitutionKind, str], Weighted[InstitutionRef]] = {}
        self._abroad: dict[tuple[str, str], Weighted[str]] = {}
        universities = [
            ref for ref in catalogue.institutions if ref.kind is InstitutionKind.UNIVERSITY
        ]
        self.universities = Weighted(
            (ref, 3.0 if index < 12 else 1.0) for index, ref in enumerate(universities)
        )
        self.engineering_schools = Weighted(
            (ref, 3.0 if index < 12 else 1.0)
            for index, ref in enumerate(universities)
            if ref.slug not in NON_ENGINEERING_SCHOOLS
        )

    def at_home(self, rng: random.Random, kind: InstitutionKind, sector: str) -> InstitutionRef:
        """An institution of `kind`, three times likelier if it works in `sector`."""
        key = (kind, sector)
        if key not in self._home:
            self._home[key] = Weighted(
                (ref, 3.0 if sector in ref.sectors else 1.0 if not ref.sectors else 0.3)
                for ref in self._catalogue.institutions
                if ref.kind is kind
            )
        return self._home[key].pick(rng)

    def abroad(self, rng: random.Random, country_code: str, sector: str) -> str:
        """An employer in `country_code`, likelier if it hires into `sector`."""
        key = (country_code, sector)
        if key not in self._abroad:
            self._abroad[key] = Weighted(
                (name, 4.0 if sector in sectors else 1.5 if not sectors else 0.1)
                for name, sectors in EMPLOYERS.get(country_code, GLOBAL_EMPLOYERS)
            )
        return self._abroad[key].pick(rng)


def plan_segments(rng: random.Random, start: date, count: int) -> list[tuple[date, date | None]]:
    """Split the time from `start` to today into `count` back-to-back positions."""
    total = months_between(start, REFERENCE_DATE)
    count = max(1, min(count, total // 6))
    cuts = sorted(rng.sample(range(1, total), count - 1)) if count > 1 else []
    starts = [start, *(add_months(start, cut) for cut in cuts)]
    segments: list[tuple[date, date | None]] = [
        (begin, following - timedelta(days=1))
        for begin, following in itertools.pairwise(starts)
    ]
    last = starts[-1]
    if rng.random() < 0.08 and months_between(last, REFERENCE_DATE) > 3:
        segments.append((last, add_months(REFERENCE_DATE, -rng.randint(1, 3))))
    else:
        segments.append((last, None))
    return segments


def plan_degrees(
    rng: random.Random,
    employers: Employers,
    *,
    discipline: Discipline,
    sector: SectorRef,
    graduation_year: int,
    residence: str | None,
    postgraduate_chance: float,
    doctorate_chance: float,
) -> list[Degree]:
    """A bachelor's at home, and sometimes a master's or doctorate at home or abroad."""
    university = employers.engineering_schools.pick(rng)
    degrees = [
        Degree(
            school=university.name,
            institution_id=university.id,
            degree=BACHELOR_DEGREES.get(discipline, DEFAULT_BACHELOR_DEGREE),
            field_of_study=BACHELOR_FIELDS[discipline],
            start_year=graduation_year - 4,
            end_year=graduation_year,
        )
    ]
    if rng.random() >= postgraduate_chance:
        return degrees
    if residence is not None and rng.random() < 0.6:
        country = residence
    elif residence is None and rng.random() < 0.5:
        country = HOME_COUNTRY
    else:
        country = rng.choice(STUDY_DESTINATIONS)
    doctorate = rng.random() < doctorate_chance
    length = 4 if doctorate else 2
    latest_start = max(0, min(6, REFERENCE_DATE.year - graduation_year - 1))
    start_year = graduation_year + rng.randint(0, latest_start)
    end_year = start_year + length
    if country == HOME_COUNTRY:
        home_university = employers.universities.pick(rng)
        school, institution_id = home_university.name, home_university.id
    else:
        school = rng.choice(UNIVERSITIES_ABROAD.get(country, UNIVERSITIES_ABROAD["GB"]))
        institution_id = None
    degrees.append(
        Degree(
            school=school,
            institution_id=institution_id,
            degree=DOCTORATE if doctorate else MASTER_DEGREES.get(country, DEFAULT_MASTER_DEGREE),
            field_of_study=rng.choice(sector.postgraduate_fields),
            start_year=start_year,
            end_year=end_year if end_year <= REFERENCE_DATE.year else None,
        )
    )
    return degrees


def plan_jobs(
    rng: random.Random,
    employers: Employers,
    *,
    noun: str,
    sector: str,
    graduation_year: int,
    home_city: str,
    abroad: tuple[str, str] | None,
    current_kind: InstitutionKind | None,
) -> list[Job]:
    """One to four positions from graduation to today; overseas engineers move abroad part-way."""
    experience = REFERENCE_DATE.year - graduation_year
    most = min(len(POSITION_COUNT_WEIGHTS), 1 + experience // 3)
    count = 1 + rng.choices(range(most), weights=POSITION_COUNT_WEIGHTS[:most])[0]
    start = date(graduation_year, rng.randint(7, 12), 1)
    segments = plan_segments(rng, start, count)
    move = 0 if len(segments) == 1 or rng.random() < 0.35 else rng.randint(1, len(segments) - 1)
    jobs: list[Job] = []
    for index, (begin, end) in enumerate(segments):
        years = (end or REFERENCE_DATE).year - graduation_year
        current = index == len(segments) - 1
        if abroad is not None and index >= move:
            country_code, city = abroad
            known = COUNTRIES_BY_CODE.get(country_code)
            if not current and known is not None:
                city = rng.choice(known.cities).name
            organization = employers.abroad(rng, country_code, sector)
            title = title_for(rng, noun, None, years)
            jobs.append(Job(title, organization, None, country_code, city, begin, end))
            continue
        kind = current_kind if current and current_kind else HOME_EMPLOYER_KINDS.pick(rng)
        institution = employers.at_home(rng, kind, sector)
        title = title_for(rng, noun, kind, years)
        city = institution.city if rng.random() < 0.85 else home_city
        jobs.append(Job(title, institution.name, institution, HOME_COUNTRY, city, begin, end))
    return jobs
