"""Hall of Fame voting rules: contributions_config/hall_of_fame.toml, validated strictly."""

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

FILE_VARIABLE = "BRAINGAIN_HALL_OF_FAME_CONFIG"


class HallOfFameConfigError(Exception):
    """The file is unreadable or invalid; each error names the file and the key."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class HallOfFameConfig(BaseModel):
    """The council's quorum and the share of votes in favour a nomination needs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    quorum: int = Field(ge=1, le=1000)
    """Votes a nomination needs before it can be inducted."""
    majority_percent: int = Field(ge=0, le=99)
    """Votes in favour must be more than this percentage of the votes cast."""

    def inducts(self, in_favour: int, against: int) -> bool:
        """Whether these votes induct a nomination: quorum reached, majority in favour."""
        cast = in_favour + against
        return cast >= self.quorum and in_favour * 100 > self.majority_percent * cast


def default_path() -> Path:
    """$BRAINGAIN_HALL_OF_FAME_CONFIG, else contributions_config/hall_of_fame.toml."""
    configured = os.environ.get(FILE_VARIABLE)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[1] / "contributions_config" / "hall_of_fame.toml"


def load_hall_of_fame_config(path: Path | None = None) -> HallOfFameConfig:
    """Parse and validate the file; errors read `file: key: message`."""
    path = path if path is not None else default_path()
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise HallOfFameConfigError([f"{path}: {error}"]) from error
    try:
        return HallOfFameConfig.model_validate(data)
    except ValidationError as error:
        errors = []
        for detail in error.errors():
            key = ".".join(str(part) for part in detail["loc"]) or "(top level)"
            message = "unknown key" if detail["type"] == "extra_forbidden" else detail["msg"]
            errors.append(f"{path}: {key}: {message}")
        raise HallOfFameConfigError(errors) from error
