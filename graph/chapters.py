"""Loads and validates chapters_config/*.toml into an immutable registry of chapter configs."""

import difflib
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    field_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from db.models.engineer import HANDLE_PATTERN
from db.models.taxonomy import SLUG_PATTERN
from graph.auth.scopes import Scope

DIRECTORY_VARIABLE = "BRAINGAIN_CHAPTERS_DIR"
ROLE_PATTERN = "^[a-z][a-z0-9-]*$"
REQUIRED_ROLES = ("member", "coordinator")

JoinPolicyName = Literal["open", "approval", "invite"]
MemberVisibleField = Literal[
    "email",
    "phone",
    "city",
    "timezone",
    "languages",
    "positions",
    "education",
    "skills",
    "sectors",
    "affiliations",
    "capacity",
    "pec_registration_number",
]


class ChapterConfigError(Exception):
    """One or more chapter files are invalid; each error names its file and key path."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(self.errors))


def _known_scope(value: object) -> Scope:
    """Parse a scope string, naming the closest known scope when it is misspelt."""
    if not isinstance(value, str):
        raise PydanticCustomError("scope_type", "a scope must be a string")
    try:
        return Scope(value)
    except ValueError:
        pass
    close = difflib.get_close_matches(value, [scope.value for scope in Scope], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise PydanticCustomError(
        "unknown_scope", "{scope} is not a known scope{hint}", {"scope": repr(value), "hint": hint}
    )


def _known_timezone(value: str) -> str:
    """Accept only IANA time zone names that zoneinfo can load."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise PydanticCustomError(
            "unknown_timezone", "{zone} is not an IANA time zone", {"zone": repr(value)}
        ) from None
    return value


def _slug_file_name(value: str) -> str:
    """Accept only file names that are slugs (lower-case words joined by hyphens)."""
    if re.fullmatch(SLUG_PATTERN, value) is None:
        raise PydanticCustomError(
            "slug_format",
            "file name {name} must be lower-case words joined by hyphens",
            {"name": repr(value)},
        )
    return value


def _no_duplicates(values: tuple[str, ...]) -> tuple[str, ...]:
    """Reject lists that name the same value twice."""
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise PydanticCustomError(
            "duplicate", "lists {values} more than once", {"values": ", ".join(repeated)}
        )
    return values


StrictText = Annotated[str, StringConstraints(strict=True, strip_whitespace=True, min_length=1)]
KnownScope = Annotated[Scope, BeforeValidator(_known_scope)]
CountryCode = Annotated[str, StringConstraints(strict=True, pattern="^[A-Z]{2}$")]
Handle = Annotated[str, StringConstraints(strict=True, pattern=HANDLE_PATTERN)]
RoleName = Annotated[str, StringConstraints(strict=True, pattern=ROLE_PATTERN, max_length=32)]


class _Strict(BaseModel):
    """Base for every config model: unknown keys are errors and instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RoleConfig(_Strict):
    """A chapter role and the scopes it grants inside that chapter."""

    scopes: Annotated[tuple[KnownScope, ...], AfterValidator(_no_duplicates)]
    description: StrictText


class FeaturesConfig(_Strict):
    """Which chapter features are switched on."""

    forum: StrictBool
    events: StrictBool
    mentorship_programmes: StrictBool
    marketplace: StrictBool


class ScorecardConfig(_Strict):
    """The targets a chapter's scorecard is measured against, over its window (statistics)."""

    window_days: Annotated[int, Field(ge=7, le=3650)] = 365
    events_held: Annotated[int, Field(ge=0, le=10_000)] = 4
    active_members: Annotated[int, Field(ge=0, le=1_000_000)] = 50
    engagements: Annotated[int, Field(ge=0, le=1_000_000)] = 10
    median_response_hours: Annotated[float, Field(gt=0, le=100_000)] = 168.0


class ChapterConfig(_Strict):
    """One chapter, as declared by chapters_config/<slug>.toml."""

    slug: Annotated[str, Field(max_length=64), AfterValidator(_slug_file_name)]
    name: Annotated[StrictText, Field(max_length=120)]
    region: Annotated[StrictText, Field(max_length=64)]
    description: StrictText
    countries: Annotated[
        tuple[CountryCode, ...], Field(min_length=1), AfterValidator(_no_duplicates)
    ]
    timezone: Annotated[StrictText, AfterValidator(_known_timezone)]
    join_policy: JoinPolicyName
    coordinators: Annotated[tuple[Handle, ...], Field(min_length=1), AfterValidator(_no_duplicates)]
    roles: dict[RoleName, RoleConfig]
    features: FeaturesConfig
    member_visible_fields: Annotated[tuple[MemberVisibleField, ...], AfterValidator(_no_duplicates)]
    scorecard: ScorecardConfig = ScorecardConfig()

    @field_validator("roles")
    @classmethod
    def _has_required_roles(cls, roles: dict[str, RoleConfig]) -> dict[str, RoleConfig]:
        """Every chapter needs the roles the portal assigns on its own."""
        missing = [role for role in REQUIRED_ROLES if role not in roles]
        if missing:
            raise PydanticCustomError(
                "missing_role", "must define the role(s) {roles}", {"roles": ", ".join(missing)}
            )
        return roles

    def scopes_for(self, role: str) -> frozenset[Scope]:
        """The scopes a member holding `role` has inside this chapter (none for unknown roles)."""
        config = self.roles.get(role)
        return frozenset(config.scopes) if config is not None else frozenset()


class ChapterRegistry(Mapping[str, ChapterConfig]):
    """Immutable mapping of chapter slug to its validated config, in slug order."""

    __slots__ = ("_chapters",)

    def __init__(self, chapters: Iterable[ChapterConfig] = ()) -> None:
        by_slug: dict[str, ChapterConfig] = {}
        for chapter in sorted(chapters, key=lambda chapter: chapter.slug):
            if chapter.slug in by_slug:
                raise ValueError(f"chapter {chapter.slug!r} given twice")
            by_slug[chapter.slug] = chapter
        self._chapters: Mapping[str, ChapterConfig] = MappingProxyType(by_slug)

    def __getitem__(self, slug: str) -> ChapterConfig:
        return self._chapters[slug]

    def __iter__(self) -> Iterator[str]:
        return iter(self._chapters)

    def __len__(self) -> int:
        return len(self._chapters)

    def __repr__(self) -> str:
        return f"ChapterRegistry({list(self._chapters)!r})"

    def coordinators(self) -> dict[str, list[str]]:
        """Chapter slug → coordinator handles, the shape db.seed expects."""
        return {slug: list(chapter.coordinators) for slug, chapter in self._chapters.items()}


def default_directory() -> Path:
    """$BRAINGAIN_CHAPTERS_DIR, else the chapters_config folder beside the package."""
    configured = os.environ.get(DIRECTORY_VARIABLE)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "chapters_config"


def _display(path: Path) -> str:
    """A path as short as possible for error messages: relative to the working directory."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _known_keys(location: tuple[int | str, ...]) -> list[str]:
    """The keys allowed in the table that holds `location`'s last key."""
    annotation: Any = ChapterConfig
    for part in location[:-1]:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            annotation = field.annotation if field is not None else None
        elif get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        else:
            return []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [name for name in annotation.model_fields if name != "slug"]
    return []


def _describe(error: ErrorDetails) -> str:
    """One validation error as `key.path: message`."""
    location = error["loc"]
    path = ".".join(str(part) for part in location) or "(top level)"
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(str(location[-1]), _known_keys(location), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"{path}: unknown key{hint}"
    if error["type"] == "missing":
        return f"{path}: required key is missing"
    return f"{path}: {error['msg']}"


def load_chapter(path: Path) -> ChapterConfig:
    """Parse and validate one chapter file; the slug is the file name without `.toml`."""
    name = _display(path)
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ChapterConfigError([f"{name}: {error}"]) from error
    errors: list[str] = []
    if "slug" in data:
        errors.append(f"{name}: slug: unknown key (the slug is the file name)")
        data.pop("slug")
    try:
        chapter = ChapterConfig.model_validate({**data, "slug": path.stem})
    except ValidationError as error:
        errors.extend(f"{name}: {_describe(detail)}" for detail in error.errors())
    if errors:
        raise ChapterConfigError(errors)
    return chapter


def load_registry(directory: Path | None = None) -> ChapterRegistry:
    """Load every chapters_config/*.toml, reporting all files' errors together."""
    directory = directory if directory is not None else default_directory()
    if not directory.is_dir():
        raise ChapterConfigError([f"{_display(directory)}: not a directory"])
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise ChapterConfigError([f"{_display(directory)}: no chapter files (*.toml)"])
    chapters: list[ChapterConfig] = []
    errors: list[str] = []
    for path in paths:
        try:
            chapters.append(load_chapter(path))
        except ChapterConfigError as error:
            errors.extend(error.errors)
    if errors:
        raise ChapterConfigError(errors)
    return ChapterRegistry(chapters)
