"""Who may do what at the HTTP edge: introspection, the IDE, untrusted documents."""

from graph.auth.viewer import Viewer
from graph.settings import Settings


def may_introspect(viewer: Viewer, settings: Settings) -> bool:
    """Introspection (and the IDE) are open in development; in production only to council admins."""
    return not settings.is_production or viewer.is_council_admin


def requires_trusted_documents(viewer: Viewer, restricted_clients: frozenset[str]) -> bool:
    """True for clients allowed to run registered operations only (`*` restricts everyone)."""
    if "*" in restricted_clients:
        return True
    return viewer.client_id is not None and viewer.client_id in restricted_clients
