"""Where engineers live, and which chapter covers each city abroad."""

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from db.seed.vocabulary.places import COUNTRIES, City

OFFSET_REFERENCE = datetime(2025, 1, 15, 12, tzinfo=UTC)


@dataclass(frozen=True)
class ChapterTarget:
    """A chapter row as the seed needs it: id, slug, countries and home time zone."""

    id: int
    slug: str
    countries: tuple[str, ...]
    timezone: str


def utc_offset_hours(timezone: str) -> float:
    """The zone's UTC offset in hours on a fixed winter day, so results never drift."""
    offset = OFFSET_REFERENCE.astimezone(ZoneInfo(timezone)).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def chapters_by_city(chapters: list[ChapterTarget]) -> dict[City, ChapterTarget]:
    """Each city abroad → the covering chapter whose time zone is nearest (US east vs west)."""
    covering: dict[City, ChapterTarget] = {}
    for country in COUNTRIES:
        candidates = [chapter for chapter in chapters if country.code in chapter.countries]
        for city in country.cities:
            if candidates:
                city_offset = utc_offset_hours(city.timezone)
                covering[city] = min(
                    candidates,
                    key=lambda chapter: (
                        abs(utc_offset_hours(chapter.timezone) - city_offset),
                        chapter.slug,
                    ),
                )
    return covering
