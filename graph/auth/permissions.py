"""Declarative permission checks: a scope, globally or inside the chapter of a loaded object."""

from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.errors import Forbidden, InsufficientScope, Unauthenticated


def requires(*scopes: Scope, chapter: bool = False) -> str:
    """The sentence appended to a field's description that states what it needs."""
    names = ", ".join(f"`{scope.value}`" for scope in scopes)
    where = " in the object's chapter (a chapter role or council admin)" if chapter else ""
    return f" Requires {names}{where}."


def require_engineer(viewer: Viewer) -> int:
    """The signed-in engineer's id; UNAUTHENTICATED for anonymous, FORBIDDEN for clients."""
    if not viewer.is_authenticated:
        raise Unauthenticated("Sign in: this operation needs an access token.")
    if viewer.engineer_id is None:
        raise Forbidden("Only a signed-in engineer can do this, not a client acting for itself.")
    return viewer.engineer_id


def require_scope(viewer: Viewer, scope: Scope) -> None:
    """Raise unless the viewer holds `scope` globally."""
    if not viewer.is_authenticated:
        raise Unauthenticated("Sign in: this operation needs an access token.")
    if viewer.has_scope(scope):
        return
    if scope not in viewer.scopes:
        raise InsufficientScope(
            f"The access token lacks the `{scope.value}` scope.", requiredScope=scope.value
        )
    raise Forbidden(f"Your role does not grant `{scope.value}`.", requiredScope=scope.value)


def require_own_engineer(viewer: Viewer, scope: Scope) -> int:
    """The signed-in engineer, who must hold `scope`, for what is theirs alone; FORBIDDEN
    otherwise."""
    if viewer.engineer_id is None:
        raise Forbidden("Only a signed-in engineer has this.")
    if not viewer.has_scope(scope):
        raise Forbidden(f"Requires `{scope.value}`.", requiredScope=scope.value)
    return viewer.engineer_id


def require_chapter_scope(viewer: Viewer, scope: Scope, chapter_id: int) -> None:
    """Raise unless the viewer holds `scope` inside this chapter."""
    if not viewer.is_authenticated:
        raise Unauthenticated("Sign in: this operation needs an access token.")
    if viewer.has_chapter_scope(scope, chapter_id):
        return
    if scope not in viewer.scopes:
        raise InsufficientScope(
            f"The access token lacks the `{scope.value}` scope.", requiredScope=scope.value
        )
    raise Forbidden(
        f"You hold no role granting `{scope.value}` in this chapter.", requiredScope=scope.value
    )
