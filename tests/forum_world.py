"""A forum with every kind of category, hidden content and a viewer of each kind, for tests."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Engineer, ForumCategory, ForumPost, ForumThread
from graph.auth.scopes import Scope
from graph.auth.viewer import ANONYMOUS, Viewer
from graph.chapters import ChapterRegistry
from graph.ids import encode_id
from tests import factories, viewers


@dataclass
class ForumWorld:
    """Rows and viewers by name."""

    engineers: dict[str, Engineer] = field(default_factory=dict)
    categories: dict[str, ForumCategory] = field(default_factory=dict)
    threads: dict[str, ForumThread] = field(default_factory=dict)
    posts: dict[str, ForumPost] = field(default_factory=dict)
    viewers: dict[str, Viewer] = field(default_factory=dict)

    def id(self, kind: str, name: str) -> str:
        """The global ID of a named thread, post or category."""
        tables: dict[str, dict[str, Any]] = {
            "ForumThread": self.threads,
            "ForumPost": self.posts,
            "ForumCategory": self.categories,
        }
        table = tables[kind]
        return encode_id(kind, table[name].id)


async def build(session: AsyncSession, registry: ChapterRegistry) -> ForumWorld:
    """gulf-uae (members-only lounge) and uk-ireland (public lounge) chapters, a global category;
    in each a thread with replies, one reply hidden, and a hidden thread."""
    world = ForumWorld()
    gulf = await factories.chapter(session, "gulf-uae")
    uk = await factories.chapter(session, "uk-ireland")
    people = {
        "author": (gulf, "member"),
        "member": (gulf, "member"),
        "moderator": (gulf, "moderator"),
        "uk_moderator": (uk, "moderator"),
        "uk_member": (uk, "member"),
        "outsider": (None, None),
        "admin": (None, None),
    }
    for name, (chapter, role) in people.items():
        engineer = await factories.engineer(session, handle=f"forum-{name.replace('_', '-')}")
        world.engineers[name] = engineer
        if chapter is not None:
            await factories.membership(session, engineer, chapter, role=role)
    await factories.account(session, world.engineers["admin"], global_role="COUNCIL_ADMIN")
    places: dict[str, dict[str, Any]] = {
        "gulf": {"kind": "CHAPTER", "chapter_id": gulf.id, "members_only": True},
        "uk": {"kind": "CHAPTER", "chapter_id": uk.id},
        "global": {"kind": "GLOBAL"},
    }
    for name, values in places.items():
        category = await factories.forum_category(
            session, slug=f"forum-{name}", name=f"Forum {name}", **values
        )
        world.categories[name] = category
        author = world.engineers["uk_member" if name == "uk" else "author"]
        thread = await factories.forum_thread(
            session,
            category,
            author,
            title=f"{name} question about solar",
            tags=["solar", name],
        )
        world.threads[name] = thread
        for number in range(3):
            replier = world.engineers["uk_moderator" if name == "uk" else "member"]
            world.posts[f"{name}-{number}"] = await factories.forum_post(
                session, thread, replier, body=f"{name} reply {number}", hidden=number == 1
            )
        world.threads[f"{name}-hidden"] = await factories.forum_thread(
            session, category, author, title=f"{name} hidden thread", hidden=True
        )
    for name in ("author", "member", "moderator", "uk_moderator", "outsider", "admin"):
        world.viewers[name] = await viewers.engineer(session, registry, world.engineers[name])
    world.viewers["anonymous"] = ANONYMOUS
    world.viewers["member_without_scope"] = await viewers.engineer(
        session, registry, world.engineers["member"], frozenset({Scope.PROFILES_READ})
    )
    return world
