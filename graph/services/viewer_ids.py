"""The viewer's named id lists (db.queries.viewer_ids.ViewerIds), recomputed by name.

A statement rendered once for a shape of viewer names the id lists its rules read; each
request binds them for its own viewer from these names.
"""

from db.enums import ProfileField
from graph.auth.scopes import Scope
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.services.visibility import sharing_chapters


def resolve(name: str, viewer: Viewer, registry: ChapterRegistry) -> list[int]:
    """The ids the list `name` holds for this viewer: `scope:<scope>` (chapters where a role
    grants it), `sharing:<field>` (chapters showing the field to members), `a|b` (union)."""
    ids: set[int] = set()
    for part in name.split("|"):
        kind, _, argument = part.partition(":")
        if kind == "scope":
            ids.update(viewer.chapters_with_scope(Scope(argument)))
        elif kind == "sharing":
            ids.update(sharing_chapters(viewer, registry, ProfileField(argument)))
        else:
            raise ValueError(f"unknown viewer id list {name!r}")
    return sorted(ids)
