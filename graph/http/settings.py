"""Configuration of the hardening layer: limits, budgets, timeouts, trusted documents."""

import os
from dataclasses import dataclass, field
from pathlib import Path

from graph.extensions.limits import Limits

ROOT = Path(__file__).resolve().parent.parent.parent


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, str(default)))


def _names(name: str) -> frozenset[str]:
    return frozenset(part.strip() for part in os.environ.get(name, "").split(",") if part.strip())


@dataclass(frozen=True)
class BudgetSettings:
    """A leaky bucket of cost points per client: `capacity` points, refilled at `restore_rate`/s."""

    capacity: int = 10_000
    restore_rate: float = 100.0
    key_prefix: str = ""


@dataclass(frozen=True)
class HardeningSettings:
    """Everything the limits, budget, timeout, trusted-document and IDE layers read."""

    limits: Limits = field(default_factory=Limits)
    budget: BudgetSettings = field(default_factory=BudgetSettings)
    request_timeout_seconds: float = 15.0
    statement_timeout_ms: int = 10_000
    trusted_documents: Path | None = None
    trusted_only_clients: frozenset[str] = frozenset()
    metrics_enabled: bool = True
    metrics_token: str | None = None
    """Bearer token `/metrics` asks for; in production without one, `/metrics` is not served."""
    websocket_connections_per_address: int = 20
    """Open WebSocket connections one client address may hold (per worker)."""
    websocket_init_timeout_seconds: float = 5.0
    """How long a socket may stay open without sending `connection_init`."""

    @classmethod
    def from_environment(cls) -> "HardeningSettings":
        """Read BRAINGAIN_* variables; unset ones keep the defaults (graphql-armor's limits)."""
        defaults = Limits()
        documents = os.environ.get("BRAINGAIN_TRUSTED_DOCUMENTS")
        default_documents = ROOT / "trusted_documents"
        return cls(
            limits=Limits(
                max_depth=_int("BRAINGAIN_MAX_DEPTH", defaults.max_depth),
                max_aliases=_int("BRAINGAIN_MAX_ALIASES", defaults.max_aliases),
                max_directives=_int("BRAINGAIN_MAX_DIRECTIVES", defaults.max_directives),
                max_tokens=_int("BRAINGAIN_MAX_TOKENS", defaults.max_tokens),
                max_characters=_int("BRAINGAIN_MAX_CHARACTERS", defaults.max_characters),
                max_cost=_int("BRAINGAIN_MAX_COST", defaults.max_cost),
                max_fragment_spreads=_int(
                    "BRAINGAIN_MAX_FRAGMENT_SPREADS", defaults.max_fragment_spreads
                ),
                max_expanded_selections=_int(
                    "BRAINGAIN_MAX_EXPANDED_SELECTIONS", defaults.max_expanded_selections
                ),
            ),
            budget=BudgetSettings(
                capacity=_int("BRAINGAIN_BUDGET_CAPACITY", BudgetSettings.capacity),
                restore_rate=_float("BRAINGAIN_BUDGET_RESTORE_RATE", BudgetSettings.restore_rate),
                key_prefix=os.environ.get("BRAINGAIN_BUDGET_PREFIX", BudgetSettings.key_prefix),
            ),
            request_timeout_seconds=_float("BRAINGAIN_REQUEST_TIMEOUT", 15.0),
            statement_timeout_ms=_int("BRAINGAIN_STATEMENT_TIMEOUT_MS", 10_000),
            trusted_documents=Path(documents)
            if documents
            else (default_documents if default_documents.exists() else None),
            trusted_only_clients=_names("BRAINGAIN_TRUSTED_ONLY_CLIENTS"),
            metrics_token=os.environ.get("BRAINGAIN_METRICS_TOKEN") or None,
            websocket_connections_per_address=_int("BRAINGAIN_WS_CONNECTIONS_PER_ADDRESS", 20),
            websocket_init_timeout_seconds=_float("BRAINGAIN_WS_INIT_TIMEOUT", 5.0),
        )
