"""Runtime configuration from environment variables."""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Everything the server reads from its environment."""

    database_url: str | None
    environment: str
    max_body_bytes: int
    log_level: str

    @property
    def is_production(self) -> bool:
        """Production hides the IDE and introspection from the public."""
        return self.environment == "production"

    @classmethod
    def from_environment(cls) -> "Settings":
        """Read BRAINGAIN_* and DATABASE_URL."""
        return cls(
            database_url=os.environ.get("DATABASE_URL") or None,
            environment=os.environ.get("BRAINGAIN_ENV", "development"),
            max_body_bytes=int(os.environ.get("BRAINGAIN_MAX_BODY_BYTES", "100000")),
            log_level=os.environ.get("BRAINGAIN_LOG_LEVEL", "INFO"),
        )
