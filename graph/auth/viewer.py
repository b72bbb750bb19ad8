"""Who is asking: the authenticated principal a request acts for."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from db.enums import GlobalRole
from db.queries.viewer_ids import ViewerIds
from graph.auth.roles import GLOBAL_ROLE_SCOPES
from graph.auth.scopes import Scope


@dataclass(frozen=True)
class ChapterRole:
    """The viewer's active membership of one chapter and the scopes its role grants there."""

    chapter_id: int
    slug: str
    role: str
    scopes: frozenset[Scope]


@dataclass(frozen=True)
class Viewer:
    """The principal behind a request: an engineer (through some client), a client, or nobody.

    `scopes` are what the access token carries: the ceiling of everything the viewer may do.
    An engineer's global role and chapter roles decide, under that ceiling, where each applies.
    """

    engineer_id: int | None = None
    client_id: str | None = None
    institution_id: int | None = None
    scopes: frozenset[Scope] = field(default_factory=frozenset)
    global_role: GlobalRole | None = None
    chapter_roles: Mapping[int, ChapterRole] = field(default_factory=lambda: MappingProxyType({}))
    token_id: str | None = None

    @property
    def is_authenticated(self) -> bool:
        """True when the request carried valid credentials."""
        return self.engineer_id is not None or self.client_id is not None

    @property
    def is_engineer(self) -> bool:
        """True when the request acts for a signed-in engineer."""
        return self.engineer_id is not None

    @property
    def is_council_admin(self) -> bool:
        """True for council administrators (who hold every scope in every chapter)."""
        return self.global_role is GlobalRole.COUNCIL_ADMIN

    def has_scope(self, scope: Scope) -> bool:
        """May the viewer use `scope` everywhere (token scope and global grant)?"""
        if scope not in self.scopes:
            return False
        if self.engineer_id is None:
            return self.client_id is not None  # a client holds what it was issued
        role = self.global_role or GlobalRole.MEMBER
        return scope in GLOBAL_ROLE_SCOPES[role]

    def has_chapter_scope(self, scope: Scope, chapter_id: int) -> bool:
        """May the viewer use `scope` inside this chapter (globally or through a chapter role)?"""
        if self.has_scope(scope):
            return True
        role = self.chapter_roles.get(chapter_id)
        return role is not None and scope in self.scopes and scope in role.scopes

    def chapters_with_scope(self, scope: Scope) -> tuple[int, ...]:
        """Chapters in which a chapter role grants the viewer `scope` (sorted ids), named
        `scope:<scope>`: a statement takes them as one parameter (db.queries.viewer_ids)."""
        if scope not in self.scopes:
            return ViewerIds(f"scope:{scope.value}", ())
        return ViewerIds(
            f"scope:{scope.value}",
            (chapter_id for chapter_id, role in self.chapter_roles.items() if scope in role.scopes),
        )


ANONYMOUS = Viewer()
