"""Runtime configuration from environment variables."""

import os
from dataclasses import dataclass

DEFAULT_ISSUER = "http://127.0.0.1:8000"
ACCESS_TOKEN_MINUTES = 10


@dataclass(frozen=True)
class Settings:
    """Everything the server reads from its environment."""

    database_url: str | None
    environment: str
    max_body_bytes: int
    log_level: str
    issuer: str = DEFAULT_ISSUER
    access_token_seconds: int = ACCESS_TOKEN_MINUTES * 60

    @property
    def is_production(self) -> bool:
        """Production hides the IDE and introspection from the public."""
        return self.environment == "production"

    @property
    def audience(self) -> str:
        """The `aud` of every access token: this API's GraphQL endpoint."""
        return f"{self.issuer}/graphql"

    @classmethod
    def from_environment(cls) -> "Settings":
        """Read BRAINGAIN_* and DATABASE_URL."""
        return cls(
            database_url=os.environ.get("DATABASE_URL") or None,
            environment=os.environ.get("BRAINGAIN_ENV", "development"),
            max_body_bytes=int(os.environ.get("BRAINGAIN_MAX_BODY_BYTES", "100000")),
            log_level=os.environ.get("BRAINGAIN_LOG_LEVEL", "INFO"),
            issuer=os.environ.get("BRAINGAIN_ISSUER", DEFAULT_ISSUER).rstrip("/"),
            access_token_seconds=int(
                os.environ.get("BRAINGAIN_ACCESS_TOKEN_SECONDS", str(ACCESS_TOKEN_MINUTES * 60))
            ),
        )
