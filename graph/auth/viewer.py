"""Who is asking: the authenticated principal a request acts for."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Viewer:
    """The principal behind a request; anonymous until the authorization issue lands."""

    engineer_id: int | None = None
    client_id: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        """True when the request carried valid credentials."""
        return self.engineer_id is not None or self.client_id is not None


ANONYMOUS = Viewer()
