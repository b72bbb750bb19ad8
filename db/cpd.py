"""CPD rules and badge thresholds: contributions_config/cpd.toml, validated strictly."""

import os
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from db.enums import EngagementKind

FILE_VARIABLE = "BRAINGAIN_CPD_CONFIG"
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class CpdConfigError(Exception):
    """The CPD file is unreadable or invalid; each error names the file and the key."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class _Strict(BaseModel):
    """Unknown keys are errors; values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class BadgeRule(_Strict):
    """A badge and the thresholds (all of them) that earn it."""

    slug: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=80)
    description: str = Field(min_length=1, max_length=300)
    min_hours: Decimal = Field(default=Decimal(0), ge=0)
    min_engagements: int = Field(default=0, ge=0)
    min_cpd_points: Decimal = Field(default=Decimal(0), ge=0)


class CpdConfig(_Strict):
    """Points per countersigned hour and per countersigned milestone, by kind; the badges."""

    points_per_hour: dict[EngagementKind, Decimal]
    milestone_bonus: dict[EngagementKind, Decimal]
    badges: tuple[BadgeRule, ...] = ()

    @model_validator(mode="after")
    def _complete(self) -> "CpdConfig":
        for table in ("points_per_hour", "milestone_bonus"):
            rates: dict[EngagementKind, Decimal] = getattr(self, table)
            missing = [kind.value for kind in EngagementKind if kind not in rates]
            if missing:
                raise ValueError(f"{table}: missing kinds {', '.join(missing)}")
            if any(rate < 0 for rate in rates.values()):
                raise ValueError(f"{table}: rates must not be negative")
        slugs = [badge.slug for badge in self.badges]
        if len(set(slugs)) != len(slugs):
            raise ValueError("badges: slugs must be unique")
        return self

    def points(self, kind: str, hours: Decimal, *, milestone: bool) -> Decimal:
        """CPD points for `hours` of countersigned work of `kind` (plus a milestone's bonus)."""
        earned = hours * self.points_per_hour[EngagementKind(kind)]
        if milestone:
            earned += self.milestone_bonus[EngagementKind(kind)]
        return earned.quantize(Decimal("0.01"))

    def badges_for(self, hours: Decimal, engagements: int, cpd_points: Decimal) -> list[BadgeRule]:
        """Badges whose every threshold the totals reach, in file order."""
        return [
            badge
            for badge in self.badges
            if hours >= badge.min_hours
            and engagements >= badge.min_engagements
            and cpd_points >= badge.min_cpd_points
        ]


def default_path() -> Path:
    """$BRAINGAIN_CPD_CONFIG, else contributions_config/cpd.toml beside the package."""
    configured = os.environ.get(FILE_VARIABLE)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[1] / "contributions_config" / "cpd.toml"


def load_cpd_config(path: Path | None = None) -> CpdConfig:
    """Parse and validate the CPD file; errors read `file: key.path: message`."""
    path = path if path is not None else default_path()
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CpdConfigError([f"{path}: {error}"]) from error
    try:
        return CpdConfig.model_validate(data)
    except ValidationError as error:
        errors = []
        for detail in error.errors():
            key = ".".join(str(part) for part in detail["loc"]) or "(top level)"
            message = "unknown key" if detail["type"] == "extra_forbidden" else detail["msg"]
            errors.append(f"{path}: {key}: {message}")
        raise CpdConfigError(errors) from error
