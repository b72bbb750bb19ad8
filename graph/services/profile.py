"""Profile rules: what an engineer may change on their own profile, and field visibility."""

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import FieldVisibility, ProfileField
from db.models import Engineer
from graph.services.problems import Problem, Rejected

LANGUAGE = re.compile(r"^[a-z]{2}$")
PHONE = re.compile(r"^\+[1-9][0-9 ]{6,20}$")
MAX_LANGUAGES = 20


class ProfileErrorCode(enum.Enum):
    """Why a profile mutation was refused."""

    INVALID = "INVALID"
    TOO_LONG = "TOO_LONG"
    UNKNOWN_TIMEZONE = "UNKNOWN_TIMEZONE"
    DUPLICATE_FIELD = "DUPLICATE_FIELD"


@dataclass(frozen=True)
class ProfileChanges:
    """Fields to change; None means leave as is."""

    name: str | None = None
    headline: str | None = None
    bio: str | None = None
    photo_url: str | None = None
    city: str | None = None
    timezone: str | None = None
    languages: tuple[str, ...] | None = None
    phone: str | None = None


def _check(changes: ProfileChanges) -> list[Problem]:
    problems: list[Problem] = []

    def length(name: str, value: str | None, maximum: int, minimum: int = 0) -> None:
        if value is not None and not minimum <= len(value.strip()) <= maximum:
            problems.append(
                Problem(
                    ProfileErrorCode.TOO_LONG,
                    f"Use {minimum}–{maximum} characters.",
                    ("input", name),
                )
            )

    length("name", changes.name, 120, 1)
    length("headline", changes.headline, 200)
    length("bio", changes.bio, 4000)
    length("city", changes.city, 100, 1)
    if (
        changes.photo_url is not None
        and changes.photo_url
        and (not changes.photo_url.startswith("https://") or len(changes.photo_url) > 500)
    ):
        problems.append(
            Problem(ProfileErrorCode.INVALID, "Use an https:// URL.", ("input", "photoUrl"))
        )
    if changes.timezone is not None:
        try:
            ZoneInfo(changes.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(
                Problem(
                    ProfileErrorCode.UNKNOWN_TIMEZONE,
                    "Not an IANA time zone.",
                    ("input", "timezone"),
                )
            )
    if changes.languages is not None and (
        len(changes.languages) > MAX_LANGUAGES
        or not all(LANGUAGE.match(code) for code in changes.languages)
    ):
        problems.append(
            Problem(
                ProfileErrorCode.INVALID,
                f"Use up to {MAX_LANGUAGES} ISO 639-1 codes (`en`, `ur`).",
                ("input", "languages"),
            )
        )
    if changes.phone and not PHONE.match(changes.phone):
        problems.append(
            Problem(
                ProfileErrorCode.INVALID,
                "Use international format: +92 300 1234567.",
                ("input", "phone"),
            )
        )
    return problems


async def update_profile(
    session: AsyncSession, engineer_id: int, changes: ProfileChanges
) -> Engineer:
    """Apply valid changes to the engineer's own profile (no commit)."""
    problems = _check(changes)
    if problems:
        raise Rejected(problems)
    row = await session.get_one(Engineer, engineer_id, with_for_update=True)
    for name in ("name", "headline", "bio", "city", "timezone"):
        value = getattr(changes, name)
        if value is not None:
            setattr(row, name, value.strip())
    if changes.photo_url is not None:
        row.photo_url = changes.photo_url or None
    if changes.phone is not None:
        row.phone = changes.phone or None
    if changes.languages is not None:
        row.languages = list(dict.fromkeys(changes.languages))
    await session.flush()
    await session.refresh(row)
    return row


async def update_visibility(
    session: AsyncSession, engineer_id: int, settings: Mapping[ProfileField, FieldVisibility]
) -> Engineer:
    """Set the visibility of some fields; the others keep theirs (no commit)."""
    row = await session.get_one(Engineer, engineer_id, with_for_update=True)
    merged = dict(row.field_visibility or {})
    merged.update({field.value: visibility.value for field, visibility in settings.items()})
    row.field_visibility = merged
    await session.flush()
    return row


def duplicate_fields(fields: list[ProfileField]) -> Rejected | None:
    """A Rejected naming fields given twice, or None."""
    repeated = sorted({field.name for field in fields if fields.count(field) > 1})
    if not repeated:
        return None
    return Rejected(
        [
            Problem(
                ProfileErrorCode.DUPLICATE_FIELD,
                f"Fields given more than once: {', '.join(repeated)}.",
                ("input", "settings"),
            )
        ]
    )
