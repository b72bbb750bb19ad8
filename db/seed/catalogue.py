"""Sectors, skills and institutions with their ids: the fixed vocabulary profiles refer to."""

import random
import re
from dataclasses import dataclass

from db.enums import Discipline, InstitutionKind
from db.seed.tables import Row
from db.seed.vocabulary.institutions import FOUNDED_WORDS, INSTITUTIONS, STARTUP_WORDS
from db.seed.vocabulary.places import HOME_CITIES, HOME_COUNTRY
from db.seed.vocabulary.taxonomy import SECTORS

BASE_INSTITUTIONS = 100
VERIFIED_SHARE = {
    InstitutionKind.UNIVERSITY: 1.0,
    InstitutionKind.GOVERNMENT: 1.0,
    InstitutionKind.COMPANY: 0.9,
    InstitutionKind.NGO: 0.8,
    InstitutionKind.STARTUP: 0.6,
}
KIND_PHRASES = {
    InstitutionKind.UNIVERSITY: "University",
    InstitutionKind.COMPANY: "Company",
    InstitutionKind.STARTUP: "Startup",
    InstitutionKind.GOVERNMENT: "Public body",
    InstitutionKind.NGO: "Non-profit",
}


@dataclass(frozen=True)
class SectorRef:
    """A seeded sector and the ids of its skills."""

    id: int
    slug: str
    name: str
    disciplines: tuple[Discipline, ...]
    postgraduate_fields: tuple[str, ...]
    skill_ids: tuple[int, ...]


@dataclass(frozen=True)
class InstitutionRef:
    """A seeded institution, as profiles need it."""

    id: int
    slug: str
    name: str
    kind: InstitutionKind
    city: str
    sectors: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    """Everything seeded before the engineers, with rows ready to load."""

    sectors: tuple[SectorRef, ...]
    skill_names: dict[int, str]
    institutions: tuple[InstitutionRef, ...]
    sector_rows: list[Row]
    skill_rows: list[Row]
    institution_rows: list[Row]


def slugify(text: str) -> str:
    """Lower-case words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _taxonomy() -> tuple[tuple[SectorRef, ...], dict[int, str], list[Row], list[Row]]:
    """Sector and skill refs and rows, numbered from 1 in vocabulary order."""
    sectors: list[SectorRef] = []
    skill_names: dict[int, str] = {}
    sector_rows: list[Row] = []
    skill_rows: list[Row] = []
    for sector_id, entry in enumerate(SECTORS, start=1):
        skill_ids: list[int] = []
        for name in entry.skills:
            skill_id = len(skill_names) + 1
            skill_names[skill_id] = name
            skill_ids.append(skill_id)
            skill_rows.append((skill_id, slugify(name), name, sector_id))
        sector_rows.append((sector_id, entry.slug, entry.name, entry.description))
        sectors.append(
            SectorRef(
                id=sector_id,
                slug=entry.slug,
                name=entry.name,
                disciplines=entry.disciplines,
                postgraduate_fields=entry.postgraduate_fields,
                skill_ids=tuple(skill_ids),
            )
        )
    return tuple(sectors), skill_names, sector_rows, skill_rows


def _generated_institutions(rng: random.Random, count: int) -> list[tuple[str, str, str, str]]:
    """`count` invented startups and firms as (name, kind, city, sector) beyond the base list."""
    names: list[tuple[str, str, str, str]] = []
    seen: set[str] = set()
    while len(names) < count:
        word = rng.choice(FOUNDED_WORDS)
        suffix, sector = rng.choice(STARTUP_WORDS)
        name = f"{word} {suffix}"
        if name in seen:
            name = f"{name} {rng.choice(HOME_CITIES).name}"
        if name in seen:
            continue
        seen.add(name)
        kind = InstitutionKind.STARTUP if rng.random() < 0.7 else InstitutionKind.COMPANY
        names.append((name, kind, rng.choice(HOME_CITIES).name, sector))
    return names


def _institutions(
    rng: random.Random, scale: float
) -> tuple[tuple[InstitutionRef, ...], list[Row]]:
    """The base institutions, plus invented ones in proportion when scale exceeds 1."""
    refs: list[InstitutionRef] = []
    rows: list[Row] = []
    slugs: set[str] = set()

    def add(name: str, kind: InstitutionKind, city: str, website: str | None, slug: str,
            focus: str, sectors: tuple[str, ...]) -> None:
        institution_id = len(refs) + 1
        while slug in slugs:
            slug = f"{slug}-{institution_id}"
        slugs.add(slug)
        description = f"{KIND_PHRASES[kind]} in {city}: {focus}."
        verified = rng.random() < VERIFIED_SHARE[kind]
        refs.append(InstitutionRef(institution_id, slug, name, kind, city, sectors))
        rows.append(
            (institution_id, slug, name, kind.value, HOME_COUNTRY, city, website, description,
             verified)
        )

    for entry in INSTITUTIONS:
        add(entry.name, entry.kind, entry.city, entry.website, entry.slug, entry.focus,
            entry.sectors)
    extra = max(0, round(BASE_INSTITUTIONS * scale) - len(INSTITUTIONS))
    for name, kind, city, sector in _generated_institutions(rng, extra):
        focus = f"{sector.replace('-', ' ')} products and services"
        add(name, InstitutionKind(kind), city, None, slugify(name), focus, (sector,))
    return tuple(refs), rows


def build_catalogue(rng: random.Random, scale: float) -> Catalogue:
    """Sectors, skills and institutions for a seed at `scale`."""
    sectors, skill_names, sector_rows, skill_rows = _taxonomy()
    institutions, institution_rows = _institutions(rng, scale)
    return Catalogue(
        sectors=sectors,
        skill_names=skill_names,
        institutions=institutions,
        sector_rows=sector_rows,
        skill_rows=skill_rows,
        institution_rows=institution_rows,
    )
