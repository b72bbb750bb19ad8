"""Rules for finding engineers: turning client criteria into a validated query filter."""

import re
from collections.abc import Sequence

from db.queries.engineer import EngineerFilter
from graph.errors import BadUserInput
from graph.ids import decode_id_of

MAX_FILTER_VALUES = 50
MAX_SEARCH_LENGTH = 200
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def check_list(
    name: str, values: Sequence[str] | None, pattern: re.Pattern[str] | None = None
) -> tuple[str, ...]:
    """Validate a filter list's size and, optionally, the shape of each value."""
    if not values:
        return ()
    if len(values) > MAX_FILTER_VALUES:
        raise BadUserInput(
            f"`{name}` takes at most {MAX_FILTER_VALUES} values, got {len(values)}.", argument=name
        )
    if pattern is not None:
        for value in values:
            if not pattern.match(value):
                raise BadUserInput(f"`{name}` has a malformed value {value[:64]!r}.", argument=name)
    return tuple(dict.fromkeys(values))


def check_search(search: str | None) -> str | None:
    """Validate a full-text search string; blank means no search."""
    if search is None or not search.strip():
        return None
    if len(search) > MAX_SEARCH_LENGTH:
        raise BadUserInput(
            f"`search` is limited to {MAX_SEARCH_LENGTH} characters.", argument="search"
        )
    return search.strip()


def build_filter(
    *,
    sectors: Sequence[str] | None = None,
    skills: Sequence[str] | None = None,
    disciplines: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
    chapter_id: str | None = None,
    offers: Sequence[str] | None = None,
    is_overseas: bool | None = None,
    pec_verified: bool | None = None,
    search: str | None = None,
) -> EngineerFilter:
    """An EngineerFilter from client input, or BadUserInput naming the offending argument."""
    return EngineerFilter(
        sector_slugs=check_list("sectors", sectors, SLUG),
        skill_slugs=check_list("skills", skills, SLUG),
        disciplines=check_list("disciplines", disciplines),
        country_codes=check_list("countries", countries, COUNTRY_CODE),
        chapter_id=decode_id_of(chapter_id, "Chapter") if chapter_id is not None else None,
        offers=check_list("offers", offers),
        is_overseas=is_overseas,
        pec_verified=pec_verified,
        search=check_search(search),
    )
