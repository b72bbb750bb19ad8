"""Statistics settings: contributions_config/stats.toml (small-cell suppression, series length)."""

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

FILE_VARIABLE = "BRAINGAIN_STATS_CONFIG"


class StatsConfigError(Exception):
    """The statistics file is unreadable or invalid; each error names the file and the key."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class StatsConfig(BaseModel):
    """How public figures are protected and how far back the monthly series go."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    minimum_cell_size: int = Field(default=5, ge=1, le=1000)
    months: int = Field(default=36, ge=1, le=240)


def default_path() -> Path:
    """$BRAINGAIN_STATS_CONFIG, else contributions_config/stats.toml beside the package."""
    configured = os.environ.get(FILE_VARIABLE)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[1] / "contributions_config" / "stats.toml"


def load_stats_config(path: Path | None = None) -> StatsConfig:
    """Parse and validate the statistics file; errors read `file: key: message`."""
    path = path if path is not None else default_path()
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise StatsConfigError([f"{path}: {error}"]) from error
    try:
        return StatsConfig.model_validate(data)
    except ValidationError as error:
        errors = []
        for detail in error.errors():
            key = ".".join(str(part) for part in detail["loc"]) or "(top level)"
            message = "unknown key" if detail["type"] == "extra_forbidden" else detail["msg"]
            errors.append(f"{path}: {key}: {message}")
        raise StatsConfigError(errors) from error
