"""Builds one engineer's profile and every row that hangs off it, deterministically."""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime

from db.enums import Discipline, InstitutionKind, MembershipStatus, PecStatus
from db.seed import traits
from db.seed.careers import (
    HOME_EMPLOYER_KINDS,
    REFERENCE_DATE,
    Degree,
    Employers,
    Job,
    plan_degrees,
    plan_jobs,
)
from db.seed.catalogue import Catalogue, InstitutionRef, SectorRef
from db.seed.choice import Weighted, count_between
from db.seed.geography import ChapterTarget, chapters_by_city, utc_offset_hours
from db.seed.tables import Rows
from db.seed.vocabulary.careers import (
    ENGAGEMENT_PHRASES,
    HOME_AFFILIATION_ROLES,
    OVERSEAS_AFFILIATION_ROLES,
    PEC_PREFIXES,
    ROLE_NOUNS,
    SEEKER_PHRASES,
)
from db.seed.vocabulary.names import FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES, PROVINCE_FAMILY_NAMES
from db.seed.vocabulary.places import (
    CITY_CODES,
    COUNTRIES,
    HOME_CITIES,
    HOME_COUNTRY,
    HOME_TIMEZONE,
    City,
    HomeCity,
)
from db.seed.vocabulary.taxonomy import (
    COUNTRY_GROUPS,
    COUNTRY_SECTOR_WEIGHTS,
    HOME_SECTOR_WEIGHTS,
)
from db.seed.writing import Story, write_bio, write_headline

OVERSEAS_SHARE = 0.7
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
SKILL_LEVELS = ((2, "BEGINNER"), (5, "INTERMEDIATE"), (10, "ADVANCED"), (61, "EXPERT"))
CHAPTER_ROLES = Weighted([("member", 96.5), ("moderator", 2.0), ("events-lead", 1.5)])
MEMBERSHIP_STATUSES = Weighted(
    [(MembershipStatus.ACTIVE, 85), (MembershipStatus.PENDING, 10), (MembershipStatus.SUSPENDED, 5)]
)
@dataclass(frozen=True)
class Person:
    """Who someone is before their career is drawn: name, handle, where they live and are from."""

    handle: str
    name: str
    first_name: str
    hometown: HomeCity
    abroad: City | None


def name_from_handle(handle: str) -> str:
    """'ayesha-khan-dxb' → 'Ayesha Khan': words title-cased, a trailing place tag dropped."""
    words = handle.split("-")
    if len(words) >= 3:
        words = words[:-1]
    return " ".join(word.capitalize() for word in words)


class ProfileFactory:
    """Draws engineers one by one; the same seed and inputs always give the same rows."""

    def __init__(
        self, rng: random.Random, catalogue: Catalogue, chapters: list[ChapterTarget]
    ) -> None:
        self.rng = rng
        self.catalogue = catalogue
        self.employers = Employers(catalogue)
        self.chapter_of_city = chapters_by_city(chapters)
        self.chapters = chapters
        self.handles: set[str] = set()
        self.pec_serial = 10_000
        self.countries = Weighted((country, country.weight) for country in COUNTRIES)
        self.cities = {
            country.code: Weighted((city, city.weight) for city in country.cities)
            for country in COUNTRIES
        }
        self.home_cities = Weighted((city, city.weight) for city in HOME_CITIES)
        self.sector_weights: dict[str, Weighted[SectorRef]] = {}

    def reserve(self, handles: list[str]) -> None:
        """Keep `handles` (chapter coordinators) out of the generated ones."""
        self.handles.update(handles)

    def _unique_handle(self, first: str, family: str) -> str:
        """'first-family', numbered when taken."""
        base = f"{first}-{family}".lower().replace(" ", "-")
        handle, number = base, 1
        while handle in self.handles:
            number += 1
            handle = f"{base}-{number}"
        self.handles.add(handle)
        return handle

    def person(self, *, overseas: bool) -> Person:
        """A new person with a unique handle, living abroad or at home."""
        rng = self.rng
        hometown = self.home_cities.pick(rng)
        female = rng.random() < 0.3
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        regional = PROVINCE_FAMILY_NAMES.get(hometown.province, ())
        family = rng.choice(regional if regional and rng.random() < 0.35 else FAMILY_NAMES)
        display = f"Muhammad {first}" if not female and rng.random() < 0.12 else first
        abroad = self.cities[self.countries.pick(rng).code].pick(rng) if overseas else None
        return Person(
            self._unique_handle(first, family), f"{display} {family}", first, hometown, abroad
        )

    def coordinator(self, handle: str, chapter: ChapterTarget) -> Person:
        """A chapter coordinator named by their handle, living in a city the chapter covers."""
        rng = self.rng
        name = name_from_handle(handle)
        covered = [city for city, target in self.chapter_of_city.items() if target.id == chapter.id]
        tagged = CITY_CODES.get(handle.rsplit("-", 1)[-1])
        city = next((city for city in covered if city.name == tagged), None)
        if city is None and covered:
            city = max(covered, key=lambda city: city.weight)
        if city is None:
            place = chapter.timezone.rsplit("/", 1)[-1].replace("_", " ")
            city = City(place, chapter.countries[0], chapter.timezone, 1.0)
        return Person(handle, name, name.split()[0], self.home_cities.pick(rng), city)

    def _sectors(self, residence: str | None) -> list[SectorRef]:
        """One to three sectors, weighted by what is strong where the engineer lives."""
        group = COUNTRY_GROUPS.get(residence, "") if residence else "home"
        if group not in self.sector_weights:
            bias = HOME_SECTOR_WEIGHTS if group == "home" else COUNTRY_SECTOR_WEIGHTS.get(group, {})
            self.sector_weights[group] = Weighted(
                (sector, bias.get(sector.slug, 1.0)) for sector in self.catalogue.sectors
            )
        weighted = self.sector_weights[group]
        primary = weighted.pick(self.rng)
        chosen = [primary]
        wanted = count_between(self.rng, (45, 35, 20))
        while len(chosen) < wanted:
            sector = weighted.pick(self.rng)
            related = set(sector.disciplines) & set(primary.disciplines)
            if sector not in chosen and (related or self.rng.random() < 0.3):
                chosen.append(sector)
        return chosen

    def _disciplines(self, sectors: list[SectorRef]) -> list[Discipline]:
        """The primary sector's main discipline first, then ones its sectors share."""
        rng = self.rng
        primary = sectors[0].disciplines
        first = primary[0] if rng.random() < 0.5 else rng.choice(primary)
        related: dict[Discipline, float] = {}
        for index, sector in enumerate(sectors):
            weight = 4.0 if index == 0 else 1.0
            for discipline in sector.disciplines:
                if discipline != first:
                    related[discipline] = related.get(discipline, 0.0) + weight
        wanted = count_between(rng, (55, 30, 11, 4))
        if not related or wanted == 1:
            return [first]
        return [first, *Weighted(related.items()).sample(rng, wanted - 1)]

    def _skills(
        self, engineer_id: int, sectors: list[SectorRef], experience: int, rows: Rows
    ) -> list[str]:
        """Three to eight skills from the engineer's sectors with level and years; their names."""
        rng = self.rng
        pool = Weighted(
            (skill_id, 3.0 if index == 0 else 1.0)
            for index, sector in enumerate(sectors)
            for skill_id in sector.skill_ids
        )
        names: list[str] = []
        for skill_id in pool.sample(rng, rng.randint(3, 8)):
            years = rng.randint(1, max(1, min(experience, 40)))
            level_years = years + rng.randint(-1, 2)
            level = next(level for limit, level in SKILL_LEVELS if level_years < limit)
            rows.add("engineer_skills", (engineer_id, skill_id, level, years))
            names.append(self.catalogue.skill_names[skill_id])
        return names

    def _pec(self, discipline: Discipline) -> tuple[str | None, PecStatus]:
        """A registration number for about 60%, three in four of them verified."""
        rng = self.rng
        if rng.random() >= 0.6:
            return None, PecStatus.UNREGISTERED
        self.pec_serial += rng.randint(1, 40)
        status = PecStatus.VERIFIED if rng.random() < 0.75 else PecStatus.PENDING
        return f"{PEC_PREFIXES[discipline]}/{self.pec_serial}", status

    def _affiliate(
        self, engineer_id: int, person: Person, current: Job, experience: int, rows: Rows
    ) -> None:
        """A staff role for about 15%: at the home employer, or an adjunct post from abroad."""
        rng = self.rng
        institution: InstitutionRef | None = None
        role = ""
        since = current.start
        if person.abroad is None and current.institution is not None:
            institution = current.institution
            chance = 0.6 if institution.kind is InstitutionKind.UNIVERSITY else 0.3
            if rng.random() >= chance:
                return
            if institution.kind is InstitutionKind.UNIVERSITY or experience < 10:
                role = current.title
            else:
                role = rng.choice(HOME_AFFILIATION_ROLES[institution.kind])
        elif person.abroad is not None and rng.random() < 0.07:
            if rng.random() < 0.6:
                institution = self.employers.universities.pick(rng)
            else:
                institution = rng.choice(self.catalogue.institutions)
            role = rng.choice(OVERSEAS_AFFILIATION_ROLES[institution.kind])
            since = date(rng.randint(2015, REFERENCE_DATE.year - 1), rng.randint(1, 12), 1)
        if institution is not None:
            rows.add("affiliations", (institution.id, engineer_id, role, since))

    def _since(self, earliest: date) -> datetime:
        """A membership start between `earliest` (not before 2016) and today."""
        rng = self.rng
        start = max(earliest, date(2016, 1, 1))
        span = max(1, (REFERENCE_DATE - start).days - 30)
        day = start.toordinal() + rng.randrange(span)
        moment = datetime.fromordinal(day).replace(hour=rng.randint(6, 22), tzinfo=UTC)
        return moment.replace(minute=rng.randint(0, 59))

    def _join(self, engineer_id: int, city: City, jobs: list[Job], rows: Rows) -> int:
        """Membership of the chapter covering `city`, sometimes a second one; returns how many."""
        rng = self.rng
        chapter = self.chapter_of_city.get(city)
        if chapter is None or rng.random() >= 0.85:
            return 0
        moved = next(job.start for job in jobs if job.country_code != HOME_COUNTRY)
        status = MEMBERSHIP_STATUSES.pick(rng)
        role = CHAPTER_ROLES.pick(rng) if status is MembershipStatus.ACTIVE else "member"
        rows.add("memberships", (chapter.id, engineer_id, role, status.value, self._since(moved)))
        others = [other for other in self.chapters if other.id != chapter.id]
        if not others or rng.random() >= 0.08:
            return 1
        here = utc_offset_hours(city.timezone)
        second = Weighted(
            (other, 1 / (1 + abs(utc_offset_hours(other.timezone) - here))) for other in others
        ).pick(rng)
        status = MembershipStatus.ACTIVE if rng.random() < 0.9 else MembershipStatus.PENDING
        since = self._since(moved)
        rows.add("memberships", (second.id, engineer_id, "member", status.value, since))
        return 2

    def coordinate(self, engineer_id: int, chapter: ChapterTarget, rows: Rows) -> None:
        """An active coordinator membership, held for a few years."""
        since = self._since(date(2016, 1, 1))
        rows.add("memberships", (chapter.id, engineer_id, "coordinator", "ACTIVE", since))

    def build(
        self, engineer_id: int, person: Person, rows: Rows, *, senior: bool = False,
        join_chapters: bool = True,
    ) -> None:
        """Draw a whole profile for `person` and buffer its rows."""
        rng = self.rng
        residence = person.abroad.country_code if person.abroad else None
        latest = 2008 if senior else REFERENCE_DATE.year - 1
        graduation_year = min(latest, int(rng.triangular(1990, REFERENCE_DATE.year - 1, 2020)))
        experience = REFERENCE_DATE.year - graduation_year
        sectors = self._sectors(residence)
        disciplines = self._disciplines(sectors)
        noun = rng.choice(ROLE_NOUNS[disciplines[0]])
        current_kind = None if person.abroad else HOME_EMPLOYER_KINDS.pick(rng)
        academic = current_kind is InstitutionKind.UNIVERSITY
        jobs = plan_jobs(
            rng, self.employers, noun=noun, sector=sectors[0].slug,
            graduation_year=graduation_year, home_city=person.hometown.name,
            abroad=(person.abroad.country_code, person.abroad.name) if person.abroad else None,
            current_kind=current_kind,
        )
        degrees = plan_degrees(
            rng, self.employers, discipline=disciplines[0], sector=sectors[0],
            graduation_year=graduation_year, residence=residence,
            postgraduate_chance=0.9 if academic else 0.55 if residence else 0.3,
            doctorate_chance=0.5 if academic else 0.15,
        )
        skills = self._skills(engineer_id, sectors, experience, rows)
        current = jobs[-1]
        overseas = person.abroad is not None
        offers, seeks = traits.offers_and_seeks(rng, overseas, current_kind, experience)
        hours, mentees = traits.capacity(rng, offers, overseas)
        pec_number, pec_status = self._pec(disciplines[0])
        worked_at_home = any(job.country_code == HOME_COUNTRY for job in jobs)
        story = Story(
            name=person.name,
            first_name=person.first_name,
            discipline=disciplines[0].value,
            years=max(1, experience),
            sectors=[sector.name for sector in sectors],
            title=current.title,
            current=current.end is None,
            organization=current.organization,
            city=current.city,
            school=degrees[0].school,
            skills=skills,
            hometown=person.hometown.name,
            offers=[ENGAGEMENT_PHRASES[offer] for offer in offers],
            seeks=[SEEKER_PHRASES[need] for need in seeks],
            hours=hours,
            abroad="" if not overseas else " at home and abroad" if worked_at_home else " abroad",
        )
        domain = EMAIL_DOMAINS[engineer_id % len(EMAIL_DOMAINS)]
        rows.add("engineers", (
            engineer_id, person.handle, person.name, write_headline(rng, story),
            write_bio(rng, story), f"{person.handle.replace('-', '.')}@{domain}",
            traits.phone(rng, person.abroad), residence or HOME_COUNTRY,
            person.abroad.name if person.abroad else current.city,
            person.abroad is not None,
            person.abroad.timezone if person.abroad else HOME_TIMEZONE,
            traits.languages(rng, person.hometown.province, person.abroad),
            [discipline.value for discipline in disciplines],
            [offer.value for offer in offers], [need.value for need in seeks], hours, mentees,
            pec_number, pec_status.value,
        ))
        _buffer_history(engineer_id, sectors, jobs, degrees, rows)
        self._affiliate(engineer_id, person, current, experience, rows)
        if join_chapters and person.abroad is not None:
            self._join(engineer_id, person.abroad, jobs, rows)


def _buffer_history(
    engineer_id: int, sectors: list[SectorRef], jobs: list[Job], degrees: list[Degree], rows: Rows
) -> None:
    """Buffer an engineer's sector, position and education rows."""
    for sector in sectors:
        rows.add("engineer_sectors", (engineer_id, sector.id))
    for job in jobs:
        institution_id = job.institution.id if job.institution else None
        rows.add(
            "positions",
            (engineer_id, job.title, job.organization, institution_id, job.country_code,
             job.city, job.start, job.end),
        )
    for degree in degrees:
        rows.add(
            "education",
            (engineer_id, degree.school, degree.institution_id, degree.degree,
             degree.field_of_study, degree.start_year, degree.end_year),
        )
