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


_SCOPES_BY_NAME = MappingProxyType({scope.value: scope for scope in Scope})
"""Each scope by its string, built once (parsing runs on every token verified)."""


def parse_scopes(value: str | None) -> frozenset[Scope]:
    """Known scopes in a space-separated scope string; unknown ones are dropped."""
    return frozenset(
        _SCOPES_BY_NAME[name] for name in (value or "").split() if name in _SCOPES_BY_NAME
    )


def format_scopes(scopes: frozenset[Scope] | set[Scope]) -> str:
    """A space-separated scope string in a stable order."""
    return " ".join(sorted(scope.value for scope in scopes))
