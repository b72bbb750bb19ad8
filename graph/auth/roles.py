"""Global roles and the scopes they grant everywhere (chapter roles live in chapters_config/)."""

from types import MappingProxyType

from db.enums import GlobalRole
from graph.auth.scopes import Scope

MEMBER_SCOPES = frozenset(
    {
        Scope.PROFILES_READ,
        Scope.PROFILES_WRITE,
        Scope.CHAPTERS_READ,
        Scope.MEMBERSHIPS_WRITE,
        Scope.FORUM_WRITE,
        Scope.OPPORTUNITIES_READ,
        Scope.OPPORTUNITIES_WRITE,
        Scope.ENGAGEMENTS_READ,
        Scope.ENGAGEMENTS_WRITE,
        Scope.CONSENT_MANAGE,
    }
)

GLOBAL_ROLE_SCOPES = MappingProxyType(
    {
        GlobalRole.MEMBER: MEMBER_SCOPES,
        GlobalRole.COUNCIL_ADMIN: frozenset(Scope),
    }
)

INSTITUTION_CLIENT_SCOPES = frozenset(
    {
        Scope.PROFILES_READ,
        Scope.CHAPTERS_READ,
        Scope.OPPORTUNITIES_READ,
        Scope.OPPORTUNITIES_WRITE,
    }
)
"""Scopes an institution's client-credentials client may be registered with."""


def parse_scopes(value: str | None) -> frozenset[Scope]:
    """Known scopes in a space-separated scope string; unknown ones are dropped."""
    known = {scope.value for scope in Scope}
    return frozenset(Scope(name) for name in (value or "").split() if name in known)


def format_scopes(scopes: frozenset[Scope] | set[Scope]) -> str:
    """A space-separated scope string in a stable order."""
    return " ".join(sorted(scope.value for scope in scopes))
