"""Per-request DataLoaders in one container, each built the first time a resolver asks for it."""

from functools import cached_property
from typing import Any

from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.database import RequestDatabase
from graph.loaders.base import RuledByIdLoader
from graph.loaders.contribution import ContributionLoaders
from graph.loaders.engineer import EngineerByIdLoader
from graph.loaders.event import EventLoaders
from graph.loaders.forum import ForumPostByIdLoader, ReadableForumThreadByIdLoader
from graph.loaders.notification import NotificationByIdLoader
from graph.services.visibility import forum_scope


class Loaders:
    """Every DataLoader of one request; never shared between requests. A request builds only
    the loaders its resolvers use (most use two or three of these)."""

    def __init__(
        self, database: RequestDatabase, viewer: Viewer, registry: ChapterRegistry
    ) -> None:
        self.database = database
        self.viewer = viewer
        self.registry = registry
        self._ruled: dict[str, RuledByIdLoader[Any]] = {}

    @classmethod
    def create(
        cls, database: RequestDatabase, viewer: Viewer, registry: ChapterRegistry
    ) -> "Loaders":
        """Fresh loaders bound to one request's database."""
        return cls(database, viewer, registry)

    def readable(self, type_name: str) -> RuledByIdLoader[Any]:
        """Rows of a node type by id, under the row rule its read declaration states for
        `node(id:)` (graph/reads/): the one predicate both paths apply."""
        from graph.compiler.mapping import NODE_VISIBILITY  # the declarations import us

        rule_name = NODE_VISIBILITY[type_name]
        assert rule_name is not None, f"{type_name} has no node rule"
        return self.ruled(rule_name)

    def ruled(self, rule_name: str) -> RuledByIdLoader[Any]:
        """Rows by id that pass a rule the read declarations name (graph/reads/: a row
        filter or a column mask), evaluated in SQL for this request's viewer."""
        found = self._ruled.get(rule_name)
        if found is None:
            from graph.compiler.mapping import RULES  # the declarations import us

            rule = RULES[rule_name]
            predicate = rule.predicate(self.viewer, self.registry)
            found = self._ruled[rule_name] = RuledByIdLoader(self.database, rule.model, predicate)
        return found

    @cached_property
    def events(self) -> EventLoaders:
        """The events domain's loaders, for this request."""
        return EventLoaders(self.database, self.viewer)

    @cached_property
    def contribution(self) -> ContributionLoaders:
        """The contribution engine's loaders, for this request."""
        return ContributionLoaders(self.database, self.viewer)

    @cached_property
    def engineer_by_id(self) -> EngineerByIdLoader:
        """EngineerByIdLoader, for this request."""
        return EngineerByIdLoader(self.database)

    @cached_property
    def notification_by_id(self) -> NotificationByIdLoader:
        """NotificationByIdLoader: the viewer's own notifications, for this request."""
        return NotificationByIdLoader(self.database, self.viewer)

    @cached_property
    def readable_forum_thread_by_id(self) -> ReadableForumThreadByIdLoader:
        """ReadableForumThreadByIdLoader, for this request's viewer."""
        return ReadableForumThreadByIdLoader(self.database, forum_scope(self.viewer))

    @cached_property
    def forum_post_by_id(self) -> ForumPostByIdLoader:
        """ForumPostByIdLoader, for this request."""
        return ForumPostByIdLoader(self.database)
