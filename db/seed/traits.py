"""What an engineer offers and seeks, how much time they give, what they speak, their phone."""

import random

from db.enums import EngagementKind, InstitutionKind
from db.seed.choice import Weighted, count_between
from db.seed.vocabulary.places import (
    COUNTRIES_BY_CODE,
    HOME_DIAL_CODE,
    PROVINCE_LANGUAGES,
    City,
)

OVERSEAS_NEEDS = (EngagementKind.UNIVERSITY_COLLABORATION, EngagementKind.CONSULTANCY)
CONTRIBUTOR_OFFERS = Weighted(
    [
        (EngagementKind.PROJECT_SUPERVISION, 30),
        (EngagementKind.CURRICULUM_REVIEW, 15),
        (EngagementKind.ADVISORY_PANEL, 15),
        (EngagementKind.STARTUP_ADVISORY, 20),
        (EngagementKind.RESEARCH_GUIDANCE, 15),
        (EngagementKind.UNIVERSITY_COLLABORATION, 15),
        (EngagementKind.CONSULTANCY, 20),
        (EngagementKind.INVESTMENT, 5),
    ]
)
SEEKER_NEEDS: dict[InstitutionKind | None, Weighted[EngagementKind]] = {
    InstitutionKind.UNIVERSITY: Weighted(
        [
            (EngagementKind.RESEARCH_GUIDANCE, 35),
            (EngagementKind.UNIVERSITY_COLLABORATION, 30),
            (EngagementKind.CURRICULUM_REVIEW, 20),
            (EngagementKind.PROJECT_SUPERVISION, 15),
        ]
    ),
    InstitutionKind.STARTUP: Weighted(
        [
            (EngagementKind.STARTUP_ADVISORY, 45),
            (EngagementKind.INVESTMENT, 25),
            (EngagementKind.MENTORSHIP, 15),
            (EngagementKind.CONSULTANCY, 15),
        ]
    ),
    None: Weighted(
        [
            (EngagementKind.MENTORSHIP, 50),
            (EngagementKind.PROJECT_SUPERVISION, 15),
            (EngagementKind.CONSULTANCY, 20),
            (EngagementKind.ADVISORY_PANEL, 15),
        ]
    ),
}


def offers_and_seeks(
    rng: random.Random, overseas: bool, kind: InstitutionKind | None, experience: int
) -> tuple[list[EngagementKind], list[EngagementKind]]:
    """What the engineer offers and seeks: contributors mostly offer, seekers mostly seek."""
    offers: list[EngagementKind] = []
    seeks: list[EngagementKind] = []
    if overseas:
        wanted = count_between(rng, (35, 35, 20, 10))
        if rng.random() < 0.85:
            offers.append(EngagementKind.MENTORSHIP)
        for offer in CONTRIBUTOR_OFFERS.sample(rng, wanted - len(offers)):
            if offer is not EngagementKind.INVESTMENT or experience >= 10:
                offers.append(offer)
        offers = offers or [EngagementKind.MENTORSHIP]
        if rng.random() < 0.05:
            seeks.append(rng.choice(OVERSEAS_NEEDS))
    else:
        needs = SEEKER_NEEDS.get(kind, SEEKER_NEEDS[None])
        seeks = needs.sample(rng, count_between(rng, (50, 35, 15)))
        if experience < 4 and EngagementKind.MENTORSHIP not in seeks:
            seeks.append(EngagementKind.MENTORSHIP)
        if experience >= 12 and rng.random() < 0.3:
            offers.append(EngagementKind.MENTORSHIP)
    order = list(EngagementKind)
    return sorted(offers, key=order.index), sorted(seeks, key=order.index)


def capacity(rng: random.Random, offers: list[EngagementKind], overseas: bool) -> tuple[int, int]:
    """Hours a month and concurrent mentees the engineer can give."""
    if not offers or rng.random() < 0.08:
        return 0, 0
    hours = rng.choice((2, 4, 4, 6, 8, 8, 10, 12, 16, 20) if overseas else (2, 4, 6, 8))
    mentees = rng.randint(1, 5) if EngagementKind.MENTORSHIP in offers else 0
    return hours, mentees


def languages(rng: random.Random, province: str, abroad: City | None) -> list[str]:
    """Urdu and English, often the home province's language, sometimes the local one."""
    languages = ["ur", "en"]
    regional = PROVINCE_LANGUAGES.get(province)
    if regional and rng.random() < 0.6:
        languages.append(regional)
    if abroad is not None:
        country = COUNTRIES_BY_CODE.get(abroad.country_code)
        local = country.language if country is not None else None
        if local and local not in languages and rng.random() < 0.5:
            languages.append(local)
    return languages


def phone(rng: random.Random, abroad: City | None) -> str | None:
    """A phone number in the local format for about half the engineers."""
    if rng.random() >= 0.55:
        return None
    if abroad is None:
        operator = f"3{rng.randint(0, 4)}{rng.randint(0, 9)}"
        return f"{HOME_DIAL_CODE} {operator} {rng.randint(1_000_000, 9_999_999)}"
    country = COUNTRIES_BY_CODE.get(abroad.country_code)
    dial = country.dial_code if country is not None else "+1"
    return f"{dial} {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
