"""The `viewer` root field."""

from graph.context import Info
from graph.types.viewer import Viewer


def viewer(info: Info) -> Viewer:
    """Who is asking."""
    current = info.context.viewer
    return Viewer(
        is_authenticated=current.is_authenticated,
        engineer_pk=current.engineer_id,
        institution_pk=current.institution_id,
        scopes=sorted(scope.value for scope in current.scopes),
        client_id=current.client_id,
    )
